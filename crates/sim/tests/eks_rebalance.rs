//! EC2 rebalance recommendations (eks-semantics §9; EKSUG nodes/managed-node-groups.adoc "Spot"):
//! a managed node group's Spot node gets a replacement launched at once, and is cordoned and
//! drained (PodDisruptionBudgets respected) only once the replacement is Ready; an interruption
//! notice before then starts the drain early. Self-managed groups ignore the signal; Karpenter
//! only records it (`SpotRebalanceRecommendation`, aws/karpenter-provider-aws
//! pkg/controllers/interruption/events/events.go).

use stevedore_sim::eks::engine::events::KEvent;
use stevedore_sim::eks::engine::node_scaling::LAUNCH_S;
use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::run::{run_until, EksRun};

const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n  - {name: od, instanceType: m5.large, desiredCapacity: 1}\n  - {name: spot, spot: true, instanceTypes: [m5.large, m5a.large], desiredCapacity: 2}\n";

fn text(cluster: &str, min_available: i64, entries: &[String]) -> String {
    let mut s = format!("{cluster}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 6\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n        - name: web\n          image: \"nginx:1.26\"\n          resources: {{requests: {{cpu: 250m, memory: 256Mi}}}}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: web}}\nspec:\n  minAvailable: {min_available}\n  selector: {{matchLabels: {{app: web}}}}\n---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n  timeline:\n");
    for l in entries {
        s.push_str(&format!("    - {l}\n"));
    }
    s
}

fn events<'a>(r: &'a EksRun, reason: &str) -> Vec<&'a KEvent> {
    r.events.iter().filter(|e| e.reason == reason).collect()
}

fn spot_node(cluster: &str) -> String {
    let e = Engine::new(&parse(&text(cluster, 1, &[])).unwrap(), false);
    let mut names: Vec<String> = e.state.nodes.iter().filter(|n| n.node.node_group == "spot").map(|n| n.node.name.clone()).collect();
    names.sort();
    names[0].clone()
}

fn cordoned(r: &EksRun, node: &str) -> bool {
    r.state.nodes.iter().any(|n| n.node.name == node && n.node.unschedulable)
}

fn on_node(r: &EksRun, node: &str) -> usize {
    r.state.pods.iter().filter(|p| r.state.nodes[p.node].node.name == node && p.pod.namespace == "default").count()
}

fn rebalance(at: &str, node: &str) -> String {
    format!("{{at: {at}, action: RebalanceRecommendation, input: {{node: {node}}}}}")
}

#[test]
fn the_replacement_launches_first_and_the_old_node_drains_once_it_is_ready() {
    let node = spot_node(CLUSTER);
    let m = parse(&text(CLUSTER, 5, &[rebalance("1m", &node)])).unwrap();
    let had = on_node(&run_until(&m, false, 59), &node);
    assert!(had >= 2, "{had}");
    let r = run_until(&m, false, 60);
    let rec = events(&r, "RebalanceRecommendation");
    assert_eq!(rec.len(), 1);
    assert_eq!((rec[0].kind, rec[0].name.as_str(), rec[0].source), ("Node", node.as_str(), "ec2"));
    assert!(rec[0].message.contains("managed node group spot (Capacity Rebalancing)"), "{}", rec[0].message);
    // Until the replacement is Ready the old node keeps serving: not cordoned, nothing evicted.
    let waiting = run_until(&m, false, 60 + LAUNCH_S - 1);
    assert!(!cordoned(&waiting, &node));
    assert_eq!(on_node(&waiting, &node), had);
    assert_eq!(waiting.state.nodes.len(), 3);
    let ready = run_until(&m, false, 60 + LAUNCH_S);
    assert_eq!(ready.state.nodes.len(), 4, "the replacement joined");
    let new = ready.state.nodes.last().unwrap();
    assert_eq!(new.node.node_group, "spot");
    assert!(cordoned(&ready, &node), "cordoned once the replacement is Ready");
    assert!(ready.drain_log.iter().any(|(t, l)| *t == 60 + LAUNCH_S && l == &format!("node/{node} cordoned")));
    // The drain respects the budget (5 of 6 Ready at every second), then the instance goes.
    for t in (60 + LAUNCH_S)..=300 {
        let s = run_until(&m, false, t);
        assert!(s.pdbs[0].1.current_healthy >= 5, "at {t}s only {} Ready", s.pdbs[0].1.current_healthy);
    }
    let end = run_until(&m, false, 400);
    let drained = end.drain_log.iter().find(|(_, l)| l == &format!("node/{node} drained")).map(|x| x.0).expect("drained");
    let removing = events(&end, "RemovingNode");
    assert_eq!(removing.len(), 1);
    assert_eq!((removing[0].name.as_str(), removing[0].first_s), (node.as_str(), drained));
    assert!(events(&end, "NodeTerminated").is_empty(), "nothing killed: no interruption came");
    assert_eq!(end.pods.iter().filter(|p| p.info.name.starts_with("web-") && p.ready(400)).count(), 6);
}

