//! Cluster Autoscaler counts upcoming nodes as capacity (eks-semantics §4.1; CA FAQ.md,
//! core/static_autoscaler.go: nodes a scale-up asked for and not yet registered are template
//! nodes in the scan's snapshot). Pods that fit them wait; pods that still do not fit scale up
//! another group at the next scan instead of after the first group's nodes join.

use stevedore_sim::eks::engine::node_scaling::LAUNCH_S;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::run::{run_until, EksRun};

fn manifest(replicas: u32, small_max: u32) -> String {
    format!(
        "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {{name: shop, region: us-west-2}}
availabilityZones: [us-west-2a, us-west-2b]
managedNodeGroups:
  - {{name: small, instanceType: m5.large, desiredCapacity: 1, minSize: 1, maxSize: {small_max}}}
  - {{name: large, instanceType: m5.2xlarge, desiredCapacity: 0, minSize: 0, maxSize: 2}}
---
apiVersion: stevedore.dev/v1
kind: ClusterAutoscaler
spec:
  expander: least-waste
---
apiVersion: stevedore.dev/v1
kind: Scenario
metadata: {{name: ca}}
spec:
  duration: 4m
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: nginx
          resources: {{requests: {{cpu: 500m, memory: 512Mi}}}}
"
    )
}

fn scale_ups(r: &EksRun) -> Vec<(i64, String)> {
    r.events.iter().filter(|e| e.reason == "ScaledUpGroup").map(|e| (e.first_s, e.message.clone())).collect()
}

fn bound(r: &EksRun) -> usize {
    r.pods.iter().filter(|p| p.info.namespace == "default" && p.node.is_some()).count()
}

#[test]
fn pods_left_over_by_the_first_group_scale_a_second_one_at_the_next_scan() {
    // 12 × 500m: 3 fit the first m5.large; small may add 2 (6 more pods); 3 still fit nothing
    // upcoming, so the next scan (20 s) grows large, long before the small nodes join (85 s).
    let r = run_until(&parse(&manifest(12, 3)).unwrap(), false, 200);
    let ups = scale_ups(&r);
    assert_eq!(ups.len(), 2, "{ups:?}");
    assert_eq!(ups[0], (10, "Scale-up: setting group small size to 3 instead of 1 (max: 3)".into()));
    assert_eq!(ups[1], (20, "Scale-up: setting group large size to 1 instead of 0 (max: 2)".into()));
    assert_eq!(bound(&r), 12);
    assert_eq!(r.state.nodes.len(), 4);
}

#[test]
fn pods_that_fit_upcoming_nodes_trigger_nothing_more() {
    // 9 pods: the 6 pending fit the 2 upcoming small nodes; scans while they launch add nothing.
    let m = parse(&manifest(9, 3)).unwrap();
    let mid = run_until(&m, false, 10 + LAUNCH_S - 1);
    assert_eq!(scale_ups(&mid).len(), 1);
    assert!(!mid.events.iter().any(|e| e.reason == "NotTriggerScaleUp"), "pods waiting for upcoming nodes are not reported");
    let r = run_until(&m, false, 200);
    assert_eq!(scale_ups(&r).len(), 1);
    assert_eq!(bound(&r), 9);
}

#[test]
fn upcoming_capacity_is_counted_per_pod_not_per_group() {
    // 10 pods: 7 pending, the 2 upcoming small nodes take 6; the seventh alone scales large.
    let r = run_until(&parse(&manifest(10, 3)).unwrap(), false, 200);
    let ups = scale_ups(&r);
    assert_eq!(ups.len(), 2, "{ups:?}");
    assert_eq!(ups[1].0, 20);
    assert!(ups[1].1.starts_with("Scale-up: setting group large size to 1"), "{ups:?}");
    let triggered: Vec<_> = r.events.iter().filter(|e| e.reason == "TriggeredScaleUp" && e.message.contains("large")).collect();
    assert_eq!(triggered.len(), 1, "one pod did not fit the upcoming nodes");
}
