//! EKS scheduler benchmark: 5,000 pods (5 Deployments × 1,000 replicas) onto 1,000 nodes in
//! 3 AZs with kube-scheduler's default profile (issue #14's target). One iteration = the whole
//! run: nodes join with their DaemonSet pods, then every pod goes through filter and score.

use criterion::{criterion_group, criterion_main, Criterion};
use stevedore_sim::eks::manifest::{parse, Manifest};
use stevedore_sim::eks::run::run;

fn manifest() -> Manifest {
    let mut text = String::from(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: bench, region: us-west-2}\n\
         availabilityZones: [us-west-2a, us-west-2b, us-west-2c]\nmanagedNodeGroups:\n\
         - {name: general, instanceType: m5.xlarge, desiredCapacity: 600, maxSize: 1000}\n\
         - {name: compute, instanceType: c5.2xlarge, desiredCapacity: 400, maxSize: 1000}\n",
    );
    for (name, cpu, mem) in [("web", "250m", "512Mi"), ("api", "500m", "1Gi"), ("worker", "1", "2Gi"), ("cache", "200m", "1536Mi"), ("batch", "100m", "256Mi")] {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: 1000\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: c, image: {name}:1, resources: {{requests: {{cpu: {cpu}, memory: {mem}}}}}}}]\n"
        ));
    }
    parse(&text).expect("benchmark manifest parses")
}

fn bench(c: &mut Criterion) {
    let m = manifest();
    let r = run(&m, false);
    assert_eq!(r.pending.len(), 0, "every pod fits");
    assert_eq!(r.decisions.len(), 5000);
    let mut g = c.benchmark_group("eks_scheduler");
    g.sample_size(10);
    g.bench_function("5000_pods_1000_nodes_default_profile", |b| b.iter(|| run(&m, false)));
    g.bench_function("5000_pods_1000_nodes_default_profile_explain", |b| b.iter(|| run(&m, true)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
