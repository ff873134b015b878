//! kube-scheduler default profile: filters, scores and messages, checked against the
//! Kubernetes project's own test inputs and outputs (cited per test; eks-semantics §1).

use std::sync::Arc;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::nodes::Node;
use stevedore_sim::eks::objects::{Container, Effect, PodSpec, Resources, Taint};
use stevedore_sim::eks::run::run;
use stevedore_sim::eks::scheduler::state::{ClusterState, PodInfo};
use stevedore_sim::eks::scheduler::{balanced_allocation, fit, num_feasible_nodes_to_find, Scheduler};
use stevedore_sim::eks::selector::Labels;

fn node(name: &str, cpu: i64, memory: i64, zone: &str) -> Node {
    let mut labels = Labels::new();
    labels.insert("kubernetes.io/hostname".into(), name.into());
    labels.insert("topology.kubernetes.io/zone".into(), zone.into());
    let r = Resources { cpu, memory, ephemeral: 0, extended: Vec::new() };
    Node {
        name: name.into(),
        labels,
        taints: Vec::new(),
        unschedulable: false,
        instance_type: "m5.large".into(),
        zone: zone.into(),
        node_group: "g".into(),
        internal_ip: "10.0.0.1".into(),
        capacity: r.clone(),
        allocatable: r,
        max_pods: 110,
    }
}

fn pod(name: &str, containers: &[(i64, i64)]) -> PodInfo {
    let spec = PodSpec {
        containers: containers
            .iter()
            .map(|&(cpu, memory)| Container { name: "c".into(), image: String::new(), requests: Resources { cpu, memory, ..Resources::default() }, has_cpu: true, has_memory: true })
            .collect(),
        scheduler_name: "default-scheduler".into(),
        ..PodSpec::default()
    };
    PodInfo::new(name.into(), "default".into(), Labels::new(), Arc::new(spec), None)
}

#[test]
fn least_allocated_matches_upstream_test_values() {
    // K8S pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go: a pod of
    // 3000m/5000 (two containers 1000m/2000 + 2000m/3000) on empty nodes 4000m/10000 and
    // 6000m/10000 scores 37 and 50.
    let mut s = ClusterState::new(vec![node("n1", 4000, 10000, "a"), node("n2", 6000, 10000, "a")]);
    let p = pod("p", &[(1000, 2000), (2000, 3000)]);
    assert_eq!(fit::score(&p, &s.nodes[0]), 37);
    assert_eq!(fit::score(&p, &s.nodes[1]), 50);
    // A pod with no containers adds nothing (as upstream's "no containers" case); with 3000m/5000
    // already on a 10000m/20000 node: (7000×100/10000 + 15000×100/20000) / 2 = (70 + 75) / 2 = 72.
    s.nodes[0].node.allocatable = Resources { cpu: 10000, memory: 20000, ..Resources::default() };
    s.bind(pod("old", &[(3000, 5000)]), 0);
    assert_eq!(fit::score(&pod("none", &[]), &s.nodes[0]), 72);
}

#[test]
fn balanced_allocation_matches_upstream_test_values() {
    // K8S …/noderesources/balanced_allocation_test.go: 3000m/5000 on empty 4000m/10000 ⇒ 87,
    // on 6000m/10000 ⇒ 100; 3000m/0 onto a 6000m/10000 node holding 3000m/0 ⇒ 50.
    let mut s = ClusterState::new(vec![node("n1", 4000, 10000, "a"), node("n2", 6000, 10000, "a")]);
    let p = pod("p", &[(1000, 2000), (2000, 3000)]);
    assert_eq!(balanced_allocation::score(&p, &s.nodes[0]), 87);
    assert_eq!(balanced_allocation::score(&p, &s.nodes[1]), 100);
    s.bind(pod("old", &[(3000, 0)]), 1);
    assert_eq!(balanced_allocation::score(&pod("q", &[(3000, 0)]), &s.nodes[1]), 50);
    // Best-effort pods skip the plugin.
    assert!(balanced_allocation::skip(&pod("be", &[(0, 0)])));
}

