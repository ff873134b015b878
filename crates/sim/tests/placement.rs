//! Placement strategies and constraints: the reference's documented behaviours (§1).

mod common;
use common::*;
use serde_json::json;

fn instances(list: &[(&str, &str)]) -> serde_json::Value {
    json!(list.iter().map(|(ty, az)| json!({"instanceType": ty, "availabilityZone": az})).collect::<Vec<_>>())
}

fn service(name: &str, count: u32, strategy: serde_json::Value, constraints: serde_json::Value) -> serde_json::Value {
    json!({"serviceName": name, "taskDefinition": "app", "desiredCount": count, "launchType": "EC2", "placementStrategy": strategy, "placementConstraints": constraints})
}

#[test]
fn binpack_memory_fills_the_instance_with_least_remaining_memory() {
    // An r5.large (16 GiB) and an m5.large (8 GiB): binpack on memory fills the smaller first,
    // "the instance with the least amount of remaining memory but still enough to run the task".
    let d = doc(instances(&[("r5.large", "us-east-1a"), ("m5.large", "us-east-1a")]), json!([td("app", 0, 2048, json!([]))]), json!([service("s", 4, json!([{"type": "binpack", "field": "memory"}]), json!([]))]));
    let s = run(&d, 60);
    assert_eq!(per_instance(&s, "service:s"), vec![1, 3], "m5.large (7985 MiB) takes 3 x 2048 before the r5");
}

#[test]
fn binpack_cpu() {
    let d = doc(instances(&[("c5.xlarge", "us-east-1a"), ("c5.large", "us-east-1a")]), json!([td("app", 1024, 128, json!([]))]), json!([service("s", 3, json!([{"type": "binpack", "field": "cpu"}]), json!([]))]));
    let s = run(&d, 60);
    assert_eq!(per_instance(&s, "service:s"), vec![1, 2]);
}

#[test]
fn spread_instance_id_balances_tasks() {
    let d = doc(instances(&[("m5.large", "us-east-1a"), ("m5.large", "us-east-1a"), ("m5.large", "us-east-1b")]), json!([td("app", 128, 128, json!([]))]), json!([service("s", 7, json!([{"type": "spread", "field": "instanceId"}]), json!([]))]));
    let s = run(&d, 60);
    let mut counts = per_instance(&s, "service:s");
    counts.sort();
    assert_eq!(counts, vec![2, 2, 3]);
}

#[test]
fn spread_availability_zone_then_binpack_memory_is_the_documented_chain() {
    // [spread AZ, binpack memory]: "distributes tasks evenly across Availability Zones and then
    // bin packs tasks based on memory within each Availability Zone".
    let d = doc(
        instances(&[("m5.large", "us-east-1a"), ("r5.large", "us-east-1a"), ("m5.large", "us-east-1b"), ("r5.large", "us-east-1b")]),
        json!([td("app", 0, 1024, json!([]))]),
        json!([service("s", 6, json!([{"field": "attribute:ecs.availability-zone", "type": "spread"}, {"field": "memory", "type": "binpack"}]), json!([]))]),
    );
    let s = run(&d, 60);
    assert_eq!(per_instance(&s, "service:s"), vec![3, 0, 3, 0], "3 per AZ, all on the smaller instance of each AZ");
}

#[test]
fn spread_availability_zone_then_instance_id() {
    let d = doc(
        instances(&[("m5.large", "us-east-1a"), ("m5.large", "us-east-1a"), ("m5.large", "us-east-1b"), ("m5.large", "us-east-1b")]),
        json!([td("app", 0, 256, json!([]))]),
        json!([service("s", 4, json!([{"field": "attribute:ecs.availability-zone", "type": "spread"}, {"field": "instanceId", "type": "spread"}]), json!([]))]),
    );
    let s = run(&d, 60);
    assert_eq!(per_instance(&s, "service:s"), vec![1, 1, 1, 1]);
}

#[test]
fn default_service_strategy_spreads_across_zones_then_instances() {
    let d = doc(instances(&[("m5.large", "us-east-1a"), ("m5.large", "us-east-1a"), ("m5.large", "us-east-1b"), ("m5.large", "us-east-1c")]), json!([td("app", 0, 256, json!([]))]), json!([service("s", 6, json!([]), json!([]))]));
    let s = run(&d, 60);
    // 2 per AZ; in us-east-1a one each on the two instances.
    assert_eq!(per_instance(&s, "service:s"), vec![1, 1, 2, 2]);
}

