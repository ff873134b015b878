//! An untrusted scenario that would exhaust a browser tab is refused at the JSON path that
//! crosses the bound, with a message saying why; one just under it loads.

mod common;
use common::*;
use serde_json::json;

fn many(services: usize, desired: u32) -> serde_json::Value {
    let services: Vec<_> = (0..services).map(|k| json!({"serviceName": format!("s{k}"), "taskDefinition": "app", "desiredCount": desired, "launchType": "EC2"})).collect();
    doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 1}]), json!([td("app", 64, 64, json!([]))]), json!(services))
}

#[test]
fn a_scenario_that_could_run_too_many_tasks_is_refused_where_it_crosses_the_bound() {
    // Eleven services of 5,000 (each within ECS's per-service quota): the eleventh crosses 50,000.
    assert_error(&many(11, 5000), "$.services[10].desiredCount", "could run 55000 tasks at once: Stevedore runs at most 50000");
    assert!(errors(&many(10, 5000)).is_empty(), "{:?}", errors(&many(10, 5000)));
}

#[test]
fn scaling_maximums_count_toward_the_bound() {
    let mut d = many(10, 10);
    d["scalableTargets"] = json!((0..10).map(|k| json!({"ServiceNamespace": "ecs", "ResourceId": format!("service/default/s{k}"), "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 5000})).collect::<Vec<_>>());
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    d["timeline"] = json!((0..101).map(|k| json!({"at": format!("{}m", k + 1), "action": "RunTask", "input": {"taskDefinition": "app", "count": 10}})).collect::<Vec<_>>());
    assert_error(&d, "$.timeline", "could run 51010 tasks at once");
}
