//! Karpenter drift (eks-semantics §4.2 "Drift, then Consolidation"; KARP concepts/disruption.md
//! "Drift"): a timeline `apply` of a changed NodePool or EC2NodeClass marks the NodeClaims whose
//! launch no longer matches `Drifted` (reasons as kubernetes-sigs/karpenter
//! pkg/controllers/nodeclaim/disruption/drift.go and aws/karpenter-provider-aws
//! pkg/cloudprovider/drift.go spell them) and replaces them within the `Drifted` budget;
//! `weight`, `limits` and `disruption` never drift.

#[path = "common/karpenter.rs"]
mod karpenter_common;

use karpenter_common::{bound, indent, karpenter_nodes, node_class, web, CLUSTER};
use stevedore_sim::eks::engine::karpenter_engine::REGISTER_S;
use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::nodeclaim_json::get_node_claims;
use stevedore_sim::eks::output::list;
use stevedore_sim::eks::run::{run_until, EksRun};

const POOL: &str = r#"apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template:
    metadata: {labels: {team: shop}}
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: node.kubernetes.io/instance-type, operator: In, values: [TYPES]}
  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: Never
    budgets: [{nodes: "BUDGET", reasons: [Drifted]}]"#;

fn pool(types: &str, budget: &str) -> String {
    POOL.replace("TYPES", types).replace("BUDGET", budget)
}

fn class(ami: &str) -> String {
    node_class(ami)
}

/// One m5.large system node; four 1.5-vCPU pods: three m5.large Karpenter nodes (one pod each).
/// `apply` is a YAML object for the timeline's `apply` at 5m (or empty).
fn scenario(budget: &str, apply: &str) -> String {
    let timeline = if apply.is_empty() { String::new() } else { format!("\n    - at: 5m\n      apply:\n{}", indent(apply, 8)) };
    format!(
        r#"{CLUSTER}---
{}
---
{}
---
apiVersion: stevedore.dev/v1
kind: Scenario
metadata: {{name: drift}}
spec:
  duration: 30m
  timeline:{timeline}
---
{}"#,
        pool("m5.large", budget),
        class("al2023@latest"),
        web(4, "1500m", "1Gi"),
    )
    .replace("timeline:\n---", "timeline: []\n---")
}

