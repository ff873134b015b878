//! `Sim::placement_blockers`: for a service that can't place, why each instance turns its next
//! task down (read-only; the picture draws it). Uses the same stages as placement itself.

mod common;
use common::*;
use serde_json::json;

#[test]
fn each_instance_says_why_the_next_task_does_not_fit() {
    // Two m5.large (2048 CPU units, 7,680 MiB registered): a 4096 MiB task fits once per
    // instance, so the third of three can't be placed: both instances refuse it on memory.
    let instances = json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a"}, {"instanceType": "m5.large", "availabilityZone": "us-east-1b"}]);
    let d = doc(instances, json!([td("app", 256, 4096, json!([]))]), json!([{"serviceName": "s", "taskDefinition": "app", "desiredCount": 3, "launchType": "EC2"}]));
    let s = run(&d, 60);
    assert!(s.services[0].unplaced.is_some());
    let blockers = s.placement_blockers(0);
    assert_eq!(blockers.iter().map(|b| (b.0, b.1.name())).collect::<Vec<_>>(), vec![(0, "memory"), (1, "memory")]);
    assert!(blockers[0].2.starts_with("needs 4096 MiB"), "{}", blockers[0].2);
    // A service that places fine has no blockers; an unknown index none either.
    let d = doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a"}]), json!([td("app", 256, 512, json!([]))]), json!([{"serviceName": "s", "taskDefinition": "app", "desiredCount": 2, "launchType": "EC2"}]));
    let s = run(&d, 60);
    assert!(s.placement_blockers(0).is_empty());
    assert!(s.placement_blockers(7).is_empty());
}