#[test]
fn random_is_seeded_and_reproducible() {
    let make = |seed: u64| {
        let mut d = doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 20}]), json!([td("app", 0, 128, json!([]))]), json!([service("s", 10, json!([{"type": "random"}]), json!([]))]));
        d["seed"] = json!(seed);
        hosts(&run(&d, 60), "service:s")
    };
    assert_eq!(make(1), make(1));
    assert_ne!(make(1), make(2), "a different seed should pick differently");
    let spread: std::collections::BTreeSet<String> = make(1).into_iter().collect();
    assert!(spread.len() > 3, "random should not pile everything on one instance");
}

#[test]
fn distinct_instance_places_each_task_on_a_different_instance() {
    let d = doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 3}]), json!([td("app", 0, 128, json!([]))]), json!([service("s", 5, json!([{"type": "binpack", "field": "memory"}]), json!([{"type": "distinctInstance"}]))]));
    let s = run(&d, 60);
    assert_eq!(per_instance(&s, "service:s"), vec![1, 1, 1]);
    let events: Vec<&str> = s.log.iter().filter(|e| e.kind == "service").map(|e| e.message.as_str()).collect();
    assert!(events.iter().any(|m| m.contains("was unable to place a task because no container instance met all of its requirements") && m.contains("placement constraints")), "{events:#?}");
}

#[test]
fn member_of_places_only_on_matching_instances() {
    let d = doc(
        json!([
            {"instanceType": "t2.small", "availabilityZone": "us-east-1a"},
            {"instanceType": "m5.large", "availabilityZone": "us-east-1a"},
            {"instanceType": "t2.medium", "availabilityZone": "us-east-1b"}
        ]),
        json!([td("app", 0, 128, json!([]))]),
        json!([service("s", 4, json!([]), json!([{"expression": "attribute:ecs.instance-type =~ t2.*", "type": "memberOf"}]))]),
    );
    let s = run(&d, 60);
    assert_eq!(per_instance(&s, "service:s"), vec![2, 0, 2]);
}

#[test]
fn member_of_with_no_match_leaves_the_task_unplaced() {
    let d = doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a"}]), json!([td("app", 0, 128, json!([]))]), json!([service("s", 1, json!([]), json!([{"expression": "attribute:ecs.instance-type == t2.small", "type": "memberOf"}]))]));
    let s = run(&d, 60);
    assert_eq!(per_instance(&s, "service:s"), vec![0]);
    assert!(s.services[0].unplaced.is_some());
}

#[test]
fn task_group_affinity_constraint() {
    // Q16: `task:group == databases` places next to tasks of the databases group.
    let mut d = doc(
        json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 3}]),
        json!([td("app", 0, 128, json!([])), td("db", 0, 128, json!([]))]),
        json!([service("s", 3, json!([]), json!([{"expression": "task:group == databases", "type": "memberOf"}]))]),
    );
    d["tasks"] = json!([{"taskDefinition": "db", "group": "databases", "launchType": "EC2", "placementConstraints": [{"type": "memberOf", "expression": "ec2InstanceId == placeholder"}]}]);
    // Pin the database to the second instance by id.
    let s0 = sim(&d);
    let second = s0.instances[1].spec.ec2_instance_id.clone();
    d["tasks"][0]["placementConstraints"][0]["expression"] = json!(format!("ec2InstanceId == {second}"));
    d["services"][0]["taskDefinition"] = json!("app");
    // The service can't place until the database task exists; the scheduler retries.
    let mut s = sim(&d);
    run_sim(&mut s, 120);
    let db = hosts(&s, "databases");
    assert_eq!(db, vec![second.clone()]);
    let app = hosts(&s, "service:s");
    assert!(app.iter().all(|h| *h == second) && !app.is_empty(), "{app:?}");
}

