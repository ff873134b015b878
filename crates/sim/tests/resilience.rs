//! Failing a zone with AWS Fault Injection Service actions, what ECS does about it, and
//! Availability Zone rebalancing afterwards.
//! FIS: https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html,
//! https://docs.aws.amazon.com/fis/latest/userguide/az-availability-scenario.html.
//! Rebalancing: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-rebalancing.html,
//! service-rebalancing-event-messages-list.html.

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::{InstanceStatus, TargetState, TaskStatus};
use stevedore_sim::Sim;

const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

/// Two m5.large per zone, a web service of six behind an ALB, and the given timeline.
fn cluster(service: Value, timeline: Value) -> Value {
    let instances: Vec<Value> = ZONES.iter().map(|z| json!({"instanceType": "m5.large", "availabilityZone": z, "count": 2})).collect();
    let mut svc = json!({"serviceName": "web", "taskDefinition": "web", "desiredCount": 6,
        "loadBalancers": [{"targetGroupArn": "web-tg", "containerName": "app", "containerPort": 80}]});
    for (k, v) in service.as_object().cloned().unwrap_or_default() {
        svc[k] = v;
    }
    json!({"stevedore": 1, "seed": 3, "containerInstances": instances,
        "taskDefinitions": [td("web", 256, 512, json!([{"containerPort": 80}]))],
        "targetGroups": [{"Name": "web-tg", "Protocol": "HTTP", "Port": 80, "HealthCheckIntervalSeconds": 10, "HealthyThresholdCount": 2,
                          "Attributes": [{"Key": "deregistration_delay.timeout_seconds", "Value": "10"}]}],
        "services": [svc], "timeline": timeline})
}

fn stop_zone(at: &str, zone: &str, restart: Option<&str>) -> Value {
    let mut params = json!({});
    if let Some(d) = restart {
        params["startInstancesAfterDuration"] = json!(d);
    }
    json!({"at": at, "action": "aws:ec2:stop-instances", "input": {"parameters": params,
        "targets": {"Instances": {"resourceType": "aws:ec2:instance", "filters": [{"path": "Placement.AvailabilityZone", "values": [zone]}], "selectionMode": "ALL"}}}})
}

/// Live, meant-to-run tasks of the service per zone.
fn per_zone(s: &Sim) -> Vec<usize> {
    ZONES.iter().map(|z| s.tasks.iter().filter(|t| t.live() && t.desired_running && t.availability_zone == *z).count()).collect()
}

fn events(s: &Sim) -> Vec<String> {
    s.log.iter().filter(|e| e.kind == "service").map(|e| e.message.clone()).collect()
}

fn has(s: &Sim, needle: &str) -> bool {
    events(s).iter().any(|m| m.contains(needle))
}

#[test]
fn stopping_a_zone_stops_its_tasks_and_the_service_replaces_them_elsewhere() {
    let d = cluster(json!({"availabilityZoneRebalancing": "DISABLED"}), json!([stop_zone("5m", "us-east-1a", None)]));
    let s = run(&d, 5 * 60 - 1);
    assert_eq!(per_zone(&s), vec![2, 2, 2]);
    let s = run(&d, 10 * 60);
    assert_eq!(per_zone(&s), vec![0, 3, 3], "replaced in the zones that still have capacity");
    let stopped: Vec<_> = s.tasks.iter().filter(|t| t.last_status == TaskStatus::Stopped).collect();
    assert_eq!(stopped.len(), 2);
    assert!(stopped.iter().all(|t| t.stopped_reason.as_deref().is_some_and(|r| r.starts_with("Host EC2 (instance i-") && r.ends_with(") stopped."))));
    let report = stevedore_sim::report::report(&s, &stevedore_sim::report::ReportOptions { explain: false });
    let disconnected = report["containerInstances"].as_array().unwrap().iter().filter(|i| i["agentConnected"] == false).count();
    assert_eq!(disconnected, 2, "a stopped instance's agent is disconnected; it stays registered");
    assert!(s.instances.iter().all(|i| i.status == InstanceStatus::Active));
}

