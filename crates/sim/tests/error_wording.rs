//! Errors in the words of the person editing JSON, one per cause, at exact JSON paths.

mod common;
use common::*;
use serde_json::json;

/// A service behind a target group, scaled by Application Auto Scaling and fed traffic: many
/// places that refer to the service `web`, its task definition `app` and target group `web-tg`.
fn base() -> serde_json::Value {
    let mut d = doc(
        json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a"}]),
        json!([td("app", 0, 128, json!([{"containerPort": 80}]))]),
        json!([{"serviceName": "web", "taskDefinition": "app", "desiredCount": 1,
                "loadBalancers": [{"targetGroupArn": "web-tg", "containerName": "app", "containerPort": 80}]}]),
    );
    d["targetGroups"] = json!([{"Name": "web-tg", "Protocol": "HTTP", "Port": 80}]);
    d["scalableTargets"] = json!([{"ServiceNamespace": "ecs", "ResourceId": "service/default/web", "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 4}]);
    d["timeline"] = json!([{"at": "5m", "action": "UpdateService", "input": {"service": "web", "desiredCount": 2}}]);
    d
}

#[test]
fn the_base_is_valid() {
    assert_eq!(errors(&base()), vec![]);
}

#[test]
fn type_errors_name_json_types_not_rust_types() {
    let mut d = base();
    d["services"][0]["desiredCount"] = json!("two");
    d["targetGroups"][0]["Port"] = json!([80]);
    d["seed"] = json!(1);
    let errs = errors(&d);
    let at = |p: &str| errs.iter().find(|(q, _)| q == p).map(|(_, m)| m.clone()).unwrap_or_else(|| panic!("no error at {p}: {errs:#?}"));
    assert_eq!(at("$.services[0].desiredCount"), "wrong type: found the text \"two\", expected a whole number");
    assert!(at("$.targetGroups[0].Port").contains("found a list, expected a whole number"));
    for (_, m) in &errs {
        for rust in ["i64", "u32", "u64", "f64", "sequence", "untagged enum", "struct "] {
            assert!(!m.contains(rust), "{m}");
        }
    }
}

#[test]
fn a_broken_service_is_reported_once_not_at_every_reference() {
    let mut d = base();
    d["services"][0]["desiredCount"] = json!("two");
    let errs = errors(&d);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].0, "$.services[0].desiredCount");
}

#[test]
fn a_broken_task_definition_or_target_group_hides_only_its_consequences() {
    let mut d = base();
    d["taskDefinitions"][0]["cpu"] = json!(true);
    d["targetGroups"][0]["Port"] = json!("eighty");
    // A genuinely missing name is a cause, and stays.
    d["timeline"].as_array_mut().unwrap().push(json!({"at": "6m", "action": "UpdateService", "input": {"service": "api", "desiredCount": 2}}));
    let errs = errors(&d);
    let paths: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
    assert!(paths.contains(&"$.taskDefinitions[0].cpu"), "{errs:#?}");
    assert!(paths.contains(&"$.targetGroups[0].Port"), "{errs:#?}");
    assert!(errs.iter().any(|(p, m)| p == "$.timeline[1].input.service" && m.contains("`api`")), "{errs:#?}");
    assert!(!errs.iter().any(|(_, m)| m.contains("`web`") || m.contains("`app`") || m.contains("`web-tg`")), "{errs:#?}");
}

#[test]
fn a_reference_to_a_name_defined_nowhere_is_still_an_error() {
    let mut d = base();
    d["scalableTargets"][0]["ResourceId"] = json!("service/default/nope");
    assert_error(&d, "$.scalableTargets[0].ResourceId", "no service `nope`");
}

#[test]
fn syntax_errors_give_line_and_column_once() {
    let errs = stevedore_sim::load("{\n  \"name\": \"x\",\n}").unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].path, "$");
    let m = &errs[0].message;
    assert!(m.starts_with("not valid JSON at line 3, column 1: "), "{m}");
    assert_eq!(m.matches("line").count(), 1, "{m}");
    assert_eq!(m.matches("column").count(), 1, "{m}");
}

#[test]
fn a_task_definition_whose_family_is_broken_hides_the_references_it_may_have_been() {
    let mut d = base();
    d["taskDefinitions"][0]["family"] = json!(7);
    let errs = errors(&d);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].0, "$.taskDefinitions[0].family");
    assert!(errs[0].1.contains("expected a string"), "{errs:#?}");
}

#[test]
fn an_entry_missing_its_name_is_still_reported() {
    let mut d = base();
    d["services"][0].as_object_mut().unwrap().remove("serviceName");
    let errs = errors(&d);
    assert!(errs.iter().any(|(p, _)| p.starts_with("$.services[0]")), "{errs:#?}");
}

#[test]
fn thousands_of_broken_entries_give_one_error_each() {
    let mut d = base();
    let n = 2000;
    d["services"] = json!((0..n).map(|i| json!({"serviceName": format!("s{i}"), "taskDefinition": "app", "desiredCount": "x"})).collect::<Vec<_>>());
    d["scalableTargets"] = json!((0..n).map(|i| json!({"ServiceNamespace": "ecs", "ResourceId": format!("service/default/s{i}"), "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 2})).collect::<Vec<_>>());
    d["timeline"] = json!([]);
    let started = std::time::Instant::now();
    let errs = errors(&d);
    eprintln!("{} errors in {:?}", errs.len(), started.elapsed());
    assert_eq!(errs.len(), n, "{:#?}", &errs[..3]);
    assert!(errs.iter().all(|(p, _)| p.ends_with(".desiredCount")));
}
