//! EKS scaling decisions at the size of issue #15's day benchmark (1,000 nodes): one Cluster
//! Autoscaler scale-down scan and scale-up, one HPA sync over a 1,000-pod Deployment, and one
//! Karpenter provisioning round for 100 pending pods. Each is what the engine calls per tick.

use criterion::{criterion_group, criterion_main, Criterion};
use rand_core::SeedableRng;
use rand_pcg::Pcg64;
use std::sync::Arc;
use stevedore_sim::eks::autoscaler::scale_down::{EvictionFacts, ScaleDown};
use stevedore_sim::eks::autoscaler::scale_up::scale_up;
use stevedore_sim::eks::autoscaler::{system_daemon_pods, GroupState, Options};
use stevedore_sim::eks::hpa::controller::{Controller, Observed};
use stevedore_sim::eks::hpa::replicas::{Phase, PodInput, Sample};
use stevedore_sim::eks::hpa::{Hpa, MetricSpec, ResourceName, Target};
use stevedore_sim::eks::karpenter::instance_types::offerings;
use stevedore_sim::eks::karpenter::provision::provision;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::objects::{Container, PodSpec, Resources};
use stevedore_sim::eks::run::run;
use stevedore_sim::eks::scheduler::state::PodInfo;
use stevedore_sim::eks::selector::Labels;

const NODEPOOL: &str = "---\napiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: default}\nspec:\n  template:\n    spec:\n      nodeClassRef: {name: default}\n      requirements: [{key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}]\n---\napiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec: {role: r, amiSelectorTerms: [{alias: al2023@latest}], subnetSelectorTerms: [{id: s}], securityGroupSelectorTerms: [{id: g}]}\n";

fn manifest_text() -> String {
    let mut text = String::from(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: bench, region: us-west-2}\n\
         availabilityZones: [us-west-2a, us-west-2b, us-west-2c]\nmanagedNodeGroups:\n\
         - {name: general, instanceType: m5.xlarge, desiredCapacity: 600, minSize: 100, maxSize: 1000}\n\
         - {name: compute, instanceType: c5.2xlarge, desiredCapacity: 400, minSize: 100, maxSize: 1000}\n",
    );
    for (name, cpu, mem) in [("web", "250m", "512Mi"), ("api", "500m", "1Gi"), ("worker", "1", "2Gi"), ("cache", "200m", "1536Mi"), ("batch", "100m", "256Mi")] {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: 1000\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: c, image: {name}:1, resources: {{requests: {{cpu: {cpu}, memory: {mem}}}}}}}]\n"
        ));
    }
    text
}

fn pending(n: usize) -> Vec<PodInfo> {
    let spec = Arc::new(PodSpec {
        containers: vec![Container { name: "c".into(), image: "x".into(), requests: Resources { cpu: 1500, memory: 3 << 30, ..Resources::default() }, has_cpu: true, has_memory: true }],
        scheduler_name: "default-scheduler".into(),
        ..PodSpec::default()
    });
    (0..n).map(|i| PodInfo::new(format!("p-{i}"), "default".into(), Labels::new(), spec.clone(), None)).collect()
}

fn bench(c: &mut Criterion) {
    let m = parse(&manifest_text()).expect("parses");
    let r = run(&m, false);
    let cluster = m.cluster.clone().expect("cluster");
    let groups: Vec<GroupState> = cluster.node_groups.iter().map(|g| GroupState::new(&cluster, g, system_daemon_pods()).expect("known type")).collect();
    let o = Options::default();
    let mut g = c.benchmark_group("eks_scaling");
    g.sample_size(20);
    g.bench_function("ca_scale_down_scan_1000_nodes", |b| {
        b.iter(|| {
            let mut sd = ScaleDown::new();
            let mut gs = groups.clone();
            sd.scan(0, &r.state, &mut gs, &|i| EvictionFacts::of(&r.state.pods[i].pod), &o)
        })
    });
    let waiting = pending(100);
    g.bench_function("ca_scale_up_100_pending_2_groups", |b| b.iter(|| scale_up(&waiting, &groups, 1000, &o, &mut Pcg64::seed_from_u64(1))));
    let hpa = Hpa {
        name: "web".into(),
        namespace: "default".into(),
        target_kind: "Deployment".into(),
        target_name: "web".into(),
        target_api_version: "apps/v1".into(),
        min_replicas: 1,
        max_replicas: 2000,
        metrics: vec![MetricSpec::Resource { name: ResourceName::Cpu, container: None, target: Target::Utilization(60) }],
        behavior: None,
    };
    let pods: Vec<PodInput> = (0..1000)
        .map(|i| PodInput { name: format!("web-{i}"), phase: Phase::Running, deleting: false, start_ms: Some(0), ready: Some((true, 5_000)), request: Ok(250), sample: Some(Sample { value: 200, timestamp_ms: 3_600_000, window_ms: 15_000 }) })
        .collect();
    let observed = [Observed::Pods(pods)];
    g.bench_function("hpa_sync_1000_pods", |b| b.iter(|| Controller::new().reconcile(&hpa, 3_600_000, 1000, 1000, &observed)));
    let km = parse(&format!("{}{NODEPOOL}", "")).expect("nodepool parses");
    let zones: Vec<String> = ["us-west-2a", "us-west-2b", "us-west-2c"].iter().map(|z| z.to_string()).collect();
    let offers = vec![offerings(&km.node_pools[0], &zones, 1)];
    g.bench_function("karpenter_offerings_all_types", |b| b.iter(|| offerings(&km.node_pools[0], &zones, 1)));
    g.bench_function("karpenter_provision_100_pending", |b| b.iter(|| provision(&waiting, &km.node_pools, &offers, &[(0, 0)], &system_daemon_pods())));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
