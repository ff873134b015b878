//! Cluster Autoscaler on the engine's clock: pending pods trigger a scale-up at the next scan,
//! the new node joins after the launch delay with aws-node and kube-proxy, and the pods
//! schedule there. Events in CA's words (cluster-autoscaler FAQ.md, "What events are emitted
//! by CA?": ScaledUpGroup on the status ConfigMap, TriggeredScaleUp / NotTriggerScaleUp on pods).

use stevedore_sim::eks::engine::node_scaling::LAUNCH_S;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::run::{run_until, EksRun};

const EXAMPLE: &str = include_str!("../../../examples/eks/cluster-autoscaler.yaml");

fn bound(r: &EksRun) -> usize {
    r.pods.iter().filter(|p| p.info.namespace == "default" && p.node.is_some()).count()
}

#[test]
fn pending_pods_scale_the_group_up_and_land_on_the_new_node() {
    let m = parse(EXAMPLE).unwrap();
    let early = run_until(&m, false, 5);
    assert_eq!((early.state.nodes.len(), bound(&early)), (1, 3), "three 500m pods fit an m5.large");
    let up = run_until(&m, false, 10);
    let scaled: Vec<_> = up.events.iter().filter(|e| e.reason == "ScaledUpGroup").collect();
    assert_eq!(scaled.len(), 1);
    assert_eq!(scaled[0].message, "Scale-up: setting group general size to 2 instead of 1 (max: 4)");
    assert_eq!((scaled[0].first_s, scaled[0].source), (10, "cluster-autoscaler"));
    let triggered: Vec<_> = up.events.iter().filter(|e| e.reason == "TriggeredScaleUp").collect();
    assert_eq!(triggered.len(), 3);
    assert_eq!(triggered[0].message, "pod triggered scale-up: [{general 1->2 (max: 4)}]");

    let before = run_until(&m, false, 10 + LAUNCH_S - 1);
    assert_eq!(before.state.nodes.len(), 1, "not before the launch delay");
    let after = run_until(&m, false, 10 + LAUNCH_S);
    assert_eq!(after.state.nodes.len(), 2);
    let new = &after.state.nodes[1];
    assert_eq!(new.node.labels["eks.amazonaws.com/nodegroup"], "general");
    assert_ne!(new.node.internal_ip, after.state.nodes[0].node.internal_ip);
    let daemons = after.pods.iter().filter(|p| p.node == Some(1) && p.info.namespace == "kube-system").count();
    assert_eq!(daemons, 2, "aws-node and kube-proxy");
    let done = run_until(&m, false, 180);
    assert_eq!(bound(&done), 6);
    assert!(done.events.iter().filter(|e| e.reason == "ScaledUpGroup").count() == 1, "no second scale-up once the pods fit");
}

#[test]
fn a_group_at_max_does_not_trigger() {
    let text = EXAMPLE.replace("maxSize: 4", "maxSize: 1");
    let r = run_until(&parse(&text).unwrap(), false, 120);
    assert_eq!(r.state.nodes.len(), 1);
    let not: Vec<_> = r.events.iter().filter(|e| e.reason == "NotTriggerScaleUp").collect();
    assert!(!not.is_empty());
    assert_eq!(not[0].message, "pod didn't trigger scale-up: 1 max node group size reached");
}

#[test]
fn without_a_cluster_autoscaler_nothing_scales() {
    let text = EXAMPLE.replace("kind: ClusterAutoscaler\nspec:\n  expander: least-waste\n", "kind: Namespace\nmetadata: {name: other}\n").replace("apiVersion: stevedore.dev/v1\nkind: Namespace", "apiVersion: v1\nkind: Namespace");
    let r = run_until(&parse(&text).unwrap(), false, 180);
    assert_eq!((r.state.nodes.len(), bound(&r)), (1, 3));
}

#[test]
fn pending_pods_still_scale_the_group_up_after_their_records_are_compacted() {
    // A bare pod made before the web pods is deleted and gone by 5 s; compacting then moves
    // every later pod id down one, the pending web pods' ids included. CA's scan at 10 s must
    // still find those three and scale up for them.
    let bare = "---\napiVersion: v1\nkind: Pod\nmetadata: {name: tmp}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers: [{name: c, image: busybox, resources: {requests: {cpu: 10m}}}]\n";
    let text = EXAMPLE.replace("spec:\n  duration: 5m\n", "spec:\n  duration: 5m\n  timeline:\n    - {at: 1s, kubectl: \"delete pod tmp\"}\n");
    let m = parse(&format!("{text}{bare}")).unwrap();
    let mut e = stevedore_sim::eks::engine::Engine::new(&m, false);
    e.advance_to(5);
    assert!(e.pod("default", "tmp").is_none(), "the bare pod is gone");
    assert!(e.compact_pods() >= 1, "its record is freed");
    e.advance_to(180);
    let r = EksRun::of(&e);
    assert_eq!(r.events.iter().filter(|x| x.reason == "TriggeredScaleUp").count(), 3);
    assert_eq!(bound(&r), 6);
}
