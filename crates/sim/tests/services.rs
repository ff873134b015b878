//! Services over time: capacity providers, daemons, draining, RunTask failures, determinism.

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::{InstanceStatus, TaskStatus};

fn fargate_td() -> Value {
    json!({"family": "app", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
           "containerDefinitions": [{"name": "app", "image": "app:1"}]})
}

fn provider_counts(s: &stevedore_sim::Sim) -> (usize, usize) {
    let n = |cp: &str| s.tasks.iter().filter(|t| t.live() && t.capacity_provider.as_deref() == Some(cp)).count();
    (n("FARGATE"), n("FARGATE_SPOT"))
}

#[test]
fn fargate_spot_with_an_on_demand_base() {
    // Base 2 on FARGATE, then 1:3 — the workshop's documented split.
    let d = json!({
        "taskDefinitions": [fargate_td()],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 10,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 2, "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 3}],
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-us-east-1a", "subnet-us-east-1b"]}}}]
    });
    let s = run(&d, 120);
    assert_eq!(provider_counts(&s), (4, 6));
    let report = stevedore_sim::report::describe_task(&s, &s.tasks[0]);
    assert_eq!(report["capacityProviderName"], "FARGATE");
}

#[test]
fn the_cluster_default_strategy_applies_when_a_service_names_none() {
    let d = json!({
        "cluster": {"clusterName": "c", "capacityProviders": ["FARGATE", "FARGATE_SPOT"], "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]},
        "taskDefinitions": [fargate_td()],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 3,
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-us-east-1a"]}}}]
    });
    let s = run(&d, 120);
    assert_eq!(provider_counts(&s), (0, 3));
}

#[test]
fn providers_must_be_associated_with_the_cluster() {
    let d = json!({
        "cluster": {"clusterName": "c", "capacityProviders": ["FARGATE"]},
        "taskDefinitions": [fargate_td()],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 1,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-us-east-1a"]}}}]
    });
    assert_error(&d, "$.services[0].capacityProviderStrategy[0].capacityProvider", "not a capacity provider associated");
}

#[test]
fn auto_scaling_group_providers_place_on_their_own_instances() {
    let d = json!({
        "containerInstances": [{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}],
        "autoScalingGroups": [{"AutoScalingGroupName": "spot-asg", "MinSize": 0, "MaxSize": 4, "DesiredCapacity": 2, "InstanceType": "m5.large", "AvailabilityZones": ["us-east-1a"], "purchaseOption": "spot"}],
        "capacityProviders": [{"name": "cp-spot", "autoScalingGroupProvider": {"autoScalingGroupArn": "spot-asg"}}],
        "taskDefinitions": [td("app", 0, 256, json!([]))],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 4, "capacityProviderStrategy": [{"capacityProvider": "cp-spot", "weight": 1}]}]
    });
    let s = run(&d, 120);
    assert_eq!(s.instances.len(), 4);
    assert_eq!(per_instance(&s, "service:s"), vec![0, 0, 2, 2], "only the ASG's two instances take tasks");
    assert!(s.instances[2].spec.spot);
}

#[test]
fn daemon_runs_one_task_per_active_instance_that_meets_constraints() {
    let d = json!({
        "containerInstances": [
            {"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2},
            {"instanceType": "t3.small", "availabilityZone": "us-east-1b"}
        ],
        "taskDefinitions": [td("agent", 0, 64, json!([]))],
        "services": [{"serviceName": "logs", "taskDefinition": "agent", "schedulingStrategy": "DAEMON", "launchType": "EC2",
            "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ m5.*"}]}],
        "timeline": [{"at": "2m", "action": "UpdateContainerInstancesState", "input": {"containerInstances": ["PLACEHOLDER"], "status": "DRAINING"}}]
    });
    let s0 = run(&d, 60);
    assert_eq!(per_instance(&s0, "service:logs"), vec![1, 1, 0]);
    let mut d = d;
    d["timeline"][0]["input"]["containerInstances"][0] = json!(s0.instances[0].spec.ec2_instance_id);
    let s = run(&d, 300);
    assert_eq!(per_instance(&s, "service:logs"), vec![0, 1, 0], "no daemon tasks on a DRAINING instance");
}

fn draining_doc(min: u32, max: u32) -> Value {
    json!({
        "containerInstances": [{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}],
        "taskDefinitions": [td("app", 0, 256, json!([]))],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 4, "launchType": "EC2",
            "deploymentConfiguration": {"minimumHealthyPercent": min, "maximumPercent": max}}],
        "tasks": [{"taskDefinition": "app", "group": "batch", "launchType": "EC2"}],
    })
}

fn drain_first(d: &mut Value) {
    let s = sim(d);
    d["timeline"] = json!([{"at": "2m", "action": "UpdateContainerInstancesState", "input": {"containerInstances": [s.instances[0].spec.ec2_instance_id], "status": "DRAINING"}}]);
}

#[test]
fn draining_replaces_service_tasks_within_the_deployment_limits() {
    let mut d = draining_doc(50, 200);
    drain_first(&mut d);
    let s = run(&d, 600);
    assert_eq!(s.instances[0].status, InstanceStatus::Draining);
    assert_eq!(per_instance(&s, "service:s"), vec![0, 4], "service tasks moved off the draining instance");
    assert_eq!(hosts(&s, "batch").len(), 1, "standalone tasks are not affected by draining");
    let running = s.tasks.iter().filter(|t| t.group == "service:s" && t.desired_running && t.last_status == TaskStatus::Running).count();
    assert_eq!(running, 4);
}

