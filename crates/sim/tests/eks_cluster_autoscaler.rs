//! Cluster Autoscaler on AWS: scale-up options and expanders, scale-down of unneeded nodes,
//! the blockers and delays, in CA's words (kubernetes/autoscaler cluster-autoscaler/FAQ.md).

use rand_core::SeedableRng;
use rand_pcg::Pcg64;
use std::sync::Arc;
use stevedore_sim::eks::autoscaler::scale_down::{blocker, EvictionFacts, ScaleDown};
use stevedore_sim::eks::autoscaler::scale_up::scale_up;
use stevedore_sim::eks::autoscaler::{system_daemon_pods, Expander, GroupState, Options};
use stevedore_sim::eks::nodes::cluster_nodes;
use stevedore_sim::eks::objects::{ClusterConfig, Container, Effect, NodeGroup, PodSpec, Resources, Taint};
use stevedore_sim::eks::scheduler::state::{ClusterState, PodInfo};
use stevedore_sim::eks::selector::{LabelSelector, Labels};

const MIB: i64 = 1 << 20;

fn group(name: &str, ty: &str, desired: i64, min: i64, max: i64) -> NodeGroup {
    NodeGroup {
        name: name.into(),
        managed: true,
        instance_types: vec![ty.into()],
        desired,
        min,
        max,
        spot: false,
        labels: Labels::new(),
        taints: vec![],
        max_pods_per_node: None,
        availability_zones: vec![],
        volume_size_gib: 80,
    }
}

fn cluster(groups: Vec<NodeGroup>) -> ClusterConfig {
    ClusterConfig { name: "shop".into(), region: "us-west-2".into(), availability_zones: vec![], node_groups: groups, subnets: vec![], prefix_delegation: false }
}

fn states(c: &ClusterConfig) -> Vec<GroupState> {
    c.node_groups.iter().map(|g| GroupState::new(c, g, system_daemon_pods()).unwrap()).collect()
}

fn pod(name: &str, cpu: i64, mem: i64) -> PodInfo {
    let spec = PodSpec {
        containers: vec![Container { name: "app".into(), image: "x".into(), requests: Resources { cpu, memory: mem, ..Resources::default() }, has_cpu: true, has_memory: true }],
        scheduler_name: "default-scheduler".into(),
        ..PodSpec::default()
    };
    let mut owner = LabelSelector::default();
    owner.match_labels.insert("app".into(), "web".into());
    let mut labels = Labels::new();
    labels.insert("app".into(), "web".into());
    PodInfo::new(name.into(), "default".into(), labels, Arc::new(spec), Some(owner))
}

fn rng() -> Pcg64 {
    Pcg64::seed_from_u64(7)
}

#[test]
fn least_waste_is_the_default_and_picks_the_tighter_fit() {
    // Three 1.5-vCPU pods: three m5.large (2 vCPU, one pod each after the DaemonSets) or one
    // m5.4xlarge (16 vCPU). Waste: 1 − 4.5/6 = 0.25 vs 1 − 4.5/16 = 0.72 (plus memory 1.0 each).
    let c = cluster(vec![group("small", "m5.large", 1, 1, 5), group("big", "m5.4xlarge", 0, 0, 3)]);
    let g = states(&c);
    let pending: Vec<PodInfo> = (0..3).map(|i| pod(&format!("web-{i}"), 1500, 0)).collect();
    assert_eq!(Options::default().expanders, vec![Expander::LeastWaste]);
    let r = scale_up(&pending, &g, 1, &Options::default(), &mut rng());
    assert_eq!(r.options.len(), 2);
    assert_eq!((r.options[0].nodes, r.options[1].nodes), (3, 1));
    assert!((r.options[0].waste() - 1.25).abs() < 1e-9);
    let up = r.chosen.unwrap();
    assert_eq!((up.group, up.from, up.to), (0, 1, 4));
    assert_eq!(r.events[0].message, "Scale-up: setting group small size to 4 instead of 1 (max: 5)");
    let triggered: Vec<&str> = r.events.iter().filter(|e| e.reason == "TriggeredScaleUp").map(|e| e.message.as_str()).collect();
    assert_eq!(triggered, vec!["pod triggered scale-up: [{small 1->4 (max: 5)}]"; 3]);

    let least_nodes = Options { expanders: vec![Expander::LeastNodes], ..Options::default() };
    assert_eq!(scale_up(&pending, &g, 1, &least_nodes, &mut rng()).chosen.unwrap().group, 1);
    let prio = Options { expanders: vec![Expander::Priority(vec![(10, vec!["big".into()]), (1, vec![".*".into()])])], ..Options::default() };
    assert_eq!(scale_up(&pending, &g, 1, &prio, &mut rng()).chosen.unwrap().group, 1);
}