#[test]
fn percentage_of_nodes_to_score_follows_the_code() {
    // schedule_one.go numFeasibleNodesToFind: all below 100; 50 − n/125 percent; floor 100 nodes.
    assert_eq!(num_feasible_nodes_to_find(99, None), 99);
    assert_eq!(num_feasible_nodes_to_find(100, None), 100);
    assert_eq!(num_feasible_nodes_to_find(1000, None), 420);
    assert_eq!(num_feasible_nodes_to_find(5000, None), 500);
    assert_eq!(num_feasible_nodes_to_find(10000, None), 500);
    assert_eq!(num_feasible_nodes_to_find(1000, Some(30)), 300);
    assert_eq!(num_feasible_nodes_to_find(1000, Some(5)), 100);
}

#[test]
fn failed_scheduling_message_format() {
    // eks-semantics §1.11: "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes
    // are available: 3 No preemption victims found for incoming pod."
    let s = ClusterState::new((1..=3).map(|i| node(&format!("n{i}"), 1000, 1 << 30, "a")).collect());
    let d = Scheduler::new(1).schedule_one(&s, &pod("big", &[(2000, 1)]));
    assert_eq!(d.node, None);
    assert_eq!(
        d.message.as_deref(),
        Some("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.")
    );
    // Mixed reasons, sorted by text; an untolerated taint is not helped by preemption.
    let mut s = s;
    s.nodes[0].node.taints.push(Taint { key: "machine-check-exception".into(), value: "memory".into(), effect: Effect::NoSchedule });
    let d = Scheduler::new(1).schedule_one(&s, &pod("big", &[(2000, 1)]));
    assert_eq!(
        d.message.as_deref(),
        Some("0/3 nodes are available: 1 node(s) had untolerated taint {machine-check-exception: memory}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.")
    );
}

#[test]
fn histogram_sorts_as_text_so_10_comes_before_2() {
    let mut nodes: Vec<Node> = (0..12).map(|i| node(&format!("n{i:02}"), 1000, 1 << 30, "a")).collect();
    for n in nodes.iter_mut().take(2) {
        n.allocatable.cpu = 4000;
        n.allocatable.memory = 1;
    }
    let s = ClusterState::new(nodes);
    let m = Scheduler::new(1).schedule_one(&s, &pod("p", &[(2000, 1 << 20)])).message.unwrap();
    assert!(m.starts_with("0/12 nodes are available: 10 Insufficient cpu, 2 Insufficient memory."), "{m}");
}

fn scenario(nodes: usize, docs: &str) -> String {
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: c, region: us-west-2}}\navailabilityZones: [us-west-2a, us-west-2b, us-west-2c]\nmanagedNodeGroups: [{{name: g, instanceType: m5.large, desiredCapacity: {nodes}}}]\n---\n{docs}"
    )
}

fn deployment(name: &str, replicas: usize, spec_extra: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers: [{{name: c, image: nginx, resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}]\n{spec_extra}"
    )
}

#[test]
fn required_anti_affinity_one_per_node_then_pending() {
    let anti = "      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n          - {labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}\n";
    let r = run(&parse(&scenario(3, &deployment("web", 4, anti))).unwrap(), false);
    let mut hosts: Vec<usize> = r.state.pods.iter().filter(|p| p.pod.name.starts_with("web-")).map(|p| p.node).collect();
    hosts.sort();
    assert_eq!(hosts, [0, 1, 2]);
    assert_eq!(
        r.pending[0].message.as_deref(),
        Some("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.")
    );
}

#[test]
fn default_spreading_puts_replicas_on_distinct_nodes_and_zones() {
    // System default constraints (hostname maxSkew 3, zone 5, ScheduleAnyway) with LeastAllocated
    // spread a Deployment's 6 replicas over 6 equal nodes, two per zone.
    let r = run(&parse(&scenario(6, &deployment("web", 6, ""))).unwrap(), false);
    let mut per_node = [0; 6];
    for p in r.state.pods.iter().filter(|p| p.pod.name.starts_with("web-")) {
        per_node[p.node] += 1;
    }
    assert_eq!(per_node, [1; 6]);
}

