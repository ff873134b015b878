//! Karpenter: NodePool/EC2NodeClass input, cheapest-fit provisioning, consolidation under
//! disruption budgets, Spot interruption (KARP website/content/en/docs/concepts/nodepools.md,
//! disruption.md; eks-semantics §4.2).

use std::sync::Arc;
use stevedore_sim::eks::autoscaler::system_daemon_pods;
use stevedore_sim::eks::karpenter::cron;
use stevedore_sim::eks::karpenter::disruption::{allowed, disrupt, Action, ClaimNode, PodFlags};
use stevedore_sim::eks::karpenter::instance_types::offerings;
use stevedore_sim::eks::karpenter::interruption::spot_interruption;
use stevedore_sim::eks::karpenter::provision::{node, provision, NodeClaim};
use stevedore_sim::eks::karpenter::{CapacityType, ConsolidationPolicy, NodePool, Nodes, Reason};
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::objects::{Container, PodSpec, Resources};
use stevedore_sim::eks::scheduler::state::{ClusterState, PodInfo};
use stevedore_sim::eks::selector::{LabelSelector, Labels};

const GIB: i64 = 1 << 30;

const POOL: &str = r#"
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    metadata: {labels: {team: web}}
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: node.kubernetes.io/instance-type, operator: In, values: [m5.large, m5.xlarge, m5.2xlarge]}
      expireAfter: 720h
  limits: {cpu: "1000", memory: 1000Gi}
  disruption:
    consolidationPolicy: WhenEmptyOrUnderutilized
    consolidateAfter: 1m
    budgets:
      - nodes: "10%"
      - nodes: "0"
        schedule: "0 9 * * mon-fri"
        duration: 8h
        reasons: [Underutilized]
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: default}
spec:
  role: KarpenterNodeRole-shop
  amiSelectorTerms: [{alias: al2023@latest}]
  subnetSelectorTerms: [{tags: {karpenter.sh/discovery: shop}}]
  securityGroupSelectorTerms: [{tags: {karpenter.sh/discovery: shop}}]
"#;

fn zones() -> Vec<String> {
    vec!["us-west-2a".into(), "us-west-2b".into()]
}

fn pod(name: &str, cpu: i64, mem: i64) -> PodInfo {
    let spec = PodSpec {
        containers: vec![Container { name: "app".into(), image: "x".into(), requests: Resources { cpu, memory: mem, ..Resources::default() }, has_cpu: true, has_memory: true }],
        scheduler_name: "default-scheduler".into(),
        ..PodSpec::default()
    };
    let mut labels = Labels::new();
    labels.insert("app".into(), "web".into());
    PodInfo::new(name.into(), "default".into(), labels, Arc::new(spec), Some(LabelSelector::default()))
}

fn pool() -> NodePool {
    parse(POOL).unwrap().node_pools.remove(0)
}

#[test]
fn parses_nodepool_and_ec2nodeclass() {
    let m = parse(POOL).unwrap();
    let p = &m.node_pools[0];
    assert_eq!(p.node_class, "default");
    assert_eq!(p.expire_after_ms, Some(720 * 3_600_000));
    assert_eq!(p.limit_cpu_m, Some(1_000_000));
    assert_eq!(p.disruption.policy, ConsolidationPolicy::WhenEmptyOrUnderutilized);
    assert_eq!(p.disruption.consolidate_after_ms, Some(60_000));
    assert_eq!(p.disruption.budgets[0].nodes, Nodes::Percent(10));
    assert_eq!(p.disruption.budgets[1].reasons, vec![Reason::Underutilized]);
    assert_eq!(m.node_classes[0].ami_alias, "al2023@latest");
    // Defaults: one 10 % budget, expireAfter 720h.
    let bare = parse("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: p}\nspec:\n  template:\n    spec:\n      nodeClassRef: {name: c}\n---\napiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: c}\nspec: {role: r, amiSelectorTerms: [{alias: al2023@latest}], subnetSelectorTerms: [{id: s}], securityGroupSelectorTerms: [{id: g}]}\n").unwrap();
    assert_eq!(bare.node_pools[0].disruption.budgets[0].nodes, Nodes::Percent(10));
    assert_eq!(bare.node_pools[0].expire_after_ms, Some(720 * 3_600_000));
}

