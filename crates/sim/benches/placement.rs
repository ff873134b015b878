//! Placement benchmark: 5,000 service tasks onto 5,000 instances across 3 AZs with
//! [spread AZ, binpack memory] and a memberOf constraint (the ECS model issue's target).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use stevedore_sim::Sim;

#[path = "support/placement.rs"]
mod support;

fn placement(c: &mut Criterion) {
    let scenario = support::scenario();
    assert_eq!(scenario.instances.len(), 5000);
    let mut group = c.benchmark_group("placement");
    group.sample_size(10);
    group.bench_function("5000 tasks on 5000 instances, spread AZ + binpack memory + memberOf", |b| {
        b.iter_batched(
            || Sim::new(scenario.clone()),
            |mut sim| {
                sim.advance_to(0);
                let placed = sim.tasks.len();
                assert_eq!(placed, support::TASKS);
                sim
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, placement);
criterion_main!(benches);