#[test]
fn with_rebalancing_the_service_moves_back_after_the_zone_recovers() {
    let d = cluster(json!({}), json!([stop_zone("5m", "us-east-1a", Some("PT10M"))]));
    let s = run(&d, 14 * 60);
    assert_eq!(per_zone(&s), vec![0, 3, 3], "nothing returns while the instances are stopped");
    let s = run(&d, 25 * 60);
    assert_eq!(per_zone(&s), vec![2, 2, 2]);
    assert!(s.instances.iter().all(|i| i.agent_connected), "startInstancesAfterDuration starts them again");
    // AWS's event messages, in order.
    let e = events(&s);
    let find = |needle: &str| e.iter().position(|m| m.contains(needle)).unwrap_or_else(|| panic!("no event containing {needle:?} in {e:#?}"));
    let started = find("service (web) is not AZ balanced with 0 tasks in us-east-1a, 3 in us-east-1b, and 3 in us-east-1c. AZ Rebalancing in progress.");
    let launched = find("web has started 2 tasks in us-east-1a to AZ Rebalance: (task ");
    let stopped = find("running tasks in us-east-1b due to AZ rebalancing: (task ");
    let done = find("service (web) is AZ balanced with 2 tasks in us-east-1a, 2 tasks in us-east-1b, and 2 tasks in us-east-1c.");
    assert!(started < launched && launched < stopped && stopped < done);
    // Within the deployment limits: never more than maximumPercent (200 %) of 6.
    assert!(s.tasks.iter().filter(|t| t.live()).count() <= 12);
}

#[test]
fn without_rebalancing_the_service_stays_where_it_was_pushed() {
    let d = cluster(json!({"availabilityZoneRebalancing": "DISABLED"}), json!([stop_zone("5m", "us-east-1a", Some("PT10M"))]));
    let s = run(&d, 40 * 60);
    assert!(s.instances.iter().all(|i| i.agent_connected));
    assert_eq!(per_zone(&s), vec![0, 3, 3]);
    assert!(!has(&s, "AZ balanced"));
}

#[test]
fn binpack_puts_every_task_in_one_zone_and_loses_them_all_together() {
    let d = cluster(json!({"placementStrategy": [{"type": "binpack", "field": "memory"}]}), json!([stop_zone("5m", "us-east-1a", None)]));
    let s = run(&d, 5 * 60 - 1);
    assert_eq!(per_zone(&s), vec![6, 0, 0], "binpack fills the first instance");
    let s = run(&d, 5 * 60 + 1);
    let running = s.tasks.iter().filter(|t| t.last_status == TaskStatus::Running).count();
    assert_eq!(running, 0, "the whole service went down with the zone");
    let report = stevedore_sim::report::report(&s, &stevedore_sim::report::ReportOptions { explain: false });
    assert_eq!(report["services"][0]["availabilityZoneRebalancing"], "DISABLED", "binpack can't rebalance: CreateService leaves it off");
}

#[test]
fn a_constraint_pinning_the_zone_leaves_the_service_unable_to_place() {
    let d = cluster(json!({"desiredCount": 2, "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1a"}]}), json!([stop_zone("5m", "us-east-1a", None)]));
    let s = run(&d, 8 * 60);
    assert_eq!(per_zone(&s), vec![0, 0, 0]);
    assert!(has(&s, "(service web) was unable to place a task because no container instance met all of its requirements."), "{:#?}", events(&s));
}

#[test]
fn a_cut_off_subnet_fails_health_checks_and_ecs_replaces_the_tasks() {
    let cut = json!({"at": "5m", "action": "aws:network:disrupt-connectivity", "input": {"parameters": {"duration": "PT5M", "scope": "all"},
        "targets": {"Subnets": {"resourceType": "aws:ec2:subnet", "filters": [{"path": "AvailabilityZone", "values": ["us-east-1a"]}], "selectionMode": "ALL"}}}});
    let d = cluster(json!({"availabilityZoneRebalancing": "DISABLED"}), json!([cut]));
    // UnhealthyThresholdCount (2) × interval (10 s) after the cut.
    let s = run(&d, 5 * 60 + 19);
    assert_eq!(s.aws.elb[0].iter().filter(|t| t.state == TargetState::Unhealthy).count(), 0);
    let s = run(&d, 5 * 60 + 21);
    let unhealthy_or_draining = s.aws.elb[0].iter().filter(|t| matches!(t.state, TargetState::Unhealthy | TargetState::Draining)).count();
    assert_eq!(unhealthy_or_draining, 2);
    assert!(has(&s, "failed ELB health checks in (target-group"));
    let s = run(&d, 9 * 60);
    assert_eq!(per_zone(&s), vec![0, 3, 3], "the agents in the cut-off subnet can't take tasks");
    let s = run(&d, 12 * 60);
    assert!(s.instances.iter().all(|i| i.agent_connected), "connectivity returns after the duration");
}

