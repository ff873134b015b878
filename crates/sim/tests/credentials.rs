//! Which identity a container's AWS call runs as on EC2, by network mode and agent settings.
//! ECS_AWSVPC_BLOCK_IMDS: "Whether to block access to Instance Metadata for Tasks started with
//! awsvpc network mode" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-agent-config.html);
//! a task whose role the agent doesn't serve "uses the Amazon EC2 instance role"
//! (https://repost.aws/knowledge-center/ecs-iam-task-roles-config-errors).

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::iam::CallIdentity;

const TASK_ROLE: &str = "arn:aws:iam::123456789012:role/app-task";

fn scenario(mode: &str, task_role: bool, agent: Value) -> Value {
    let mut instance = json!({"instanceType": "m5.large", "availabilityZone": "us-east-1a", "iamInstanceProfile": "ecsInstanceProfile"});
    for (k, v) in agent.as_object().unwrap() {
        instance[k] = v.clone();
    }
    let mut td = json!({"family": "app", "networkMode": mode, "containerDefinitions": [{"name": "app", "image": "app:1", "memory": 256}]});
    if task_role {
        td["taskRoleArn"] = json!(TASK_ROLE);
    }
    let mut service = json!({"serviceName": "app", "taskDefinition": "app", "desiredCount": 1, "launchType": "EC2"});
    if mode == "awsvpc" {
        service["networkConfiguration"] = json!({"awsvpcConfiguration": {"subnets": ["subnet-us-east-1a"]}});
    }
    json!({
        "stevedore": 1,
        "containerInstances": [instance],
        "roles": [
            {"RoleName": "app-task", "Policies": [{"PolicyName": "s3", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}]},
            {"RoleName": "ecsInstanceRole", "InstanceProfileName": "ecsInstanceProfile", "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}
        ],
        "taskDefinitions": [td],
        "services": [service],
        "timeline": [{"at": "1m", "action": "CallAwsApi", "input": {"service": "app", "action": "s3:GetObject", "resource": "arn:aws:s3:::assets/a"}}]
    })
}

fn identity(mode: &str, task_role: bool, agent: Value) -> (String, bool, String) {
    let s = run(&scenario(mode, task_role, agent), 90);
    assert_eq!(s.api_calls.len(), 1, "{:?}", s.log);
    let c = &s.api_calls[0];
    let who = match &c.identity {
        CallIdentity::TaskRole { .. } => "task role",
        CallIdentity::InstanceProfile { .. } => "instance profile",
        CallIdentity::None => "none",
    };
    (who.to_string(), c.allowed, c.message.clone())
}

#[test]
fn block_imds_leaves_an_awsvpc_task_without_a_role_no_credentials() {
    assert_eq!(identity("awsvpc", false, json!({})).0, "instance profile", "by default the metadata is reachable");
    let (who, allowed, message) = identity("awsvpc", false, json!({"ECS_AWSVPC_BLOCK_IMDS": "true"}));
    assert_eq!((who.as_str(), allowed), ("none", false));
    assert!(message.contains("Unable to locate credentials") && message.contains("ECS_AWSVPC_BLOCK_IMDS"), "{message}");
    // "while still allowing the permissions that are provided by the task role"
    assert_eq!(identity("awsvpc", true, json!({"ecsConfig": "ECS_AWSVPC_BLOCK_IMDS=true"})).0, "task role");
}

#[test]
fn block_imds_does_not_reach_bridge_or_host_tasks() {
    for mode in ["bridge", "host"] {
        assert_eq!(identity(mode, false, json!({"ECS_AWSVPC_BLOCK_IMDS": true})).0, "instance profile", "{mode}");
    }
}

#[test]
fn a_task_role_the_agent_does_not_serve_falls_back_to_the_instance_role() {
    assert_eq!(identity("host", true, json!({})).0, "task role", "the ECS-optimized AMI enables host-network task roles");
    assert_eq!(identity("host", true, json!({"ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST": "false"})).0, "instance profile");
    assert_eq!(identity("bridge", true, json!({"ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST": "false"})).0, "task role", "only host mode reads it");
    assert_eq!(identity("bridge", true, json!({"ECS_ENABLE_TASK_IAM_ROLE": "false"})).0, "instance profile");
    // With the metadata blocked too, an awsvpc task whose role isn't served has nothing.
    assert_eq!(identity("awsvpc", true, json!({"ECS_ENABLE_TASK_IAM_ROLE": "false", "ECS_AWSVPC_BLOCK_IMDS": "true"})).0, "none");
}
