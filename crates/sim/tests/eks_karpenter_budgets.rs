//! Karpenter disruption budgets over time (eks-semantics §4.2; KARP concepts/disruption.md
//! "NodePool Disruption Budgets"): the disruption controller polls (every 10 s), so a scheduled
//! budget's window closing frees its nodes; a node counts as deleting (against
//! `allowed = roundup(total × pct) − deleting`) until its NodeClaim is gone, which waits for
//! the instance's termination (`INSTANCE_TERMINATION_S`, our choice).

use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::run::{run_until, EksRun};

const TERMINATION_S: i64 = 30;

/// One m5.large system node; six 1-vCPU pods, so five more m5.large NodeClaims; at 3m the
/// Deployment scales to 0, leaving five empty nodes (consolidateAfter 30s).
fn scenario(budgets: &str) -> String {
    format!(
        r#"apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {{name: shop, region: us-west-2}}
availabilityZones: [us-west-2a, us-west-2b]
managedNodeGroups:
  - {{name: system, instanceType: m5.large, desiredCapacity: 1, minSize: 1, maxSize: 1}}
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {{name: default}}
spec:
  template:
    spec:
      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}
      requirements:
        - {{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large]}}
        - {{key: karpenter.sh/capacity-type, operator: In, values: [on-demand]}}
  limits: {{cpu: "100"}}
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 30s
{budgets}---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {{name: default}}
spec:
  role: KarpenterNodeRole-shop
  amiSelectorTerms: [{{alias: al2023@latest}}]
  subnetSelectorTerms: [{{tags: {{karpenter.sh/discovery: shop}}}}]
  securityGroupSelectorTerms: [{{tags: {{karpenter.sh/discovery: shop}}}}]
---
apiVersion: stevedore.dev/v1
kind: Scenario
metadata: {{name: budgets}}
spec:
  duration: 20m
  timeline:
    - {{at: 3m, kubectl: "scale deployment/web --replicas=0"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 6
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: nginx:1.27, resources: {{requests: {{cpu: "1", memory: 1Gi}}}}}}]
"#
    )
}

fn karpenter_nodes(r: &EksRun) -> usize {
    r.state.nodes.iter().filter(|n| n.node.labels.contains_key("karpenter.sh/nodepool")).count()
}

/// When each Node got `DisruptionTerminating`, in order.
fn terminations(r: &EksRun) -> Vec<i64> {
    let mut v: Vec<i64> = r.events.iter().filter(|e| e.reason == "DisruptionTerminating" && e.kind == "Node").map(|e| e.first_s).collect();
    v.sort();
    v
}

#[test]
fn a_scheduled_zero_budget_holds_until_its_window_closes_then_the_next_poll_frees_the_nodes() {
    // The run starts 2025-01-01T00:00:00Z: "0 0 * * *" is active from 0 s for `duration`.
    for (duration, close) in [("5m", 300), ("7m", 420)] {
        let m = parse(&scenario(&format!("    budgets: [{{nodes: \"0\", schedule: \"0 0 * * *\", duration: {duration}}}]\n"))).unwrap();
        let held = run_until(&m, false, close - 1);
        assert_eq!(karpenter_nodes(&held), 5, "{duration}: held by the window");
        assert!(held.events.iter().any(|e| e.reason == "DisruptionBlocked" && e.kind == "NodePool" && e.message == "No allowed disruptions for disruption reason Empty due to blocking budget"));
        let r = run_until(&m, false, close + 60);
        let t = terminations(&r);
        assert_eq!(t.len(), 5, "{duration}: no budget active after the window: every empty node goes ({t:?})");
        assert!(t.iter().all(|&x| x >= close && x <= close + 10), "{duration}: within one 10 s poll of the close: {t:?}");
        assert_eq!(karpenter_nodes(&r), 0);
    }
}

#[test]
fn a_percentage_budget_paces_deletions_until_each_nodeclaim_is_gone() {
    // 10% of 5 nodes: ⌈0.5⌉ = 1 at a time; the next only once the first's instance is terminated.
    let r = run_until(&parse(&scenario("    budgets: [{nodes: \"10%\"}]\n")).unwrap(), false, 1200);
    let t = terminations(&r);
    assert_eq!(t.len(), 5, "{t:?}");
    for w in t.windows(2) {
        assert!(w[1] - w[0] >= TERMINATION_S, "one at a time while the last NodeClaim terminates: {t:?}");
        assert!(w[1] - w[0] <= TERMINATION_S + 10, "then freed at the next poll: {t:?}");
    }
}

#[test]
fn a_count_budget_deletes_that_many_at_once_then_waits() {
    let r = run_until(&parse(&scenario("    budgets: [{nodes: \"2\"}]\n")).unwrap(), false, 1200);
    let t = terminations(&r);
    assert_eq!(t.len(), 5, "{t:?}");
    assert_eq!(t[0], t[1]);
    assert_ne!(t[1], t[2]);
    assert!(t[2] - t[1] >= TERMINATION_S, "{t:?}");
    assert_eq!(t[2], t[3]);
    assert!(t[4] - t[3] >= TERMINATION_S, "{t:?}");
}
