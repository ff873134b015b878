//! IAM identities, secrets at task start, batch tasks and schedules, Cloud Map and Service
//! Connect, network load balancers.

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::TaskStatus;
use stevedore_sim::iam::CallIdentity;

const EXEC: &str = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole";
const TASK_ROLE: &str = "arn:aws:iam::123456789012:role/orders-task";

fn roles() -> Value {
    json!([
        {"RoleName": "ecsTaskExecutionRole", "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
         "Policies": [{"PolicyName": "read-orders-secrets", "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/orders/*"},
            {"Effect": "Allow", "Action": ["ssm:GetParameters"], "Resource": "arn:aws:ssm:us-east-1:123456789012:parameter/prod/orders/*"}]}}]},
        {"RoleName": "orders-task", "Policies": [{"PolicyName": "orders-table", "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/orders"},
            {"Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": "*"}]}}]},
        {"RoleName": "ecsInstanceRole", "InstanceProfileName": "ecsInstanceProfile", "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]}
    ])
}

fn iam_doc(secret: &str, task_role: Option<&str>) -> Value {
    let mut td = json!({"family": "orders", "executionRoleArn": EXEC, "containerDefinitions": [{"name": "app", "image": "orders:1", "memory": 256,
        "secrets": [{"name": "DB_PASSWORD", "valueFrom": secret}]}]});
    if let Some(r) = task_role {
        td["taskRoleArn"] = json!(r);
    }
    json!({
        "stevedore": 1,
        "containerInstances": [{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "iamInstanceProfile": "ecsInstanceProfile"}],
        "roles": roles(),
        "ssmParameters": [{"Name": "/prod/orders/api-key", "Type": "SecureString"}],
        "secretsManagerSecrets": [{"Name": "prod/orders/db", "jsonKeys": ["password", "username"]}],
        "taskDefinitions": [td],
        "services": [{"serviceName": "orders", "taskDefinition": "orders", "desiredCount": 1}]
    })
}

const DB: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/orders/db";

#[test]
fn secrets_the_execution_role_can_read_are_injected() {
    for from in [format!("{DB}:password::"), "/prod/orders/api-key".to_string(), "arn:aws:ssm:us-east-1:123456789012:parameter/prod/orders/api-key".to_string()] {
        let s = run(&iam_doc(&from, Some(TASK_ROLE)), 30);
        assert_eq!(s.tasks[0].last_status, TaskStatus::Running, "{from}: {:?}", s.tasks[0].stopped_reason);
    }
}

#[test]
fn unreadable_or_missing_secrets_stop_the_task_with_resource_initialization_error() {
    let reason = |from: &str| {
        let s = run(&iam_doc(from, None), 8);
        assert_eq!(s.tasks[0].stop_code.as_deref(), Some("TaskFailedToStart"));
        s.tasks[0].stopped_reason.clone().unwrap()
    };
    // Denied: the execution role may read prod/orders/* only.
    let r = reason("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/billing/db");
    assert!(r.starts_with("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm"), "{r}");
    assert!(r.contains("AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/") && r.contains("is not authorized to perform: secretsmanager:GetSecretValue") && r.contains("because no identity-based policy allows"), "{r}");
    // Allowed but missing.
    assert!(reason("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/orders/cache").contains("ResourceNotFoundException: Secrets Manager can't find the specified secret."));
    // JSON key not in the secret.
    assert!(reason(&format!("{DB}:token::")).contains("did not contain json key token"));
    // SSM: missing parameter, and a parameter outside the allowed path.
    assert!(reason("/prod/orders/missing").contains("unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: /prod/orders/missing"));
    assert!(reason("/prod/billing/key").contains("is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/prod/billing/key"));
}