#[test]
fn an_interruption_before_the_replacement_is_ready_drains_at_once_without_a_second_launch() {
    let node = spot_node(CLUSTER);
    let notice = format!("{{at: 90s, action: SpotInterruption, input: {{node: {node}}}}}");
    let m = parse(&text(CLUSTER, 1, &[rebalance("1m", &node), notice])).unwrap();
    let r = run_until(&m, false, 90);
    assert!(cordoned(&r, &node), "drained at the notice");
    let warn = events(&r, "SpotInterruption");
    assert!(warn[0].message.ends_with("the replacement launched on the rebalance recommendation is not Ready yet, node cordoned and drained now, best effort (PodDisruptionBudgets respected)"), "{}", warn[0].message);
    let end = run_until(&m, false, 400);
    assert_eq!(end.state.nodes.iter().filter(|n| n.node.node_group == "spot").count(), 3, "one replacement only (the reclaimed node keeps its index)");
    assert_eq!(events(&end, "RegisteredNode").len(), 1);
}

#[test]
fn an_interruption_after_the_replacement_is_ready_says_the_node_is_already_draining() {
    let node = spot_node(CLUSTER);
    // minAvailable 6: the drain cannot finish, so the node is still there at the notice.
    let notice = format!("{{at: 3m, action: SpotInterruption, input: {{node: {node}}}}}");
    let m = parse(&text(CLUSTER, 6, &[rebalance("1m", &node), notice])).unwrap();
    let r = run_until(&m, false, 180);
    let warn = events(&r, "SpotInterruption");
    assert!(warn[0].message.ends_with("managed node group spot: its replacement is Ready and the node is already draining"), "{}", warn[0].message);
    let end = run_until(&m, false, 300);
    assert_eq!(events(&end, "RegisteredNode").len(), 1, "no second replacement");
    assert!(!events(&end, "NodeTerminated").is_empty(), "EC2 reclaimed it at two minutes with pods still there");
}

#[test]
fn a_self_managed_group_ignores_the_recommendation() {
    let cluster = CLUSTER.replace("  - {name: spot", "nodeGroups:\n  - {name: spot");
    let node = spot_node(&cluster);
    let m = parse(&text(&cluster, 1, &[rebalance("1m", &node)])).unwrap();
    let r = run_until(&m, false, 300);
    assert!(events(&r, "RebalanceRecommendation")[0].message.ends_with("self-managed node group spot does not act on it"));
    assert_eq!(r.state.nodes.len(), 3);
    assert!(!cordoned(&r, &node));
}

#[test]
fn refusals_are_timeline_errors() {
    let node = spot_node(CLUSTER);
    let od = Engine::new(&parse(&text(CLUSTER, 1, &[])).unwrap(), false).state.nodes.iter().find(|n| n.node.node_group == "od").unwrap().node.name.clone();
    let m = parse(&text(CLUSTER, 1, &[rebalance("10s", &node), rebalance("20s", &node), rebalance("30s", &od)])).unwrap();
    let r = run_until(&m, false, 40);
    assert_eq!(
        r.timeline_errors,
        [
            format!("$[3].spec.timeline[1]: at 20s: RebalanceRecommendation: node {node:?} already had its rebalance recommendation or interruption notice"),
            format!("$[3].spec.timeline[2]: at 30s: RebalanceRecommendation: node {od:?} is not a Spot instance (its node group does not set spot: true)"),
        ]
    );
    let entries = ["{at: 1m, action: RebalanceRecommendation, input: {node: a, nodeSelector: {x: y}}}".to_string(), "{at: 1m, action: RebalanceRecommendation}".to_string()];
    let errs: Vec<String> = parse(&text(CLUSTER, 1, &entries)).unwrap_err().into_iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    assert!(errs.iter().any(|e| e.starts_with("$[3].spec.timeline[0].input.node: give `node`")), "{errs:?}");
    assert!(errs.iter().any(|e| e.starts_with("$[3].spec.timeline[1].input: is required: {node} or {nodeSelector}")), "{errs:?}");
    assert!(!errs.iter().any(|e| e.contains("is not an action")), "{errs:?}");
}
