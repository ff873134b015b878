//! EC2 cost per service: each instance's charge split over its tasks by reserved vCPU and
//! memory, weighted 9:1 (AWS split cost allocation data), the rest as "unused capacity".

mod common;

use common::run;
use serde_json::{json, Value};
use stevedore_sim::cost::{bill, report, split};

const FIRST_LIGHT: &str = include_str!("../../../www/scenarios/first-light.json");

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

/// first-light with the service scaled in to 3 tasks at 10 minutes.
fn scaled_in() -> Value {
    let mut doc: Value = serde_json::from_str(FIRST_LIGHT).unwrap();
    doc["duration"] = json!("3h");
    doc["timeline"].as_array_mut().unwrap().push(json!({"at": "10m", "action": "UpdateService", "input": {"service": "web", "desiredCount": 3}}));
    doc
}

#[test]
fn each_instance_splits_over_its_tasks_by_reserved_share() {
    let sim = run(&serde_json::from_str(FIRST_LIGHT).unwrap(), 1800);
    let b = bill(&sim);
    let ec2: Vec<_> = b.lines.iter().filter(|l| l.resource_type == "EC2").collect();
    for line in &ec2 {
        let shares: Vec<_> = b.split.iter().filter(|s| s.instance_id == line.resource_id).collect();
        assert_eq!(shares.last().unwrap().task_id, split::UNUSED, "unused capacity closes each instance");
        assert!(close(shares.iter().map(|s| s.usd).sum(), line.usd), "{}: shares add up to the instance", line.resource_id);
    }
    // A web task (256 CPU units, 512 MiB) on an m5.large (2 vCPU, 8 GB, $0.096/h): 0.25 × 9 +
    // 0.5 × 1 = 2.75 of the instance's 2 × 9 + 8 = 26 units.
    let per_hour = 2.75 / 26.0 * 0.096;
    let mut checked = 0;
    for t in sim.tasks.iter().filter(|t| t.exists()) {
        let inst = &sim.instances[t.instance.unwrap()];
        if inst.spec.instance_type != "m5.large" {
            continue;
        }
        let share = b.split.iter().find(|s| s.task_id == t.id).unwrap();
        assert_eq!(share.instance_id, inst.spec.ec2_instance_id);
        assert_eq!(share.service.as_deref(), Some("web"));
        let hours = (sim.now() - t.pending_at.unwrap()) as f64 / 3_600_000.0;
        assert!(close(share.usd, per_hour * hours), "{share:?}");
        assert!(close(share.vcpu_hours, 0.25 * hours) && close(share.gb_hours, 0.5 * hours));
        checked += 1;
    }
    assert!(checked >= 4, "{checked}");
    // Per service: web's shares, then unused capacity; with the ALB they make the whole bill.
    let by_service = b.by_service();
    assert_eq!(by_service.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(), ["web", split::UNUSED]);
    let alb: f64 = b.lines.iter().filter(|l| l.resource_type == "ApplicationLoadBalancer").map(|l| l.usd).sum();
    assert!(close(by_service.iter().map(|s| s.1).sum::<f64>() + alb, b.total_usd));
    // Nine small tasks on six instances leave most of the capacity unused.
    assert!(by_service[1].1 > by_service[0].1, "{by_service:?}");
}

#[test]
fn stopped_and_expired_tasks_keep_their_share() {
    // Scaled in at 10 minutes; by 2 hours the stopped tasks have expired (an hour after STOPPED).
    let doc = scaled_in();
    let sim = run(&doc, 2 * 3600);
    assert!(sim.find_task(&sim.expired_billable().iter().find(|t| !t.fargate).expect("an EC2 task expired").id).is_none());
    let b = bill(&sim);
    let tasks: std::collections::BTreeSet<&str> = b.split.iter().filter(|s| s.task_id != split::UNUSED).map(|s| s.task_id.as_str()).collect();
    assert_eq!(tasks.len(), 9, "the 9 tasks that ever ran each have a share");
    // A task stopped at ~10 minutes holds ~10 minutes of its share, not two hours.
    let gone = b.split.iter().filter(|s| s.task_id != split::UNUSED).map(|s| s.vcpu_hours / 0.25).fold(f64::MAX, f64::min);
    assert!(gone < 11.0 / 60.0 && gone > 4.0 / 60.0, "{gone}");
    for line in b.lines.iter().filter(|l| l.resource_type == "EC2") {
        let sum: f64 = b.split.iter().filter(|s| s.instance_id == line.resource_id).map(|s| s.usd).sum();
        assert!(close(sum, line.usd));
    }
}

#[test]
fn the_report_carries_the_split_and_cost_per_service() {
    let sim = run(&serde_json::from_str(FIRST_LIGHT).unwrap(), 900);
    let section = report::section(&sim);
    let shares = section["ec2Split"]["shares"].as_array().unwrap();
    assert!(shares.iter().any(|s| s["taskId"] == split::UNUSED && s.get("service").is_none()));
    assert!(shares.iter().any(|s| s["service"] == "web" && s["vcpuHours"].as_f64().unwrap() > 0.0));
    assert!(section["ec2Split"]["rule"].as_str().unwrap().contains("9:1"));
    assert!(section["byService"]["web"].as_f64().unwrap() > 0.0);
    assert!(section["byService"][split::UNUSED].as_f64().unwrap() > 0.0);
}
