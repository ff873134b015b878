//! The EKS scheduler benchmark's cluster (issue #14): 1,000 nodes in 3 AZs (600 m5.xlarge, 400
//! c5.2xlarge) and 5 Deployments × 1,000 replicas with requests, default scheduler profile.
//! Shared by `benches/eks_scheduler.rs` (native, criterion) and `examples/eks_scheduler_wasm.rs`
//! (the same run in wasm, timed from Node by `scripts/wasm-bench.mjs`).

use stevedore_sim::eks::manifest::{parse, Manifest};

pub const PODS: usize = 5000;

pub fn manifest() -> Manifest {
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