#[test]
fn with_every_target_unhealthy_the_load_balancer_fails_open() {
    // One zone only, and a long grace period so ECS leaves the unhealthy tasks alone.
    let mut d = cluster(json!({"desiredCount": 2, "healthCheckGracePeriodSeconds": 3600}), json!([{"at": "5m", "action": "aws:network:disrupt-connectivity",
        "input": {"parameters": {"duration": "PT10M"}, "targets": {"Subnets": {"filters": [{"path": "AvailabilityZone", "values": ["us-east-1a"]}], "selectionMode": "ALL"}}}}]));
    d["containerInstances"] = json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}]);
    let s = run(&d, 6 * 60);
    let targets = &s.aws.elb[0];
    assert_eq!(targets.len(), 2);
    assert!(targets.iter().all(|t| t.state == TargetState::Unhealthy));
    assert!(targets.iter().all(|t| t.routed(false)), "no healthy target: the ALB routes to all of them");
    let s = run(&d, 17 * 60);
    assert!(s.aws.elb[0].iter().all(|t| t.state == TargetState::Healthy), "healthy again once connectivity returns");
}

#[test]
fn drain_container_instances_drains_the_percentage_for_the_duration() {
    let drain = json!({"at": "5m", "action": "aws:ecs:drain-container-instances", "input": {"parameters": {"drainagePercentage": "50", "duration": "PT5M"},
        "targets": {"Clusters": {"resourceArns": ["default"], "selectionMode": "ALL"}}}});
    let d = cluster(json!({"availabilityZoneRebalancing": "DISABLED"}), json!([drain]));
    let s = run(&d, 6 * 60);
    assert_eq!(s.instances.iter().filter(|i| i.status == InstanceStatus::Draining).count(), 3, "50 % of six instances");
    assert!(s.tasks.iter().filter(|t| t.live() && t.desired_running).all(|t| t.instance.is_some_and(|i| s.instances[i].status == InstanceStatus::Active) || t.last_status != TaskStatus::Running));
    let s = run(&d, 11 * 60);
    assert!(s.instances.iter().all(|i| i.status == InstanceStatus::Active));
}

#[test]
fn stop_task_with_a_count_picks_that_many_with_the_seed() {
    let stop = |seed: u64| {
        let mut d = cluster(json!({"availabilityZoneRebalancing": "DISABLED"}), json!([{"at": "5m", "action": "aws:ecs:stop-task",
            "input": {"targets": {"Tasks": {"resourceType": "aws:ecs:task", "parameters": {"cluster": "default", "service": "web"}, "selectionMode": "COUNT(2)"}}}}]));
        d["seed"] = json!(seed);
        let s = run(&d, 5 * 60 + 1);
        s.tasks.iter().filter(|t| t.stopped_reason.as_deref().is_some_and(|r| r.contains("AWS FIS"))).map(|t| t.id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(stop(5).len(), 2);
    assert_eq!(stop(5), stop(5), "the scenario's seed decides");
}

#[test]
fn start_after_runs_an_action_when_the_one_before_ends() {
    let template = json!({"targets": {
            "zone-a": {"resourceType": "aws:ec2:instance", "filters": [{"path": "Placement.AvailabilityZone", "values": ["us-east-1a"]}], "selectionMode": "ALL"},
            "zone-b": {"resourceType": "aws:ec2:instance", "filters": [{"path": "Placement.AvailabilityZone", "values": ["us-east-1b"]}], "selectionMode": "ALL"}},
        "actions": {
            "first": {"actionId": "aws:ec2:stop-instances", "parameters": {"startInstancesAfterDuration": "PT5M"}, "targets": {"Instances": "zone-a"}},
            "second": {"actionId": "aws:ec2:terminate-instances", "startAfter": ["first"], "targets": {"Instances": "zone-b"}}}});
    let d = cluster(json!({"availabilityZoneRebalancing": "DISABLED"}), json!([{"at": "5m", "action": "StartExperiment", "input": {"experimentTemplate": template}}]));
    let s = run(&d, 9 * 60);
    assert!(s.instances.iter().all(|i| i.status == InstanceStatus::Active), "the second action waits for the first's five minutes");
    let s = run(&d, 10 * 60 + 1);
    assert_eq!(s.instances.iter().filter(|i| i.status == InstanceStatus::Inactive).count(), 2);
}

/// Three zones of Fargate, or an Auto Scaling group across them, through the power interruption.
fn power(service_launch: Value, with_asg: bool, zone: &str, duration: &str) -> Value {
    let mut d = json!({"stevedore": 1, "seed": 9,
        "taskDefinitions": [{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE", "EC2"], "cpu": "256", "memory": "512",
                             "containerDefinitions": [{"name": "app", "image": "app:1", "portMappings": [{"containerPort": 80}]}]}],
        "subnets": ZONES.iter().enumerate().map(|(k, z)| json!({"SubnetId": format!("subnet-{k}"), "AvailabilityZone": z, "CidrBlock": format!("10.0.{k}.0/24")})).collect::<Vec<_>>(),
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 6,
                      "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0", "subnet-1", "subnet-2"]}}}],
        "timeline": [{"at": "5m", "action": "StartExperiment", "input": {"scenario": "AZ Availability: Power Interruption", "parameters": {"availabilityZone": zone, "duration": duration}}}]});
    for (k, v) in service_launch.as_object().cloned().unwrap_or_default() {
        d["services"][0][k] = v;
    }
    if with_asg {
        d["autoScalingGroups"] = json!([{"AutoScalingGroupName": "asg", "MinSize": 3, "MaxSize": 6, "DesiredCapacity": 3, "InstanceType": "m5.large", "AvailabilityZones": ZONES}]);
    }
    d
}

