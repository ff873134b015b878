//! Network modes, host ports and ENIs (aws-semantics §5).

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::TaskStatus;

fn one_instance(extra: Value) -> Value {
    let mut i = json!({"instanceType": "m5.large", "availabilityZone": "us-east-1a"});
    for (k, v) in extra.as_object().unwrap() {
        i[k] = v.clone();
    }
    json!([i])
}

fn ports_of(s: &stevedore_sim::Sim, group: &str) -> Vec<u16> {
    s.tasks.iter().filter(|t| t.live() && t.group == group).flat_map(|t| t.bindings.iter().map(|b| b.host_port)).collect()
}

fn service(count: u32) -> Value {
    json!([{"serviceName": "s", "taskDefinition": "app", "desiredCount": count, "launchType": "EC2"}])
}

#[test]
fn dynamic_host_ports_are_assigned_upward_from_the_range_start() {
    let s = run(&doc(one_instance(json!({})), json!([td("app", 0, 64, json!([{"containerPort": 80}]))]), service(3)), 60);
    assert_eq!(ports_of(&s, "service:s"), vec![32768, 32769, 32770]);
}

#[test]
fn a_custom_range_skips_reserved_ports_and_runs_out() {
    let d = doc(one_instance(json!({"ECS_DYNAMIC_HOST_PORT_RANGE": "2374-2378"})), json!([td("app", 0, 64, json!([{"containerPort": 80, "hostPort": 0}]))]), service(4));
    let s = run(&d, 60);
    assert_eq!(ports_of(&s, "service:s"), vec![2374, 2377, 2378], "2375 and 2376 are reserved by default");
    let unplaced = s.services[0].unplaced.as_deref().unwrap_or("");
    assert!(unplaced.contains("is already using a port required by your task"), "{unplaced}");
}

#[test]
fn the_agent_wraps_to_the_start_of_the_range() {
    let mut d = doc(one_instance(json!({"ECS_DYNAMIC_HOST_PORT_RANGE": "100-102"})), json!([td("app", 0, 64, json!([{"containerPort": 80}]))]), json!([]));
    d["tasks"] = json!([{"taskDefinition": "app", "count": 3, "launchType": "EC2"}]);
    let mut s = sim(&d);
    run_sim(&mut s, 30);
    let first = s.tasks[0].id.clone();
    d["timeline"] = json!([
        {"at": "30s", "action": "StopTask", "input": {"task": first}},
        {"at": "2m", "action": "RunTask", "input": {"taskDefinition": "app", "launchType": "EC2"}}
    ]);
    let s = run(&d, 180);
    // The fourth task scans upward from 102, wraps, and finds 100 free again.
    assert_eq!(s.tasks[3].bindings[0].host_port, 100);
    assert_eq!(s.tasks[0].last_status, TaskStatus::Stopped);
}

#[test]
fn static_host_port_conflicts_move_or_block_tasks() {
    let two = json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}]);
    let s = run(&doc(two, json!([td("app", 0, 64, json!([{"containerPort": 80, "hostPort": 8080}]))]), service(3)), 60);
    assert_eq!(per_instance(&s, "service:s"), vec![1, 1], "one task per instance can bind 8080");
    assert!(s.services[0].unplaced.as_deref().unwrap().contains("is already using a port required by your task"));
    let reserved = run(&doc(one_instance(json!({})), json!([td("app", 0, 64, json!([{"containerPort": 22, "hostPort": 22}]))]), service(1)), 60);
    assert_eq!(per_instance(&reserved, "service:s"), vec![0], "port 22 is reserved by the agent");
}

#[test]
fn host_mode_runs_one_task_of_a_definition_per_instance() {
    // "you can't run multiple tasks of the same task definition on a single Amazon EC2 instance"
    let mut app = td("app", 0, 64, json!([{"containerPort": 80}]));
    app["networkMode"] = json!("host");
    let two = json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}]);
    let s = run(&doc(two, json!([app]), service(3)), 60);
    assert_eq!(per_instance(&s, "service:s"), vec![1, 1]);
    assert_eq!(ports_of(&s, "service:s"), vec![80, 80]);
}