#[test]
fn most_pods_and_the_group_max() {
    // small may add only 1 node (max 2): it helps 1 pod; big helps all 3.
    let c = cluster(vec![group("small", "m5.large", 1, 1, 2), group("big", "m5.4xlarge", 0, 0, 3)]);
    let g = states(&c);
    let pending: Vec<PodInfo> = (0..3).map(|i| pod(&format!("web-{i}"), 1500, 0)).collect();
    let most = Options { expanders: vec![Expander::MostPods], ..Options::default() };
    let r = scale_up(&pending, &g, 1, &most, &mut rng());
    assert_eq!(r.options[0].pods.len(), 1);
    assert_eq!(r.chosen.unwrap().group, 1);
}

#[test]
fn pods_that_no_group_can_help() {
    let mut tainted = group("gpu", "g4dn.xlarge", 0, 0, 2);
    tainted.taints.push(Taint { key: "dedicated".into(), value: "gpu".into(), effect: Effect::NoSchedule });
    let c = cluster(vec![group("full", "m5.large", 3, 1, 3), tainted]);
    let g = states(&c);
    let r = scale_up(&[pod("web-0", 500, 0)], &g, 3, &Options::default(), &mut rng());
    assert!(r.chosen.is_none());
    assert_eq!(r.events[0].reason, "NotTriggerScaleUp");
    assert_eq!(r.events[0].message, "pod didn't trigger scale-up: 1 max node group size reached, 1 node(s) had untolerated taint {dedicated: gpu}");
    // A pod too big for any template.
    let huge = scale_up(&[pod("big-0", 64_000, 0)], &states(&cluster(vec![group("g", "m5.large", 1, 1, 5)])), 1, &Options::default(), &mut rng());
    assert_eq!(huge.events[0].message, "pod didn't trigger scale-up: 1 Insufficient cpu");
    // --max-nodes-total caps the growth.
    let capped = Options { max_nodes_total: 2, ..Options::default() };
    let g2 = states(&cluster(vec![group("g", "m5.large", 1, 1, 5)]));
    let pending: Vec<PodInfo> = (0..3).map(|i| pod(&format!("web-{i}"), 1500, 0)).collect();
    assert_eq!(scale_up(&pending, &g2, 1, &capped, &mut rng()).chosen.unwrap().to, 2);
}

/// A cluster of `n` m5.large nodes with the DaemonSets, and `pods` bound as (node, pod).
fn running(n: i64, min: i64, pods: Vec<(usize, PodInfo)>) -> (ClusterState, Vec<GroupState>) {
    let c = cluster(vec![group("ng", "m5.large", n, min, 10)]);
    let mut s = ClusterState::new(cluster_nodes(&c));
    for i in 0..s.nodes.len() {
        for d in system_daemon_pods() {
            s.bind(d, i);
        }
    }
    for (i, p) in pods {
        s.bind(p, i);
    }
    (s, states(&c))
}

#[test]
fn empty_nodes_go_after_the_unneeded_time_respecting_min() {
    let (s, mut g) = running(3, 2, vec![(0, pod("web-0", 1200, 0))]);
    let o = Options::default();
    let mut sd = ScaleDown::new();
    let facts = |i: usize| EvictionFacts::of(&s.pods[i].pod);
    let r = sd.scan(0, &s, &mut g, &facts, &o);
    // Node 0 is at 1200/1930 = 62 %: needed. Nodes 1 and 2 hold only DaemonSets.
    assert_eq!(r.unremovable, vec![(0, "NotUnderutilized".to_string())]);
    assert_eq!(r.unneeded.iter().map(|u| u.0).collect::<Vec<_>>(), vec![1, 2]);
    assert!(r.delete.is_empty());
    // Event-driven engines rescan on change or at this time.
    assert_eq!(sd.next_deletion_due(&o), Some(600_000));
    let r = sd.scan(590_000, &s, &mut g, &facts, &o);
    assert!(r.delete.is_empty());
    // At 10 min: one goes; the other would take the group below minSize 2.
    let r = sd.scan(600_000, &s, &mut g, &facts, &o);
    assert_eq!(r.delete.len(), 1);
    assert!(r.delete[0].empty);
    assert_eq!(g[0].target, 2);
    assert!(r.unremovable.contains(&(2, "NodeGroupMinSizeReached".to_string())));
    assert!(r.events.iter().any(|e| e.reason == "ScaleDownEmpty" && e.message.starts_with("Scale-down: removing empty node ip-")));
}

