//! Karpenter on the engine's clock (eks-semantics §4.2; KARP concepts/nodepools.md,
//! disruption.md): pending pods are batched into a NodeClaim of the cheapest instance type
//! that fits them all, launched through EC2; the node joins labelled `karpenter.sh/nodepool`
//! and `karpenter.sh/capacity-type`; `spec.limits` caps what a pool launches; an emptied node
//! is consolidated after `consolidateAfter`, within the disruption budget.

#[path = "common/karpenter.rs"]
mod karpenter_common;

use karpenter_common::{bound, karpenter_nodes, node_class, web, CLUSTER};
use stevedore_sim::eks::engine::karpenter_engine::{BATCH_IDLE_S, REGISTER_S};
use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::run::run_until;

/// One m5.large system node (room for one 1-vCPU pod) and a NodePool of m5 sizes.
fn scenario(limits: &str, timeline: &str) -> String {
    format!(
        r#"{CLUSTER}---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {{name: default}}
spec:
  template:
    spec:
      nodeClassRef: {{group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}}
      requirements:
        - {{key: node.kubernetes.io/instance-type, operator: In, values: [m5.large, m5.xlarge, m5.2xlarge]}}
  limits: {limits}
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 1m
---
{class}
---
apiVersion: stevedore.dev/v1
kind: Scenario
metadata: {{name: karpenter}}
spec:
  duration: 20m
  timeline: [{timeline}]
---
{web}"#,
        class = node_class("al2023@latest"),
        web = web(3, "\"1\"", "1Gi"),
    )
}

