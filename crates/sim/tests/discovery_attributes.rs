//! The attributes ECS registers on a task's Cloud Map instance
//! (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html,
//! "Service discovery considerations"): AWS_INSTANCE_IPV4, AWS_INSTANCE_PORT, AVAILABILITY_ZONE,
//! REGION, ECS_SERVICE_NAME, ECS_CLUSTER_NAME, EC2_INSTANCE_ID ("This custom attribute is not added
//! if the task is using Fargate"), ECS_TASK_DEFINITION_FAMILY.

mod common;
use common::*;
use serde_json::{json, Value};

fn scenario(fargate: bool) -> Value {
    let mut td = json!({"family": "payments", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "payments:1", "memory": 512, "portMappings": [{"containerPort": 9000}]}]});
    let mut service = json!({"serviceName": "payments", "taskDefinition": "payments", "desiredCount": 1, "serviceRegistries": [{"registryArn": "payments"}],
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}}});
    if fargate {
        td["requiresCompatibilities"] = json!(["FARGATE"]);
        td["cpu"] = json!("256");
        td["memory"] = json!("512");
        service["launchType"] = json!("FARGATE");
    }
    json!({
        "stevedore": 1,
        "region": "eu-west-1",
        "cluster": {"clusterName": "shop"},
        "containerInstances": [{"instanceType": "m5.large", "availabilityZone": "eu-west-1b", "ec2InstanceId": "i-0123456789abcdef0"}],
        "subnets": [{"SubnetId": "subnet-a", "AvailabilityZone": "eu-west-1b", "CidrBlock": "10.0.1.0/24"}],
        "namespaces": [{"Name": "shop.local"}],
        "discoveryServices": [{"Name": "payments", "NamespaceId": "shop.local", "DnsConfig": {"DnsRecords": [{"Type": "A", "TTL": 10}]}}],
        "taskDefinitions": [td],
        "services": [service]
    })
}

fn attributes(fargate: bool) -> Value {
    let s = run(&scenario(fargate), 120);
    let report = stevedore_sim::report::service_discovery(&s);
    report[0]["Instances"][0]["Attributes"].clone()
}

#[test]
fn an_ec2_task_carries_every_documented_attribute() {
    let a = attributes(false);
    for key in ["AWS_INSTANCE_IPV4", "AVAILABILITY_ZONE", "REGION", "ECS_SERVICE_NAME", "ECS_CLUSTER_NAME", "EC2_INSTANCE_ID", "ECS_TASK_DEFINITION_FAMILY"] {
        assert!(a.get(key).is_some(), "{key} missing: {a:#}");
    }
    assert_eq!(a["REGION"], "eu-west-1");
    assert_eq!(a["AVAILABILITY_ZONE"], "eu-west-1b");
    assert_eq!(a["EC2_INSTANCE_ID"], "i-0123456789abcdef0", "the container instance the task was placed on");
    assert_eq!(a["ECS_CLUSTER_NAME"], "shop");
    assert_eq!(a["ECS_SERVICE_NAME"], "payments");
    assert_eq!(a["ECS_TASK_DEFINITION_FAMILY"], "payments");
    assert!(a["AWS_INSTANCE_IPV4"].as_str().unwrap().starts_with("10.0.1."));
}

#[test]
fn a_fargate_task_has_no_ec2_instance_id() {
    let a = attributes(true);
    assert!(a.get("EC2_INSTANCE_ID").is_none(), "{a:#}");
    assert_eq!(a["REGION"], "eu-west-1");
    assert_eq!(a["AVAILABILITY_ZONE"], "eu-west-1b");
}
