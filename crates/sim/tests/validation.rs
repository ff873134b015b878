//! Bad input: every violation reported with its JSON path and the rule, all at once.

mod common;
use common::*;
use serde_json::json;

fn base() -> serde_json::Value {
    doc(
        json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a"}]),
        json!([td("app", 0, 128, json!([{"containerPort": 80}]))]),
        json!([{"serviceName": "web", "taskDefinition": "app", "desiredCount": 1}]),
    )
}

#[test]
fn the_base_document_is_valid() {
    assert_eq!(errors(&base()), vec![]);
}

#[test]
fn every_error_at_once_with_paths() {
    let mut d = base();
    d["bogus"] = json!(1);
    d["containerInstances"][0]["instanceType"] = json!("x9.mega");
    d["services"][0]["desiredCount"] = json!("three");
    d["taskDefinitions"][0]["containerDefinitions"][0]["portMappings"][0]["protocol"] = json!("sctp");
    let errs = errors(&d);
    let paths: Vec<&str> = errs.iter().map(|(p, _)| p.as_str()).collect();
    for expected in ["$.bogus", "$.containerInstances[0].instanceType", "$.services[0].desiredCount", "$.taskDefinitions[0].containerDefinitions[0].portMappings[0].protocol"] {
        assert!(paths.contains(&expected), "missing {expected} in {errs:#?}");
    }
}

#[test]
fn not_json_points_at_the_line() {
    let errs = match stevedore_sim::load("{\n  \"name\": \"x\",\n  oops\n}") {
        Err(e) => e,
        Ok(_) => panic!("should fail"),
    };
    assert_eq!(errs[0].path, "$");
    assert!(errs[0].message.contains("line 3"), "{}", errs[0].message);
    assert!(stevedore_sim::load("[1, 2]").is_err());
    assert!(stevedore_sim::load("").is_err());
}

/// `check(mutation, path, needle)`: apply a change to the valid base, expect one error there.
fn check(mutate: impl Fn(&mut serde_json::Value), path: &str, needle: &str) {
    let mut d = base();
    mutate(&mut d);
    assert_error(&d, path, needle);
}

#[test]
fn placement_rules() {
    check(|d| d["services"][0]["placementConstraints"] = json!([{"type": "distinctInstance", "expression": "attribute:a == b"}]), "$.services[0].placementConstraints[0].expression", "can't specify an expression");
    check(|d| d["services"][0]["placementConstraints"] = json!([{"type": "memberOf"}]), "$.services[0].placementConstraints[0].expression", "needs an expression");
    check(|d| d["services"][0]["placementConstraints"] = json!([{"type": "memberOf", "expression": "attribute:a === b"}]), "$.services[0].placementConstraints[0].expression", "column 15");
    check(|d| d["services"][0]["placementConstraints"] = json!(vec![json!({"type": "distinctInstance"}); 11]), "$.services[0].placementConstraints", "at most 10");
    check(|d| d["services"][0]["placementStrategy"] = json!(vec![json!({"type": "random"}); 6]), "$.services[0].placementStrategy", "at most 5");
    check(|d| d["services"][0]["placementStrategy"] = json!([{"type": "binpack", "field": "disk"}]), "$.services[0].placementStrategy[0].field", "cpu or memory");
    check(|d| d["services"][0]["placementStrategy"] = json!([{"type": "spread", "field": "az"}]), "$.services[0].placementStrategy[0].field", "instanceId, host or attribute:NAME");
    check(|d| d["services"][0]["placementStrategy"] = json!([{"type": "random", "field": "cpu"}]), "$.services[0].placementStrategy[0].field", "random takes no field");
    check(|d| d["services"][0]["placementStrategy"] = json!([{"type": "pack"}]), "$.services[0].placementStrategy[0].type", "random, spread or binpack");
    check(|d| d["taskDefinitions"][0]["placementConstraints"] = json!([{"type": "distinctInstance"}]), "$.taskDefinitions[0].placementConstraints[0].type", "only memberOf");
    check(|d| d["services"][0]["placementConstraints"] = json!([{"type": "memberOf", "expression": "x".repeat(2001)}]), "$.services[0].placementConstraints[0].expression", "2000 characters");
}