#[test]
fn draining_with_min_100_and_max_100_is_stuck() {
    // "If both min and max are 100% draining can't proceed."
    let mut d = draining_doc(100, 100);
    drain_first(&mut d);
    let s = run(&d, 600);
    assert_eq!(per_instance(&s, "service:s"), vec![2, 2]);
    assert!(s.log.iter().any(|e| e.message.contains("was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.")));
}

#[test]
fn draining_honours_minimum_healthy_percent_while_replacing() {
    // min 100, max 200: start replacements first, stop old ones only as new ones run.
    let mut d = draining_doc(100, 200);
    drain_first(&mut d);
    let mut s = sim(&d);
    for t in (120..400).step_by(1) {
        run_sim(&mut s, t);
        let running = s.tasks.iter().filter(|t| t.group == "service:s" && t.last_status == TaskStatus::Running).count();
        assert!(running >= 4, "at {t}s only {running} RUNNING, below minimumHealthyPercent 100% of 4");
    }
    assert_eq!(per_instance(&s, "service:s"), vec![0, 4]);
}

#[test]
fn run_task_failures_use_aws_reason_codes() {
    let d = json!({
        "containerInstances": [{"instanceType": "t3.micro", "availabilityZone": "us-east-1a"}],
        "taskDefinitions": [td("big", 0, 4096, json!([])), td("hungry", 4096, 64, json!([]))],
        "tasks": [{"taskDefinition": "big", "launchType": "EC2"}, {"taskDefinition": "hungry", "launchType": "EC2", "count": 2}]
    });
    let s = run(&d, 30);
    let reasons: Vec<&str> = s.run_task_failures.iter().map(|f| f.reason.as_str()).collect();
    assert_eq!(reasons, ["RESOURCE:MEMORY", "RESOURCE:CPU", "RESOURCE:CPU"]);
    let empty = json!({"taskDefinitions": [td("x", 0, 64, json!([]))], "tasks": [{"taskDefinition": "x", "launchType": "EC2"}]});
    assert_eq!(run(&empty, 5).run_task_failures[0].reason, "No Container Instances were found in your cluster.");
}

#[test]
fn stop_task_and_forced_deregistration() {
    let mut d = doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}]), json!([td("app", 0, 256, json!([]))]), json!([{"serviceName": "s", "taskDefinition": "app", "desiredCount": 2, "launchType": "EC2"}]));
    let s0 = run(&d, 30);
    let (victim, instance) = (s0.tasks[0].id.clone(), s0.instances[1].spec.ec2_instance_id.clone());
    d["timeline"] = json!([
        {"at": "1m", "action": "StopTask", "input": {"task": victim, "reason": "testing"}},
        {"at": "3m", "action": "DeregisterContainerInstance", "input": {"containerInstance": instance, "force": true}},
        {"at": "4m", "action": "StopTask", "input": {"task": "does-not-exist"}}
    ]);
    let s = run(&d, 600);
    assert_eq!(s.tasks[0].stopped_reason.as_deref(), Some("testing"));
    assert_eq!(s.tasks[0].stop_code.as_deref(), Some("UserInitiated"));
    assert_eq!(s.instances[1].status, InstanceStatus::Inactive);
    assert_eq!(per_instance(&s, "service:s"), vec![2, 0], "the service replaced both tasks on the remaining instance");
    assert!(s.log.iter().any(|e| e.message.contains("The referenced task was not found")));
}

#[test]
fn same_scenario_and_seed_give_the_same_report() {
    let text = include_str!("../../../www/scenarios/first-light.json");
    let report = |seed: Option<u64>| {
        let mut scenario = stevedore_sim::load(text).unwrap();
        if let Some(seed) = seed {
            scenario.seed = seed;
        }
        let mut s = stevedore_sim::Sim::new(scenario);
        s.advance_to(900_000);
        stevedore_sim::report::report(&s, &stevedore_sim::report::ReportOptions { explain: true }).to_string()
    };
    assert_eq!(report(None), report(None));
    assert_eq!(report(Some(99)), report(Some(99)));
}

#[test]
fn first_light_runs_clean_with_invariants_checked_every_event() {
    let doc: Value = serde_json::from_str(include_str!("../../../www/scenarios/first-light.json")).unwrap();
    let s = run(&doc, 900);
    assert_eq!(s.services[0].desired_count, 9);
    assert_eq!(s.healthy_targets(0), 9);
    assert!(s.log.iter().any(|e| e.message == "(service web) has reached a steady state."));
}

#[test]
fn instances_registered_mid_run_take_waiting_tasks() {
    let d = json!({
        "containerInstances": [{"instanceType": "t3.small", "availabilityZone": "us-east-1a"}],
        "taskDefinitions": [td("app", 0, 1024, json!([]))],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 3, "launchType": "EC2"}],
        "timeline": [{"at": "2m", "action": "RegisterContainerInstance", "input": {"instanceType": "m5.large", "availabilityZone": "us-east-1b"}}]
    });
    let s = run(&d, 60);
    assert_eq!(s.tasks.iter().filter(|t| t.live()).count(), 1, "a t3.small holds one 1 GiB task");
    let s = run(&d, 300);
    assert_eq!(per_instance(&s, "service:s"), vec![1, 2]);
    assert!(s.services[0].unplaced.is_none());
}