#[test]
fn placement_explanations_name_the_stage_and_rank() {
    let d = doc(
        json!([
            {"instanceType": "t3.micro", "availabilityZone": "us-east-1a"},
            {"instanceType": "m5.large", "availabilityZone": "us-east-1a"},
            {"instanceType": "m5.xlarge", "availabilityZone": "us-east-1b"}
        ]),
        json!([td("app", 0, 2048, json!([]))]),
        json!([service("s", 1, json!([{"type": "binpack", "field": "memory"}]), json!([]))]),
    );
    let s = run(&d, 60);
    let e = s.explanations()[0];
    assert_eq!(e.eligible, 2);
    assert_eq!(e.dropped().get("memory"), Some(&1));
    let candidates = e.candidates(&s.instances);
    let micro = &candidates[0];
    assert_eq!(micro.dropped_at, Some("memory"));
    assert!(micro.reason.as_deref().unwrap().contains("needs 2048 MiB"));
    let chosen: Vec<_> = candidates.iter().filter(|c| c.chosen).collect();
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0].rank, Some(1));
    assert_eq!(chosen[0].ec2_instance_id, s.instances[1].spec.ec2_instance_id);
    assert!(e.outcome(&s.instances).contains("binpack(memory)"));
}

#[test]
fn insufficient_memory_event_uses_ecs_wording() {
    let d = doc(json!([{"instanceType": "t3.micro", "availabilityZone": "us-east-1a"}]), json!([td("app", 0, 4096, json!([]))]), json!([service("s", 1, json!([]), json!([]))]));
    let s = run(&d, 60);
    let msg = &s.log.iter().find(|e| e.kind == "service").unwrap().message;
    assert!(msg.starts_with("(service s) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance "), "{msg}");
    assert!(msg.contains("has insufficient memory available"), "{msg}");
}

#[test]
fn scale_in_keeps_the_zones_balanced() {
    let mut d = doc(
        json!([
            {"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2},
            {"instanceType": "m5.large", "availabilityZone": "us-east-1b", "count": 2}
        ]),
        json!([td("app", 0, 128, json!([]))]),
        json!([service("s", 8, json!([]), json!([]))]),
    );
    d["timeline"] = json!([{"at": "2m", "action": "UpdateService", "input": {"service": "s", "desiredCount": 3}}]);
    let s = run(&d, 600);
    let counts = per_instance(&s, "service:s");
    assert_eq!(counts.iter().sum::<usize>(), 3);
    let a = counts[0] + counts[1];
    let b = counts[2] + counts[3];
    assert!((a as i64 - b as i64).abs() <= 1, "{counts:?}");
    assert!(counts.iter().all(|&c| c <= 1), "scale-in favours the instances with the most tasks: {counts:?}");
}

#[test]
fn explanation_notes_read_in_words_with_their_ranked_scores() {
    // A c5.large (2048 CPU units) can't take a 3072-unit task; two c5.2xlarge (8192) can. With
    // spread(attribute:ecs.availability-zone) then binpack(cpu), the second task's notes rank
    // the empty zone's instance first and spell out the refusal.
    let d = doc(
        instances(&[("c5.large", "us-east-1a"), ("c5.2xlarge", "us-east-1a"), ("c5.2xlarge", "us-east-1b")]),
        json!([td("app", 3072, 128, json!([]))]),
        json!([service("s", 2, json!([{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "cpu"}]), json!([]))]),
    );
    let s = run(&d, 60);
    let e = s.explanations()[1];
    let c = e.candidates(&s.instances);
    assert_eq!(c.len(), 3);
    assert_eq!((c[0].dropped_at, c[0].reason.as_deref()), (Some("cpu"), Some("needs 3072 CPU units, 2048 remaining")));
    assert_eq!(c[0].ec2_instance_id, s.instances[0].spec.ec2_instance_id);
    assert_eq!(c[2].availability_zone, "us-east-1b");
    // The first task took one zone: its zone's instance scores 1 task, the other 0.
    let scored: Vec<(Vec<(&str, i64)>, Option<u32>, bool)> = c[1..].iter().map(|n| (n.scores.clone(), n.rank, n.chosen)).collect();
    let (first, second) = (&scored[0], &scored[1]);
    assert_eq!(first.0.iter().map(|(l, _)| *l).collect::<Vec<_>>(), ["tasks in AZ", "CPU left"]);
    assert_ne!(first.0[0].1, second.0[0].1, "one zone holds the first task");
    let winner = if first.1 == Some(1) { first } else { second };
    assert!(winner.2 && winner.0[0].1 == 0, "the empty zone's instance ranks first and is chosen: {scored:?}");
}
