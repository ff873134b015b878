//! Cluster auto scaling with managed scaling (aws-semantics §3.2).

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::InstanceStatus;

fn cluster(desired_tasks: u32, memory: u32, target: u32, protection: bool) -> Value {
    json!({
        "autoScalingGroups": [{"AutoScalingGroupName": "asg", "MinSize": 0, "MaxSize": 20, "DesiredCapacity": 0, "InstanceType": "m5.large",
                               "AvailabilityZones": ["us-east-1a", "us-east-1b"], "NewInstancesProtectedFromScaleIn": protection}],
        "capacityProviders": [{"name": "cp", "autoScalingGroupProvider": {"autoScalingGroupArn": "asg",
            "managedScaling": {"status": "ENABLED", "targetCapacity": target, "instanceWarmupPeriod": 120},
            "managedTerminationProtection": if protection { "ENABLED" } else { "DISABLED" }}}],
        "taskDefinitions": [td("app", 0, memory, json!([]))],
        // Rebalancing off: these tests count the tasks cluster auto scaling places, not the
        // extra ones Availability Zone rebalancing starts while it moves tasks (resilience.rs).
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": desired_tasks, "availabilityZoneRebalancing": "DISABLED",
                      "capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}]}],
    })
}

fn active(s: &stevedore_sim::Sim) -> usize {
    s.instances.iter().filter(|i| i.status == InstanceStatus::Active).count()
}

fn running(s: &stevedore_sim::Sim) -> usize {
    s.tasks.iter().filter(|t| t.live() && t.desired_running).count()
}

#[test]
fn from_zero_it_launches_two_instances_first() {
    let d = cluster(4, 1024, 100, false);
    let s = run(&d, 60);
    assert_eq!(active(&s), 0);
    assert!(s.tasks.len() == 4 && s.tasks.iter().all(|t| t.last_status == stevedore_sim::engine::TaskStatus::Provisioning && t.instance.is_none()), "the tasks wait in PROVISIONING");
    let report = stevedore_sim::report::describe_task(&s, &s.tasks[0]);
    assert_eq!(report["lastStatus"], "PROVISIONING");
    assert!(report.get("containerInstanceArn").is_none());
    let s = run(&d, 4 * 60);
    assert_eq!(active(&s), 2, "CapacityProviderReservation 200 with no instances: two instances");
    assert_eq!(running(&s), 4);
}

#[test]
fn it_grows_to_what_the_waiting_tasks_need_after_the_warm_up() {
    // 20 tasks of 2 GiB: three per m5.large (7,985 MiB), so seven instances.
    let d = cluster(20, 2048, 100, false);
    let s = run(&d, 15 * 60);
    assert_eq!(active(&s), 7);
    assert_eq!(running(&s), 20);
    let report = stevedore_sim::report::report(&s, &stevedore_sim::report::ReportOptions { explain: false });
    assert_eq!(report["autoScalingGroups"][0]["DesiredCapacity"], 7);
    // targetCapacity 50 keeps half the fleet spare, when tasks are bin-packed (spread would put
    // a task on every new instance, so every instance would count as needed).
    let mut d = cluster(20, 2048, 50, false);
    d["services"][0]["placementStrategy"] = json!([{"type": "binpack", "field": "memory"}]);
    let s = run(&d, 20 * 60);
    assert_eq!(active(&s), 14);
}

#[test]
fn it_scales_in_after_fifteen_low_minutes_sparing_busy_instances_under_protection() {
    let mut d = cluster(20, 2048, 100, true);
    d["timeline"] = json!([{"at": "20m", "action": "UpdateService", "input": {"service": "s", "desiredCount": 3}}]);
    let s = run(&d, 30 * 60);
    assert_eq!(active(&s), 7, "not before 15 minutes of low reservation");
    let s = run(&d, 60 * 60);
    assert_eq!(running(&s), 3);
    assert!(active(&s) < 7 && active(&s) >= 1, "{}", active(&s));
    assert!(s.tasks.iter().all(|t| t.stopped_reason.as_deref().is_none_or(|r| !r.contains("terminated"))), "protected: no task died with its instance");
    let reservation = s.metrics.keys().find(|k| k.name == "CapacityProviderReservation").expect("published");
    assert_eq!(reservation.namespace, "AWS/ECS/ManagedScaling");
}

#[test]
fn managed_scaling_rules_are_validated() {
    let mut d = cluster(1, 128, 100, true);
    d["autoScalingGroups"][0]["NewInstancesProtectedFromScaleIn"] = json!(false);
    assert_error(&d, "$.capacityProviders[0].autoScalingGroupProvider.managedTerminationProtection", "NewInstancesProtectedFromScaleIn");
    let mut d = cluster(1, 128, 100, false);
    d["capacityProviders"][0]["autoScalingGroupProvider"]["managedScaling"]["targetCapacity"] = json!(0);
    assert_error(&d, "$.capacityProviders[0].autoScalingGroupProvider.managedScaling.targetCapacity", "1-100");
}