fn drifted(r: &EksRun) -> Vec<String> {
    let items = list(r, 1_735_689_600);
    items["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "NodeClaim").filter_map(|c| c["status"]["conditions"].as_array().unwrap().iter().find(|x| x["type"] == "Drifted").map(|x| format!("{}={}", x["status"].as_str().unwrap(), x["reason"].as_str().unwrap()))).collect()
}

#[test]
fn a_requirements_change_drifts_every_claim_and_replaces_them_one_at_a_time() {
    let m = parse(&scenario("1", &pool("m5.xlarge", "1"))).unwrap();
    let before = run_until(&m, false, 299);
    assert_eq!(karpenter_nodes(&before).iter().map(|n| n.instance_type.as_str()).collect::<Vec<_>>(), ["m5.large"; 3]);
    assert!(drifted(&before).is_empty());
    let at = run_until(&m, false, 300);
    assert_eq!(drifted(&at), ["True=RequirementsDrifted"; 3], "m5.large no longer matches instance-type In [m5.xlarge]");
    // kubectl get nodeclaims -o wide shows it (the DRIFTED printer column).
    let items = list(&at, 1_735_689_600)["items"].as_array().unwrap().clone();
    let table = get_node_claims(&items, 1_735_689_600 + 300, true);
    let head: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(head, ["NAME", "TYPE", "CAPACITY", "ZONE", "NODE", "READY", "AGE", "IMAGEID", "ID", "NODEPOOL", "NODECLASS", "DRIFTED"]);
    assert!(table.lines().skip(1).all(|l| l.ends_with("True")), "{table}");
    assert!(!get_node_claims(&items, 1_735_689_600 + 300, false).contains("DRIFTED"));

    // Budget 1: never more than one Karpenter node held by a disruption at once.
    let mut e = Engine::new(&m, false);
    for t in 300..=1200 {
        e.advance_to(t);
        let tainted = e.state.nodes.iter().filter(|n| n.node.taints.iter().any(|x| x.key == "karpenter.sh/disrupted")).count();
        assert!(tainted <= 1, "{tainted} nodes disrupted at {t}s");
    }
    let r = run_until(&m, false, 1200);
    assert!(karpenter_nodes(&r).iter().all(|n| n.instance_type == "m5.xlarge"), "{:?}", karpenter_nodes(&r).iter().map(|n| &n.instance_type).collect::<Vec<_>>());
    assert_eq!(bound(&r), 4);
    assert!(drifted(&r).is_empty(), "the replacements match the new pool");
    // events.go `Launching` on the replacement NodeClaim, then `Terminating` on the old Node
    // once the replacement is Ready.
    let launch = r.events.iter().find(|e| e.reason == "DisruptionLaunching").expect("a replacement");
    // The apply at 300 s pokes Karpenter; its pass runs after the 1 s batch window.
    assert_eq!((launch.kind, launch.message.as_str(), launch.first_s), ("NodeClaim", "Launching NodeClaim: Drifted", 301));
    let terms: Vec<_> = r.events.iter().filter(|e| e.reason == "DisruptionTerminating" && e.kind == "Node").collect();
    assert_eq!(terms.len(), 3, "each old node in turn");
    assert!(terms.iter().all(|e| e.message == "Disrupting Node: Drifted"));
    assert_eq!(terms[0].first_s, launch.first_s + REGISTER_S, "the first drains once its replacement is Ready");
    assert!(terms.windows(2).all(|w| w[1].first_s > w[0].first_s), "one at a time");
    assert!(r.events.iter().any(|e| e.kind == "NodeClaim" && e.message == "Disrupting NodeClaim: Drifted"));
}

#[test]
fn a_budget_of_two_runs_two_drift_commands_at_once_and_zero_blocks() {
    let m = parse(&scenario("2", &pool("m5.xlarge", "2"))).unwrap();
    let r = run_until(&m, false, 320);
    let held = karpenter_nodes(&r).iter().filter(|n| n.taints.iter().any(|x| x.key == "karpenter.sh/disrupted")).count();
    assert_eq!(held, 2, "the next 10 s poll starts a second command");
    let m = parse(&scenario("0", &pool("m5.xlarge", "0"))).unwrap();
    let r = run_until(&m, false, 900);
    assert_eq!(drifted(&r).len(), 3);
    assert!(karpenter_nodes(&r).iter().all(|n| n.instance_type == "m5.large" && n.taints.is_empty()));
    // helpers.go `NodePoolBlockedForDisruptionReason`.
    assert!(r.events.iter().any(|e| e.kind == "NodePool" && e.name == "default" && e.reason == "DisruptionBlocked" && e.message == "No allowed disruptions for disruption reason Drifted due to blocking budget"));
    // consolidation.go: consolidateAfter Never disables consolidation, said once per node.
    let un: Vec<_> = r.events.iter().filter(|e| e.reason == "Unconsolidatable" && e.kind == "Node").collect();
    assert_eq!(un.len(), 3);
    assert!(un.iter().all(|e| e.message == "NodePool \"default\" has consolidation disabled" && e.count == 1));
}

#[test]
fn weight_limits_and_disruption_never_drift() {
    let changed = pool("m5.large", "3").replace("  disruption:", "  weight: 50\n  limits: {cpu: \"64\"}\n  disruption:").replace("consolidateAfter: Never", "consolidateAfter: 10m");
    let m = parse(&scenario("1", &changed)).unwrap();
    let r = run_until(&m, false, 900);
    assert!(drifted(&r).is_empty());
    assert!(!r.events.iter().any(|e| e.reason.starts_with("Disruption")));
    assert_eq!(karpenter_nodes(&r).len(), 3);
    // Before 5m consolidateAfter is Never (consolidation.go: "has consolidation disabled"); the
    // WhenEmpty reason after it falls in the 15-minute per-node dedupe: nothing new is said.
    let un: Vec<_> = r.events.iter().filter(|e| e.reason == "Unconsolidatable" && e.kind == "Node").collect();
    assert_eq!(un.len(), 3);
    assert!(un.iter().all(|e| e.first_s < 300 && e.message == "NodePool \"default\" has consolidation disabled"));
}

#[test]
fn a_template_label_change_is_nodepool_drift() {
    let m = parse(&scenario("1", &pool("m5.large", "1").replace("team: shop", "team: checkout"))).unwrap();
    let at = run_until(&m, false, 300);
    assert_eq!(drifted(&at), ["True=NodePoolDrifted"; 3]);
    let items = list(&at, 1_735_689_600);
    let c = items["items"].as_array().unwrap().iter().find(|i| i["kind"] == "NodeClaim").unwrap();
    assert_eq!(c["metadata"]["annotations"]["karpenter.sh/nodepool-hash-version"], "v3");
    assert!(c["metadata"]["annotations"]["karpenter.sh/nodepool-hash"].as_str().unwrap().parse::<u64>().is_ok());
    let r = run_until(&m, false, 1200);
    assert!(karpenter_nodes(&r).iter().all(|n| n.labels["team"] == "checkout"));
}

#[test]
fn an_ami_selector_change_is_ami_drift() {
    let m = parse(&scenario("1", &class("al2023@v20250117"))).unwrap();
    let before = run_until(&m, false, 299);
    let image = |r: &EksRun| -> Vec<String> { list(r, 1_735_689_600)["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "NodeClaim").map(|c| c["status"]["imageID"].as_str().unwrap().to_string()).collect() };
    let old = image(&before);
    assert!(old[0].starts_with("ami-") && old[0].len() == 21, "{old:?}");
    assert_eq!(drifted(&run_until(&m, false, 300)), ["True=AMIDrift"; 3]);
    let r = run_until(&m, false, 1200);
    assert_eq!(karpenter_nodes(&r).len(), 3);
    assert!(drifted(&r).is_empty());
    assert!(image(&r).iter().all(|i| !old.contains(i)), "new nodes run the new image");
    // Security groups must equal the resolved set; an added subnet term only widens the set.
    let sg = class("al2023@latest").replace("securityGroupSelectorTerms: [", "securityGroupSelectorTerms: [{id: sg-0123456789abcdef0}, ");
    assert_eq!(drifted(&run_until(&parse(&scenario("1", &sg)).unwrap(), false, 300)), ["True=SecurityGroupDrift"; 3]);
    let wider = class("al2023@latest").replace("subnetSelectorTerms: [", "subnetSelectorTerms: [{id: subnet-0123456789abcdef0}, ");
    assert!(drifted(&run_until(&parse(&scenario("1", &wider)).unwrap(), false, 300)).is_empty());
    let narrower = class("al2023@latest").replace("subnetSelectorTerms: [{tags: {karpenter.sh/discovery: shop}}]", "subnetSelectorTerms: [{id: subnet-0123456789abcdef0}]");
    assert_eq!(drifted(&run_until(&parse(&scenario("1", &narrower)).unwrap(), false, 300)), ["True=SubnetDrift"; 3]);
    let role = class("al2023@latest").replace("KarpenterNodeRole-shop", "KarpenterNodeRole-other");
    assert_eq!(drifted(&run_until(&parse(&scenario("1", &role)).unwrap(), false, 300)), ["True=NodeClassDrift"; 3]);
}

#[test]
fn apply_errors_at_their_paths() {
    let errs = |apply: &str| -> Vec<(String, String)> { parse(&scenario("1", apply)).unwrap_err().into_iter().map(|e| (e.path, e.message)).collect() };
    let e = errs("{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}}");
    assert!(e.iter().any(|(p, m)| p == "$[3].spec.timeline[0].apply.kind" && m.contains("NodePool or karpenter.k8s.aws/v1 EC2NodeClass")), "{e:?}");
    let e = errs(&pool("m5.large", "1").replace("name: default}\nspec", "name: other}\nspec"));
    assert!(e.iter().any(|(p, m)| p == "$[3].spec.timeline[0].apply.metadata.name" && m.contains("nodepools.karpenter.sh \"other\" not found")), "{e:?}");
    let e = errs(&pool("m5.large", "1").replace("  disruption:", "  weight: 500\n  disruption:"));
    assert!(e.iter().any(|(p, _)| p == "$[3].spec.timeline[0].apply.spec.weight"), "{e:?}");
    let e = errs(&class("al2023@latest").replace("name: default}", "name: gpu}"));
    assert!(e.iter().any(|(p, _)| p == "$[3].spec.timeline[0].apply.metadata.name"), "{e:?}");
    let both = scenario("1", "").replace("timeline: []", "timeline: [{at: 1m, kubectl: \"cordon x\", apply: {}}]");
    let e: Vec<String> = parse(&both).unwrap_err().into_iter().map(|e| e.path).collect();
    assert!(e.contains(&"$[3].spec.timeline[0].kubectl".to_string()), "{e:?}");
    let no_at = scenario("1", "").replace("timeline: []", &format!("timeline: [{{apply: {{apiVersion: karpenter.k8s.aws/v1, kind: EC2NodeClass, metadata: {{name: default}}, spec: {{role: r, amiSelectorTerms: [{{alias: al2023@latest}}], subnetSelectorTerms: [{{id: s}}], securityGroupSelectorTerms: [{{id: g}}]}}}}}}]"));
    let e: Vec<(String, String)> = parse(&no_at).unwrap_err().into_iter().map(|e| (e.path, e.message)).collect();
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].0, "$[3].spec.timeline[0].at");
    let bad = scenario("1", "").replace("timeline: []", "timeline: [{at: 1m, apply: [1]}]");
    let e: Vec<(String, String)> = parse(&bad).unwrap_err().into_iter().map(|e| (e.path, e.message)).collect();
    assert!(e.iter().any(|(p, m)| p == "$[3].spec.timeline[0].apply" && m.starts_with("must be an object")), "{e:?}");
}

#[test]
fn a_widened_requirement_does_not_drift_and_applying_back_clears_the_condition() {
    // disruption.md "Special Cases on Drift": m5.large still meets In [m5.large, m5.2xlarge].
    let m = parse(&scenario("0", &pool("m5.large, m5.xlarge", "0"))).unwrap();
    assert!(drifted(&run_until(&m, false, 400)).is_empty(), "m5.large still meets In [m5.large, m5.xlarge]");
    // Narrowed at 5m (budget 0 holds the nodes), restored at 6m: the condition goes.
    let text = scenario("0", &pool("m5.xlarge", "0")).replace("\n---\napiVersion: apps/v1", &format!("\n    - at: 6m\n      apply:\n{}\n---\napiVersion: apps/v1", indent(&pool("m5.large", "0"), 8)));
    let m = parse(&text).unwrap();
    assert_eq!(drifted(&run_until(&m, false, 330)).len(), 3);
    let r = run_until(&m, false, 400);
    assert!(drifted(&r).is_empty());
    assert_eq!(karpenter_nodes(&r).len(), 3);
}

#[test]
fn drift_goes_before_consolidation_and_takes_empty_nodes_first() {
    // At 5m one pod goes (an emptied m5.large) and the pool narrows: the empty drifted node is
    // deleted first, as a drift command (no replacement), before consolidation could take it.
    let text = scenario("1", &pool("m5.xlarge", "1").replace("consolidateAfter: Never", "consolidateAfter: 0s"))
        .replace("timeline:\n", "timeline:\n    - {at: 5m, kubectl: \"scale deployment/web --replicas=3\"}\n")
        .replace("consolidateAfter: Never", "consolidateAfter: 0s");
    let m = parse(&text).unwrap();
    let r = run_until(&m, false, 1200);
    let terms: Vec<&str> = r.events.iter().filter(|e| e.reason == "DisruptionTerminating" && e.kind == "Node").map(|e| e.message.as_str()).collect();
    assert!(!terms.is_empty() && terms.iter().all(|m| *m == "Disrupting Node: Drifted"), "{terms:?}");
    let first = r.events.iter().find(|e| e.reason == "DisruptionTerminating").unwrap();
    let launch = r.events.iter().find(|e| e.reason == "DisruptionLaunching").map(|e| e.first_s);
    assert!(launch.is_none_or(|l| first.first_s <= l), "the empty node needs no replacement and goes first");
    assert!(karpenter_nodes(&r).iter().all(|n| n.instance_type == "m5.xlarge"));
    assert_eq!(bound(&r), 3);
}

#[test]
fn the_example_replaces_its_three_drifted_nodes() {
    let m = parse(include_str!("../../../examples/eks/karpenter-drift.yaml")).unwrap();
    assert_eq!(drifted(&run_until(&m, false, 300)), ["True=RequirementsDrifted"; 3]);
    let r = run_until(&m, false, 1200);
    assert_eq!(karpenter_nodes(&r).iter().map(|n| n.instance_type.as_str()).collect::<Vec<_>>(), ["m5.xlarge"; 2]);
    assert_eq!(bound(&r), 4);
}
