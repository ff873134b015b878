//! The cost meter's price: `Sim::cost_totals()` (a full pass) and `cost::Meter::totals` (what
//! the app's meter calls each frame) after
//! 24 simulated hours of 1,000 instances, 5,000 tasks and 50 load balancers with traffic.

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use stevedore_sim::{load, Sim};

fn day_sim() -> Sim {
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let mut instances: Vec<_> = zones.iter().map(|z| json!({"instanceType": "m5.2xlarge", "availabilityZone": z, "count": 300})).collect();
    instances.push(json!({"instanceType": "m5.2xlarge", "availabilityZone": "us-east-1a", "count": 100, "purchaseOption": "spot"}));
    let (mut tds, mut tgs, mut lbs, mut services, mut traffic) = (vec![], vec![], vec![], vec![], vec![]);
    for k in 0..50 {
        let name = format!("svc{k:02}");
        tds.push(json!({"family": name, "containerDefinitions": [{"name": "app", "image": "app:1", "cpu": 256, "memoryReservation": 512, "portMappings": [{"containerPort": 8080}]}]}));
        tgs.push(json!({"Name": format!("{name}-tg")}));
        lbs.push(json!({"Name": format!("{name}-alb"), "Listeners": [{"Protocol": "HTTP", "Port": 80, "DefaultActions": [{"Type": "forward", "TargetGroupArn": format!("{name}-tg")}]}]}));
        services.push(json!({"serviceName": name, "taskDefinition": name, "desiredCount": 100, "launchType": "EC2",
            "loadBalancers": [{"targetGroupArn": format!("{name}-tg"), "containerName": "app", "containerPort": 8080}]}));
        traffic.push(json!({"targetGroup": format!("{name}-tg"), "requestsPerSecond": {"type": "sine", "mean": 1000, "amplitude": 600, "period": "24h"}}));
    }
    let doc = json!({"cluster": {"clusterName": "bench"}, "containerInstances": instances, "taskDefinitions": tds, "targetGroups": tgs,
        "loadBalancers": lbs, "services": services, "traffic": {"targetGroups": traffic}});
    let scenario = load(&doc.to_string()).unwrap_or_else(|e| panic!("bench scenario: {:?}", &e[..e.len().min(3)]));
    let mut sim = Sim::new(scenario);
    sim.explain_full = false;
    sim.advance_to(24 * 3_600_000);
    sim
}

fn meter(c: &mut Criterion) {
    let sim = day_sim();
    assert!(sim.cost_so_far() > 0.0);
    c.bench_function("cost_totals after 24 h, 1000 instances, 5000 tasks, 50 ALBs", |b| b.iter(|| sim.cost_totals()));
    // What the app's meter pays per frame: closed hours and stopped resources are remembered.
    let mut meter = stevedore_sim::cost::Meter::default();
    meter.totals(&sim);
    c.bench_function("Meter::totals per frame, same sim", |b| b.iter(|| meter.totals(&sim)));
    // The inspector's bill: every line plus each instance split over its tasks.
    c.bench_function("bill with EC2 split, same sim", |b| b.iter(|| stevedore_sim::cost::bill(&sim).split.len()));
}

criterion_group!(benches, meter);
criterion_main!(benches);