#[test]
fn nodepool_errors_at_their_paths() {
    let errs = parse(
        r#"
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: p}
spec:
  template:
    spec:
      nodeClassRef: {kind: LaunchTemplate, name: missing}
      requirements: [{key: karpenter.sh/capacity-type, operator: Maybe, values: [spot]}]
      expireAfter: soon
  disruption:
    consolidationPolicy: Always
    budgets: [{nodes: "ten"}, {nodes: "1", schedule: "every day"}]
---
apiVersion: stevedore.dev/v1
kind: ClusterAutoscaler
spec: {}
"#,
    )
    .unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    for p in [
        "$[0].spec.template.spec.nodeClassRef.kind",
        "$[0].spec.template.spec.nodeClassRef.name",
        "$[0].spec.template.spec.requirements[0].operator",
        "$[0].spec.template.spec.expireAfter",
        "$[0].spec.disruption.consolidationPolicy",
        "$[0].spec.disruption.budgets[0].nodes",
        "$[0].spec.disruption.budgets[1].schedule",
        "$[0].spec.disruption.budgets[1]",
        "$[0]",
    ] {
        assert!(paths.contains(&p), "no error at {p}: {errs:?}");
    }
    assert!(errs.iter().any(|e| e.message.contains("either Cluster Autoscaler or Karpenter")));
}

#[test]
fn packs_pending_pods_into_the_cheapest_instance_that_fits() {
    let p = pool();
    let offers = vec![offerings(&p, &zones(), 1)];
    // Three 1-vCPU pods: one m5.xlarge ($0.192/h) holds them; three m5.large would cost $0.288.
    let pending: Vec<PodInfo> = (0..3).map(|i| pod(&format!("web-{i}"), 1000, GIB)).collect();
    let r = provision(&pending, std::slice::from_ref(&p), &offers, &[(0, 0)], &system_daemon_pods());
    assert!(r.unschedulable.is_empty());
    assert_eq!(r.claims.len(), 1);
    let c = &r.claims[0];
    assert_eq!(c.offering.instance_type, "m5.xlarge");
    assert_eq!(c.offering.capacity_type, CapacityType::OnDemand);
    assert_eq!(c.instance_types, vec!["m5.xlarge", "m5.2xlarge"]);
    assert_eq!(c.pods, vec![0, 1, 2]);
    assert_eq!(c.offering.labels["team"], "web");
    assert_eq!(c.offering.labels["karpenter.sh/nodepool"], "default");
    // A single small pod: m5.large.
    let r = provision(&pending[..1], std::slice::from_ref(&p), &offers, &[(0, 0)], &system_daemon_pods());
    assert_eq!(r.claims[0].offering.instance_type, "m5.large");
}

#[test]
fn spot_when_allowed_limits_and_weights() {
    let mut spot = pool();
    spot.requirements.extend(parse("apiVersion: karpenter.sh/v1\nkind: NodePool\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      nodeClassRef: {name: default}\n      requirements: [{key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}]\n---\napiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata: {name: default}\nspec: {role: r, amiSelectorTerms: [{alias: al2023@latest}], subnetSelectorTerms: [{id: s}], securityGroupSelectorTerms: [{id: g}]}\n").unwrap().node_pools[0].requirements.clone());
    let offers = vec![offerings(&spot, &zones(), 1)];
    let r = provision(&[pod("a", 1000, GIB)], &[spot.clone()], &offers, &[(0, 0)], &system_daemon_pods());
    assert_eq!(r.claims[0].offering.capacity_type, CapacityType::Spot);
    // limits.cpu 4: a second 4-vCPU node would exceed it.
    let mut limited = pool();
    limited.limit_cpu_m = Some(4000);
    let offers = vec![offerings(&limited, &zones(), 1)];
    let r = provision(&[pod("a", 3000, GIB)], &[limited.clone()], &offers, &[(4000, 16 * GIB)], &system_daemon_pods());
    assert_eq!(r.unschedulable, vec![(0, "could not schedule pod, incompatible with nodepool \"default\"".to_string())]);
    // The higher weight pool is tried first.
    let mut heavy = pool();
    heavy.name = "heavy".into();
    heavy.weight = 50;
    let pools = vec![pool(), heavy.clone()];
    let offers = vec![offerings(&pools[0], &zones(), 1), offerings(&heavy, &zones(), 1)];
    let r = provision(&[pod("a", 500, GIB)], &pools, &offers, &[(0, 0), (0, 0)], &system_daemon_pods());
    assert_eq!(r.claims[0].pool, 1);
}

