//! Spot managed node groups (eks-semantics §9, EKSUG nodes/managed-node-groups.adoc "Spot
//! Instances"): nodes labelled `eks.amazonaws.com/capacityType: SPOT`; on the two-minute
//! interruption notice a replacement is launched and the node is cordoned and drained at once through the Eviction API (PodDisruptionBudgets respected); EC2 takes the instance
//! back two minutes after the notice whether or not the drain finished.

use stevedore_sim::eks::engine::events::KEvent;
use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};

const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: c, region: us-west-2}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n  - {name: od, instanceType: m5.large, desiredCapacity: 1}\n  - {name: spot, spot: true, instanceTypes: [m5.large, m5a.large], desiredCapacity: 2}\n";

fn web(replicas: i64) -> String {
    format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n        - name: web\n          image: \"nginx:1.26\"\n          resources: {{requests: {{cpu: 250m, memory: 256Mi}}}}\n")
}

fn pdb(min_available: i64) -> String {
    format!("---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: web}}\nspec:\n  minAvailable: {min_available}\n  selector: {{matchLabels: {{app: web}}}}\n")
}

fn scenario(entries: &[&str]) -> String {
    let mut s = String::from("---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 10m\n  timeline:\n");
    for l in entries {
        s.push_str(&format!("    - {l}\n"));
    }
    s
}

fn events<'a>(r: &'a EksRun, reason: &str) -> Vec<&'a KEvent> {
    r.events.iter().filter(|e| e.reason == reason).collect()
}

/// The first Spot node's name (node names come from the VPC's addresses).
fn spot_node(cluster: &str) -> String {
    let m = parse(&format!("{cluster}{}", web(1))).unwrap();
    let e = Engine::new(&m, false);
    let mut names: Vec<String> = e.state.nodes.iter().filter(|n| n.node.node_group == "spot").map(|n| n.node.name.clone()).collect();
    names.sort();
    names[0].clone()
}

fn on_node(r: &EksRun, node: &str) -> usize {
    r.state.pods.iter().filter(|p| r.state.nodes[p.node].node.name == node && p.pod.namespace == "default").count()
}

#[test]
fn spot_groups_label_their_nodes_with_the_capacity_type() {
    let r = run_until(&parse(&format!("{CLUSTER}{}", web(1))).unwrap(), false, 0);
    for n in &r.state.nodes {
        let want = if n.node.node_group == "spot" { "SPOT" } else { "ON_DEMAND" };
        assert_eq!(n.node.labels["eks.amazonaws.com/capacityType"], want, "{}", n.node.name);
    }
}