#[test]
fn a_private_ecr_pull_on_fargate_needs_the_execution_role() {
    let doc = json!({
        "stevedore": 1,
        "subnets": [{"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.0.0/24"}],
        "roles": [{"RoleName": "no-ecr", "allowedActions": ["logs:PutLogEvents"]}],
        "taskDefinitions": [{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "executionRoleArn": "arn:aws:iam::123456789012:role/no-ecr",
            "containerDefinitions": [{"name": "web", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1"}]}],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 1, "launchType": "FARGATE", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}}}]
    });
    let s = run(&doc, 25);
    let r = s.tasks[0].stopped_reason.clone().unwrap_or_default();
    assert!(r.contains("unable to retrieve ecr registry auth") && r.contains("ecr:GetAuthorizationToken"), "{r}");
}

#[test]
fn container_calls_use_the_task_role_else_the_instance_profile() {
    let call = |task_role: Option<&str>, action: &str, resource: &str| {
        let mut doc = iam_doc(&format!("{DB}:password::"), task_role);
        doc["timeline"] = json!([{"at": "1m", "action": "CallAwsApi", "input": {"service": "orders", "action": action, "resource": resource}}]);
        let s = run(&doc, 70);
        assert_eq!(s.api_calls.len(), 1);
        s.api_calls[0].clone()
    };
    let table = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
    let c = call(Some(TASK_ROLE), "dynamodb:PutItem", table);
    assert!(c.allowed && matches!(c.identity, CallIdentity::TaskRole { .. }), "{c:?}");
    let c = call(Some(TASK_ROLE), "dynamodb:DeleteTable", table);
    assert!(!c.allowed && c.message.contains("with an explicit deny"), "{c:?}");
    let c = call(Some(TASK_ROLE), "s3:GetObject", "arn:aws:s3:::reports/q1.csv");
    assert!(!c.allowed && c.message.contains("assumed-role/orders-task/"), "the task role has no S3 access: {c:?}");
    // Without a task role the SDK falls back to the instance profile (S3 read-only).
    let c = call(None, "s3:GetObject", "arn:aws:s3:::reports/q1.csv");
    assert!(c.allowed && matches!(&c.identity, CallIdentity::InstanceProfile { instance_profile, .. } if instance_profile == "ecsInstanceProfile"), "{c:?}");
    let c = call(None, "dynamodb:PutItem", table);
    assert!(!c.allowed && c.message.contains("assumed-role/ecsInstanceRole/i-"), "session is the EC2 instance id: {c:?}");
    // Unknown roles are refused at load.
    let mut doc = iam_doc(&format!("{DB}:password::"), Some("arn:aws:iam::123456789012:role/ghost"));
    doc["services"] = json!([]);
    assert_error(&doc, "$.taskDefinitions[0].taskRoleArn", "is not in roles");
    // A Condition can't be evaluated: refused rather than ignored.
    let mut doc = iam_doc("/prod/orders/api-key", Some(TASK_ROLE));
    doc["roles"][1]["Policies"][0]["PolicyDocument"]["Statement"][0]["Condition"] = json!({"StringEquals": {"aws:SourceVpce": "vpce-1"}});
    assert_error(&doc, "$.roles[1].Policies[0].PolicyDocument.Statement[0].Condition", "not modelled");
    // Secrets without an execution role: RegisterTaskDefinition's ClientException.
    let mut doc = iam_doc("/prod/orders/api-key", None);
    doc["taskDefinitions"][0].as_object_mut().unwrap().remove("executionRoleArn");
    assert_error(&doc, "$.taskDefinitions[0].executionRoleArn", "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.");
}

#[test]
fn fargate_without_a_task_role_has_no_credentials() {
    let doc = json!({
        "stevedore": 1,
        "subnets": [{"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.0.0/24"}],
        "taskDefinitions": [{"family": "web", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc", "cpu": "256", "memory": "512", "containerDefinitions": [{"name": "web", "image": "nginx"}]}],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 1, "launchType": "FARGATE", "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}}}],
        "timeline": [{"at": "2m", "action": "CallAwsApi", "input": {"service": "web", "action": "s3:ListBucket", "resource": "arn:aws:s3:::assets"}}]
    });
    let s = run(&doc, 130);
    assert_eq!(s.api_calls[0].identity, CallIdentity::None);
    assert!(!s.api_calls[0].allowed && s.api_calls[0].message.contains("Unable to locate credentials"));
}

fn batch_doc() -> Value {
    json!({
        "stevedore": 1,
        "start": "2024-03-04T01:55:00Z",
        "containerInstances": [{"instanceType": "m5.large", "availabilityZone": "us-east-1a"}],
        "roles": [{"RoleName": "scheduler-run", "allowedActions": ["ecs:RunTask", "iam:PassRole"]}, {"RoleName": "nothing", "allowedActions": ["s3:GetObject"]}],
        "taskDefinitions": [{"family": "report", "containerDefinitions": [
            {"name": "report", "image": "report:1", "memory": 256, "exitAfter": "3m", "exitCode": 0},
            {"name": "log-router", "image": "fluent-bit:1", "memory": 64, "essential": false}
        ]}],
        "tasks": [{"taskDefinition": "report", "count": 3, "group": "nightly"}],
        "schedules": [
            {"Name": "every-10-min", "ScheduleExpression": "rate(10 minutes)", "FlexibleTimeWindow": {"Mode": "OFF"},
             "Target": {"Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/default", "RoleArn": "arn:aws:iam::123456789012:role/scheduler-run", "EcsParameters": {"TaskDefinitionArn": "report", "TaskCount": 2, "LaunchType": "EC2", "Group": "scheduled"}}},
            {"Name": "nightly-2am", "ScheduleExpression": "cron(0 2 * * ? *)", "FlexibleTimeWindow": {"Mode": "OFF"},
             "Target": {"Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/default", "RoleArn": "arn:aws:iam::123456789012:role/nothing", "EcsParameters": {"TaskDefinitionArn": "report"}}}
        ]
    })
}

#[test]
fn batch_tasks_exit_when_their_essential_container_does() {
    let s = run(&batch_doc(), 200);
    let first: Vec<_> = s.tasks.iter().filter(|t| t.group == "nightly").collect();
    assert_eq!(first.len(), 3);
    for t in &first {
        assert_eq!((t.last_status, t.stop_code.as_deref(), t.stopped_reason.as_deref()), (TaskStatus::Stopped, Some("EssentialContainerExited"), Some("Essential container in task exited")));
        assert_eq!(t.exited, Some((0, 0)));
        // Started at 10 s (pull + start), ran 3 minutes.
        assert_eq!(t.started_at, Some(10_000));
    }
}

#[test]
fn schedules_launch_tasks_and_need_their_role() {
    let s = run(&batch_doc(), 25 * 60);
    // rate(10 minutes) without a StartDate "starts invoking the target immediately": at 0, 10
    // and 20 minutes, 2 tasks each.
    let scheduled: Vec<_> = s.tasks.iter().filter(|t| t.group == "scheduled").collect();
    assert_eq!(scheduled.len(), 6);
    assert!(scheduled.iter().all(|t| t.started_by.as_deref() == Some("scheduler/every-10-min")));
    let starts: Vec<u64> = scheduled.iter().map(|t| t.created_at / 60_000).collect();
    assert_eq!(starts, vec![0, 0, 10, 10, 20, 20]);
    // The 02:00 schedule's role may not call ecs:RunTask: the invocation fails, nothing runs.
    assert!(s.log.iter().any(|l| l.subject == "schedule/nightly-2am" && l.message.contains("is not authorized to perform: ecs:RunTask")));
    assert!(!s.tasks.iter().any(|t| t.started_by.as_deref() == Some("scheduler/nightly-2am")));
    // Validation: the required FlexibleTimeWindow and a well-formed expression.
    let mut doc = batch_doc();
    doc["schedules"][0].as_object_mut().unwrap().remove("FlexibleTimeWindow");
    doc["schedules"][1]["ScheduleExpression"] = json!("rate(0 minutes)");
    assert_error(&doc, "$.schedules[0].FlexibleTimeWindow", "required");
    assert!(errors(&doc).iter().any(|(p, _)| p == "$.schedules[1].ScheduleExpression"));
}

fn discovery_doc() -> Value {
    json!({
        "stevedore": 1,
        "containerInstances": [{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}],
        "subnets": [{"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.1.0/24"}],
        "namespaces": [{"Name": "shop.local"}, {"Name": "mesh", "Type": "HTTP"}],
        "discoveryServices": [
            {"Name": "orders", "NamespaceId": "shop.local", "DnsConfig": {"DnsRecords": [{"Type": "SRV", "TTL": 10}]}},
            {"Name": "payments", "NamespaceId": "shop.local", "DnsConfig": {"DnsRecords": [{"Type": "A", "TTL": 10}]}}
        ],
        "taskDefinitions": [
            {"family": "orders", "containerDefinitions": [{"name": "app", "image": "orders:1", "memory": 256, "portMappings": [{"containerPort": 8080, "name": "http"}]}]},
            {"family": "payments", "networkMode": "awsvpc", "containerDefinitions": [{"name": "app", "image": "payments:1", "memory": 256, "portMappings": [{"containerPort": 9000}]}]},
            {"family": "web", "containerDefinitions": [{"name": "app", "image": "web:1", "memory": 256}]}
        ],
        "services": [
            {"serviceName": "orders", "taskDefinition": "orders", "desiredCount": 3, "serviceRegistries": [{"registryArn": "orders", "containerName": "app", "containerPort": 8080}],
             "serviceConnectConfiguration": {"enabled": true, "namespace": "mesh", "services": [{"portName": "http", "discoveryName": "orders", "clientAliases": [{"port": 80, "dnsName": "orders"}]}]}},
            {"serviceName": "payments", "taskDefinition": "payments", "desiredCount": 2, "serviceRegistries": [{"registryArn": "payments"}], "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}}},
            {"serviceName": "web", "taskDefinition": "web", "desiredCount": 2, "serviceConnectConfiguration": {"enabled": true, "namespace": "mesh"}}
        ],
        "serviceCalls": [
            {"from": "web", "to": "orders:80"},
            {"from": "web", "to": "payments.shop.local:9000"},
            {"from": "orders", "to": "orders:80"}
        ],
        "timeline": [{"at": "3m", "action": "UpdateService", "input": {"service": "payments", "desiredCount": 0}}]
    })
}

#[test]
fn cloud_map_registers_srv_for_bridge_and_a_for_awsvpc() {
    let mut s = sim(&discovery_doc());
    run_sim(&mut s, 120);
    let srv = s.dns_records(0);
    // 3 orders tasks × (SRV + the instance's A record), the SRV carrying the dynamic host port.
    assert_eq!(srv.len(), 6);
    assert!(srv.iter().any(|r| r.starts_with("orders.shop.local. 10 IN SRV 1 1 32768 ")), "{srv:#?}");
    let a = s.dns_records(1);
    assert_eq!(a.len(), 2);
    assert!(a.iter().all(|r| r.starts_with("payments.shop.local. 10 IN A 10.0.1.")));
    // web resolves orders through Service Connect and payments through DNS, one edge per task.
    let edges = s.call_edges();
    assert_eq!(edges.iter().filter(|e| e.call == 0).count(), 2);
    assert_eq!(edges.iter().filter(|e| e.call == 1).count(), 2);
    // orders is in Service Connect too, so it can call its own alias.
    assert_eq!(edges.iter().filter(|e| e.call == 2).count(), 3);
    // Scaling payments to zero deregisters its tasks at once: the name stops resolving.
    run_sim(&mut s, 300);
    assert!(s.dns_records(1).is_empty());
    assert!(s.log.iter().any(|l| l.message.contains("calls to payments.shop.local:9000: NXDOMAIN")));
}

#[test]
fn service_registry_rules() {
    // Bridge tasks can't use an A record, and must name a container and port.
    let mut doc = discovery_doc();
    doc["services"][0]["serviceRegistries"] = json!([{"registryArn": "payments"}]);
    let errs = errors(&doc);
    assert!(errs.iter().any(|(p, m)| p == "$.services[0].serviceRegistries[0].registryArn" && m.contains("only SRV records")), "{errs:#?}");
    assert!(errs.iter().any(|(p, m)| p == "$.services[0].serviceRegistries[0]" && m.contains("must specify containerName and containerPort")));
    // A Service Connect portName must name a port mapping.
    let mut doc = discovery_doc();
    doc["services"][0]["serviceConnectConfiguration"]["services"][0]["portName"] = json!("grpc");
    assert_error(&doc, "$.services[0].serviceConnectConfiguration.services[0].portName", "no portMappings entry named `grpc`");
    // A caller outside Service Connect can't resolve an alias.
    let mut doc = discovery_doc();
    doc["services"][2].as_object_mut().unwrap().remove("serviceConnectConfiguration");
    let s = run(&doc, 120);
    assert_eq!(s.call_edges().iter().filter(|e| e.call == 0).count(), 0);
}

fn nlb_doc(health_check_protocol: Option<&str>) -> Value {
    let mut tg = json!({"Name": "orders-tcp", "Protocol": "TCP", "Port": 80, "HealthCheckIntervalSeconds": 10});
    if let Some(p) = health_check_protocol {
        tg["HealthCheckProtocol"] = json!(p);
    }
    json!({
        "stevedore": 1,
        "containerInstances": [{"instanceType": "m5.large", "availabilityZone": "us-east-1a"}],
        "targetGroups": [tg],
        "loadBalancers": [{"Name": "orders-nlb", "Type": "network", "Listeners": [{"Protocol": "TCP", "Port": 80, "DefaultActions": [{"Type": "forward", "TargetGroupArn": "orders-tcp"}]}]}],
        "taskDefinitions": [{"family": "orders", "containerDefinitions": [{"name": "app", "image": "orders:1", "memory": 256, "portMappings": [{"containerPort": 8080}],
            "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], "interval": 30, "retries": 3, "startPeriod": 120}}]}],
        "services": [{"serviceName": "orders", "taskDefinition": "orders", "desiredCount": 1, "loadBalancers": [{"targetGroupArn": "orders-tcp", "containerName": "app", "containerPort": 8080}]}]
    })
}

#[test]
fn a_tcp_health_check_cannot_see_a_failing_application() {
    // The app fails its own health check; the NLB's TCP check only sees the port open.
    let s = run(&nlb_doc(None), 60);
    assert_eq!(s.aws.elb[0][0].state, stevedore_sim::engine::TargetState::Healthy);
    // An HTTP health check on the same target group sees it fail.
    let s = run(&nlb_doc(Some("HTTP")), 60);
    assert_ne!(s.aws.elb[0][0].state, stevedore_sim::engine::TargetState::Healthy);
    assert!(s.log.iter().any(|l| l.message.contains("unhealthy (Target.FailedHealthChecks)")));
}

#[test]
fn network_load_balancer_rules() {
    let mut doc = nlb_doc(None);
    doc["loadBalancers"][0]["Listeners"][0]["Protocol"] = json!("HTTP");
    assert_error(&doc, "$.loadBalancers[0].Listeners[0].Protocol", "network load balancer's listeners use TCP, UDP, TLS, TCP_UDP");
    let mut doc = nlb_doc(None);
    doc["targetGroups"][0]["Attributes"] = json!([{"Key": "slow_start.duration_seconds", "Value": "60"}]);
    assert_error(&doc, "$.targetGroups[0].Attributes", "network load balancers route by flow hash");
    let mut doc = nlb_doc(None);
    doc["targetGroups"][0]["HealthCheckPath"] = json!("/health");
    assert_error(&doc, "$.targetGroups[0].HealthCheckPath", "no path");
    let mut doc = nlb_doc(None);
    doc["loadBalancers"][0]["Type"] = json!("application");
    doc["loadBalancers"][0]["Listeners"][0]["Protocol"] = json!("HTTP");
    assert_error(&doc, "$.loadBalancers[0].Listeners[0].DefaultActions", "TCP target groups belong to network load balancers");
    // ALBRequestCountPerTarget can't track an NLB target group.
    let mut doc = nlb_doc(None);
    doc["scalableTargets"] = json!([{"ServiceNamespace": "ecs", "ResourceId": "service/default/orders", "ScalableDimension": "ecs:service:DesiredCount", "MinCapacity": 1, "MaxCapacity": 4}]);
    doc["scalingPolicies"] = json!([{"PolicyName": "rps", "ServiceNamespace": "ecs", "ResourceId": "service/default/orders", "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": "TargetTrackingScaling",
        "TargetTrackingScalingPolicyConfiguration": {"TargetValue": 100, "PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget", "ResourceLabel": "net/orders-nlb/0123456789abcdef/targetgroup/orders-tcp/0123456789abcdef"}}}]);
    assert_error(&doc, "$.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification.ResourceLabel", "network load balancer");
}

#[test]
fn stevedore_shapes_refuse_unknown_keys() {
    // `traffic` is Stevedore's own shape: a key it doesn't know is a typo, never ignored.
    let mut doc = nlb_doc(None);
    doc["traffic"] = json!({"orders-tcp": {"constant": 10}});
    assert_error(&doc, "$.traffic.orders-tcp", "unknown field `orders-tcp`, expected `targetGroups` or `services`");
    doc["traffic"] = json!({"services": [{"service": "orders", "baseMemoryMiB": 64, "cpuPerRequest": 1}]});
    assert_error(&doc, "$.traffic.services[0].cpuPerRequest", "unknown field");
    let mut doc = discovery_doc();
    doc["serviceCalls"][0]["rps"] = json!(5);
    assert_error(&doc, "$.serviceCalls[0].rps", "unknown field");
}

#[test]
fn instance_profiles_must_hold_a_role() {
    let mut doc = iam_doc("/prod/orders/api-key", Some(TASK_ROLE));
    doc["containerInstances"][0]["iamInstanceProfile"] = json!("arn:aws:iam::123456789012:instance-profile/ghost");
    assert_error(&doc, "$.containerInstances", "instance profile `ghost` holds no role");
    let mut doc = iam_doc("/prod/orders/api-key", Some(TASK_ROLE));
    doc["autoScalingGroups"] = json!([{"AutoScalingGroupName": "asg", "MinSize": 0, "MaxSize": 2, "DesiredCapacity": 1, "InstanceType": "m5.large", "AvailabilityZones": ["us-east-1a"], "IamInstanceProfile": "nobody"}]);
    assert_error(&doc, "$.autoScalingGroups[0].IamInstanceProfile", "holds no role");
    // The same profile by ARN resolves to the role.
    let mut doc = iam_doc("/prod/orders/api-key", Some(TASK_ROLE));
    doc["containerInstances"][0]["iamInstanceProfile"] = json!("arn:aws:iam::123456789012:instance-profile/ecsInstanceProfile");
    assert!(errors(&doc).is_empty(), "{:?}", errors(&doc));
}
