//! The `stevedore` command as users script it: exit codes and output shapes.

use std::process::{Command, Output};

fn stevedore(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stevedore")).args(args).output().expect("runs")
}

fn scenario(name: &str, body: &str) -> String {
    let dir = std::env::temp_dir().join(format!("stevedore-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    path.to_string_lossy().into_owned()
}

const FIRST_LIGHT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/scenarios/first-light.json");

#[test]
fn validate_ok_and_errors() {
    let ok = stevedore(&["validate", FIRST_LIGHT]);
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&ok.stdout).trim(), "ok");
    let bad = scenario("bad.json", r#"{"services": [{"serviceName": "x", "taskDefinition": "nope", "desiredCount": 1}], "oops": 1}"#);
    let out = stevedore(&["validate", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("$.oops: unknown key"), "{text}");
    assert!(text.contains("$.services[0].taskDefinition: task definition `nope` is not registered"), "{text}");
}

#[test]
fn run_prints_describe_shaped_json() {
    let out = stevedore(&["run", FIRST_LIGHT, "--until", "10m", "--explain"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["services"][0]["serviceName"], "web");
    assert_eq!(report["services"][0]["runningCount"], 9);
    assert_eq!(report["tasks"].as_array().unwrap().len(), 9);
    let task = &report["tasks"][0];
    assert_eq!(task["group"], "service:web");
    assert_eq!(task["lastStatus"], "RUNNING");
    assert_eq!(task["launchType"], "EC2");
    assert!(task["containers"][0]["networkBindings"][0]["hostPort"].as_u64().unwrap() >= 32768);
    assert_eq!(report["containerInstances"][0]["registeredResources"][1]["name"], "MEMORY");
    assert_eq!(report["targetGroups"][0]["TargetHealthDescriptions"].as_array().unwrap().len(), 9);
    assert_eq!(report["placements"].as_array().unwrap().len(), 9);
    assert!(report["placements"][0]["candidates"].as_array().unwrap().len() == 6);
}

#[test]
fn seed_flag_and_until_are_honoured() {
    let a = stevedore(&["run", FIRST_LIGHT, "--until", "30s", "--seed", "5"]);
    let b = stevedore(&["run", FIRST_LIGHT, "--until", "30s", "--seed", "5"]);
    assert_eq!(a.stdout, b.stdout);
    let report: serde_json::Value = serde_json::from_slice(&a.stdout).unwrap();
    assert_eq!(report["elapsedSeconds"], 30);
    assert_eq!(stevedore(&["run", FIRST_LIGHT, "--until", "soon"]).status.code(), Some(2));
}

#[test]
fn list_container_instances_filters_like_the_aws_cli() {
    let out = stevedore(&["list-container-instances", FIRST_LIGHT, "--filter", "attribute:ecs.instance-type == c5.xlarge"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["containerInstances"].as_array().unwrap().len(), 2);
    assert_eq!(v["containerInstanceArns"].as_array().unwrap().len(), 2);
    let later = stevedore(&["list-container-instances", FIRST_LIGHT, "--filter", "runningTasksCount >= 2", "--at", "6m"]);
    let v: serde_json::Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(v["containerInstances"].as_array().unwrap().len(), 3, "after scaling to 9, one instance per AZ holds two tasks");
}

#[test]
fn a_bad_filter_exits_2_and_points_at_the_column() {
    let out = stevedore(&["list-container-instances", FIRST_LIGHT, "--filter", "attribute:ecs.instance-type === t2"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("column 31"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(stevedore(&[]).status.code(), Some(2));
    assert_eq!(stevedore(&["frobnicate", FIRST_LIGHT]).status.code(), Some(2));
    assert_eq!(stevedore(&["run"]).status.code(), Some(2));
    assert_eq!(stevedore(&["validate", "/does/not/exist.json"]).status.code(), Some(2));
    assert_eq!(stevedore(&["--help"]).status.code(), Some(0));
}

#[test]
fn metrics_come_out_as_csv_and_json() {
    let lesson = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/scenarios/target-tracking.json");
    let out = stevedore(&["run", lesson, "--until", "10m", "--metrics", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("time,namespace,metric,dimensions,value\n"));
    assert!(text.contains(",AWS/ECS,CPUUtilization,\"ClusterName=shop;ServiceName=web\","), "{}", &text[..300.min(text.len())]);
    let json = stevedore(&["run", lesson, "--until", "10m", "--metrics", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().any(|m| m["MetricName"] == "RequestCountPerTarget" && m["Values"].as_array().unwrap().len() == 10));
    let report: serde_json::Value = serde_json::from_slice(&stevedore(&["run", lesson, "--until", "20m"]).stdout).unwrap();
    assert!(report["scalingActivities"][0]["Description"].as_str().unwrap().starts_with("Setting desired count to "));
    assert_eq!(stevedore(&["run", lesson, "--metrics", "xml"]).status.code(), Some(2));
}

#[test]
fn get_lifecycle_policy_preview_lists_what_expires_and_why() {
    let lesson = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/scenarios/ecr-images.json");
    let out = stevedore(&["get-lifecycle-policy-preview", lesson, "--repository-name", "shop/orders"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["previewResults"].as_array().unwrap();
    // Rule 1 takes the two untagged images (older than 14 days); rule 2 keeps the 3 youngest
    // images and may expire only 1.0 (the untagged ones match rule 1's selection). Oldest first.
    let by_rule = |p: i64| results.iter().filter(|r| r["appliedRulePriority"] == p).map(|r| r["imageTags"].clone()).collect::<Vec<_>>();
    assert_eq!(by_rule(1), vec![serde_json::json!([]), serde_json::json!([])]);
    assert_eq!(by_rule(2), vec![serde_json::json!(["1.0"])]);
    assert_eq!(results[0]["imageTags"], serde_json::json!(["1.0"]));
    assert_eq!(v["summary"]["expiringImageTotalCount"], 3);
    assert_eq!(results[0]["action"]["type"], "EXPIRE");
    // After 1.4 is pushed (15m), 1.1 falls out of the newest three as well.
    let later = stevedore(&["get-lifecycle-policy-preview", lesson, "--repository-name", "shop/orders", "--at", "20m"]);
    let v: serde_json::Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(v["summary"]["expiringImageTotalCount"], 4);
    let missing = stevedore(&["get-lifecycle-policy-preview", lesson, "--repository-name", "nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("RepositoryNotFoundException"));
}

const FARGATE_SPOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/scenarios/fargate-spot-base.json");

/// fargate-spot-base with two variants: all On-Demand, and all Spot.
fn with_variants(variants: serde_json::Value) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(FARGATE_SPOT).unwrap()).unwrap();
    doc["variants"] = variants;
    doc.to_string()
}

#[test]
fn run_cost_prints_a_readable_bill() {
    let out = stevedore(&["run", FIRST_LIGHT, "--until", "1h", "--cost"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("after 01:00:00"), "{text}");
    assert!(text.contains("as of 2026-12-01"), "{text}");
    // 4 × m5.large ($0.096) + 2 × c5.xlarge ($0.17) for an hour, and the ALB's hour.
    let m5 = text.lines().filter(|l| l.contains("m5.large") && l.contains("1.0000 instance-hours") && l.ends_with("$0.096000")).count();
    assert_eq!(m5, 4, "{text}");
    assert!(text.contains("TOTAL") && text.contains("$0.746500"), "{text}");
}

#[test]
fn compare_prints_one_table_with_a_column_per_variant() {
    let file = scenario("variants.json", &with_variants(serde_json::json!([
        {"name": "On-Demand", "patch": [{"op": "replace", "path": "/services/0/capacityProviderStrategy", "value": [{"capacityProvider": "FARGATE", "weight": 1}]}]},
        {"name": "All Spot", "patch": [
            {"op": "replace", "path": "/services/0/capacityProviderStrategy", "value": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]},
            {"op": "test", "path": "/services/0/desiredCount", "value": 10}
        ]}
    ])));
    let out = stevedore(&["compare", &file, "--until", "20m"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let header = text.lines().next().unwrap();
    for name in ["base", "On-Demand", "All Spot"] {
        assert!(header.contains(name), "{text}");
    }
    for row in ["cost", "tasks running min/avg/max", "unplaced task-minutes", "p95 CPU", "requests served", "requests failed (5xx)", "scaling activities", "interruptions"] {
        assert!(text.lines().any(|l| l.starts_with(row)), "no row {row}: {text}");
    }
    let json = stevedore(&["compare", &file, "--until", "20m", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.iter().map(|r| r["name"].as_str().unwrap()).collect::<Vec<_>>(), ["base", "On-Demand", "All Spot"]);
    assert_eq!(v["elapsedSeconds"], 1200);
    let cost = |k: usize| runs[k]["costUsd"].as_f64().unwrap();
    assert!(cost(2) < cost(0) && cost(0) < cost(1), "Spot < mixed < On-Demand: {runs:?}");
    // The timeline interrupts 3 Fargate Spot tasks at 5 minutes; On-Demand has none to interrupt.
    assert_eq!(runs[0]["interruptions"], 3);
    assert_eq!(runs[1]["interruptions"], 0);
    assert_eq!(runs[1]["tasksRunningMax"], 10.0);
}

#[test]
fn a_bad_patch_is_an_error_at_its_path() {
    let file = scenario("bad-variants.json", &with_variants(serde_json::json!([
        {"name": "ok", "patch": []},
        {"name": "Broken", "patch": [{"op": "replace", "path": "/services/3", "value": {}}]},
        {"name": "ok", "patch": [{"op": "frob", "path": "/seed"}]},
        {"name": "Seed", "patch": [{"op": "replace", "path": "/seed", "value": 9}]}
    ])));
    for verb in ["validate", "compare"] {
        let out = stevedore(&[verb, &file]);
        assert_eq!(out.status.code(), Some(1), "{verb}");
        // `validate` answers with the errors; `compare`'s stdout is its table, errors on stderr.
        let text = String::from_utf8_lossy(if verb == "validate" { &out.stdout } else { &out.stderr });
        assert!(text.contains("$.variants[1].patch[0].path: /services/3 does not exist"), "{text}");
        assert!(text.contains("$.variants[2].name: `ok` is taken"), "{text}");
        assert!(text.contains("$.variants[3].patch[0].path: `/seed`: variants share the base's seed and traffic"), "{text}");
    }
    let invalid = scenario("invalid-variant.json", &with_variants(serde_json::json!([
        {"name": "Zero CPU", "patch": [{"op": "replace", "path": "/services/0/desiredCount", "value": -1}]}
    ])));
    let out = stevedore(&["compare", &invalid]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("$.variants[0]: the patched scenario is invalid at $.services[0].desiredCount"), "{text}");
}
