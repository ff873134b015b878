//! Cluster Autoscaler scale-down on the engine's clock (eks-semantics §4.1; cluster-autoscaler
//! FAQ.md "How does scale-down work?" and "What events are emitted by CA?"): a node whose
//! requests are under 50 % of allocatable and whose pods fit elsewhere is unneeded; after
//! `scale-down-unneeded-time` (10 min) CA taints it, evicts its pods (PodDisruptionBudgets
//! honoured), terminates the instance and the node leaves; never below the group's min;
//! PDBs and pods without a controller keep a node.

use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::run::{run_until, EksRun};

/// Three m5.large nodes (allocatable cpu 1930m) with one 500m web pod each: with aws-node
/// (25m) and kube-proxy (100m) each node is at 625 / 1930 = 0.32 of its cpu.
fn cluster(min: i64, extra: &str) -> String {
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: shop, region: us-west-2}}\n\
         availabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n\
         - {{name: general, instanceType: m5.large, desiredCapacity: 3, minSize: {min}, maxSize: 4}}\n\
         ---\napiVersion: stevedore.dev/v1\nkind: ClusterAutoscaler\nspec: {{expander: least-waste}}\n\
         ---\napiVersion: stevedore.dev/v1\nkind: Scenario\nmetadata: {{name: down}}\nspec: {{duration: 30m}}\n\
         ---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 3\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers: [{{name: web, image: nginx:1.27, resources: {{requests: {{cpu: 500m, memory: 256Mi}}}}}}]\n{extra}"
    )
}

fn web_pods(r: &EksRun) -> Vec<usize> {
    let mut per = vec![0; r.state.nodes.len()];
    for p in r.pods.iter().filter(|p| p.info.namespace == "default" && p.deleting_at.is_none()) {
        if let Some(n) = p.node {
            per[n] += 1;
        }
    }
    per
}

#[test]
fn underutilised_nodes_leave_after_the_unneeded_time_down_to_what_the_pods_need() {
    let m = parse(&cluster(1, "")).unwrap();
    let before = run_until(&m, false, 609);
    assert_eq!(before.state.nodes.len(), 3, "unneeded since the first scan at 10 s: not before 610 s");
    assert!(!before.events.iter().any(|e| e.reason.starts_with("ScaleDown")));

    let at = run_until(&m, false, 610);
    let cm: Vec<_> = at.events.iter().filter(|e| e.kind == "ConfigMap" && e.reason == "ScaleDown").collect();
    assert_eq!(cm.len(), 1, "one non-empty node drained at a time (--max-drain-parallelism 1)");
    assert!(cm[0].message.starts_with("Scale-down: removing node ip-"), "{}", cm[0].message);
    assert!(cm[0].message.contains(", utilization: 0.32, pods to reschedule: web-"), "{}", cm[0].message);
    let marked: Vec<_> = at.events.iter().filter(|e| e.kind == "Node" && e.message == "marked the node as toBeDeleted/unschedulable").collect();
    assert_eq!((marked.len(), marked[0].source, marked[0].first_s), (1, "cluster-autoscaler", 610));
    let victim = marked[0].name.clone();
    let tainted = at.state.nodes.iter().find(|n| n.node.name == victim).expect("still there while draining");
    assert!(tainted.node.taints.iter().any(|t| t.key == "ToBeDeletedByClusterAutoscaler"));
    let evicted: Vec<_> = at.events.iter().filter(|e| e.kind == "Pod" && e.reason == "ScaleDown").collect();
    assert_eq!(evicted.len(), 1);
    assert_eq!(evicted[0].message, "deleting pod for node scale down");

    let gone = run_until(&m, false, 615);
    assert_eq!(gone.state.nodes.len(), 2, "the node leaves once its pod is gone");
    assert!(gone.state.nodes.iter().all(|n| n.node.name != victim));
    assert!(gone.events.iter().any(|e| e.kind == "Node" && e.name == victim && e.message == "node removed by cluster autoscaler"));
    // Indices stay dense: every bound pod points at a node that exists and agrees on it.
    for bp in &gone.state.pods {
        assert!(bp.node < gone.state.nodes.len());
    }
    for p in gone.pods.iter().filter(|p| p.node.is_some()) {
        let n = p.node.unwrap();
        assert!(gone.state.pods.iter().any(|bp| bp.pod.name == p.info.name && bp.node == n));
    }

    let end = run_until(&m, false, 1800);
    assert_eq!(end.state.nodes.len(), 1, "three 500m pods fit one m5.large");
    assert_eq!(web_pods(&end), vec![3]);
    let removed = end.events.iter().filter(|e| e.message == "node removed by cluster autoscaler").count();
    assert_eq!(removed, 2);
}

#[test]
fn the_instance_is_terminated_and_its_address_returned() {
    let m = parse(&cluster(1, "")).unwrap();
    let mut e = Engine::new(&m, false);
    assert_eq!(e.instances().len(), 3);
    e.advance_to(1800);
    assert_eq!(e.instances().len(), 1);
    let ip = &e.state.nodes[0].node.internal_ip;
    assert_eq!(stevedore_sim::substrate::vpc::format_ip(e.instances()[0].private_ip), *ip);
}

#[test]
fn never_below_the_group_min() {
    let r = run_until(&parse(&cluster(2, "")).unwrap(), false, 1800);
    assert_eq!(r.state.nodes.len(), 2);
    assert_eq!(web_pods(&r).iter().sum::<usize>(), 3);
}

