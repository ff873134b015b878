//! EventBridge Scheduler timing (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html;
//! https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html;
//! https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst;
//! https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html).

mod common;
use common::*;
use serde_json::{json, Value};

fn scenario(start: &str, schedule: Value) -> Value {
    let mut sched = json!({"Name": "job", "FlexibleTimeWindow": {"Mode": "OFF"},
        "Target": {"Arn": "arn:aws:ecs:us-east-1:123456789012:cluster/default", "RoleArn": "arn:aws:iam::123456789012:role/scheduler-run", "EcsParameters": {"TaskDefinitionArn": "job", "LaunchType": "EC2"}}});
    for (k, v) in schedule.as_object().unwrap() {
        sched[k] = v.clone();
    }
    json!({
        "stevedore": 1,
        "start": start,
        "containerInstances": [{"instanceType": "m5.xlarge", "availabilityZone": "us-east-1a"}],
        "taskDefinitions": [{"family": "job", "containerDefinitions": [{"name": "job", "image": "job:1", "memory": 64, "exitAfter": "1m", "exitCode": 0}]}],
        "schedules": [sched]
    })
}

/// Invocation times, as UTC ISO strings.
fn invocations(d: &Value, seconds: u64) -> Vec<String> {
    let s = run(d, seconds);
    let start = stevedore_sim::time::parse_iso_seconds(d["start"].as_str().unwrap()).unwrap();
    // From the log: a stopped task's details expire an hour after it stops, as in ECS.
    s.log.iter().filter(|e| e.subject == "schedule/job" && e.message.contains("invoked RunTask")).map(|e| stevedore_sim::time::format_iso(start + (e.at / 1000) as i64)).collect()
}

#[test]
fn a_rate_without_start_date_fires_at_once() {
    // "If you don't provide a StartDate for a rate-based schedule, your schedule starts invoking
    // the target immediately."
    let d = scenario("2024-05-01T09:00:00Z", json!({"ScheduleExpression": "rate(1 hour)"}));
    assert_eq!(invocations(&d, 2 * 3600 + 60), vec!["2024-05-01T09:00:00Z", "2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z"]);
}

#[test]
fn a_rate_with_start_date_first_fires_at_it() {
    // "you can use the StartDate property to set the first occurrence of the schedule."
    let d = scenario("2024-05-01T09:00:00Z", json!({"ScheduleExpression": "rate(1 hour)", "StartDate": "2024-05-01T09:25:00Z"}));
    assert_eq!(invocations(&d, 2 * 3600 + 60), vec!["2024-05-01T09:25:00Z", "2024-05-01T10:25:00Z"]);
    // A StartDate in the past keeps its phase.
    let d = scenario("2024-05-01T09:00:00Z", json!({"ScheduleExpression": "rate(1 hour)", "StartDate": "2024-05-01T07:40:00Z"}));
    assert_eq!(invocations(&d, 3600), vec!["2024-05-01T09:40:00Z"]);
}

#[test]
fn start_and_end_dates_bound_a_cron_schedule() {
    // StartDate: "invocations might occur on, or after, the StartDate"; EndDate: "invocations
    // might stop on, or before, the EndDate".
    let d = scenario("2024-05-01T09:00:00Z", json!({"ScheduleExpression": "cron(0 * * * ? *)", "StartDate": "2024-05-01T10:30:00Z", "EndDate": "2024-05-01T13:00:00Z"}));
    assert_eq!(invocations(&d, 6 * 3600), vec!["2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z", "2024-05-01T13:00:00Z"]);
    // "EventBridge Scheduler ignores StartDate for one-time schedules" (and EndDate).
    let d = scenario("2024-05-01T09:00:00Z", json!({"ScheduleExpression": "at(2024-05-01T10:00:00)", "StartDate": "2024-05-01T11:00:00Z", "EndDate": "2024-05-01T09:30:00Z"}));
    assert_eq!(invocations(&d, 2 * 3600), vec!["2024-05-01T10:00:00Z"]);
}

#[test]
fn a_local_time_that_does_not_exist_is_skipped_and_one_that_repeats_runs_once() {
    // "When the time shifts forward in Spring, your schedule invocation gets skipped if the cron
    // expression falls on a non-existent date and time." New York, 10 March 2024: 02:30 never is.
    let d = scenario("2024-03-09T00:00:00Z", json!({"ScheduleExpression": "cron(30 2 * * ? *)", "ScheduleExpressionTimezone": "America/New_York"}));
    assert_eq!(invocations(&d, 3 * 86400), vec!["2024-03-09T07:30:00Z", "2024-03-11T06:30:00Z"], "9 March EST, nothing on the 10th, 11 March EDT");
    // "When the time shifts back in the Fall, your schedule runs only once and doesn't repeat its
    // invocation." 3 November 2024: 01:30 happens twice; it runs at the first.
    let d = scenario("2024-11-02T12:00:00Z", json!({"ScheduleExpression": "cron(30 1 * * ? *)", "ScheduleExpressionTimezone": "America/New_York"}));
    assert_eq!(invocations(&d, 2 * 86400), vec!["2024-11-03T05:30:00Z", "2024-11-04T06:30:00Z"]);
    // Every 30 minutes through the fall-back hour: the repeated 01:00 and 01:30 run once each.
    let d = scenario("2024-11-03T04:45:00Z", json!({"ScheduleExpression": "cron(0/30 * * * ? *)", "ScheduleExpressionTimezone": "America/New_York"}));
    assert_eq!(invocations(&d, 2 * 3600 + 30 * 60), vec!["2024-11-03T05:00:00Z", "2024-11-03T05:30:00Z", "2024-11-03T07:00:00Z"], "01:00 EDT, 01:30 EDT, then 02:00 EST");
}

