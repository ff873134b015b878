//! Spot interruptions (aws-semantics §4.4-4.5).

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::{InstanceStatus, TaskStatus};

fn ec2_spot(draining: bool) -> Value {
    let mut d = doc(
        json!([
            {"instanceType": "m5.large", "availabilityZone": "us-east-1a", "purchaseOption": "spot", "ec2InstanceId": "i-0spot000000000001", "ECS_ENABLE_SPOT_INSTANCE_DRAINING": draining},
            {"instanceType": "m5.large", "availabilityZone": "us-east-1b"}
        ]),
        json!([td("app", 256, 256, json!([]))]),
        json!([{"serviceName": "s", "taskDefinition": "app", "desiredCount": 4, "launchType": "EC2",
                "deploymentConfiguration": {"minimumHealthyPercent": 50, "maximumPercent": 200}}]),
    );
    d["timeline"] = json!([{"at": "2m", "action": "SpotInterruption", "input": {"ec2InstanceId": "i-0spot000000000001"}}]);
    d
}

#[test]
fn spot_draining_moves_tasks_before_the_instance_goes() {
    let s = run(&ec2_spot(true), 150);
    assert_eq!(s.instances[0].status, InstanceStatus::Draining, "the agent drains at the notice");
    assert_eq!(per_instance(&s, "service:s"), vec![0, 4], "replaced within the two minutes");
    let s = run(&ec2_spot(true), 600);
    assert_eq!(s.instances[0].status, InstanceStatus::Inactive);
    assert_eq!(per_instance(&s, "service:s"), vec![0, 4]);
}

#[test]
fn without_spot_draining_tasks_die_at_termination() {
    let s = run(&ec2_spot(false), 230);
    assert_eq!(s.instances[0].status, InstanceStatus::Active, "no notice reaches ECS: tasks keep running");
    assert_eq!(per_instance(&s, "service:s"), vec![2, 2]);
    let s = run(&ec2_spot(false), 600);
    let killed: Vec<_> = s.tasks.iter().filter(|t| t.instance == Some(0)).collect();
    assert!(killed.iter().all(|t| t.last_status == TaskStatus::Stopped && t.stopped_reason.as_deref() == Some("Host EC2 (instance i-0spot000000000001) terminated.")));
    assert_eq!(per_instance(&s, "service:s"), vec![0, 4], "the service replaced them after the fact");
}

#[test]
fn fargate_spot_tasks_get_a_termination_notice() {
    let d = json!({
        "taskDefinitions": [{"family": "app", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                             "containerDefinitions": [{"name": "app", "image": "app:1"}]}],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 4,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 1, "weight": 0}, {"capacityProvider": "FARGATE_SPOT", "weight": 1}],
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-us-east-1a"]}}}],
        "timeline": [{"at": "2m", "action": "SpotInterruption", "input": {"count": 2}}]
    });
    let s = run(&d, 600);
    let interrupted: Vec<_> = s.tasks.iter().filter(|t| t.stop_code.as_deref() == Some("TerminationNotice")).collect();
    assert_eq!(interrupted.len(), 2);
    assert!(interrupted.iter().all(|t| t.stopped_reason.as_deref() == Some("Your Spot Task was interrupted.") && t.capacity_provider.as_deref() == Some("FARGATE_SPOT")));
    assert_eq!(s.tasks.iter().filter(|t| t.live()).count(), 4, "the service launched replacements");
    let report = stevedore_sim::report::describe_task(&s, interrupted[0]);
    assert_eq!(report["stopCode"], "TerminationNotice");
    assert_error(&json!({"timeline": [{"at": "1m", "action": "SpotInterruption", "input": {}}]}), "$.timeline[0].input", "give ec2InstanceId");
}

#[test]
fn seeded_random_interruptions() {
    let mut d = ec2_spot(true);
    d["timeline"] = json!([]);
    d["containerInstances"][0]["count"] = json!(6);
    d["containerInstances"][0].as_object_mut().unwrap().remove("ec2InstanceId");
    d["spotInterruptions"] = json!({"spot-instances": {"perHour": 6}});
    let count = |seed: u64| {
        let mut d = d.clone();
        d["seed"] = json!(seed);
        run(&d, 3600).instances.iter().filter(|i| i.status == InstanceStatus::Inactive).count()
    };
    assert_eq!(count(4), count(4), "the same seed interrupts the same instances");
    let total: usize = (1..=5).map(count).sum();
    assert!((10..=50).contains(&total), "about 6 an hour each run (capped by 6 instances): {total}");
    assert_error(&json!({"spotInterruptions": {"nope": {"perHour": 1}}}), "$.spotInterruptions.nope", "is not FARGATE_SPOT");
}
