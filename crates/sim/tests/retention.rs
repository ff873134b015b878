//! A run keeps what AWS keeps, however long it plays: stopped tasks for an hour, a service's
//! newest 100 events, CloudWatch's retention for datapoints, and a bounded event log.

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::engine::retention::{LOG_LIMIT, STOPPED_TASK_RETENTION_MS};
use stevedore_sim::report::{report, ReportOptions};

/// `desired` tasks whose container exits `exit_after` after starting: the service keeps
/// replacing them, so tasks come and go all day.
fn churn(desired: u32, exit_after: &str) -> Value {
    let td = json!({"family": "job", "containerDefinitions": [{"name": "app", "image": "app:1", "cpu": 64, "memory": 64, "exitAfter": exit_after}]});
    doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}]), json!([td]), json!([{"serviceName": "jobs", "taskDefinition": "job", "desiredCount": desired, "launchType": "EC2"}]))
}

#[test]
fn stopped_tasks_are_described_for_an_hour_then_expire_and_their_slots_are_reused() {
    let s = run(&churn(2, "10m"), 4 * 3600);
    let now = s.now();
    let r = report(&s, &ReportOptions { explain: false });
    let tasks = r["tasks"].as_array().unwrap();
    let stopped: Vec<&Value> = tasks.iter().filter(|t| t["lastStatus"] == "STOPPED").collect();
    // Two tasks exit about every 10 minutes: the last hour's dozen are still described.
    assert!(stopped.len() >= 8, "stopped tasks of the last hour: {}", stopped.len());
    for t in s.tasks.iter().filter(|t| t.exists() && !t.live()) {
        assert!(now - t.stopped_at.unwrap() <= STOPPED_TASK_RETENTION_MS, "a task stopped over an hour ago is still known");
    }
    // Slots are reused: the task table stays near two hours' worth of tasks, not four.
    assert!(s.tasks_created() > 40, "{}", s.tasks_created());
    assert!(s.tasks.len() * 2 < s.tasks_created() + 10, "{} slots for {} tasks", s.tasks.len(), s.tasks_created());
    // Ids still follow creation: every known task has its own.
    let mut ids: Vec<&str> = s.tasks.iter().filter(|t| t.exists()).map(|t| t.id.as_str()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn stop_task_on_an_expired_task_is_not_found() {
    let mut d = churn(1, "10m");
    let early = run(&d, 30);
    let id = early.tasks[0].id.clone();
    d["timeline"] = json!([{"at": "12m", "action": "StopTask", "input": {"task": id}}, {"at": "2h", "action": "StopTask", "input": {"task": id}}]);
    let s = run(&d, 3 * 3600);
    let messages: Vec<&str> = s.log.iter().filter(|e| e.subject == "StopTask").map(|e| e.message.as_str()).collect();
    // At 12m the task has exited (10m) but is still described; at 2h it has expired.
    assert!(messages[0].contains("already stopping or stopped"), "{messages:?}");
    assert!(messages[1].contains("The referenced task was not found"), "{messages:?}");
}

#[test]
fn describe_services_shows_the_newest_100_events_newest_first() {
    let s = run(&churn(4, "5m"), 6 * 3600);
    let r = report(&s, &ReportOptions { explain: false });
    let events = r["services"][0]["events"].as_array().unwrap();
    assert_eq!(events.len(), 100);
    let logged: Vec<&str> = s.log.iter().rev().filter(|e| e.kind == "service" && e.subject == "jobs").take(100).map(|e| e.message.as_str()).collect();
    let shown: Vec<&str> = events.iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert_eq!(shown, logged);
    let ids: std::collections::BTreeSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 100);
}

#[test]
fn the_event_log_keeps_its_newest_entries_and_says_how_many_went() {
    let mut s = sim(&churn(20, "1m"));
    let (mut drained, mut t) = (0usize, 0);
    while t < 6 * 3_600_000 {
        t += 10 * 60_000;
        run_sim(&mut s, t / 1000);
        drained += s.drain_log().iter().filter(|e| e.kind != "log").count();
        assert!(s.log.len() <= LOG_LIMIT);
    }
    assert!(s.log_dropped() > 0, "the run should overflow the log");
    let marker = &s.log[0];
    assert_eq!(marker.kind, "log");
    assert!(marker.message.contains(&format!("{} older entries dropped", s.log_dropped())), "{}", marker.message);
    // Drained every 10 minutes, nothing was lost to a driver: it saw every entry once.
    assert_eq!(drained as u64, s.log_dropped() + s.log.len() as u64 - 1);
}

#[test]
fn a_year_of_datapoints_keeps_cloudwatch_retention() {
    let td = json!({"family": "web", "containerDefinitions": [{"name": "app", "image": "app:1", "cpu": 64, "memory": 64}]});
    let mut s = sim(&doc(json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 1}]), json!([td]), json!([{"serviceName": "web", "taskDefinition": "web", "desiredCount": 1, "launchType": "EC2"}])));
    s.advance_to(365 * 24 * 3_600_000);
    let day = 24 * 60;
    for (key, series) in s.metrics.iter() {
        let periods: Vec<(u64, stevedore_sim::engine::metrics::Stat)> = series.periods().collect();
        let minutes = periods.iter().filter(|(_, st)| st.count == 1.0).count() as u64;
        assert!(minutes >= 15 * day && minutes <= 15 * day + 1, "{}: {minutes} one-minute datapoints", key.name);
        // 48 days of 5-minute sets and 302 days of hourly ones (the year is inside 455 days).
        assert_eq!(periods.iter().filter(|(_, st)| st.count == 5.0).count() as u64, 48 * day / 5, "{}", key.name);
        assert!(periods.len() as u64 <= 15 * day + 48 * day / 5 + 302 * 24 + 2, "{}: {}", key.name, periods.len());
        assert_eq!(series.stat(0, 60).map(|st| st.count), Some(60.0), "{}: the first hour, rolled up", key.name);
    }
}