#[test]
fn budgets() {
    let p = pool();
    // Monday 2025-01-06 10:00 UTC: inside "0 9 * * mon-fri" for 8h → Underutilized budget 0.
    let monday_10 = stevedore_sim::time::parse_iso_seconds("2025-01-06T10:00:00Z").unwrap();
    let sunday_10 = stevedore_sim::time::parse_iso_seconds("2025-01-05T10:00:00Z").unwrap();
    assert_eq!(allowed(&p, Reason::Underutilized, 25, 0, monday_10), 0);
    assert_eq!(allowed(&p, Reason::Empty, 25, 0, monday_10), 3); // ⌈25 × 10 %⌉
    assert_eq!(allowed(&p, Reason::Underutilized, 25, 1, sunday_10), 2);
    assert_eq!(allowed(&p, Reason::Empty, 5, 0, sunday_10), 1);
}

#[test]
fn cron_schedules() {
    let at = |s: &str| stevedore_sim::time::parse_iso_seconds(s).unwrap();
    let c = cron::parse("0 9 * * 1-5").unwrap();
    assert!(c.matches(at("2025-01-06T09:00:30Z")));
    assert!(!c.matches(at("2025-01-05T09:00:00Z")));
    assert!(c.active(at("2025-01-06T16:59:00Z"), 8 * 3600));
    assert!(!c.active(at("2025-01-06T17:00:00Z"), 8 * 3600));
    assert!(cron::parse("@daily").unwrap().matches(at("2025-03-01T00:00:00Z")));
    assert!(cron::parse("*/15 * * * *").unwrap().matches(at("2025-03-01T13:45:00Z")));
    assert!(cron::parse("0 9 * *").is_err());
    assert!(cron::parse("61 * * * *").is_err());
}

/// Two Karpenter nodes: an m5.xlarge with `big` pods and an m5.large with `small` pods.
fn cluster(big: &[(&str, i64)], small: &[(&str, i64)]) -> (ClusterState, Vec<ClaimNode>, Vec<NodePool>, Vec<Vec<stevedore_sim::eks::karpenter::instance_types::Offering>>) {
    let p = pool();
    let offers = offerings(&p, &zones(), 1);
    let pick = |t: &str| NodeClaim { pool: 0, offering: offers.iter().find(|o| o.instance_type == t && o.zone == "us-west-2a").unwrap().clone(), instance_types: vec![], pods: vec![] };
    let (cx, cl) = (pick("m5.xlarge"), pick("m5.large"));
    let nodes = vec![node(&cx, &p, "ip-a", "10.0.0.1"), node(&cl, &p, "ip-b", "10.0.0.2")];
    let mut s = ClusterState::new(nodes);
    for i in 0..2 {
        for d in system_daemon_pods() {
            s.bind(d, i);
        }
    }
    for (n, c) in big {
        s.bind(pod(n, *c, GIB), 0);
    }
    for (n, c) in small {
        s.bind(pod(n, *c, GIB), 1);
    }
    let claims = vec![
        ClaimNode { node: 0, pool: 0, capacity_type: CapacityType::OnDemand, usd_per_hour: cx.offering.usd_per_hour, launched_ms: 0, last_pod_change_ms: 0, ready: true, deleting: false },
        ClaimNode { node: 1, pool: 0, capacity_type: CapacityType::OnDemand, usd_per_hour: cl.offering.usd_per_hour, launched_ms: 1000, last_pod_change_ms: 0, ready: true, deleting: false },
    ];
    (s, claims, vec![p], vec![offers])
}

fn ds_flags(s: &ClusterState) -> impl Fn(usize) -> PodFlags + '_ {
    move |i| PodFlags { daemonset: s.pods[i].pod.namespace == "kube-system", do_not_disrupt: false }
}

const SUNDAY: i64 = 1_736_071_200; // 2025-01-05T10:00:00Z