fn awsvpc_doc(instance: Value, count: u32) -> Value {
    let mut app = td("app", 0, 64, json!([{"containerPort": 80}]));
    app["networkMode"] = json!("awsvpc");
    let mut d = doc(instance, json!([app]), json!([{"serviceName": "s", "taskDefinition": "app", "desiredCount": count, "launchType": "EC2",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-us-east-1a"]}}}]));
    d["seed"] = json!(3);
    d
}

#[test]
fn awsvpc_tasks_are_limited_by_enis_and_trunking_raises_the_limit() {
    // The guide's example: a c5.large runs two awsvpc tasks, ten with ENI trunking.
    let plain = run(&awsvpc_doc(json!([{"instanceType": "c5.large", "availabilityZone": "us-east-1a"}]), 4), 60);
    assert_eq!(per_instance(&plain, "service:s"), vec![2]);
    assert!(plain.services[0].unplaced.as_deref().unwrap().contains("RESOURCE:ENI"));
    let trunk = run(&awsvpc_doc(json!([{"instanceType": "c5.large", "availabilityZone": "us-east-1a", "awsvpcTrunking": true}]), 12), 60);
    assert_eq!(per_instance(&trunk, "service:s"), vec![10]);
}

#[test]
fn awsvpc_tasks_get_their_own_address_and_no_host_port_binding() {
    let s = run(&awsvpc_doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a"}]), 2), 60);
    let ips: Vec<u32> = s.tasks.iter().map(|t| t.private_ip.unwrap()).collect();
    assert_ne!(ips[0], ips[1]);
    let inst = &s.instances[0];
    assert!(inst.bound_tcp.is_empty(), "awsvpc tasks don't bind host ports");
    let report = stevedore_sim::report::describe_task(&s, &s.tasks[0]);
    assert_eq!(report["attachments"][0]["type"], "ElasticNetworkInterface");
    assert_eq!(report["containers"][0]["networkBindings"], json!([]));
    assert!(report["containers"][0]["networkInterfaces"][0]["privateIpv4Address"].as_str().unwrap().starts_with("172.31."));
}

#[test]
fn a_full_subnet_blocks_fargate_placement() {
    // A /28 has 16 addresses; AWS keeps 5, so 11 tasks fit.
    let mut app = td("app", 256, 512, json!([]));
    app["networkMode"] = json!("awsvpc");
    app["requiresCompatibilities"] = json!(["FARGATE"]);
    app["cpu"] = json!("256");
    app["memory"] = json!("512");
    app["containerDefinitions"][0].as_object_mut().unwrap().remove("memory");
    let d = json!({
        "subnets": [{"SubnetId": "tiny", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.0.0/28"}],
        "taskDefinitions": [app],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 12, "launchType": "FARGATE",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["tiny"]}}}]
    });
    let s = run(&d, 120);
    assert_eq!(s.tasks.iter().filter(|t| t.live()).count(), 11);
    assert!(s.services[0].unplaced.as_deref().unwrap().contains("no free IP addresses"));
}

#[test]
fn fargate_tasks_spread_across_the_zones_of_their_subnets() {
    let mut app = td("app", 256, 512, json!([]));
    app["networkMode"] = json!("awsvpc");
    app["requiresCompatibilities"] = json!(["FARGATE"]);
    app["cpu"] = json!("256");
    app["memory"] = json!("512");
    let d = json!({
        "subnets": [
            {"SubnetId": "a", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.1.0/24"},
            {"SubnetId": "b", "AvailabilityZone": "us-east-1b", "CidrBlock": "10.0.2.0/24"},
            {"SubnetId": "c", "AvailabilityZone": "us-east-1c", "CidrBlock": "10.0.3.0/24"}
        ],
        "taskDefinitions": [app],
        "services": [{"serviceName": "s", "taskDefinition": "app", "desiredCount": 7, "launchType": "FARGATE",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["a", "b", "c"]}}}]
    });
    let s = run(&d, 120);
    let count = |az: &str| s.tasks.iter().filter(|t| t.availability_zone == az).count();
    assert_eq!((count("us-east-1a"), count("us-east-1b"), count("us-east-1c")), (3, 2, 2));
    assert!(s.tasks.iter().all(|t| t.fargate && t.last_status == TaskStatus::Running));
    let report = stevedore_sim::report::describe_task(&s, &s.tasks[0]);
    assert_eq!(report["launchType"], "FARGATE");
}

#[test]
fn at_most_100_reserved_ports_including_the_defaults() {
    // 5 default reserved ports + 95 static host ports fit; the 96th does not.
    let mappings: Vec<Value> = (0..96).map(|k| json!({"containerPort": 10000 + k, "hostPort": 10000 + k})).collect();
    let s = run(&doc(one_instance(json!({})), json!([td("app", 0, 64, json!(mappings))]), service(1)), 60);
    assert_eq!(per_instance(&s, "service:s"), vec![0]);
    let mappings: Vec<Value> = (0..95).map(|k| json!({"containerPort": 10000 + k, "hostPort": 10000 + k})).collect();
    let s = run(&doc(one_instance(json!({})), json!([td("app", 0, 64, json!(mappings))]), service(1)), 60);
    assert_eq!(per_instance(&s, "service:s"), vec![1]);
}
