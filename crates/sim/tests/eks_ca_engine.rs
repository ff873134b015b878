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
