//! Simulation benchmark: 24 simulated hours of 1,000 instances, 100 services and about 10,000
//! tasks behind target groups with diurnal traffic, target tracking on CPU, and Spot
//! interruptions (the scaling issue's target: under 2 s natively).

use criterion::{criterion_group, criterion_main, Criterion};
use stevedore_sim::Sim;

#[path = "support/day.rs"]
mod support;
use support::scenario;

fn day(c: &mut Criterion) {
    let scenario = scenario();
    let mut group = c.benchmark_group("simulation");
    group.sample_size(10);
    group.bench_function("24 h, 1000 instances, 100 services, ~10000 tasks, target tracking, Spot", |b| {
        b.iter(|| {
            let mut sim = Sim::new(scenario.clone());
            sim.advance_to(24 * 3_600_000);
            assert!(sim.activities.len() > 100, "traffic should drive scaling");
            sim
        })
    });
    group.finish();
}

criterion_group!(benches, day);
criterion_main!(benches);