#[test]
fn the_notice_cordons_drains_under_the_budget_and_launches_a_replacement() {
    let node = spot_node(CLUSTER);
    let text = format!("{CLUSTER}{}{}{}", web(6), pdb(5), scenario(&[&format!("{{at: 1m, action: SpotInterruption, input: {{node: {node}}}}}")]));
    let m = parse(&text).unwrap();
    let before = run_until(&m, false, 59);
    let had = on_node(&before, &node);
    assert!(had >= 2, "the spread puts several web pods on the Spot node ({had})");
    let r = run_until(&m, false, 61);
    let warn = events(&r, "SpotInterruption");
    assert_eq!(warn.len(), 1);
    assert!(warn[0].warning);
    assert!(warn[0].message.starts_with(&format!("EC2 Spot Instance Interruption Warning: {node} is reclaimed at 2025-01-01T00:03:00Z")), "{}", warn[0].message);
    assert!(warn[0].message.ends_with("managed node group spot: node cordoned and drained now, best effort (PodDisruptionBudgets respected); a replacement is launching"), "{}", warn[0].message);
    assert!(r.state.nodes.iter().any(|n| n.node.name == node && n.node.unschedulable), "cordoned at the notice");
    assert!(events(&r, "NodeNotSchedulable").iter().any(|e| e.name == node));
    // minAvailable 5 of 6: one eviction at a time, the rest refused with the Eviction API's words.
    assert!(r.drain_log.iter().any(|(t, l)| *t == 60 && l.contains("Cannot evict pod as it would violate the pod's disruption budget.")), "{:?}", r.drain_log);
    // The replacement: same group and zone, Spot, Ready LAUNCH_S (75 s) after the notice.
    let zone = r.state.nodes.iter().find(|n| n.node.name == node).unwrap().node.zone.clone();
    assert_eq!(run_until(&m, false, 134).state.nodes.len(), 3);
    let joined = run_until(&m, false, 135);
    let new = joined.state.nodes.last().unwrap();
    assert_eq!((new.node.node_group.as_str(), new.node.zone.as_str()), ("spot", zone.as_str()));
    assert_eq!(new.node.labels["eks.amazonaws.com/capacityType"], "SPOT");
    assert!(events(&joined, "RegisteredNode").iter().any(|e| e.name == new.node.name));
    // The budget was never broken: at every second at least 5 web pods Ready.
    for t in 60..=200 {
        let s = run_until(&m, false, t);
        assert!(s.pdbs[0].1.current_healthy >= 5, "at {t}s only {} Ready", s.pdbs[0].1.current_healthy);
    }
    // Drained before the two minutes were up: nothing killed, the node deleted at 180 s.
    let end = run_until(&m, false, 300);
    assert!(end.drain_log.iter().any(|(t, l)| *t < 180 && l == &format!("node/{node} drained")), "{:?}", end.drain_log);
    assert!(events(&end, "NodeTerminated").is_empty());
    let removing = events(&end, "RemovingNode");
    assert_eq!(removing.len(), 1);
    assert_eq!(removing[0].message, format!("Node {node} event: Removing Node {node} from Controller"));
    assert_eq!(removing[0].first_s, 180);
    let list = output::list(&end, 0);
    assert!(!list["items"].as_array().unwrap().iter().any(|i| i["kind"] == "Node" && i["metadata"]["name"] == node.as_str()), "the Node object is gone");
    assert_eq!(end.pods.iter().filter(|p| p.info.name.starts_with("web-") && p.ready(300)).count(), 6);
}

#[test]
fn a_drain_the_budget_holds_back_is_cut_short_at_two_minutes() {
    // minAvailable = replicas: no eviction is ever allowed, so the pods are still on the node
    // when EC2 reclaims it; they are killed there and their ReplicaSet replaces them.
    let node = spot_node(CLUSTER);
    let text = format!("{CLUSTER}{}{}{}", web(6), pdb(6), scenario(&[&format!("{{at: 1m, action: SpotInterruption, input: {{node: {node}}}}}")]));
    let m = parse(&text).unwrap();
    let had = on_node(&run_until(&m, false, 59), &node);
    let at_179 = run_until(&m, false, 179);
    assert_eq!(on_node(&at_179, &node), had, "every eviction refused for two minutes");
    assert!(at_179.drain_log.iter().filter(|(_, l)| l.contains("will retry after 5s")).count() >= had * 20);
    let r = run_until(&m, false, 180);
    assert_eq!(on_node(&r, &node), 0);
    let killed = events(&r, "NodeTerminated");
    assert_eq!(killed.len(), had);
    assert!(killed.iter().all(|e| e.warning && e.first_s == 180 && e.message == format!("EC2 reclaimed Spot instance {node} before the pod left it: its containers were killed")));
    let later = run_until(&m, false, 240);
    assert_eq!(later.pods.iter().filter(|p| p.info.name.starts_with("web-") && p.ready(240)).count(), 6, "replaced elsewhere");
    assert!(later.state.pods.iter().all(|p| later.state.nodes[p.node].node.name != node), "nothing is scheduled onto the reclaimed node");
}

