//! The load benchmark's scenario: 5,000 container instances, each its own entry with attributes
//! (so each goes through the path-tracking deserializer and validation on its own), one task
//! definition and a 5,000-task service. Shared by `benches/load.rs` and the wasm benchmark.

use serde_json::json;

pub const INSTANCES: usize = 5000;

/// The scenario's JSON text.
pub fn text() -> String {
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let types = ["m5.large", "m5.xlarge", "c5.xlarge", "r5.large"];
    let instances: Vec<_> = (0..INSTANCES)
        .map(|k| {
            json!({"instanceType": types[k % 4], "availabilityZone": zones[k % 3],
                "attributes": [{"name": "tier", "value": if k % 4 == 3 { "batch" } else { "web" }}, {"name": "rack", "value": format!("r{}", k % 40)}]})
        })
        .collect();
    json!({
        "containerInstances": instances,
        "taskDefinitions": [{"family": "app", "containerDefinitions": [{"name": "app", "image": "app:1", "cpu": 256, "memory": 1024, "portMappings": [{"containerPort": 80}]}]}],
        "services": [{"serviceName": "web", "taskDefinition": "app", "desiredCount": 5000, "launchType": "EC2",
            "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}]}]
    })
    .to_string()
}
