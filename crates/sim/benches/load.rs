//! Load-time benchmark (issue 13, item 3): a scenario of 5,000 container instances, each its own
//! entry with attributes (the typed entries go through the path-tracking deserializer one by
//! one). Times parsing and validation alone, and the whole way to a built `Sim` (what the app
//! does before its first placement). Goal: under 30 ms natively, 60 ms in wasm
//! (`scripts/wasm-bench.mjs --bench load`).

use criterion::{criterion_group, criterion_main, Criterion};
use stevedore_sim::Sim;

#[path = "support/load.rs"]
mod support;

fn load(c: &mut Criterion) {
    let text = support::text();
    assert_eq!(stevedore_sim::load(&text).expect("benchmark scenario loads").instances.len(), support::INSTANCES);
    let mut group = c.benchmark_group("load");
    group.sample_size(20);
    group.bench_function("5000 container instances, one entry each", |b| b.iter_with_large_drop(|| stevedore_sim::load(&text)));
    group.bench_function("5000 container instances, one entry each, to a built Sim", |b| {
        // Freeing the built Sim is not part of loading it: dropped outside the timing.
        b.iter_with_large_drop(|| Sim::new(stevedore_sim::load(&text).expect("loads")))
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