#[test]
fn a_node_selector_picks_the_first_spot_node_and_on_demand_nodes_are_refused() {
    let node = spot_node(CLUSTER);
    let text = format!("{CLUSTER}{}{}", web(2), scenario(&["{at: 30s, action: SpotInterruption, input: {nodeSelector: {eks.amazonaws.com/capacityType: SPOT}}}", "{at: 40s, action: SpotInterruption, input: {nodeSelector: {eks.amazonaws.com/nodegroup: od}}}"]));
    let m = parse(&text).unwrap();
    let r = run_until(&m, false, 60);
    let warn = events(&r, "SpotInterruption");
    assert_eq!(warn.len(), 1);
    assert_eq!(warn[0].name, node);
    assert_eq!(r.timeline_errors, ["$[2].spec.timeline[1]: at 40s: SpotInterruption: no Spot node matches nodeSelector"]);
    let od = Engine::new(&m, false).state.nodes.iter().find(|n| n.node.node_group == "od").unwrap().node.name.clone();
    let r = run_until(&parse(&format!("{CLUSTER}{}{}", web(1), scenario(&[&format!("{{at: 10s, action: SpotInterruption, input: {{node: {od}}}}}")]))).unwrap(), false, 20);
    assert_eq!(r.timeline_errors, [format!("$[2].spec.timeline[0]: at 10s: SpotInterruption: node {od:?} is not a Spot instance (its node group does not set spot: true)")]);
}

#[test]
fn a_self_managed_spot_group_is_not_drained_and_its_asg_replaces_the_instance_afterwards() {
    let cluster = CLUSTER.replace("managedNodeGroups:\n  - {name: od, instanceType: m5.large, desiredCapacity: 1}\n  - {name: spot", "managedNodeGroups:\n  - {name: od, instanceType: m5.large, desiredCapacity: 1}\nnodeGroups:\n  - {name: spot");
    let node = spot_node(&cluster);
    let text = format!("{cluster}{}{}", web(6), scenario(&[&format!("{{at: 1m, action: SpotInterruption, input: {{node: {node}}}}}")]));
    let m = parse(&text).unwrap();
    let had = on_node(&run_until(&m, false, 59), &node);
    let r = run_until(&m, false, 179);
    assert!(events(&r, "SpotInterruption")[0].message.contains("self-managed node group spot has no termination handler: its pods are not drained"));
    assert_eq!(on_node(&r, &node), had);
    assert!(!r.state.nodes.iter().any(|n| n.node.name == node && n.node.unschedulable), "no cordon without a handler");
    assert_eq!(r.state.nodes.len(), 3, "no replacement before the instance is gone");
    assert_eq!(events(&run_until(&m, false, 180), "NodeTerminated").len(), had);
    assert_eq!(run_until(&m, false, 180 + 75).state.nodes.len(), 4, "the ASG's replacement joins after the termination");
}

#[test]
fn the_same_run_however_it_is_sliced() {
    let node = spot_node(CLUSTER);
    let m = parse(&format!("{CLUSTER}{}{}{}", web(6), pdb(5), scenario(&[&format!("{{at: 1m, action: SpotInterruption, input: {{node: {node}}}}}")]))).unwrap();
    let mut a = Engine::new(&m, false);
    a.advance_to(400);
    let mut b = Engine::new(&m, false);
    for t in (0..=400).step_by(7) {
        b.advance_to(t);
    }
    b.advance_to(400);
    let ev = |e: &Engine| e.events.list.iter().map(|x| format!("{} {} {} {}", x.first_s, x.reason, x.name, x.message)).collect::<Vec<_>>();
    assert_eq!(ev(&a), ev(&b));
}

#[test]
fn bad_spot_entries_are_errors_at_their_path() {
    let text = format!("{CLUSTER}{}", scenario(&["{at: 1m, action: SpotInterruption}", "{at: 1m, action: SpotInterruption, input: {node: a, nodeSelector: {x: y}}}", "{action: SpotInterruption, input: {node: a}}", "{at: soon, action: SpotInterruption, input: {node: 3}}"]));
    let errs: Vec<String> = parse(&text).unwrap_err().into_iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    let has = |p: &str| errs.iter().any(|e| e.starts_with(p));
    assert!(has("$[1].spec.timeline[0].input: is required: {node} or {nodeSelector}"), "{errs:?}");
    assert!(has("$[1].spec.timeline[1].input.node: give `node`"), "{errs:?}");
    assert!(has("$[1].spec.timeline[2].at: is required"), "{errs:?}");
    assert!(has("$[1].spec.timeline[3].at"), "{errs:?}");
    assert!(has("$[1].spec.timeline[3].input.node: must be a string"), "{errs:?}");
    assert!(!errs.iter().any(|e| e.contains("is not an action")), "SpotInterruption is an action: {errs:?}");
}