#[test]
fn cron_l_w_and_hash_forms() {
    // The last day of the month, at noon.
    let d = scenario("2024-02-27T00:00:00Z", json!({"ScheduleExpression": "cron(0 12 L * ? *)"}));
    assert_eq!(invocations(&d, 40 * 86400), vec!["2024-02-29T12:00:00Z", "2024-03-31T12:00:00Z"]);
    // "3#2 would be the second Tuesday of the month."
    let d = scenario("2024-05-01T00:00:00Z", json!({"ScheduleExpression": "cron(0 12 ? * 3#2 *)"}));
    assert_eq!(invocations(&d, 42 * 86400), vec!["2024-05-14T12:00:00Z", "2024-06-11T12:00:00Z"]);
    // "3W specifies the weekday closest to the third day of the month": 3 Aug 2024 is a Saturday.
    let d = scenario("2024-08-01T00:00:00Z", json!({"ScheduleExpression": "cron(0 12 3W * ? *)"}));
    assert_eq!(invocations(&d, 10 * 86400), vec!["2024-08-02T12:00:00Z"]);
    // The last Friday.
    let d = scenario("2024-05-01T00:00:00Z", json!({"ScheduleExpression": "cron(0 12 ? * 6L *)"}));
    assert_eq!(invocations(&d, 31 * 86400), vec!["2024-05-31T12:00:00Z"]);
    let d = scenario("2024-05-01T00:00:00Z", json!({"ScheduleExpression": "cron(0 12 ? * 3#1,6#3 *)"}));
    assert_error(&d, "$.schedules[0].ScheduleExpression", "one expression only");
}

/// A schedule whose task definition has a task role and an execution role, run by a scheduler
/// role with the given statements.
fn passing(statements: Value) -> Value {
    let mut d = scenario("2024-05-01T09:00:00Z", json!({"ScheduleExpression": "at(2024-05-01T09:05:00)"}));
    d["taskDefinitions"][0]["taskRoleArn"] = json!("arn:aws:iam::123456789012:role/job-task");
    d["taskDefinitions"][0]["executionRoleArn"] = json!("arn:aws:iam::123456789012:role/ecsTaskExecutionRole");
    d["roles"] = json!([
        {"RoleName": "scheduler-run", "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": statements}}]},
        {"RoleName": "job-task", "allowedActions": ["s3:GetObject"]},
        {"RoleName": "ecsTaskExecutionRole", "ManagedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]}
    ]);
    d
}

fn failure(d: &Value) -> Option<String> {
    let s = run(d, 10 * 60);
    s.log.iter().find(|l| l.subject == "schedule/job" && l.message.contains("invocation failed")).map(|l| l.message.clone())
}

#[test]
fn the_scheduler_role_must_pass_the_task_and_execution_roles() {
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/CWE_IAM_role.html: "you must
    // add iam:PassRole permissions for each task execution role, task role, or task role override".
    let run_task = json!({"Effect": "Allow", "Action": "ecs:RunTask", "Resource": "*"});
    let pass = |role: &str| json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": format!("arn:aws:iam::123456789012:role/{role}")});
    let m = failure(&passing(json!([run_task]))).expect("no PassRole: the invocation fails");
    assert!(m.contains("AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/scheduler-run/") && m.contains("is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/job-task"), "{m}");
    let m = failure(&passing(json!([run_task, pass("job-task")]))).expect("the execution role is not passable");
    assert!(m.contains("iam:PassRole on resource: arn:aws:iam::123456789012:role/ecsTaskExecutionRole"), "{m}");
    let d = passing(json!([run_task, pass("job-task"), pass("ecsTaskExecutionRole")]));
    assert_eq!(failure(&d), None);
    assert_eq!(invocations(&d, 10 * 60), vec!["2024-05-01T09:05:00Z"]);
    // An explicit deny on passing one of them wins over a wildcard allow.
    let m = failure(&passing(json!([run_task, {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}, {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"}]))).unwrap();
    assert!(m.contains("with an explicit deny"), "{m}");
    // No roles on the task definition: nothing to pass.
    let mut d = passing(json!([run_task]));
    for key in ["taskRoleArn", "executionRoleArn"] {
        d["taskDefinitions"][0].as_object_mut().unwrap().remove(key);
    }
    assert_eq!(failure(&d), None);
}