#[test]
fn capacity_provider_rules() {
    check(|d| {
        d["services"][0]["launchType"] = json!("EC2");
        d["services"][0]["capacityProviderStrategy"] = json!([{"capacityProvider": "FARGATE", "weight": 1}]);
    }, "$.services[0].launchType", "mutually exclusive");
    check(|d| d["services"][0]["capacityProviderStrategy"] = json!([{"capacityProvider": "FARGATE", "weight": 0}, {"capacityProvider": "FARGATE_SPOT", "weight": 0}]), "$.services[0].capacityProviderStrategy", "weight greater than zero");
    check(|d| d["services"][0]["capacityProviderStrategy"] = json!([{"capacityProvider": "FARGATE", "weight": 1, "base": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 2}]), "$.services[0].capacityProviderStrategy", "only one capacity provider");
    check(|d| d["services"][0]["capacityProviderStrategy"] = json!([{"capacityProvider": "NOPE", "weight": 1}]), "$.services[0].capacityProviderStrategy[0].capacityProvider", "not a capacity provider");
    check(|d| d["services"][0]["capacityProviderStrategy"] = json!([{"capacityProvider": "FARGATE", "weight": 1001}]), "$.services[0].capacityProviderStrategy[0].weight", "0-1000");
    check(|d| d["capacityProviders"] = json!([{"name": "ecs-thing", "autoScalingGroupProvider": {"autoScalingGroupArn": "x"}}]), "$.capacityProviders[0].name", "can't be prefixed");
}

#[test]
fn network_and_service_rules() {
    check(|d| d["taskDefinitions"][0]["networkMode"] = json!("awsvpc"), "$.services[0].networkConfiguration", "need networkConfiguration");
    check(|d| d["taskDefinitions"][0]["networkMode"] = json!("none"), "$.taskDefinitions[0].containerDefinitions[0].portMappings", "can't be specified");
    check(|d| d["taskDefinitions"][0]["containerDefinitions"][0]["portMappings"] = json!([{"containerPort": 53, "protocol": "tcp"}, {"containerPort": 53, "protocol": "udp"}]), "$.taskDefinitions[0].containerDefinitions[0].portMappings[1].protocol", "multiple protocols");
    check(|d| d["taskDefinitions"][0]["containerDefinitions"][0]["memoryReservation"] = json!(256), "$.taskDefinitions[0].containerDefinitions[0].memory", "greater than memoryReservation");
    check(|d| d["services"][0]["launchType"] = json!("FARGATE"), "$.services[0].taskDefinition", "awsvpc");
    check(|d| { d["services"][0]["launchType"] = json!("FARGATE"); d["services"][0]["placementStrategy"] = json!([{"type": "random"}]); }, "$.services[0].placementStrategy", "aren't supported for tasks on Fargate");
    check(|d| { d["services"][0]["schedulingStrategy"] = json!("DAEMON"); d["services"][0]["deploymentConfiguration"] = json!({"maximumPercent": 200}); }, "$.services[0].deploymentConfiguration.maximumPercent", "must be 100");
    check(|d| d["services"][0]["deploymentConfiguration"] = json!({"minimumHealthyPercent": 150}), "$.services[0].deploymentConfiguration.minimumHealthyPercent", "0-100");
    check(|d| d["services"][0]["taskDefinition"] = json!("nope:3"), "$.services[0].taskDefinition", "not registered");
    check(|d| d["services"][0].as_object_mut().unwrap().remove("desiredCount").map(|_| ()).unwrap(), "$.services[0].desiredCount", "required");
    check(|d| {
        let copy = d["services"][0].clone();
        d["services"].as_array_mut().unwrap().push(copy);
    }, "$.services[1].serviceName", "already exists");
    check(|d| d["services"][0]["loadBalancers"] = json!([{"targetGroupArn": "missing", "containerName": "app", "containerPort": 80}]), "$.services[0].loadBalancers[0].targetGroupArn", "no target group");
    check(|d| {
        d["targetGroups"] = json!([{"Name": "tg", "TargetType": "ip"}]);
        d["services"][0]["loadBalancers"] = json!([{"targetGroupArn": "tg", "containerName": "app", "containerPort": 80}]);
    }, "$.services[0].loadBalancers[0].targetGroupArn", "TargetType must be instance");
    check(|d| {
        d["targetGroups"] = json!([{"Name": "tg"}]);
        d["services"][0]["loadBalancers"] = json!([{"targetGroupArn": "tg", "containerName": "app", "containerPort": 81}]);
    }, "$.services[0].loadBalancers[0].containerPort", "no port mapping");
    check(|d| d["tasks"] = json!([{"taskDefinition": "app", "count": 11}]), "$.tasks[0].count", "1-10");
}

