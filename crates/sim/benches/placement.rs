//! Placement benchmark: 5,000 service tasks onto 5,000 instances across 3 AZs with
//! [spread AZ, binpack memory] and a memberOf constraint (the ECS model issue's target).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use serde_json::json;
use stevedore_sim::{load, Sim};

fn scenario() -> stevedore_sim::Scenario {
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
        "services": [{"serviceName": "web", "taskDefinition": "app", "desiredCount": 5000, "launchType": "EC2",
            "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}],
            "placementConstraints": [{"type": "memberOf", "expression": "attribute:tier == web and attribute:ecs.instance-type =~ (m5|c5).*"}]}]
    });
    load(&doc.to_string()).expect("benchmark scenario loads")
}

fn placement(c: &mut Criterion) {
    let scenario = scenario();
    assert_eq!(scenario.instances.len(), 5000);
    let mut group = c.benchmark_group("placement");
    group.sample_size(10);
    group.bench_function("5000 tasks on 5000 instances, spread AZ + binpack memory + memberOf", |b| {
        b.iter_batched(
            || Sim::new(scenario.clone()),
            |mut sim| {
                sim.advance_to(0);
                let placed = sim.tasks.len();
                assert_eq!(placed, 5000);
                sim
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, placement);
criterion_main!(benches);