#[test]
fn hard_zone_spread_blocks_the_crowded_zone() {
    // maxSkew 1 over zones, DoNotSchedule: with 3 zones, 4 replicas go 2/1/1 at most.
    let tsc = "      topologySpreadConstraints:\n      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}\n      nodeSelector: {topology.kubernetes.io/zone: us-west-2a}\n";
    // Pinned to one zone by nodeSelector, nodeAffinityPolicy Honor counts only that zone: all fit.
    let r = run(&parse(&scenario(6, &deployment("web", 4, tsc))).unwrap(), false);
    assert!(r.pending.is_empty());
    let tsc = "      topologySpreadConstraints:\n      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, nodeAffinityPolicy: Ignore}\n      nodeSelector: {topology.kubernetes.io/zone: us-west-2a}\n";
    // Ignoring the selector, zones b and c count as empty domains: only one pod may land in a.
    let r = run(&parse(&scenario(6, &deployment("web", 2, tsc))).unwrap(), false);
    assert_eq!(r.pending.len(), 1);
    let m = r.pending[0].message.as_deref().unwrap();
    assert!(m.contains("2 node(s) didn't match pod topology spread constraints") && m.contains("4 node(s) didn't match Pod's node affinity/selector"), "{m}");
}

#[test]
fn explain_records_every_node_and_every_plugin() {
    let mut m = parse(&scenario(3, &deployment("web", 2, ""))).unwrap();
    m.scenario = None;
    let r = run(&m, true);
    let d = &r.decisions[0];
    assert_eq!(d.verdicts.len(), 3);
    assert_eq!(d.scores.len(), 3);
    let plugins: Vec<&str> = d.scores[0].plugins.iter().map(|p| p.plugin).collect();
    assert_eq!(plugins, ["TaintToleration", "NodeResourcesFit", "PodTopologySpread", "NodeResourcesBalancedAllocation", "ImageLocality"]);
    for s in &d.scores {
        assert_eq!(s.total, s.plugins.iter().map(|p| p.weighted).sum::<i64>());
        for p in &s.plugins {
            assert_eq!(p.weighted, p.normalized * p.weight);
            assert!((0..=100).contains(&p.normalized));
        }
    }
    // Equal empty nodes tie; the chosen node is the highest total.
    let best = d.scores.iter().map(|s| s.total).max().unwrap();
    assert_eq!(d.scores.iter().find(|s| s.node == d.node.unwrap()).unwrap().total, best);
}

#[test]
fn ties_are_broken_by_the_seed_reproducibly() {
    let text = |seed: u64| scenario(3, &format!("apiVersion: stevedore.dev/v1\nkind: Scenario\nspec: {{seed: {seed}}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec: {{containers: [{{name: c}}]}}\n"));
    let pick = |seed| run(&parse(&text(seed)).unwrap(), false).decisions[0].node.unwrap();
    assert_eq!(pick(5), pick(5));
    let chosen: std::collections::BTreeSet<usize> = (0..40).map(pick).collect();
    assert_eq!(chosen.len(), 3, "a fair tie-break reaches every tied node");
}

#[test]
fn taints_tolerations_node_affinity_and_host_ports() {
    let docs = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: c, ports: [{containerPort: 80, hostPort: 80}]}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers: [{name: c, ports: [{containerPort: 80, hostPort: 80}]}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: z}\nspec:\n  containers: [{name: c}]\n  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [us-west-2b]}]}]}}}\n";
    let r = run(&parse(&scenario(1, docs)).unwrap(), false);
    assert_eq!(r.pending.len(), 2);
    assert!(r.pending[0].message.as_deref().unwrap().starts_with("0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."));
    assert!(r.pending[1].message.as_deref().unwrap().contains("1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."));
}

