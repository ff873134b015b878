//! Container agent settings as the agent reads them: `/etc/ecs/ecs.config` lines, `KEY=value`
//! (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html), where the
//! agent parses booleans with Go's strconv.ParseBool.

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::InstanceStatus;

fn spot_instance(extra: Value) -> Value {
    let mut instance = json!({"instanceType": "m5.large", "availabilityZone": "us-east-1a", "purchaseOption": "spot", "ec2InstanceId": "i-0spot000000000001"});
    for (k, v) in extra.as_object().unwrap() {
        instance[k] = v.clone();
    }
    let mut d = doc(
        json!([instance, {"instanceType": "m5.large", "availabilityZone": "us-east-1b"}]),
        json!([td("app", 256, 256, json!([]))]),
        json!([{"serviceName": "s", "taskDefinition": "app", "desiredCount": 2, "launchType": "EC2"}]),
    );
    d["timeline"] = json!([{"at": "2m", "action": "SpotInterruption", "input": {"ec2InstanceId": "i-0spot000000000001"}}]);
    d
}

fn drains(extra: Value) -> bool {
    run(&spot_instance(extra), 150).instances[0].status == InstanceStatus::Draining
}

#[test]
fn spot_draining_takes_the_agents_strings_and_json() {
    // The Spot guide's line: ECS_ENABLE_SPOT_INSTANCE_DRAINING=true.
    for on in [json!(true), json!("true"), json!("TRUE"), json!("True"), json!("t"), json!("1"), json!(1)] {
        assert!(drains(json!({"ECS_ENABLE_SPOT_INSTANCE_DRAINING": on})), "{on} turns draining on");
    }
    for off in [json!(false), json!("false"), json!("F"), json!("0"), json!(0)] {
        assert!(!drains(json!({"ECS_ENABLE_SPOT_INSTANCE_DRAINING": off})), "{off} leaves it off");
    }
    assert!(!drains(json!({})), "off by default");
}

#[test]
fn a_pasted_ecs_config_works() {
    let config = "#!/bin/bash user data wrote this\nECS_CLUSTER=default\nECS_ENABLE_SPOT_INSTANCE_DRAINING=true\nECS_RESERVED_MEMORY=256\nECS_RESERVED_PORTS=[22, 2375, 2376, 51678, 51679, 8080]\nECS_DYNAMIC_HOST_PORT_RANGE=40000-40100\nECS_LOGLEVEL=debug\n";
    let s = run(&spot_instance(json!({"ecsConfig": config})), 150);
    assert_eq!(s.instances[0].status, InstanceStatus::Draining);
    let spec = &s.instances[0].spec;
    assert_eq!(spec.agent.reserved_memory_mib, 256);
    assert!(spec.agent.reserved_ports_tcp.contains(&8080));
    assert_eq!(spec.agent.dynamic_port_range, (40000, 40100));
    // The same settings as JSON values or as the agent's strings, key by key.
    let s = run(&spot_instance(json!({"ECS_RESERVED_MEMORY": "256", "ECS_RESERVED_PORTS": "[8080]", "ECS_AWSVPC_BLOCK_IMDS": "true"})), 10);
    assert_eq!((s.instances[0].spec.agent.reserved_memory_mib, s.instances[0].spec.agent.reserved_ports_tcp.clone(), s.instances[0].spec.agent.awsvpc_block_imds), (256, vec![8080], true));
}

#[test]
fn an_auto_scaling_groups_launch_template_carries_ecs_config() {
    let mut d = doc(json!([]), json!([td("app", 256, 256, json!([]))]), json!([]));
    d["autoScalingGroups"] = json!([{"AutoScalingGroupName": "g", "MinSize": 0, "MaxSize": 4, "DesiredCapacity": 2, "InstanceType": "m5.large",
        "AvailabilityZones": ["us-east-1a"], "ecsConfig": "ECS_ENABLE_SPOT_INSTANCE_DRAINING=1\nECS_RESERVED_MEMORY=128"}]);
    let s = sim(&d);
    assert!(s.instances.iter().all(|i| i.spec.agent.spot_draining && i.spec.agent.reserved_memory_mib == 128));
    d["autoScalingGroups"][0]["ecsConfig"] = json!("ECS_RESERVED_MEMORY=lots");
    let errs = errors(&d);
    assert_eq!(errs.iter().filter(|(p, _)| p == "$.autoScalingGroups[0].ecsConfig").count(), 1, "reported once for the group: {errs:?}");
}

#[test]
fn bad_agent_values_error_at_their_path() {
    let d = spot_instance(json!({"ECS_ENABLE_SPOT_INSTANCE_DRAINING": "yes", "ECS_RESERVED_MEMORY": "a lot", "ECS_RESERVED_PORTS": "22,80"}));
    assert_error(&d, "$.containerInstances[0].ECS_ENABLE_SPOT_INSTANCE_DRAINING", "not a boolean the agent reads");
    assert_error(&d, "$.containerInstances[0].ECS_RESERVED_MEMORY", "not a whole number");
    assert_error(&d, "$.containerInstances[0].ECS_RESERVED_PORTS", "not a list of ports");
    let d = spot_instance(json!({"ecsConfig": "ECS_ENABLE_SPOT_INSTANCE_DRAINING=\"true\"\nJUNK", "ECS_RESERVED_MEMORY": 10}));
    assert_error(&d, "$.containerInstances[0].ecsConfig", "ECS_ENABLE_SPOT_INSTANCE_DRAINING: \"\\\"true\\\"\" is not a boolean");
    assert_error(&d, "$.containerInstances[0].ecsConfig", "line 2: `JUNK` is not KEY=value");
    let d = spot_instance(json!({"ecsConfig": "ECS_RESERVED_MEMORY=10", "ECS_RESERVED_MEMORY": 10}));
    assert_error(&d, "$.containerInstances[0].ecsConfig", "also set as a key of its own");
    // The agent joins the cluster ECS_CLUSTER names (unset: `default`).
    let d = spot_instance(json!({"ecsConfig": "ECS_CLUSTER=prod"}));
    assert_error(&d, "$.containerInstances[0].ecsConfig", "would register in cluster prod, not this scenario's cluster default");
    let d = spot_instance(json!({"ECS_RESERVED_PORTS": [22, 70000]}));
    assert_error(&d, "$.containerInstances[0].ECS_RESERVED_PORTS[1]", "not a port");
}
