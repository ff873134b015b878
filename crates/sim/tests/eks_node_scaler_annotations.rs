//! Pod annotations the node autoscalers honour (eks-semantics §4.1, §4.2):
//! `karpenter.sh/do-not-disrupt: "true"` blocks Karpenter's voluntary disruption of the pod's
//! node (KARP concepts/disruption.md "Pod-Level Controls"); Cluster Autoscaler's
//! `cluster-autoscaler.kubernetes.io/safe-to-evict: "false"` keeps its node (CA FAQ.md "What types
//! of pods can prevent CA from removing a node?"). Only those exact string values count.

use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::run::run_until;

const KARPENTER: &str = include_str!("../../../examples/eks/karpenter.yaml");
const CA: &str = include_str!("../../../examples/eks/ca-scale-down.yaml");

fn annotated(text: &str, key: &str, value: &str) -> String {
    let old = "    metadata: {labels: {app: web}}\n";
    assert!(text.contains(old));
    text.replace(old, &format!("    metadata: {{labels: {{app: web}}, annotations: {{{key}: \"{value}\"}}}}\n"))
}

#[test]
fn do_not_disrupt_keeps_an_underutilised_karpenter_node() {
    // The example replaces its m5.xlarge by an m5.large after the 5m scale-down.
    let plain = run_until(&parse(KARPENTER).unwrap(), false, 600);
    assert!(plain.events.iter().any(|e| e.reason == "DisruptionLaunching"));
    let r = run_until(&parse(&annotated(KARPENTER, "karpenter.sh/do-not-disrupt", "true")).unwrap(), false, 600);
    assert!(!r.events.iter().any(|e| e.reason == "DisruptionLaunching" || e.reason == "DisruptionTerminating"), "nothing disrupted");
    let blocked = r.events.iter().find(|e| e.reason == "DisruptionBlocked" && e.kind == "Node").expect("blocked on the node");
    assert!(blocked.message.starts_with("Pod has \"karpenter.sh/do-not-disrupt\" annotation (Pod=default/web-"), "{}", blocked.message);
    // Any other value is not the annotation's "true".
    let other = run_until(&parse(&annotated(KARPENTER, "karpenter.sh/do-not-disrupt", "false")).unwrap(), false, 600);
    assert!(other.events.iter().any(|e| e.reason == "DisruptionLaunching"));
}

#[test]
fn do_not_disrupt_also_holds_a_drifted_node() {
    let text = annotated(KARPENTER, "karpenter.sh/do-not-disrupt", "true").replace("    - {at: 5m, kubectl: \"scale deployment/web --replicas=2\"}\n", "    - {at: 2m, apply: {apiVersion: karpenter.sh/v1, kind: NodePool, metadata: {name: default}, spec: {template: {spec: {nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}, requirements: [{key: node.kubernetes.io/instance-type, operator: In, values: [m5.xlarge, m5.2xlarge]}]}}, limits: {cpu: \"100\"}, disruption: {consolidationPolicy: WhenEmptyOrUnderutilized, consolidateAfter: Never}}}}\n");
    let m = parse(&text).unwrap();
    let r = run_until(&m, false, 600);
    assert!(!r.events.iter().any(|e| e.reason == "DisruptionTerminating"), "{:?}", r.events.iter().map(|e| (e.first_s, e.reason, e.message.clone())).collect::<Vec<_>>());
    assert!(r.events.iter().any(|e| e.reason == "DisruptionBlocked" && e.message.starts_with("Pod has \"karpenter.sh/do-not-disrupt\" annotation")));
}

#[test]
fn safe_to_evict_false_keeps_a_cluster_autoscaler_node() {
    // The example's three underutilised nodes shrink to one by 30 min.
    assert_eq!(run_until(&parse(CA).unwrap(), false, 1800).state.nodes.len(), 1);
    let key = "cluster-autoscaler.kubernetes.io/safe-to-evict";
    let kept = run_until(&parse(&annotated(CA, key, "false")).unwrap(), false, 1800);
    assert_eq!(kept.state.nodes.len(), 3, "each node holds a pod that is not safe to evict");
    assert!(!kept.events.iter().any(|e| e.reason == "ScaleDown"));
    // "true" (and any other value) leaves the replicated pods movable as before.
    assert_eq!(run_until(&parse(&annotated(CA, key, "true")).unwrap(), false, 1800).state.nodes.len(), 1);
    assert_eq!(run_until(&parse(&annotated(CA, key, "no")).unwrap(), false, 1800).state.nodes.len(), 1);
}

#[test]
fn safe_to_evict_true_lets_a_pod_without_a_controller_move() {
    // A bare pod blocks its node ("is not replicated") unless annotated safe-to-evict "true".
    let bare = |ann: &str| format!("{CA}---\napiVersion: v1\nkind: Pod\nmetadata: {{name: solo{ann}}}\nspec:\n  containers: [{{name: c, image: nginx:1.27, resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}}}]\n");
    let blocked = run_until(&parse(&bare("")).unwrap(), false, 1800);
    let moved = run_until(&parse(&bare(", annotations: {cluster-autoscaler.kubernetes.io/safe-to-evict: \"true\"}")).unwrap(), false, 1800);
    assert!(moved.state.nodes.len() < blocked.state.nodes.len(), "{} vs {}", moved.state.nodes.len(), blocked.state.nodes.len());
}

#[test]
fn an_annotation_that_is_not_a_string_is_an_error_at_its_path() {
    let text = KARPENTER.replace("    metadata: {labels: {app: web}}\n", "    metadata: {labels: {app: web}, annotations: {karpenter.sh/do-not-disrupt: true}}\n");
    let errs: Vec<String> = parse(&text).unwrap_err().into_iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    assert!(errs.iter().any(|e| e.contains("spec.template.metadata.annotations")), "{errs:?}");
}
