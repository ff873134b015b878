//! Issue #15's day benchmark cluster: 24 simulated hours of a 1,000-node cluster (600 m5.xlarge +
//! 400 c5.2xlarge over 3 AZs) with 5 Deployments × 1,000 pods, each under an HPA (cpu 50 %),
//! per-pod usage changing every hour (`SetPodUsage`), and a Cluster Autoscaler. Shared by
//! `benches/eks_day.rs` (criterion) and `examples/eks_day_time.rs` (one timed run, for profiling).

use stevedore_sim::eks::manifest::{parse, Manifest};

pub fn manifest() -> Manifest {
    let mut text = String::from(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: day, region: us-west-2}\n\
         availabilityZones: [us-west-2a, us-west-2b, us-west-2c]\nmanagedNodeGroups:\n\
         - {name: general, instanceType: m5.xlarge, desiredCapacity: 600, minSize: 100, maxSize: 800}\n\
         - {name: compute, instanceType: c5.2xlarge, desiredCapacity: 400, minSize: 100, maxSize: 600}\n\
         ---\napiVersion: stevedore.dev/v1\nkind: ClusterAutoscaler\nspec: {expander: least-waste}\n\
         ---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 24h\n  timeline:\n",
    );
    let apps = [("web", "250m", "512Mi"), ("api", "500m", "1Gi"), ("worker", "1", "2Gi"), ("cache", "200m", "1536Mi"), ("batch", "100m", "256Mi")];
    for h in 0..24 {
        // A daily cycle: per-pod usage from 30 % to 70 % of request.
        let pct = 50.0 + 20.0 * ((h as f64 - 8.0) / 24.0 * std::f64::consts::TAU).sin();
        for (name, cpu, _) in apps {
            let req_m = if let Some(m) = cpu.strip_suffix('m') { m.parse::<f64>().unwrap() } else { cpu.parse::<f64>().unwrap() * 1000.0 };
            text.push_str(&format!("    - {{at: {h}h, action: SetPodUsage, input: {{selector: {{matchLabels: {{app: {name}}}}}, cpu: {}m}}}}\n", (req_m * pct / 100.0).round() as i64));
        }
    }
    for (name, cpu, mem) in apps {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: 1000\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: c, image: {name}:1, resources: {{requests: {{cpu: {cpu}, memory: {mem}}}}}}}]\n\
             ---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: {name}}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}\n  minReplicas: 500\n  maxReplicas: 1500\n  metrics: [{{type: Resource, resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 50}}}}}}]\n"
        ));
    }
    parse(&text).expect("benchmark manifest parses")
}