#[test]
fn schedules_count_every_task_they_started_after_the_tasks_expire() {
    let path = format!("{}/../../www/scenarios/batch-scheduled.json", env!("CARGO_MANIFEST_DIR"));
    let lesson: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let s = run(&lesson, 3 * 3600);
    let r = report(&s, &ReportOptions { explain: false });
    let mut checked = 0;
    for d in r["schedules"].as_array().unwrap() {
        let name = d["Name"].as_str().unwrap();
        let invoked = s.log.iter().filter(|e| e.subject == format!("schedule/{name}") && e.message.contains("invoked RunTask")).count() as u64;
        let started = d["TasksStarted"].as_u64().unwrap();
        assert_eq!(started, invoked * d["Target"]["EcsParameters"]["TaskCount"].as_u64().unwrap(), "{name}");
        let live = s.tasks.iter().filter(|t| t.exists() && t.started_by.as_deref() == Some(&format!("scheduler/{name}"))).count() as u64;
        if live < started {
            checked += 1; // some of its tasks have expired, and still count
        }
    }
    assert!(checked > 0, "a schedule should have started tasks over an hour ago");
}

#[test]
fn expired_fargate_tasks_stay_on_the_bill() {
    let path = format!("{}/../../www/scenarios/fargate-spot-base.json", env!("CARGO_MANIFEST_DIR"));
    let mut lesson: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    lesson["duration"] = json!("4h");
    let s = run(&lesson, 4 * 3600);
    assert!(!s.expired_billable().is_empty(), "interrupted Spot tasks should have expired by 4h");
    let b = stevedore_sim::cost::bill(&s);
    let lines: std::collections::BTreeSet<&str> = b.lines.iter().filter(|l| l.resource_type == "Fargate").map(|l| l.resource_id.as_str()).collect();
    for t in s.expired_billable().iter().map(|t| &**t).filter(|t| t.fargate).chain(s.tasks.iter().map(|t| &**t).filter(|t| t.exists() && t.fargate && t.pending_at.is_some())) {
        assert!(lines.contains(t.id.as_str()), "task {} is missing from the bill", t.id);
    }
}

/// Expired tasks past the kept count fold into aggregate bill entries (`cost::rollup`): memory
/// stops growing with every task ever run, and no total, service or capacity provider changes.
#[test]
fn folded_expired_tasks_keep_the_bill_exact() {
    let path = format!("{}/../../www/scenarios/fargate-spot-base.json", env!("CARGO_MANIFEST_DIR"));
    let mut lesson: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    lesson["duration"] = json!("8h");
    let kept = run(&lesson, 8 * 3600);
    let mut folded = common::sim(&lesson);
    folded.set_expired_kept(0);
    common::run_sim(&mut folded, 8 * 3600);
    assert!(kept.expired_billable().len() > 1, "the lesson should expire tasks by 8h: {}", kept.expired_billable().len());
    assert!(folded.expired_billable().len() < kept.expired_billable().len(), "old expired tasks should fold");
    assert!(folded.expired_rollup().lines().any(|l| l.resource_id.ends_with("expired tasks")), "a folded line names its count");
    let (a, b) = (stevedore_sim::cost::bill(&kept), stevedore_sim::cost::bill(&folded));
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(1.0);
    assert!(close(a.total_usd, b.total_usd), "total {} vs folded {}", a.total_usd, b.total_usd);
    for ((sa, ua), (sb, ub)) in a.by_service().iter().zip(b.by_service().iter()) {
        assert_eq!(sa, sb);
        assert!(close(*ua, *ub), "{sa}: {ua} vs folded {ub}");
    }
    // The running meter, started fresh this late, counts expired and folded tasks too.
    assert!(close(folded.cost_so_far(), b.total_usd), "meter {} vs bill {}", folded.cost_so_far(), b.total_usd);
    assert!(close(kept.cost_so_far(), a.total_usd), "meter {} vs bill {}", kept.cost_so_far(), a.total_usd);
}

#[test]
fn a_stopped_task_keeps_its_placements_outcome_but_not_a_note_per_instance() {
    let s = run(&churn(2, "10m"), 2 * 3600);
    let r = report(&s, &ReportOptions { explain: true });
    let placements = r["placements"].as_array().unwrap();
    let status = |arn: &Value| r["tasks"].as_array().unwrap().iter().find(|t| &t["taskArn"] == arn).map(|t| t["lastStatus"].clone());
    let (running, stopped): (Vec<&Value>, Vec<&Value>) = placements.iter().partition(|p| status(&p["taskArn"]) != Some(json!("STOPPED")));
    assert!(!stopped.is_empty() && !running.is_empty(), "{} running, {} stopped", running.len(), stopped.len());
    for p in &running {
        assert_eq!(p["candidates"].as_array().map(Vec::len), Some(2), "a running task's placement notes each instance: {p}");
    }
    for p in &stopped {
        assert!(p.get("candidates").is_none(), "a stopped task's placement keeps no per-instance notes: {p}");
        assert!(p["outcome"].as_str().unwrap().starts_with("placed on i-"), "but keeps its outcome: {p}");
        assert_eq!(p["eligible"], 2);
    }
}