#[test]
fn consolidation_deletes_empty_then_underutilized_nodes() {
    // The m5.large is empty: deleted once consolidateAfter (1m) has passed.
    let (s, claims, pools, offers) = cluster(&[("a", 1000)], &[]);
    let r = disrupt(30_000, SUNDAY, &s, &claims, &pools, &offers, &ds_flags(&s), &system_daemon_pods());
    assert!(r.actions.is_empty());
    let r = disrupt(60_000, SUNDAY, &s, &claims, &pools, &offers, &ds_flags(&s), &system_daemon_pods());
    assert_eq!(r.actions, vec![Action::Delete { node: 1, reason: Reason::Empty }]);
    // The small node's pod fits on the big one: delete it (fewest pods first).
    let (s, claims, pools, offers) = cluster(&[("a", 1000), ("b", 1000)], &[("c", 500)]);
    let r = disrupt(60_000, SUNDAY, &s, &claims, &pools, &offers, &ds_flags(&s), &system_daemon_pods());
    assert_eq!(r.actions, vec![Action::Delete { node: 1, reason: Reason::Underutilized }]);
    // Weekday 10:00: the Underutilized budget is 0 → nothing, and it says why.
    let r = disrupt(60_000, SUNDAY + 86_400, &s, &claims, &pools, &offers, &ds_flags(&s), &system_daemon_pods());
    assert!(r.actions.is_empty());
    assert!(r.blocked[0].1.contains("allows no more Underutilized"));
}

#[test]
fn consolidation_replaces_with_a_cheaper_node_and_honours_do_not_disrupt() {
    // The xlarge holds 1.2 vCPU that cannot move to the full large node: replace it with a large.
    let (s, claims, pools, offers) = cluster(&[("a", 1200)], &[("b", 1700)]);
    let r = disrupt(60_000, SUNDAY, &s, &claims, &pools, &offers, &ds_flags(&s), &system_daemon_pods());
    match &r.actions[..] {
        [Action::Replace { node: 0, with, reason: Reason::Underutilized }] => assert_eq!(with.offering.instance_type, "m5.large"),
        other => panic!("expected a replace of node 0, got {other:?}"),
    }
    let flags = |i: usize| PodFlags { daemonset: s.pods[i].pod.namespace == "kube-system", do_not_disrupt: s.pods[i].pod.name == "a" };
    let r = disrupt(60_000, SUNDAY, &s, &claims, &pools, &offers, &flags, &system_daemon_pods());
    // kubernetes-sigs/karpenter pkg/controllers/disruption/suite_test.go's expected event.
    assert!(r.blocked.iter().any(|b| b.1 == "Pod has \"karpenter.sh/do-not-disrupt\" annotation (Pod=default/a)"), "{:?}", r.blocked);
    // A WhenEmpty pool leaves the busy xlarge and says so (consolidation.go `Unconsolidatable`).
    let mut when_empty = pools.clone();
    when_empty[0].disruption.policy = stevedore_sim::eks::karpenter::ConsolidationPolicy::WhenEmpty;
    let r = disrupt(60_000, SUNDAY, &s, &claims, &when_empty, &offers, &ds_flags(&s), &system_daemon_pods());
    assert!(r.actions.is_empty());
    assert!(r.unconsolidatable.contains(&(0, "NodePool \"default\" has consolidation policy WhenEmpty, but node is not empty".to_string())), "{:?}", r.unconsolidatable);
    // Expired nodes go regardless of budgets.
    let r = disrupt(720 * 3_600_000, SUNDAY + 86_400, &s, &claims, &pools, &offers, &ds_flags(&s), &system_daemon_pods());
    assert!(r.actions.contains(&Action::Expire { node: 0 }));
}

#[test]
fn spot_interruption_cordons_drains_and_replaces() {
    let (s, _, pools, offers) = cluster(&[("a", 1000), ("b", 1000)], &[]);
    let plan = spot_interruption(500_000, 0, &s, &|i| s.pods[i].pod.namespace == "kube-system", &pools, &offers, &[(0, 0)], &system_daemon_pods());
    assert_eq!(plan.taint.key, "karpenter.sh/disrupted");
    assert_eq!(plan.evict.len(), 2);
    assert_eq!(plan.terminate_at_ms, 620_000);
    assert_eq!(plan.replacements.claims.len(), 1);
    assert_eq!(plan.replacements.claims[0].pods, vec![0, 1]);
}
