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

#[test]
fn an_auto_scaling_group_past_the_cluster_quota_is_refused_before_any_instance_is_built() {
    let path = format!("{}/../../www/scenarios/cluster-auto-scaling.json", env!("CARGO_MANIFEST_DIR"));
    let lesson: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for (key, value) in [("DesiredCapacity", 5_000_000_000i64), ("MaxSize", 5_000_000_000)] {
        let mut d = lesson.clone();
        d["autoScalingGroups"][0][key] = json!(value);
        // Before: 5 billion instance specs were built before the quota check (a 16 GB load).
        let errs = errors(&d);
        assert!(errs.iter().any(|(p, _)| p.starts_with("$.autoScalingGroups[0]")), "{key}: {errs:?}");
    }
    let mut d = lesson.clone();
    d["autoScalingGroups"][0]["MaxSize"] = json!(5001);
    assert_error(&d, "$.autoScalingGroups[0].MaxSize", "holds at most 5000 instances");
}

#[test]
fn an_alarm_longer_than_cloudwatch_allows_is_refused() {
    let path = format!("{}/../../www/scenarios/step-scaling.json", env!("CARGO_MANIFEST_DIR"));
    let lesson: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let with = |period: i64, n: i64| {
        let mut d = lesson.clone();
        d["alarms"][0]["Period"] = json!(period);
        d["alarms"][0]["EvaluationPeriods"] = json!(n);
        d["alarms"][0].as_object_mut().unwrap().remove("DatapointsToAlarm");
        d
    };
    // Under an hour, one day at most; an hour or more, seven days (PutMetricAlarm's Period).
    assert!(errors(&with(60, 1440)).is_empty(), "{:?}", errors(&with(60, 1440)));
    assert_error(&with(60, 1441), "$.alarms[0].EvaluationPeriods", "can't be more than 86400 seconds");
    assert!(errors(&with(3600, 168)).is_empty(), "{:?}", errors(&with(3600, 168)));
    assert_error(&with(3600, 169), "$.alarms[0].EvaluationPeriods", "can't be more than 604800 seconds");
    assert_error(&with(60, 5_000_000_000), "$.alarms[0].EvaluationPeriods", "one day");
}