/// PodTopologySpread score over four candidate nodes with `counts` matching pods each, one
/// ScheduleAnyway hostname constraint (`selector` None = a null selector).
fn spread_scores(counts: &[usize], max_skew: i64, selector: bool) -> Vec<i64> {
    use stevedore_sim::eks::objects::SpreadConstraint;
    use stevedore_sim::eks::scheduler::topology_spread;
    use stevedore_sim::eks::selector::{LabelSelector, Op, Requirement};
    let names = ["node-a", "node-b", "node-c", "node-d"];
    let mut s = ClusterState::new(names.iter().map(|n| node(n, 100_000, 1 << 40, "z")).collect());
    let mut foo = Labels::new();
    foo.insert("foo".into(), String::new());
    for (i, &c) in counts.iter().enumerate() {
        for k in 0..c {
            s.bind(PodInfo::new(format!("p-{i}{k}"), "default".into(), foo.clone(), Arc::new(PodSpec::default()), None), i);
        }
    }
    let sel = LabelSelector { match_labels: Labels::new(), match_expressions: vec![Requirement { key: "foo".into(), op: Op::Exists, values: vec![] }] };
    let spec = PodSpec {
        topology_spread: vec![SpreadConstraint {
            max_skew,
            topology_key: "kubernetes.io/hostname".into(),
            do_not_schedule: false,
            label_selector: selector.then_some(sel),
            min_domains: 1,
            match_label_keys: vec![],
            honor_node_affinity: true,
            honor_taints: false,
        }],
        ..PodSpec::default()
    };
    let p = PodInfo::new("p".into(), "default".into(), foo, Arc::new(spec), None);
    let feasible = [0, 1, 2, 3];
    let ss = topology_spread::prescore(&s, &p, &feasible).unwrap();
    let raw: Vec<Option<i64>> = feasible.iter().map(|&i| topology_spread::score(&ss, &s, i)).collect();
    topology_spread::normalize(&raw)
}

#[test]
fn topology_spread_score_matches_upstream_test_values() {
    // K8S pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go TestPodTopologySpreadScore:
    // "one constraint on node, all 4 nodes are candidates" (2/1/0/3) ⇒ 20, 60, 100, 0;
    // the same with maxSkew=2 ⇒ 33, 66, 100, 16; maxSkew=3 with 4/3/2/1 ⇒ 44, 66, 77, 100;
    // a null selector ⇒ 100 everywhere; no existing pods ⇒ 100 everywhere.
    assert_eq!(spread_scores(&[2, 1, 0, 3], 1, true), [20, 60, 100, 0]);
    assert_eq!(spread_scores(&[2, 1, 0, 3], 2, true), [33, 66, 100, 16]);
    assert_eq!(spread_scores(&[4, 3, 2, 1], 3, true), [44, 66, 77, 100]);
    assert_eq!(spread_scores(&[2, 1, 0, 3], 1, false), [100, 100, 100, 100]);
    assert_eq!(spread_scores(&[0, 0, 0, 0], 1, true), [100, 100, 100, 100]);
}

#[test]
fn required_pod_affinity_colocates_and_explains_when_nothing_matches() {
    let aff = |app: &str| format!("      affinity:\n        podAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n          - {{labelSelector: {{matchLabels: {{app: {app}}}}}, topologyKey: kubernetes.io/hostname}}\n");
    let docs = format!("{}---\n{}---\n{}", deployment("cache", 1, ""), deployment("web", 3, &aff("cache")), deployment("lost", 1, &aff("nothing")));
    let r = run(&parse(&scenario(4, &docs)).unwrap(), false);
    let node_of = |prefix: &str| -> Vec<usize> { r.state.pods.iter().filter(|p| p.pod.name.starts_with(prefix)).map(|p| p.node).collect() };
    let cache = node_of("cache-")[0];
    assert_eq!(node_of("web-"), [cache; 3]);
    assert_eq!(r.pending.len(), 1);
    assert_eq!(
        r.pending[0].message.as_deref(),
        Some("0/4 nodes are available: 4 node(s) didn't match pod affinity rules. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.")
    );
    // The first pod of a self-selecting group may land anywhere (no matching pod exists yet).
    let r = run(&parse(&scenario(2, &deployment("solo", 2, &aff("solo")))).unwrap(), false);
    assert!(r.pending.is_empty());
    assert_eq!(node_of_all(&r, "solo-").len(), 1, "the second follows the first");
}