#[test]
fn pending_pods_get_one_node_of_the_cheapest_type_that_fits_them() {
    let m = parse(&scenario(r#"{cpu: "100"}"#, "")).unwrap();
    let early = run_until(&m, false, 1);
    assert_eq!((early.state.nodes.len(), bound(&early)), (1, 1), "one 1-vCPU pod fits the m5.large");
    // The first failure at 0 s; the batch closes BATCH_IDLE_S later and the claim is created.
    let nominated: Vec<_> = early.events.iter().filter(|e| e.reason == "Nominated").collect();
    assert_eq!(nominated.len(), 2, "{:?}", early.events.iter().map(|e| (e.reason, &e.message)).collect::<Vec<_>>());
    assert!(nominated[0].message.starts_with("Pod should schedule on: nodeclaim/default-"));
    assert_eq!((nominated[0].first_s, nominated[0].source), (BATCH_IDLE_S, "karpenter"));

    let before = run_until(&m, false, BATCH_IDLE_S + REGISTER_S - 1);
    assert!(karpenter_nodes(&before).is_empty());
    let after = run_until(&m, false, BATCH_IDLE_S + REGISTER_S);
    let new = karpenter_nodes(&after);
    assert_eq!(new.len(), 1, "two 1-vCPU pods: one m5.xlarge ($0.192/h) rather than two m5.large");
    let n = new[0];
    assert_eq!(n.instance_type, "m5.xlarge");
    assert_eq!(n.labels["karpenter.sh/nodepool"], "default");
    assert_eq!(n.labels["karpenter.sh/capacity-type"], "on-demand");
    assert_eq!(n.labels["node.kubernetes.io/instance-type"], "m5.xlarge");
    assert!(n.name.starts_with("ip-") && n.name.ends_with(".us-west-2.compute.internal"));
    let done = run_until(&m, false, 120);
    assert_eq!(bound(&done), 3);
    assert_eq!(karpenter_nodes(&done).len(), 1, "no second claim once the pods run");
}

#[test]
fn the_pool_limit_caps_what_it_launches() {
    // cpu: 2 leaves room for one m5.large only: one pod stays Pending.
    let r = run_until(&parse(&scenario(r#"{cpu: "2"}"#, "")).unwrap(), false, 300);
    let new = karpenter_nodes(&r);
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].instance_type, "m5.large");
    assert_eq!(bound(&r), 2);
    assert!(r.events.iter().any(|e| e.source == "karpenter" && e.reason == "FailedScheduling" && e.message.starts_with("Failed to schedule pod, incompatible with nodepool \"default\"")));
}

#[test]
fn an_emptied_node_is_consolidated_after_consolidate_after() {
    let m = parse(&scenario(r#"{cpu: "100"}"#, r#"{at: 5m, kubectl: "scale deployment/web --replicas=1"}"#)).unwrap();
    let full = run_until(&m, false, 299);
    assert_eq!(karpenter_nodes(&full).len(), 1);
    let name = karpenter_nodes(&full)[0].name.clone();
    // The two pods on the Karpenter node go at 5 m (doubled-up pods first); it is empty from 301 s.
    let waiting = run_until(&m, false, 355);
    assert_eq!(karpenter_nodes(&waiting).len(), 1, "consolidateAfter: 1m not over yet");
    let r = run_until(&m, false, 420);
    assert!(karpenter_nodes(&r).is_empty(), "the empty node is gone");
    let ev = r.events.iter().find(|e| e.reason == "DisruptionTerminating").expect("disrupted");
    // kubernetes-sigs/karpenter pkg/controllers/disruption/events/events.go `Terminating`.
    assert_eq!((ev.kind, ev.name.as_str(), ev.message.as_str()), ("Node", name.as_str(), "Disrupting Node: Empty"));
    let on_claim = r.events.iter().find(|e| e.reason == "DisruptionTerminating" && e.kind == "NodeClaim").expect("on the NodeClaim too");
    assert_eq!(on_claim.message, "Disrupting NodeClaim: Empty");
    assert!(ev.first_s >= 361, "at {}", ev.first_s);
    assert_eq!(r.state.nodes.len(), 1, "the managed node group's node stays");
    assert_eq!(bound(&r), 1);
    // The claim's instance was launched and terminated through EC2.
    let mut e = Engine::new(&m, false);
    e.advance_to(120);
    assert_eq!(e.instances().len(), 2);
    e.advance_to(420);
    assert_eq!(e.instances().len(), 1);
    assert!(r.events.iter().filter(|x| x.kind == "NodeClaim").all(|x| x.reason == "DisruptionTerminating" || x.reason == "Unconsolidatable"));
    // Before the scale-down its two pods need the m5.xlarge: consolidation.go's
    // `Unconsolidatable`, on the Node and its NodeClaim, once (15 min dedupe).
    let un: Vec<_> = r.events.iter().filter(|x| x.reason == "Unconsolidatable").collect();
    assert_eq!(un.iter().map(|x| (x.kind, x.message.as_str(), x.count)).collect::<Vec<_>>(), [("Node", "Can't replace with a cheaper node", 1), ("NodeClaim", "Can't replace with a cheaper node", 1)]);
    assert_eq!(un[0].name, name);
}

#[test]
fn without_nodepools_nothing_is_provisioned() {
    let text = scenario(r#"{cpu: "100"}"#, "");
    let cut: String = text.split("---\n").filter(|d| !d.contains("kind: NodePool") && !d.contains("kind: EC2NodeClass")).collect::<Vec<_>>().join("---\n");
    let r = run_until(&parse(&cut).unwrap(), false, 300);
    assert_eq!((r.state.nodes.len(), bound(&r)), (1, 1));
}

#[test]
fn an_underutilised_node_is_replaced_by_a_cheaper_one_first() {
    // Down to 2 pods: the m5.xlarge keeps one 1-vCPU pod, which does not fit the system node;
    // one m5.large ($0.096/h) holds it for half the price: launched first, then the old drains.
    let m = parse(&scenario(r#"{cpu: "100"}"#, r#"{at: 5m, kubectl: "scale deployment/web --replicas=2"}"#)).unwrap();
    let r = run_until(&m, false, 600);
    let launch = r.events.iter().find(|e| e.reason == "DisruptionLaunching").expect("replacement launched");
    // events.go `Launching`: on the replacement NodeClaim; `Terminating` on the old Node.
    assert_eq!((launch.kind, launch.message.as_str()), ("NodeClaim", "Launching NodeClaim: Underutilized"));
    assert!(r.events.iter().any(|e| e.reason == "DisruptionWaitingReadiness" && e.name == launch.name && e.message == "Waiting on readiness to continue disruption"));
    let term = r.events.iter().find(|e| e.reason == "DisruptionTerminating").expect("old node disrupted");
    assert_eq!((term.kind, term.message.as_str()), ("Node", "Disrupting Node: Underutilized"));
    assert_eq!(term.first_s, launch.first_s + REGISTER_S, "the old node drains once its replacement is Ready");
    let new = karpenter_nodes(&r);
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].instance_type, "m5.large");
    assert_eq!(bound(&r), 2);
}

#[test]
fn a_zero_budget_blocks_consolidation() {
    let text = scenario(r#"{cpu: "100"}"#, r#"{at: 5m, kubectl: "scale deployment/web --replicas=1"}"#).replace("consolidateAfter: 1m", "consolidateAfter: 1m\n    budgets: [{nodes: \"0\"}]");
    let r = run_until(&parse(&text).unwrap(), false, 900);
    assert_eq!(karpenter_nodes(&r).len(), 1, "the budget allows no disruption");
    // helpers.go `NodePoolBlockedForDisruptionReason`: on the NodePool.
    let blocked: Vec<(&str, &str, &str)> = r.events.iter().filter(|e| e.reason == "DisruptionBlocked").map(|e| (e.kind, e.name.as_str(), e.message.as_str())).collect();
    assert!(blocked.contains(&("NodePool", "default", "No allowed disruptions for disruption reason Empty due to blocking budget")), "{blocked:?}");
}