#[test]
fn a_pod_disruption_budget_that_allows_nothing_keeps_every_node() {
    let pdb = "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec:\n  minAvailable: 3\n  selector: {matchLabels: {app: web}}\n";
    let r = run_until(&parse(&cluster(1, pdb)).unwrap(), false, 1800);
    assert_eq!(r.state.nodes.len(), 3);
    assert!(!r.events.iter().any(|e| e.reason == "ScaleDown"));
}

#[test]
fn a_pod_without_a_controller_keeps_its_node() {
    // A bare pod big enough that its node is the one the others' pods would not move to.
    let bare = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: solo}\nspec:\n  containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]\n";
    let m = parse(&cluster(1, bare)).unwrap();
    let early = run_until(&m, false, 5);
    let home = early.pods.iter().find(|p| p.info.name == "solo").and_then(|p| p.node).map(|n| early.state.nodes[n].node.name.clone()).expect("solo runs");
    let r = run_until(&m, false, 1800);
    assert!(r.state.nodes.iter().any(|n| n.node.name == home), "the bare pod's node stays");
    assert!(r.state.nodes.len() < 3, "the other nodes may still go");
    assert!(!r.events.iter().any(|e| e.kind == "Pod" && e.reason == "ScaleDown" && e.name == "solo"), "CA never evicts it");
}

#[test]
fn an_empty_node_is_removed_without_a_drain() {
    let text = cluster(1, "").replace("replicas: 3", "replicas: 0");
    let r = run_until(&parse(&text).unwrap(), false, 700);
    let empty: Vec<_> = r.events.iter().filter(|e| e.reason == "ScaleDownEmpty").collect();
    assert_eq!(empty.len(), 2, "two empty nodes go together; the min keeps the third");
    assert!(empty[0].message.starts_with("Scale-down: removing empty node ip-"));
    assert_eq!(r.state.nodes.len(), 1);
}

#[test]
fn scale_down_waits_out_the_delay_after_a_scale_up() {
    // Six pods need two nodes: the scale-up at 10 s starts scale-down-delay-after-add (10 min),
    // then the Deployment shrinks at 2 min; the now-idle node goes no earlier than 10 s + 10 min.
    let text = cluster(1, "").replace("desiredCapacity: 3", "desiredCapacity: 1").replace("replicas: 3", "replicas: 6").replace("spec: {duration: 30m}", "spec:\n  duration: 30m\n  timeline:\n    - {at: 2m, kubectl: \"scale deployment/web --replicas=1\"}");
    let m = parse(&text).unwrap();
    let up = run_until(&m, false, 120);
    assert!(up.state.nodes.len() >= 2);
    let r = run_until(&m, false, 1800);
    let first = r.events.iter().filter(|e| e.message == "node removed by cluster autoscaler").map(|e| e.first_s).min().expect("nodes go");
    assert!(first >= 610, "first removal at {first}");
    assert_eq!(r.state.nodes.len(), 1);
}

#[test]
fn the_node_scaling_lesson_tells_the_truth() {
    let m = parse(include_str!("../../../www/eks-scenarios/eks-node-scaling.yaml")).unwrap();
    let running = |r: &EksRun| r.pods.iter().filter(|p| p.info.namespace == "default" && p.node.is_some() && p.deleting_at.is_none()).count();
    let at = |s| run_until(&m, false, s);
    let r = at(62);
    assert_eq!((r.state.nodes.len(), running(&r), r.pending.len()), (1, 3, 5), "three 500m pods fit the m5.large");
    let r = at(72);
    assert!(r.events.iter().any(|e| e.reason == "ScaledUpGroup" && e.message == "Scale-up: setting group general size to 3 instead of 1 (max: 4)"));
    let r = at(150);
    assert_eq!((r.state.nodes.len(), running(&r)), (3, 8), "new nodes joined and took the pending pods");
    let r = at(6 * 60 + 5);
    assert_eq!(r.state.nodes.len(), 3, "not before the 2-minute unneeded time");
    let r = at(6 * 60 + 15);
    assert_eq!((r.state.nodes.len(), running(&r)), (1, 2), "both idle nodes removed together");
    assert_eq!(r.events.iter().filter(|e| e.message == "node removed by cluster autoscaler").count(), 2);
    assert!(r.events.iter().filter(|e| e.reason == "ScaleDownEmpty").count() == 2);
}

#[test]
fn explained_decisions_still_name_the_right_nodes_after_removals() {
    // Decisions name nodes by index; two nodes leave, so every index past them moves. Each bound
    // pod's latest decision must still name the node it is on, and every verdict a node that is
    // there, whether the report is taken by value or by reference.
    let m = parse(&cluster(1, "")).unwrap();
    let mut e = Engine::new(&m, true);
    e.advance_to(30 * 60);
    let by_ref = EksRun::of(&e);
    let by_value = run_until(&m, true, 30 * 60);
    for r in [&by_ref, &by_value] {
        assert_eq!(r.state.nodes.len(), 1, "two of three nodes left");
        for bp in &r.state.pods {
            let key = format!("{}/{}", bp.pod.namespace, bp.pod.name);
            if let Some(d) = r.decisions.iter().rev().find(|d| d.pod == key) {
                assert_eq!(d.node, Some(bp.node), "{key}");
            }
        }
        let moved = r.decisions.iter().filter(|d| d.pod.starts_with("default/web-") && d.node.is_some()).count();
        assert!(moved >= 3, "the web pods were placed and replaced: {moved}");
        assert!(r.decisions.iter().all(|d| d.verdicts.iter().all(|v| v.node < r.state.nodes.len())));
    }
}