fn node_of_all(r: &stevedore_sim::eks::run::EksRun, prefix: &str) -> std::collections::BTreeSet<usize> {
    r.state.pods.iter().filter(|p| p.pod.name.starts_with(prefix)).map(|p| p.node).collect()
}

#[test]
fn preferred_anti_affinity_scores_away_from_matching_pods() {
    let pref = "      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n          - weight: 100\n            podAffinityTerm: {labelSelector: {matchLabels: {app: noisy}}, topologyKey: topology.kubernetes.io/zone}\n";
    let docs = format!("{}---\n{}", deployment("noisy", 1, ""), deployment("quiet", 1, pref));
    let r = run(&parse(&scenario(3, &docs)).unwrap(), true);
    let zone = |prefix: &str| r.state.pods.iter().find(|p| p.pod.name.starts_with(prefix)).map(|p| r.state.nodes[p.node].node.zone.clone()).unwrap();
    assert_ne!(zone("noisy-"), zone("quiet-"));
    let d = r.decisions.iter().find(|d| d.pod.starts_with("default/quiet-")).unwrap();
    let ipa: Vec<(i64, i64)> = d.scores.iter().map(|s| s.plugins.iter().find(|p| p.plugin == "InterPodAffinity").map(|p| (p.raw, p.normalized)).unwrap()).collect();
    let mut sorted = ipa.clone();
    sorted.sort();
    assert_eq!(sorted, [(-100, 0), (0, 100), (0, 100)]);
}

/// PodTopologySpread's system defaults select by every Service that selects the pod and by its
/// ReplicaSet (K8S:pkg/scheduler/framework/plugins/helper/spread.go `DefaultSelector`;
/// eks-semantics §1.7): a bare Pod is spread only when a Service selects it.
#[test]
fn services_feed_the_default_spreading_of_bare_pods() {
    let pods = (0..3).map(|i| format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: solo-{i}, labels: {{app: solo}}}}\nspec: {{containers: [{{name: c, image: x, resources: {{requests: {{cpu: 100m}}}}}}]}}\n")).collect::<String>();
    let service = "---\napiVersion: v1\nkind: Service\nmetadata: {name: solo}\nspec: {selector: {app: solo}, ports: [{port: 80}]}\n";
    let other = service.replace("app: solo}", "app: nobody}");
    let spread = |docs: &str| {
        let r = run(&parse(&scenario(3, docs)).unwrap(), true);
        let d = r.decisions.iter().find(|d| d.pod == "default/solo-2").unwrap().clone();
        d.scores.iter().map(|s| s.plugins.iter().find(|p| p.plugin == "PodTopologySpread").map(|p| p.raw)).collect::<Vec<_>>()
    };
    // No Service (or one selecting other pods): the plugin skips these pods.
    assert!(spread(&pods).iter().all(Option::is_none));
    assert!(spread(&format!("{pods}{other}")).iter().all(Option::is_none));
    // A Service selects them: hostname and zone defaults count solo-0 and solo-1.
    let raw = spread(&format!("{pods}{service}"));
    assert!(raw.iter().all(Option::is_some), "{raw:?}");
    assert!(raw.iter().any(|r| r.unwrap() > 0), "{raw:?}");
}