#[test]
fn power_interruption_on_fargate_stops_the_zone_and_launches_elsewhere() {
    let d = power(json!({"launchType": "FARGATE"}), false, "us-east-1b", "PT20M");
    let s = run(&d, 5 * 60 - 1);
    assert_eq!(per_zone(&s), vec![2, 2, 2]);
    let s = run(&d, 20 * 60);
    assert_eq!(per_zone(&s), vec![3, 0, 3], "Fargate launches nothing in the impaired zone");
    let s = run(&d, 45 * 60);
    assert_eq!(per_zone(&s), vec![2, 2, 2], "rebalancing (ENABLED by default) spreads the service again");
}

#[test]
fn power_interruption_with_an_auto_scaling_group_replaces_the_instance_in_a_healthy_zone() {
    let d = power(json!({"launchType": "EC2"}), true, "us-east-1a", "PT30M");
    let s = run(&d, 20 * 60);
    let live: Vec<&str> = s.instances.iter().filter(|i| i.status != InstanceStatus::Inactive).map(|i| i.spec.availability_zone.as_str()).collect();
    assert_eq!(live.len(), 3, "the group keeps its desired capacity");
    assert!(!live.contains(&"us-east-1a"), "no new capacity in the interrupted zone: {live:?}");
    assert!(s.log.iter().any(|e| e.message.contains("the Auto Scaling group terminates it and launches a replacement")));
    assert_eq!(per_zone(&s)[0], 0);
    assert_eq!(per_zone(&s).iter().sum::<usize>(), 6);
}

