//! Load-time benchmark (issue 13, item 3): parsing and validating a scenario of 5,000
//! container instances, each its own entry with attributes and tags (the typed entries go
//! through the path-tracking deserializer one by one). Goal: under 30 ms natively.

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;

fn text() -> String {
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let types = ["m5.large", "m5.xlarge", "c5.xlarge", "r5.large"];
    let instances: Vec<_> = (0..5000)
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

fn load(c: &mut Criterion) {
    let text = text();
    assert_eq!(stevedore_sim::load(&text).expect("benchmark scenario loads").instances.len(), 5000);
    let mut group = c.benchmark_group("load");
    group.sample_size(20);
    group.bench_function("5000 container instances, one entry each", |b| b.iter(|| stevedore_sim::load(&text).map(|s| s.instances.len())));
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
