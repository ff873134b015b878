//! Karpenter's forceful disruption (eks-semantics §4.2; KARP concepts/disruption.md "Forceful
//! Methods", nodepools.md `expireAfter`): a NodePool allowing `karpenter.sh/capacity-type: spot`
//! launches Spot; a `SpotInterruption` on its node is handled from the interruption queue —
//! tainted `karpenter.sh/disrupted:NoSchedule`, a replacement NodeClaim launched at once, drained
//! through the Eviction API (PDBs honoured), gone at two minutes; a node past `expireAfter` is
//! replaced the same way, disruption budgets notwithstanding.

#[path = "common/karpenter.rs"]
mod karpenter_common;

use karpenter_common::{karpenter_nodes, node_class, web, CLUSTER};
use stevedore_sim::eks::engine::events::KEvent;
use stevedore_sim::eks::engine::karpenter_engine::REGISTER_S;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::run::{run_until, EksRun};

/// One m5.large system node (room for one 1-vCPU web pod); the NodePool's `capacity` values
/// and `extra` spec lines; web has 3 replicas and a PDB of `min_available`.
fn scenario(capacity: &str, extra: &str, min_available: i64, timeline: &str) -> String {
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
        - {{key: karpenter.sh/capacity-type, operator: In, values: [{capacity}]}}
{extra}  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: Never
---
{class}
---
apiVersion: stevedore.dev/v1
kind: Scenario
metadata: {{name: karpenter-spot}}
spec:
  duration: 40m
  timeline: [{timeline}]
---
{web}---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: web}}
spec:
  minAvailable: {min_available}
  selector: {{matchLabels: {{app: web}}}}
"#,
        class = node_class("al2023@latest"),
        web = web(3, "\"1\"", "1Gi"),
    )
}

const NOTICE: &str = "{at: 3m, action: SpotInterruption, input: {nodeSelector: {karpenter.sh/capacity-type: spot}}}";

fn events<'a>(r: &'a EksRun, reason: &str) -> Vec<&'a KEvent> {
    r.events.iter().filter(|e| e.reason == reason).collect()
}

fn web_ready(r: &EksRun, t: i64) -> usize {
    r.pods.iter().filter(|p| p.info.name.starts_with("web-") && p.ready(t)).count()
}

fn on(r: &EksRun, node: &str) -> usize {
    r.state.pods.iter().filter(|p| r.state.nodes[p.node].node.name == node && p.pod.namespace == "default").count()
}

#[test]
fn a_pool_that_allows_spot_launches_spot_when_spot_is_cheapest() {
    for capacity in ["spot", "spot, on-demand"] {
        let r = run_until(&parse(&scenario(capacity, "", 1, "")).unwrap(), false, 120);
        let nodes = karpenter_nodes(&r);
        assert_eq!(nodes.len(), 1, "{capacity}");
        assert_eq!(nodes[0].labels["karpenter.sh/capacity-type"], "spot", "{capacity}");
        assert_eq!(r.node_claims[0].offering.capacity_type.as_str(), "spot");
    }
    let r = run_until(&parse(&scenario("on-demand", "", 1, "")).unwrap(), false, 120);
    assert_eq!(karpenter_nodes(&r)[0].labels["karpenter.sh/capacity-type"], "on-demand");
}

#[test]
fn the_interruption_taints_pre_spins_a_replacement_and_drains_under_the_pdb() {
    let m = parse(&scenario("spot", "", 2, NOTICE)).unwrap();
    let before = run_until(&m, false, 179);
    let old = karpenter_nodes(&before)[0].name.clone();
    assert_eq!(on(&before, &old), 2, "two web pods on the Spot node");
    let r = run_until(&m, false, 180);
    let n = r.state.nodes.iter().find(|n| n.node.name == old).unwrap();
    assert!(n.node.taints.iter().any(|t| t.key == "karpenter.sh/disrupted" && format!("{:?}", t.effect) == "NoSchedule"), "{:?}", n.node.taints);
    // EC2's warning, then Karpenter's own events on the Node and its NodeClaim.
    assert_eq!(events(&r, "SpotInterruption").len(), 1);
    let interrupted = events(&r, "SpotInterrupted");
    assert_eq!(interrupted.iter().map(|e| e.kind).collect::<Vec<_>>(), ["Node", "NodeClaim"]);
    assert!(interrupted.iter().all(|e| e.warning && e.first_s == 180 && e.message == "Spot interruption warning was triggered"));
    // aws/karpenter-provider-aws pkg/controllers/interruption/events/events.go @1d927085.
    assert!(events(&r, "TerminatingOnInterruption").iter().any(|e| e.name == old && e.warning && e.message == "Interruption triggered termination for the Node"));
    assert!(events(&r, "TerminatingOnInterruption").iter().any(|e| e.kind == "NodeClaim" && e.message == "Interruption triggered termination for the NodeClaim"));
    // The replacement NodeClaim is created with the warning, not after the drain.
    assert_eq!(r.node_claims.len(), 2);
    assert_eq!(r.node_claims[1].created_s, 180);
    assert_eq!(r.node_claims[1].offering.capacity_type.as_str(), "spot");
    // One eviction at a time (minAvailable 2 of 3): the PDB holds for every second.
    for t in 180..=300 {
        let s = run_until(&m, false, t);
        assert!(s.pdbs[0].1.current_healthy >= 2, "at {t}s only {} healthy", s.pdbs[0].1.current_healthy);
        assert!(s.node_claims.len() == 2, "the evicted pods wait for the in-flight claim: no third one at {t}s");
    }
    let joined = run_until(&m, false, 180 + REGISTER_S);
    assert!(karpenter_nodes(&joined).iter().any(|n| n.name != old), "replacement Ready REGISTER_S after the warning");
    // Drained before the two minutes: the node left, nothing killed, web whole again.
    let end = run_until(&m, false, 400);
    assert!(!end.state.nodes.iter().any(|n| n.node.name == old));
    let gone = events(&end, "RemovingNode");
    assert_eq!(gone.len(), 1);
    assert!(gone[0].first_s <= 300, "{}", gone[0].first_s);
    assert!(events(&end, "NodeTerminated").is_empty());
    assert_eq!(web_ready(&end, 400), 3);
}