#[test]
fn fault_injection_is_validated_at_its_json_path() {
    let bad_zone = cluster(json!({}), json!([stop_zone("5m", "us-east-1z", None)]));
    assert_error(&bad_zone, "$.timeline[0].input.targets.Instances.filters[0].values[0]", "no Availability Zone `us-east-1z`");
    let unknown = cluster(json!({}), json!([{"at": "1m", "action": "aws:ec2:reboot-everything", "input": {}}]));
    assert_error(&unknown, "$.timeline[0].action", "unknown action `aws:ec2:reboot-everything`");
    let in_template = cluster(json!({}), json!([{"at": "1m", "action": "StartExperiment", "input": {"experimentTemplate": {"targets": {}, "actions": {"x": {"actionId": "aws:ecs:explode"}}}}}]));
    assert_error(&in_template, "$.timeline[0].input.experimentTemplate.actions.x.actionId", "unknown FIS action `aws:ecs:explode`");
    let percent = cluster(json!({}), json!([{"at": "1m", "action": "aws:ecs:drain-container-instances", "input": {"parameters": {"drainagePercentage": "150", "duration": "PT5M"}, "targets": {"Clusters": {"resourceArns": ["default"], "selectionMode": "ALL"}}}}]));
    assert_error(&percent, "$.timeline[0].input.parameters.drainagePercentage", "not a percentage from 1 to 100");
    let selection = cluster(json!({}), json!([{"at": "1m", "action": "aws:ec2:terminate-instances", "input": {"targets": {"Instances": {"filters": [{"path": "Placement.AvailabilityZone", "values": ["us-east-1a"]}], "selectionMode": "PERCENT(0)"}}}}]));
    assert_error(&selection, "$.timeline[0].input.targets.Instances.selectionMode", "PERCENT(n) takes a percentage from 1 to 100");
    let duration = cluster(json!({}), json!([stop_zone("5m", "us-east-1a", Some("10m"))]));
    assert_error(&duration, "$.timeline[0].input.parameters.startInstancesAfterDuration", "not an ISO 8601 duration");
    let scenario_zone = power(json!({"launchType": "FARGATE"}), false, "eu-west-1a", "PT5M");
    assert_error(&scenario_zone, "$.timeline[0].input.parameters.availabilityZone", "no Availability Zone `eu-west-1a`");
    let wrong_target = cluster(json!({}), json!([{"at": "1m", "action": "aws:ecs:stop-task", "input": {"targets": {"Instances": {"resourceArns": ["i-1"], "selectionMode": "ALL"}}}}]));
    assert_error(&wrong_target, "$.timeline[0].input.targets.Instances", "takes one target, \"Tasks\"");
    let cycle = cluster(json!({}), json!([{"at": "1m", "action": "StartExperiment", "input": {"experimentTemplate": {
        "targets": {"a": {"filters": [{"path": "Placement.AvailabilityZone", "values": ["us-east-1a"]}], "selectionMode": "ALL"}},
        "actions": {"x": {"actionId": "aws:ec2:terminate-instances", "targets": {"Instances": "a"}, "startAfter": ["y"]},
                    "y": {"actionId": "aws:ec2:terminate-instances", "targets": {"Instances": "a"}, "startAfter": ["x"]}}}}}]));
    assert_error(&cycle, "$.timeline[0].input.experimentTemplate.actions.x.startAfter", "cycle");
}

#[test]
fn availability_zone_rebalancing_is_validated_as_create_service_does() {
    let binpack = cluster(json!({"availabilityZoneRebalancing": "ENABLED", "placementStrategy": [{"type": "binpack", "field": "cpu"}]}), json!([]));
    assert_error(&binpack, "$.services[0].availabilityZoneRebalancing", "first placement strategy must be spread on attribute:ecs.availability-zone");
    let bad = cluster(json!({"availabilityZoneRebalancing": "ON"}), json!([]));
    assert_error(&bad, "$.services[0].availabilityZoneRebalancing", "`ON` is not ENABLED or DISABLED");
    let update = cluster(json!({"placementStrategy": [{"type": "random"}]}), json!([{"at": "1m", "action": "UpdateService", "input": {"service": "web", "availabilityZoneRebalancing": "ENABLED"}}]));
    assert_error(&update, "$.timeline[0].input.availabilityZoneRebalancing", "isn't supported for this service");
    // Defaults: ENABLED on create for a service that can use it.
    let s = sim(&cluster(json!({}), json!([])));
    assert!(s.services[0].def.az_rebalancing);
}