/// The scheduler cache's per-zone pod counts (what system-default zone spreading reads) equal
/// the sum over the zone's nodes, through binds, unbinds and a node joining.
#[test]
fn zone_counts_match_the_nodes_they_sum() {
    let mut st = ClusterState::new((0..6).map(|i| node(&format!("n{i}"), 4000, 1 << 33, ["a", "b", "c"][i % 3])).collect());
    let labelled = |name: &str, app: &str| {
        let mut p = pod(name, &[(100, 1 << 20)]);
        p.labels.insert("app".into(), app.into());
        PodInfo::new(p.name.clone(), p.namespace.clone(), p.labels.clone(), p.spec.clone(), None)
    };
    for k in 0..30 {
        st.bind(labelled(&format!("p{k}"), if k % 4 == 0 { "db" } else { "web" }), k % 6);
    }
    for k in (0..30).step_by(7) {
        assert!(st.unbind("default", &format!("p{k}")));
    }
    st.add_node(node("n6", 4000, 1 << 33, "d"));
    st.bind(labelled("late", "web"), 6);
    let zones = st.domains("topology.kubernetes.io/zone").into_owned();
    for want in ["web", "db"] {
        let mut sel = stevedore_sim::eks::selector::LabelSelector::default();
        sel.match_labels.insert("app".into(), want.into());
        let matching = st.matching_sets(&sel, &|ns| ns == "default");
        for z in 0..4u32 {
            let slow: i64 = (0..st.nodes.len()).filter(|i| zones[*i] == Some(z)).map(|i| st.count_on(i, &matching)).sum();
            assert_eq!(st.count_in_zone(z, &matching), slow, "{want} in zone {z}");
        }
    }
}

#[test]
fn nodes_joining_after_removals_get_their_own_zone_counts_and_ids_stay_bounded() {
    // A join works out only the new node's topology ids (state.rs `new_domain_id`): a node in a
    // new zone must not inherit a zone's pod counts, one in an old zone must share them, and
    // endless churn must not grow the ids (tables are sized by them).
    const ZONE: &str = "topology.kubernetes.io/zone";
    const HOST: &str = "kubernetes.io/hostname";
    let mut s = ClusterState::new(vec![node("a1", 4000, 1 << 30, "a"), node("b1", 4000, 1 << 30, "b")]);
    let labelled = |name: &str| {
        let mut p = pod(name, &[(100, 1)]);
        p.labels.insert("app".into(), "x".into());
        p
    };
    s.bind(labelled("x1"), 1);
    s.bind(labelled("x2"), 1);
    s.remove_node(0);
    s.add_node(node("c1", 4000, 1 << 30, "c"));
    s.add_node(node("b2", 4000, 1 << 30, "b"));
    let zones = s.domains(ZONE).into_owned();
    let every: Vec<bool> = vec![true; s.sets.len()];
    let (b, c) = (zones[0].unwrap(), zones[1].unwrap());
    assert_ne!(b, c, "zone c is not zone b");
    assert_eq!(zones[2], Some(b), "b2 is in b1's zone");
    assert_eq!(s.count_in_zone(b, &every), 2);
    assert_eq!(s.count_in_zone(c, &every), 0, "the new zone starts empty");
    s.bind(labelled("x3"), 1);
    assert_eq!(s.count_in_zone(c, &every), 1);
    // Churn: a node in and the oldest out, many times over. The cluster never holds more than
    // 4 nodes, so no id need reach 4.
    for k in 0..200 {
        s.add_node(node(&format!("n{k}"), 4000, 1 << 30, ["a", "b", "c", "d"][k % 4]));
        s.remove_node(0);
        for key in [HOST, ZONE] {
            assert!(s.domains(key).iter().flatten().all(|&id| id < 4), "{key} ids stay below 4 after {k} joins");
        }
    }
    let zones = s.domains(ZONE).into_owned();
    for (i, n) in s.nodes.iter().enumerate() {
        for (j, m) in s.nodes.iter().enumerate() {
            assert_eq!(zones[i] == zones[j], n.node.zone == m.node.zone, "{} and {}", n.node.name, m.node.name);
        }
    }
}