#[test]
fn a_drain_the_pdb_blocks_ends_when_ec2_reclaims_the_node_at_two_minutes() {
    let m = parse(&scenario("spot", "", 3, NOTICE)).unwrap();
    let old = karpenter_nodes(&run_until(&m, false, 179))[0].name.clone();
    let at_299 = run_until(&m, false, 299);
    assert_eq!(on(&at_299, &old), 2, "every eviction refused");
    let r = run_until(&m, false, 300);
    assert!(!r.state.nodes.iter().any(|n| n.node.name == old), "gone at 2 minutes");
    let killed = events(&r, "NodeTerminated");
    assert_eq!(killed.len(), 2);
    assert!(killed.iter().all(|e| e.first_s == 300));
    let after = run_until(&m, false, 360);
    let gone = events(&after, "RemovingNode");
    assert_eq!((gone.len(), gone[0].first_s), (1, 300));
    assert_eq!(after.node_claims[0].deleted_s, Some(300));
}

#[test]
fn an_on_demand_karpenter_node_is_refused() {
    let m = parse(&scenario("on-demand", "", 1, "")).unwrap();
    let name = karpenter_nodes(&run_until(&m, false, 120))[0].name.clone();
    let t = format!("{{at: 3m, action: SpotInterruption, input: {{node: {name}}}}}, {NOTICE}");
    let r = run_until(&parse(&scenario("on-demand", "", 1, &t)).unwrap(), false, 200);
    let claim = &r.node_claims[0].name;
    assert_eq!(
        r.timeline_errors,
        [
            format!("$[3].spec.timeline[0]: at 180s: SpotInterruption: node {name:?} is not a Spot instance (NodeClaim {claim} has karpenter.sh/capacity-type: on-demand)"),
            "$[3].spec.timeline[1]: at 180s: SpotInterruption: no Spot node matches nodeSelector".to_string(),
        ]
    );
    assert!(r.state.nodes.iter().any(|n| n.node.name == name && n.node.taints.is_empty()));
}

#[test]
fn a_node_past_expire_after_is_replaced_even_with_a_zero_budget() {
    let extra = "      expireAfter: 10m\n";
    let m = parse(&scenario("spot", extra, 2, "").replace("consolidateAfter: Never", "consolidateAfter: Never\n    budgets: [{nodes: \"0\"}]")).unwrap();
    let early = run_until(&m, false, 100);
    let first = early.node_claims[0].clone();
    let due = first.created_s + 600;
    assert!(run_until(&m, false, due - 1).node_claims.len() == 1);
    let r = run_until(&m, false, due);
    let old = first.node_name.clone().unwrap();
    let expired = events(&r, "Expired");
    assert_eq!(expired.len(), 1);
    assert_eq!((expired[0].name.as_str(), expired[0].first_s), (old.as_str(), due));
    assert_eq!(expired[0].message, format!("NodeClaim {} expired: it lived expireAfter (10m)", first.name));
    assert!(r.state.nodes.iter().any(|n| n.node.name == old && n.node.taints.iter().any(|t| t.key == "karpenter.sh/disrupted")));
    assert_eq!((r.node_claims.len(), r.node_claims[1].created_s), (2, due), "replacement pre-spun at once");
    let later = run_until(&m, false, due + 200);
    assert!(!later.state.nodes.iter().any(|n| n.node.name == old), "the expired node left");
    assert_eq!(web_ready(&later, due + 200), 3);
    // The replacement expires in turn, 10 minutes after its own creation.
    let again = run_until(&m, false, due + 600);
    assert_eq!(events(&again, "Expired").len(), 2);
}

#[test]
fn expire_after_never_and_the_720h_default_do_not_expire_within_the_run() {
    for extra in ["      expireAfter: Never\n", ""] {
        let r = run_until(&parse(&scenario("spot", extra, 1, "")).unwrap(), false, 2400);
        assert!(events(&r, "Expired").is_empty(), "{extra:?}");
        assert_eq!(r.node_claims.len(), 1);
    }
}
