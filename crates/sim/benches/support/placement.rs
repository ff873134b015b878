//! The placement benchmark's scenario: 5,000 service tasks onto 5,000 instances across 3 AZs
//! with [spread AZ, binpack memory] and a memberOf constraint. Shared by `benches/placement.rs`
//! and the wasm benchmark.

use serde_json::json;
use stevedore_sim::load;

pub const TASKS: usize = 5000;

pub fn scenario() -> stevedore_sim::Scenario {
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let types = ["m5.large", "m5.xlarge", "c5.xlarge", "r5.large"];
    let mut instances = Vec::new();
    for (k, zone) in zones.iter().enumerate() {
        for (j, ty) in types.iter().enumerate() {
            // 5,000 in all: 417 per (zone, type) cell, minus a few.
            let count = if k == 0 && j == 0 { 413 } else { 417 };
            instances.push(json!({"instanceType": ty, "availabilityZone": zone, "count": count,
                "attributes": [{"name": "tier", "value": if j == 3 { "batch" } else { "web" }}]}));
        }
    }
    let doc = json!({
        "containerInstances": instances,
        "taskDefinitions": [{"family": "app", "containerDefinitions": [{"name": "app", "image": "app:1", "cpu": 256, "memory": 1024, "portMappings": [{"containerPort": 80}]}]}],
        "services": [{"serviceName": "web", "taskDefinition": "app", "desiredCount": TASKS, "launchType": "EC2",
            "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}],
            "placementConstraints": [{"type": "memberOf", "expression": "attribute:tier == web and attribute:ecs.instance-type =~ (m5|c5).*"}]}]
    });
    load(&doc.to_string()).expect("benchmark scenario loads")
}
