//! The placement index (used for big batches) must choose exactly what the full scan chooses.
//! Random scenarios, seeded so failures reproduce: each is run once with the scan
//! (`explain_full`) and once with the index, and the resulting placements must match.

mod common;
use common::*;
use serde_json::{json, Value};

/// A small deterministic generator (SplitMix64) so the test needs no extra crates.
struct Gen(u64);
impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e3779b97f4a7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
        z ^ (z >> 31)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_scenario(g: &mut Gen) -> Value {
    let types = ["t3.small", "m5.large", "m5.xlarge", "c5.large", "r5.large", "c6g.large"];
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let instances: Vec<Value> = (0..1 + g.below(6))
        .map(|_| json!({"instanceType": g.pick(&types), "availabilityZone": g.pick(&zones), "count": 1 + g.below(8),
                        "attributes": [{"name": "tier", "value": g.pick(&["web", "batch"])}]}))
        .collect();
    let strategies = [
        json!([]),
        json!([{"type": "binpack", "field": "memory"}]),
        json!([{"type": "binpack", "field": "cpu"}]),
        json!([{"type": "spread", "field": "instanceId"}]),
        json!([{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}]),
        json!([{"type": "spread", "field": "attribute:tier"}, {"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "cpu"}]),
        json!([{"type": "binpack", "field": "memory"}, {"type": "spread", "field": "attribute:ecs.availability-zone"}]),
    ];
    let constraints = [
        json!([]),
        json!([{"type": "distinctInstance"}]),
        json!([{"type": "memberOf", "expression": "attribute:tier == web"}]),
        json!([{"type": "memberOf", "expression": "attribute:ecs.instance-type =~ (m5|c5).*"}]),
        json!([{"type": "memberOf", "expression": "runningTasksCount < 6"}]),
    ];
    let ports = [json!([]), json!([{"containerPort": 80}]), json!([{"containerPort": 80, "hostPort": 8080}])];
    let services: Vec<Value> = (0..1 + g.below(3))
        .map(|k| json!({"serviceName": format!("s{k}"), "taskDefinition": format!("td{k}"), "desiredCount": 4 + g.below(40), "launchType": "EC2",
                        "placementStrategy": g.pick(&strategies), "placementConstraints": g.pick(&constraints)}))
        .collect();
    let tds: Vec<Value> = (0..services.len())
        .map(|k| td(&format!("td{k}"), *g.pick(&[0, 128, 512, 1024]) as u32, *g.pick(&[128, 512, 1024, 3000]) as u32, g.pick(&ports).clone()))
        .collect();
    let mut d = doc(json!(instances), json!(tds), json!(services));
    d["timeline"] = json!([{"at": "3m", "action": "UpdateService", "input": {"service": "s0", "desiredCount": 50}}]);
    d
}

fn placements(d: &Value, scan: bool) -> Vec<(String, Option<usize>, String)> {
    let mut s = sim(d);
    s.explain_full = scan;
    run_sim(&mut s, 400);
    let mut out: Vec<(String, Option<usize>, String)> = s.tasks.iter().map(|t| (t.group.clone(), t.instance, format!("{:?}", t.bindings))).collect();
    out.extend(s.services.iter().map(|x| (x.def.name.clone(), None, x.unplaced.clone().unwrap_or_default())));
    out
}

#[test]
fn the_index_chooses_what_the_scan_chooses() {
    let mut g = Gen(2024);
    for case in 0..150 {
        let d = random_scenario(&mut g);
        assert_eq!(placements(&d, true), placements(&d, false), "case {case} diverged: {d}");
    }
}