#[test]
fn instance_and_timeline_rules() {
    check(|d| d["containerInstances"][0]["count"] = json!(5001), "$.containerInstances[0].count", "between 1 and 5000");
    check(|d| d["containerInstances"][0]["attributes"] = json!([{"name": "stack", "value": " prod"}]), "$.containerInstances[0].attributes[0].value", "no leading or trailing space");
    check(|d| d["containerInstances"][0]["ECS_DYNAMIC_HOST_PORT_RANGE"] = json!("200-100"), "$.containerInstances[0].ECS_DYNAMIC_HOST_PORT_RANGE", "port range");
    check(|d| d["containerInstances"][0]["availabilityZone"] = json!(null), "$.containerInstances[0].availabilityZone", "needs an availabilityZone");
    check(|d| d["timeline"] = json!([{"at": "1m", "action": "ScaleEverything", "input": {}}]), "$.timeline[0].action", "unknown action");
    check(|d| d["timeline"] = json!([{"at": "soon", "action": "StopTask", "input": {"task": "x"}}]), "$.timeline[0].at", "not a duration");
    check(|d| d["timeline"] = json!([{"at": "1m", "action": "UpdateService", "input": {"service": "ghost", "desiredCount": 2}}]), "$.timeline[0].input.service", "no service");
    check(|d| d["timeline"] = json!([{"at": "1m", "action": "UpdateContainerInstancesState", "input": {"containerInstances": ["i-1"], "status": "PAUSED"}}]), "$.timeline[0].input.status", "ACTIVE or DRAINING");
    check(|d| d["stevedore"] = json!(2), "$.stevedore", "unsupported format version");
    check(|d| d["subnets"] = json!([{"SubnetId": "s", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.0.0/30"}]), "$.subnets[0].CidrBlock", "/16 and /28");
}

#[test]
fn hostile_inputs_never_panic() {
    let samples = [
        "null", "0", "\"x\"", "{}", "{\"containerInstances\": 5}", "{\"taskDefinitions\": [null, 1, \"x\", {}]}",
        "{\"services\": [{\"serviceName\": \"\", \"desiredCount\": -1}]}", "{\"timeline\": [{}]}",
        "{\"containerInstances\": [{\"instanceType\": \"m5.large\", \"availabilityZone\": \"us-east-1a\", \"count\": 1e308}]}",
        "{\"taskDefinitions\": [{\"family\": \"f\", \"cpu\": \"NaN vcpu\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\", \"memory\": 99999999999}]}]}",
        "{\"cluster\": {\"clusterName\": \"bad name!\"}}",
        "{\"duration\": -5}",
    ];
    for s in samples {
        let _ = stevedore_sim::load(s); // must return, not panic
    }
}

/// Every value of every lesson, replaced in turn by a hostile one: loading returns errors or a
/// scenario, and a scenario that loads runs (briefly) without panicking. Catches a validation
/// gap anywhere a user can type.
#[test]
fn every_lesson_value_replaced_by_junk_never_panics() {
    fn paths(v: &serde_json::Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(at.clone());
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    at.push(k.clone());
                    paths(x, at, out);
                    at.pop();
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    at.push(i.to_string());
                    paths(x, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    fn at_mut<'a>(v: &'a mut serde_json::Value, path: &[String]) -> &'a mut serde_json::Value {
        path.iter().fold(v, |v, k| match v {
            serde_json::Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
            other => &mut other[k.as_str()],
        })
    }
    let junk = [json!(null), json!(-1), json!(0), json!(1e18), json!("x"), json!(""), json!([]), json!({}), json!("-"), json!([null])];
    let dir = format!("{}/../../www/scenarios", env!("CARGO_MANIFEST_DIR"));
    let (mut loads, mut runs) = (0, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
        let mut all = Vec::new();
        paths(&doc, &mut Vec::new(), &mut all);
        for (n, path) in all.iter().enumerate().skip(1) {
            // Every node gets one junk value (rotating), so each run stays quick.
            let mut d = doc.clone();
            *at_mut(&mut d, path) = junk[n % junk.len()].clone();
            loads += 1;
            if let Ok(scenario) = stevedore_sim::load(&d.to_string()) {
                runs += 1;
                let mut sim = stevedore_sim::Sim::new(scenario);
                sim.advance_to(10 * 60_000);
            }
        }
    }
    assert!(loads > 2000, "{loads} mutated scenarios");
    assert!(runs > 100, "some mutations are harmless and run: {runs}");
}
