//! Issue #15's day benchmark: 24 simulated hours of a 1,000-node cluster (600 m5.xlarge + 400
//! c5.2xlarge over 3 AZs) with 5 Deployments × 1,000 pods, each under an HPA (cpu 50 %), per-pod
//! usage changing every hour (`SetPodUsage`), and a Cluster Autoscaler. One iteration = the
//! whole day on the engine (5,760 HPA syncs).

use criterion::{criterion_group, criterion_main, Criterion};
#[path = "support/eks_day.rs"]
mod support;

use stevedore_sim::eks::run::run;

fn day(c: &mut Criterion) {
    let m = support::manifest();
    let mut g = c.benchmark_group("eks_day");
    g.sample_size(10);
    g.bench_function("1000_nodes_hpa_ca_24h", |b| b.iter(|| run(&m, false)));
    g.finish();
}

criterion_group!(benches, day);
criterion_main!(benches);