#[test]
fn underused_node_is_drained_when_its_pods_fit_elsewhere() {
    let (s, mut g) = running(2, 1, vec![(0, pod("web-0", 800, 0)), (1, pod("web-1", 300, 0))]);
    let o = Options::default();
    let mut sd = ScaleDown::new();
    let facts = |i: usize| EvictionFacts::of(&s.pods[i].pod);
    sd.scan(0, &s, &mut g, &facts, &o);
    let r = sd.scan(600_000, &s, &mut g, &facts, &o);
    // Node 0 is checked first and its pod fits on node 1; then node 1 has nowhere to go.
    assert_eq!(r.delete.len(), 1);
    assert_eq!(r.delete[0].node, 0);
    assert!(!r.delete[0].empty);
    assert_eq!(r.delete[0].evict.len(), 1);
    assert!(r.unremovable.contains(&(1, "NoPlaceToMovePods".to_string())));
}

#[test]
fn delay_after_add_holds_scale_down() {
    let (s, mut g) = running(2, 0, vec![]);
    let o = Options::default();
    let mut sd = ScaleDown::new();
    let facts = |i: usize| EvictionFacts::of(&s.pods[i].pod);
    sd.scan(0, &s, &mut g, &facts, &o);
    sd.record_scale_up(300_000);
    let r = sd.scan(600_000, &s, &mut g, &facts, &o);
    assert!(r.in_cooldown && r.delete.is_empty());
    let r = sd.scan(900_000, &s, &mut g, &facts, &o);
    assert_eq!(r.delete.len(), 2);
}

#[test]
fn blockers_in_cluster_autoscalers_words() {
    let o = Options::default();
    let p = pod("web-0", 100, 64 * MIB);
    let bare = EvictionFacts::default();
    assert_eq!(blocker(&p, &bare, &o).unwrap(), "default/web-0 is not replicated");
    let rs = EvictionFacts { replicated: true, ..EvictionFacts::default() };
    assert_eq!(blocker(&p, &rs, &o), None);
    assert_eq!(blocker(&p, &EvictionFacts { safe_to_evict: Some(false), ..rs.clone() }, &o).unwrap(), "pod annotated as not safe to evict present: default/web-0");
    assert_eq!(blocker(&p, &EvictionFacts { local_storage: true, ..rs.clone() }, &o).unwrap(), "pod with local storage present: default/web-0");
    assert_eq!(blocker(&p, &EvictionFacts { safe_to_evict: Some(true), ..bare.clone() }, &o), None);
    assert_eq!(blocker(&p, &EvictionFacts { pdb_blocks: true, has_pdb: true, ..rs.clone() }, &o).unwrap(), "not enough pod disruption budget to move default/web-0");
    let mut sys = pod("coredns-1", 100, 70 * MIB);
    sys.namespace = "kube-system".into();
    assert_eq!(blocker(&sys, &rs, &o).unwrap(), "non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: kube-system/coredns-1");
    assert_eq!(blocker(&sys, &EvictionFacts { has_pdb: true, ..rs }, &o), None);
}

#[test]
fn parses_the_cluster_autoscaler_document() {
    use stevedore_sim::eks::manifest::parse;
    let m = parse(
        r#"
apiVersion: stevedore.dev/v1
kind: ClusterAutoscaler
spec:
  expander: priority,least-waste
  priorities: {"10": [".*spot.*"], "1": [".*"]}
  scaleDownUnneededTime: 5m
  scaleDownUtilizationThreshold: 0.6
"#,
    )
    .unwrap();
    let o = m.cluster_autoscaler.unwrap();
    assert_eq!(o.scale_down_unneeded_time_ms, 300_000);
    assert_eq!(o.scale_down_utilization_threshold, 0.6);
    assert_eq!(o.scale_down_delay_after_add_ms, 600_000);
    assert_eq!(o.expanders, vec![Expander::Priority(vec![(10, vec![".*spot.*".into()]), (1, vec![".*".into()])]), Expander::LeastWaste]);
    let errs = parse("apiVersion: stevedore.dev/v1\nkind: ClusterAutoscaler\nspec: {expander: price, scaleDownUtilizationThreshold: 2, scanInterval: soon}\n").unwrap_err();
    let at = |p: &str| errs.iter().find(|e| e.path == p).map(|e| e.message.clone()).unwrap_or_default();
    assert!(at("$[0].spec.expander").contains("not available on AWS"));
    assert!(at("$[0].spec.scaleDownUtilizationThreshold").contains("from 0 to 1"));
    assert!(!at("$[0].spec.scanInterval").is_empty());
}
