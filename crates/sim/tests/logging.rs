//! logConfiguration with the awslogs driver: RegisterTaskDefinition's rule for Fargate, and the
//! execution role's logs permissions at task start
//! (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html,
//! https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html).

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::TaskStatus;

const EXEC: &str = "arn:aws:iam::123456789012:role/exec";

fn awslogs(extra: Value) -> Value {
    let mut options = json!({"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"});
    for (k, v) in extra.as_object().unwrap() {
        options[k] = v.clone();
    }
    json!({"logDriver": "awslogs", "options": options})
}

fn fargate(exec_policy: Option<Value>, log: Value) -> Value {
    let mut td = json!({"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512",
        "containerDefinitions": [{"name": "web", "image": "nginx", "logConfiguration": log}]});
    let mut roles = json!([]);
    if let Some(p) = exec_policy {
        td["executionRoleArn"] = json!(EXEC);
        let mut role = json!({"RoleName": "exec"});
        for (k, v) in p.as_object().unwrap() {
            role[k] = v.clone();
        }
        roles = json!([role]);
    }
    json!({
        "stevedore": 1,
        "subnets": [{"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.0.0/24"}],
        "roles": roles,
        "taskDefinitions": [td],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 1, "launchType": "FARGATE", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}}}]
    })
}

fn first_task(d: &Value) -> (TaskStatus, Option<String>, Option<String>, String) {
    let s = run(d, 120);
    let t = &s.tasks[0];
    (t.last_status, t.stopped_reason.clone(), t.stop_code.clone(), t.id.clone())
}

#[test]
fn awslogs_on_fargate_needs_an_execution_role() {
    let d = fargate(None, awslogs(json!({})));
    assert_error(&d, "$.taskDefinitions[0].executionRoleArn", "Fargate requires task definition to have execution role ARN to support log driver awslogs.");
    // Another driver Fargate supports needs none.
    let d = fargate(None, json!({"logDriver": "splunk", "options": {"splunk-url": "https://splunk.example.com:8088"}}));
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
}

#[test]
fn an_execution_role_without_logs_permissions_fails_the_task_at_start() {
    let d = fargate(Some(json!({"allowedActions": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"]})), awslogs(json!({})));
    let (status, reason, code, id) = first_task(&d);
    assert_eq!((status, code.as_deref()), (TaskStatus::Stopped, Some("TaskFailedToStart")));
    let reason = reason.unwrap();
    assert!(reason.starts_with("ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/exec/"), "{reason}");
    assert!(reason.contains(&format!("is not authorized to perform: logs:CreateLogStream on resource: arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web:log-stream:ecs/web/{id}")), "{reason}");
    // AmazonECSTaskExecutionRolePolicy grants logs:CreateLogStream and logs:PutLogEvents.
    let managed = json!({"ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]});
    assert_eq!(first_task(&fargate(Some(managed.clone()), awslogs(json!({})))).0, TaskStatus::Running);
    // awslogs-create-group also needs logs:CreateLogGroup, which that policy doesn't grant.
    let (_, reason, _, _) = first_task(&fargate(Some(managed), awslogs(json!({"awslogs-create-group": "true"}))));
    let reason = reason.unwrap_or_default();
    assert!(reason.contains("failed to create Cloudwatch log group: AccessDeniedException") && reason.contains("logs:CreateLogGroup on resource: arn:aws:logs:us-east-1:123456789012:log-group:/ecs/web"), "{reason}");
}

#[test]
fn on_ec2_without_an_execution_role_the_instance_profile_writes_the_logs() {
    let doc = |instance_policies: Value| {
        json!({
            "stevedore": 1,
            "containerInstances": [{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "iamInstanceProfile": "ecsInstanceRole"}],
            "roles": [{"RoleName": "ecsInstanceRole", "ManagedPolicyArns": instance_policies}],
            "taskDefinitions": [{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 256, "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}}}]}],
            "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 1, "launchType": "EC2"}]
        })
    };
    // AmazonEC2ContainerServiceforEC2Role includes logs:CreateLogStream and logs:PutLogEvents.
    assert_eq!(first_task(&doc(json!(["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"]))).0, TaskStatus::Running);
    let (status, reason, _, _) = first_task(&doc(json!(["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"])));
    let reason = reason.unwrap_or_default();
    assert_eq!(status, TaskStatus::Stopped);
    assert!(reason.starts_with("CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsInstanceRole/i-"), "{reason}");
}

#[test]
fn log_configuration_is_validated() {
    let managed = json!({"ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]});
    let path = "$.taskDefinitions[0].containerDefinitions[0].logConfiguration";
    let d = fargate(Some(managed.clone()), json!({"logDriver": "json-file"}));
    assert_error(&d, &format!("{path}.logDriver"), "awslogs, splunk, and awsfirelens");
    let d = fargate(Some(managed.clone()), json!({"logDriver": "stdout"}));
    assert_error(&d, &format!("{path}.logDriver"), "is not one of");
    let d = fargate(Some(managed.clone()), json!({"logDriver": "awslogs", "options": {"awslogs-regoin": "us-east-1"}}));
    assert_error(&d, &format!("{path}.options.awslogs-regoin"), "unknown log opt 'awslogs-regoin' for awslogs log driver");
    assert_error(&d, &format!("{path}.options"), "awslogs needs awslogs-group");
    let d = fargate(Some(managed), awslogs(json!({"mode": "fast", "awslogs-create-group": "yes"})));
    assert_error(&d, &format!("{path}.options.mode"), "non-blocking");
    assert_error(&d, &format!("{path}.options.awslogs-create-group"), "\"true\" or \"false\"");
}

#[test]
fn logs_that_cannot_be_delivered_do_not_stop_the_task() {
    // CreateLogStream allowed, PutLogEvents not: the stream exists, the container runs, its
    // events are refused (Stevedore logs it).
    let d = fargate(Some(json!({"allowedActions": ["logs:CreateLogStream"]})), awslogs(json!({})));
    let s = run(&d, 120);
    assert_eq!(s.tasks[0].last_status, TaskStatus::Running);
    assert!(s.log.iter().any(|l| l.message.contains("may not logs:PutLogEvents")), "{:?}", s.log.iter().map(|l| &l.message).collect::<Vec<_>>());
}
