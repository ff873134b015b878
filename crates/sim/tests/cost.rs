//! What runs cost: EC2 per instance-second, Fargate per task from PENDING to STOPPED, load
//! balancers per hour plus capacity units, and the meter agreeing with the bill.

mod common;

use common::run;
use serde_json::{json, Value};
use stevedore_sim::cost::{bill, prices};

const FIRST_LIGHT: &str = include_str!("../../../www/scenarios/first-light.json");
const FARGATE_SPOT: &str = include_str!("../../../www/scenarios/fargate-spot-base.json");

fn scenario(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

#[test]
fn ec2_instances_bill_their_hourly_price_per_second() {
    let sim = run(&scenario(FIRST_LIGHT), 1800);
    let b = bill(&sim);
    let ec2: Vec<_> = b.lines.iter().filter(|l| l.resource_type == "EC2").collect();
    assert_eq!(ec2.len(), 6);
    for l in &ec2 {
        assert_eq!(l.billed_seconds, 1800);
        let per_hour = prices::ec2_on_demand(&l.description).usd_per_hour;
        assert!(close(l.usd, per_hour / 2.0), "{l:?}");
    }
    // 4 × m5.large + 2 × c5.xlarge for half an hour, plus the ALB's first hour.
    let instances = 4.0 * 0.096 / 2.0 + 2.0 * 0.17 / 2.0;
    let alb = b.lines.iter().find(|l| l.resource_type == "ApplicationLoadBalancer").unwrap();
    assert_eq!(alb.usage[0].quantity, 1.0, "one partial LB-hour");
    assert!(close(b.total_usd, instances + alb.usd));
    assert!(close(b.rate_usd_per_hour, 4.0 * 0.096 + 2.0 * 0.17 + 0.0225), "{}", b.rate_usd_per_hour);
    assert_eq!(sim.cost_totals(), (b.total_usd, b.rate_usd_per_hour));
}

#[test]
fn fargate_tasks_bill_from_pending_and_spot_pays_less() {
    let sim = run(&scenario(FARGATE_SPOT), 1200);
    let b = bill(&sim);
    let tasks: Vec<_> = b.lines.iter().filter(|l| l.resource_type == "Fargate").collect();
    assert!(tasks.len() >= 10, "{}", tasks.len());
    for l in &tasks {
        let t = sim.tasks.iter().find(|t| t.id == l.resource_id).unwrap();
        let end = t.stopped_at.unwrap_or(sim.now());
        let expected_s = ((end - t.pending_at.unwrap()).div_ceil(1000)).max(60);
        assert_eq!(l.billed_seconds, expected_s, "{l:?}");
        assert_eq!(l.pricing == "Spot", t.capacity_provider.as_deref() == Some("FARGATE_SPOT"));
        assert_eq!(l.service.as_deref(), Some("api"));
    }
    let per_second = |pricing: &str| tasks.iter().filter(|l| l.pricing == pricing && l.running).map(|l| l.usd / l.billed_seconds as f64).next().unwrap();
    assert!(close(per_second("Spot"), per_second("OnDemand") * 0.3), "Fargate Spot is 70% off");
    // Interrupted Spot tasks stopped: they bill until STOPPED, not to now.
    assert!(tasks.iter().any(|l| !l.running && l.pricing == "Spot"));
    let by_provider = b.totals_by(|l| l.capacity_provider.clone());
    assert_eq!(by_provider.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), ["FARGATE", "FARGATE_SPOT"]);
    assert!(close(sim.cost_so_far(), b.total_usd));
}

#[test]
fn spot_instances_and_terminated_instances() {
    let mut doc = scenario(FIRST_LIGHT);
    doc["containerInstances"][0]["purchaseOption"] = json!("spot");
    doc["timeline"] = json!([{"at": "10m", "action": "SpotInterruption", "input": {"ec2InstanceId": "FIRST"}}]);
    let probe = common::sim(&doc);
    let id = probe.instances[0].spec.ec2_instance_id.clone();
    doc["timeline"][0]["input"]["ec2InstanceId"] = json!(id);
    let sim = run(&doc, 1800);
    let b = bill(&sim);
    let line = b.lines.iter().find(|l| l.resource_id == id).unwrap();
    assert_eq!(line.pricing, "Spot");
    assert!(!line.running);
    assert_eq!(line.billed_seconds, 720, "notice at 10 min, terminated two minutes later");
    let spot = prices::ec2_spot("m5.large", "us-east-1a", 7).usd_per_hour;
    assert!(close(line.usd, spot * 720.0 / 3600.0));
    assert!(spot < 0.096 * 0.36);
}

#[test]
fn load_balancer_capacity_units_follow_the_traffic() {
    let doc = scenario(include_str!("../../../www/scenarios/target-tracking.json"));
    let sim = run(&doc, 3600);
    let b = bill(&sim);
    let alb = b.lines.iter().find(|l| l.resource_type == "ApplicationLoadBalancer").unwrap();
    // ~100-600 requests/s: several LCUs of new connections in the one hour.
    let lcu = &alb.usage[1];
    assert_eq!(lcu.unit, "LCU-hours");
    assert!(close(lcu.quantity, b.requests / 3600.0 / 25.0), "{} vs {}", lcu.quantity, b.requests);
    assert!(b.requests > 100.0 * 3000.0);
    let per_1000 = b.usd_per_1000_requests().unwrap();
    assert!(close(per_1000, b.total_usd * 1000.0 / b.requests));
}

#[test]
fn the_report_has_a_cost_section() {
    let sim = run(&scenario(FIRST_LIGHT), 600);
    let report = stevedore_sim::report::report(&sim, &stevedore_sim::report::ReportOptions { explain: false });
    let cost = &report["cost"];
    assert_eq!(cost["currency"], "USD");
    assert_eq!(cost["pricesAsOf"], prices::PRICES_AS_OF);
    assert_eq!(cost["lines"].as_array().unwrap().len(), 7);
    let line = &cost["lines"][0];
    assert_eq!(line["usage"][0]["unit"], "instance-hours");
    assert_eq!(line["usage"][0]["unitPrice"], 0.096);
    assert!(cost["totalUsd"].as_f64().unwrap() > 0.0);
    assert!(cost["byCapacityProvider"].is_object());
}

#[test]
fn the_meter_agrees_with_the_bill_at_every_moment() {
    for lesson in ["cluster-auto-scaling", "fargate-spot-base", "target-tracking", "network-load-balancer", "ec2-spot-draining"] {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(format!("{}/../../www/scenarios/{lesson}.json", env!("CARGO_MANIFEST_DIR"))).unwrap()).unwrap();
        let mut sim = common::sim(&doc);
        let mut meter = stevedore_sim::cost::Meter::default();
        let end = sim.scenario.duration.max(3 * 3_600_000 + 1);
        let mut t = 0;
        let mut last = 0.0;
        while t <= end {
            sim.advance_to(t);
            let (total, rate) = meter.totals(&sim);
            let b = bill(&sim);
            assert!(close(total, b.total_usd), "{lesson} at {t} ms: meter {total} vs bill {}", b.total_usd);
            assert!(close(rate, b.rate_usd_per_hour), "{lesson} at {t} ms: rate {rate} vs {}", b.rate_usd_per_hour);
            assert!(total >= last, "{lesson}: cost never goes down");
            last = total;
            t += 97_000;
        }
        // A replay from the start resets the meter.
        let fresh = common::sim(&doc);
        assert_eq!(meter.totals(&fresh), fresh.cost_totals());
    }
}
