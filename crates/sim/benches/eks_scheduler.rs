//! EKS scheduler benchmark: 5,000 pods (5 Deployments × 1,000 replicas) onto 1,000 nodes in
//! 3 AZs with kube-scheduler's default profile (issue #14's target). One iteration = the whole
//! run: nodes join with their DaemonSet pods, then every pod goes through filter and score.
//! A second benchmark runs one simulated hour of rollouts, scaling and a drain on the engine.

#[path = "support/eks_bench.rs"]
mod support;

use criterion::{criterion_group, criterion_main, Criterion};
use stevedore_sim::eks::manifest::{parse, Manifest};
use support::manifest;
use stevedore_sim::eks::run::run;

/// One simulated hour: 100 nodes, 4 Deployments × 100 replicas with a readiness probe, a
/// `set image` every 10 minutes, a scale up and down, a drain under a PodDisruptionBudget.
fn hour() -> Manifest {
    let mut text = String::from(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: hour, region: us-west-2}\n\
         availabilityZones: [us-west-2a, us-west-2b, us-west-2c]\nmanagedNodeGroups:\n\
         - {name: general, instanceType: m5.xlarge, desiredCapacity: 100}\n",
    );
    let mut timeline = String::new();
    for (k, name) in ["web", "api", "worker", "cache"].iter().enumerate() {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: 100\n  minReadySeconds: 10\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: c, image: {name}:0, readinessProbe: {{initialDelaySeconds: 5}}, resources: {{requests: {{cpu: 200m, memory: 512Mi}}}}}}]\n"
        ));
        text.push_str(&format!("---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: {name}}}\nspec: {{maxUnavailable: 10%, selector: {{matchLabels: {{app: {name}}}}}}}\n"));
        for v in 1..6 {
            timeline.push_str(&format!("    - {{at: {}s, kubectl: \"set image deployment/{name} c={name}:{v}\"}}\n", v * 600 + k as i64 * 30));
        }
    }
    timeline.push_str("    - {at: 15m, kubectl: \"scale deployment/web --replicas=150\"}\n    - {at: 45m, kubectl: \"scale deployment/web --replicas=80\"}\n");
    timeline.push_str("    - {at: 20m, kubectl: \"drain -l topology.kubernetes.io/zone=us-west-2a --ignore-daemonsets\"}\n    - {at: 30m, kubectl: \"uncordon -l topology.kubernetes.io/zone=us-west-2a\"}\n");
    text.push_str(&format!("---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 1h\n  timeline:\n{timeline}"));
    parse(&text).expect("hour manifest parses")
}

fn bench(c: &mut Criterion) {
    let m = manifest();
    let r = run(&m, false);
    assert_eq!(r.pending.len(), 0, "every pod fits");
    assert_eq!(r.decisions.len(), support::PODS);
    let mut g = c.benchmark_group("eks_scheduler");
    g.sample_size(10);
    g.bench_function("5000_pods_1000_nodes_default_profile", |b| b.iter(|| run(&m, false)));
    g.bench_function("5000_pods_1000_nodes_default_profile_explain", |b| b.iter(|| run(&m, true)));
    let h = hour();
    let r = run(&h, false);
    assert!(r.timeline_errors.is_empty(), "{:?}", r.timeline_errors);
    assert!(r.drain_log.iter().any(|(_, l)| l.ends_with("drained")));
    g.bench_function("one_hour_100_nodes_400_pods_rollouts_drain", |b| b.iter(|| run(&h, false)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