#[test]
fn invariants_hold_through_zone_failures_and_recovery_over_many_seeds() {
    // A tiny deterministic generator (xorshift) picks each run's faults from the seed.
    for seed in 1..=60u64 {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let zone = ZONES[next(3) as usize];
        let minutes = 2 + next(10);
        let mut timeline = vec![];
        for k in 0..(1 + next(3)) {
            let at = format!("{}m", 3 + k * next(6));
            let action = match next(5) {
                0 => stop_zone(&at, zone, Some(&format!("PT{minutes}M"))),
                1 => json!({"at": at, "action": "aws:network:disrupt-connectivity", "input": {"parameters": {"duration": format!("PT{minutes}M"), "scope": if next(2) == 0 { "all" } else { "availability-zone" }},
                    "targets": {"Subnets": {"filters": [{"path": "AvailabilityZone", "values": [zone]}], "selectionMode": "ALL"}}}}),
                2 => json!({"at": at, "action": "aws:ecs:drain-container-instances", "input": {"parameters": {"drainagePercentage": (1 + next(100)).to_string(), "duration": format!("PT{minutes}M")},
                    "targets": {"Clusters": {"resourceArns": ["default"], "selectionMode": "ALL"}}}}),
                3 => json!({"at": at, "action": "aws:ecs:stop-task", "input": {"targets": {"Tasks": {"filters": [{"path": "AvailabilityZone", "values": [zone]}], "selectionMode": format!("PERCENT({})", 1 + next(100))}}}}),
                _ => json!({"at": at, "action": "StartExperiment", "input": {"scenario": "AZ Availability: Power Interruption", "parameters": {"availabilityZone": zone, "duration": format!("PT{minutes}M")}}}),
            };
            timeline.push(action);
        }
        let service = if next(2) == 0 { json!({}) } else { json!({"availabilityZoneRebalancing": "DISABLED", "desiredCount": 1 + next(12)}) };
        let mut d = cluster(service, json!(timeline));
        d["seed"] = json!(seed);
        if next(2) == 0 {
            d["autoScalingGroups"] = json!([{"AutoScalingGroupName": "asg", "MinSize": 1, "MaxSize": 6, "DesiredCapacity": 3, "InstanceType": "m5.large", "AvailabilityZones": ZONES}]);
            if next(2) == 0 {
                // The service runs on the group through a managed capacity provider.
                d["capacityProviders"] = json!([{"name": "cp", "autoScalingGroupProvider": {"autoScalingGroupArn": "asg", "managedScaling": {"status": "ENABLED", "targetCapacity": 100}}}]);
                d["services"][0]["capacityProviderStrategy"] = json!([{"capacityProvider": "cp", "weight": 1}]);
            }
        }
        // common::run checks the invariants after every event.
        let s = run(&d, 60 * 60);
        assert!(s.instances.iter().filter(|i| i.status != InstanceStatus::Inactive).all(|i| i.agent_connected), "seed {seed}: everything reconnects");
    }
}

#[test]
fn percentages_round_as_written_down() {
    // Stevedore's choices (FIS documents no rounding): PERCENT(n) rounds down, drainagePercentage up.
    let mut d = cluster(json!({"desiredCount": 3, "availabilityZoneRebalancing": "DISABLED"}), json!([
        {"at": "5m", "action": "aws:ecs:stop-task", "input": {"targets": {"Tasks": {"parameters": {"service": "web"}, "selectionMode": "PERCENT(50)"}}}},
        {"at": "5m", "action": "aws:ecs:drain-container-instances", "input": {"parameters": {"drainagePercentage": 50, "duration": "PT5M"}, "targets": {"Clusters": {"selectionMode": "ALL"}}}}]));
    d["containerInstances"] = json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 3}]);
    let s = run(&d, 5 * 60 + 1);
    assert_eq!(s.tasks.iter().filter(|t| t.stopped_reason.as_deref().is_some_and(|r| r.contains("AWS FIS"))).count(), 1, "50 % of 3 tasks: 1");
    assert_eq!(s.instances.iter().filter(|i| i.status == InstanceStatus::Draining).count(), 2, "50 % of 3 instances: 2");
}

#[test]
fn fargate_with_every_subnet_cut_off_is_unable_to_place() {
    let mut d = power(json!({"launchType": "FARGATE", "desiredCount": 2}), false, "us-east-1a", "PT10M");
    d["services"][0]["networkConfiguration"]["awsvpcConfiguration"]["subnets"] = json!(["subnet-0"]);
    let s = run(&d, 8 * 60);
    assert_eq!(per_zone(&s), vec![0, 0, 0]);
    assert!(has(&s, "(service web) was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone."), "{:#?}", events(&s));
    let s = run(&d, 20 * 60);
    assert_eq!(per_zone(&s), vec![2, 0, 0], "launches resume when the zone's connectivity returns");
}

#[test]
fn a_managed_capacity_provider_refills_the_lost_zone_from_the_others() {
    let mut d = power(json!({"capacityProviderStrategy": [{"capacityProvider": "cp", "weight": 1}]}), true, "us-east-1c", "PT30M");
    d["capacityProviders"] = json!([{"name": "cp", "autoScalingGroupProvider": {"autoScalingGroupArn": "asg", "managedScaling": {"status": "ENABLED", "targetCapacity": 100}}}]);
    let s = run(&d, 25 * 60);
    assert_eq!(per_zone(&s)[2], 0);
    assert_eq!(s.tasks.iter().filter(|t| t.live() && t.desired_running && t.last_status == TaskStatus::Running).count(), 6, "every task running again outside us-east-1c");
    assert!(s.instances.iter().filter(|i| i.status != InstanceStatus::Inactive).all(|i| i.spec.availability_zone != "us-east-1c"));
}

