//! Shared helpers: build scenarios from JSON, run them to a time while checking invariants
//! after every event.
#![allow(dead_code)]

use serde_json::{json, Value};
use stevedore_sim::{load, Sim};

pub fn sim(doc: &Value) -> Sim {
    let scenario = load(&doc.to_string()).unwrap_or_else(|e| panic!("scenario should load: {e:?}"));
    Sim::new(scenario)
}

/// Runs to `until_s`, event by event, asserting the invariants after each (step-bounded).
pub fn run(doc: &Value, until_s: u64) -> Sim {
    let mut s = sim(doc);
    run_sim(&mut s, until_s);
    s
}

pub fn run_sim(s: &mut Sim, until_s: u64) {
    let until = until_s * 1000;
    for _ in 0..1_000_000 {
        match s.next_event_time() {
            Some(t) if t <= until => {
                s.advance_to(t);
                if let Err(e) = s.check_invariants() {
                    panic!("invariant broken at {t} ms: {e}");
                }
            }
            _ => break,
        }
    }
    s.advance_to(until);
}

/// The validation errors as `(path, message)`.
pub fn errors(doc: &Value) -> Vec<(String, String)> {
    match load(&doc.to_string()) {
        Ok(_) => vec![],
        Err(e) => e.into_iter().map(|e| (e.path, e.message)).collect(),
    }
}

/// Asserts that some error sits at `path` and its message contains `needle`.
pub fn assert_error(doc: &Value, path: &str, needle: &str) {
    let errs = errors(doc);
    assert!(
        errs.iter().any(|(p, m)| p == path && m.contains(needle)),
        "expected an error at {path} containing {needle:?}, got {errs:#?}"
    );
}

/// A bridge task definition with one container.
pub fn td(family: &str, cpu: u32, memory: u32, ports: Value) -> Value {
    json!({"family": family, "containerDefinitions": [{"name": "app", "image": "app:1", "cpu": cpu, "memory": memory, "portMappings": ports}]})
}

pub fn doc(instances: Value, task_definitions: Value, services: Value) -> Value {
    json!({"stevedore": 1, "seed": 1, "containerInstances": instances, "taskDefinitions": task_definitions, "services": services})
}

/// EC2 instance id of the instance each live task of `group` runs on, in task order.
pub fn hosts(s: &Sim, group: &str) -> Vec<String> {
    s.tasks.iter().filter(|t| t.live() && t.group == group).filter_map(|t| t.instance).map(|i| s.instances[i].spec.ec2_instance_id.clone()).collect()
}

/// Count of live tasks per instance (in instance order) for a group.
pub fn per_instance(s: &Sim, group: &str) -> Vec<usize> {
    (0..s.instances.len()).map(|i| s.tasks.iter().filter(|t| t.live() && t.group == group && t.instance == Some(i)).count()).collect()
}