#[test]
fn targets_select_by_tags_and_by_ids() {
    // The power interruption scenario's own convention: instances tagged AzImpairmentPower.
    let mut d = cluster(json!({"availabilityZoneRebalancing": "DISABLED"}), json!([
        {"at": "5m", "action": "aws:ec2:stop-instances", "input": {"targets": {"Instances": {"resourceType": "aws:ec2:instance",
            "resourceTags": {"AzImpairmentPower": "StopInstances"}, "selectionMode": "ALL"}}}},
        {"at": "6m", "action": "aws:ec2:terminate-instances", "input": {"targets": {"Instances": {
            "resourceArns": ["arn:aws:ec2:us-east-1:123456789012:instance/i-0fixed00000000001"], "selectionMode": "ALL"}}}}]));
    d["containerInstances"][0]["tags"] = json!([{"Key": "AzImpairmentPower", "Value": "StopInstances"}]);
    d["containerInstances"][1] = json!({"instanceType": "m5.large", "availabilityZone": "us-east-1b", "ec2InstanceId": "i-0fixed00000000001"});
    let s = run(&d, 7 * 60);
    let zone_a: Vec<_> = s.instances.iter().filter(|i| i.spec.availability_zone == "us-east-1a").collect();
    assert!(zone_a.iter().all(|i| i.ec2_stopped), "both tagged instances stopped");
    assert!(s.instances.iter().filter(|i| i.spec.availability_zone != "us-east-1a").all(|i| !i.ec2_stopped || i.spec.ec2_instance_id == "i-0fixed00000000001"));
    let fixed = s.instances.iter().find(|i| i.spec.ec2_instance_id == "i-0fixed00000000001").unwrap();
    assert_eq!(fixed.status, InstanceStatus::Inactive, "the ARN names it");
    let both = cluster(json!({}), json!([{"at": "1m", "action": "aws:ec2:terminate-instances", "input": {"targets": {"Instances": {
        "resourceArns": ["i-1"], "resourceTags": {"a": "b"}, "selectionMode": "ALL"}}}}]));
    assert_error(&both, "$.timeline[0].input.targets.Instances", "resourceArns or resourceTags, not both");
}

#[test]
fn turning_rebalancing_off_mid_move_leaves_the_desired_count() {
    // Rebalancing starts its two tasks at 16m; switch it off before they let others go.
    let d = cluster(json!({}), json!([stop_zone("5m", "us-east-1a", Some("PT10M")),
        {"at": "16m5s", "action": "UpdateService", "input": {"service": "web", "availabilityZoneRebalancing": "DISABLED"}}]));
    let s = run(&d, 16 * 60 + 4);
    assert!(has(&s, "to AZ Rebalance"), "rebalancing under way");
    let s = run(&d, 25 * 60);
    assert_eq!(s.tasks.iter().filter(|t| t.live() && t.desired_running).count(), 6, "back to desiredCount");
    let report = stevedore_sim::report::report(&s, &stevedore_sim::report::ReportOptions { explain: false });
    assert_eq!(report["services"][0]["availabilityZoneRebalancing"], "DISABLED");
}

#[test]
fn an_instance_launched_into_a_cut_off_subnet_has_no_agent_until_it_reconnects() {
    let d = cluster(json!({"availabilityZoneRebalancing": "DISABLED"}), json!([
        {"at": "5m", "action": "aws:network:disrupt-connectivity", "input": {"parameters": {"duration": "PT10M"},
            "targets": {"Subnets": {"filters": [{"path": "AvailabilityZone", "values": ["us-east-1a"]}], "selectionMode": "ALL"}}}},
        {"at": "6m", "action": "RegisterContainerInstance", "input": {"instanceType": "m5.large", "availabilityZone": "us-east-1a", "ec2InstanceId": "i-0late000000000001"}}]));
    let late = |s: &Sim| s.instances.iter().find(|i| i.spec.ec2_instance_id == "i-0late000000000001").map(|i| i.agent_connected);
    assert_eq!(late(&run(&d, 7 * 60)), Some(false));
    assert_eq!(late(&run(&d, 16 * 60)), Some(true));
}
