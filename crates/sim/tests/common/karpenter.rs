//! What the Karpenter tests share (`eks_karpenter*.rs`): the cluster with its one system node,
//! the EC2NodeClass, the web Deployment, and reading Karpenter's nodes and bound pods back.
#![allow(dead_code)]

use stevedore_sim::eks::run::EksRun;

/// The eksctl cluster: one m5.large system node (a fixed group of one) over two zones.
pub const CLUSTER: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: us-west-2}
availabilityZones: [us-west-2a, us-west-2b]
managedNodeGroups:
  - {name: system, instanceType: m5.large, desiredCapacity: 1, minSize: 1, maxSize: 1}
";

/// The EC2NodeClass `default` with its AMI alias (`al2023@latest` unless a test drifts it).
pub fn node_class(ami: &str) -> String {
    format!(
        "apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {{name: default}}
spec:
  role: KarpenterNodeRole-shop
  amiSelectorTerms: [{{alias: {ami}}}]
  subnetSelectorTerms: [{{tags: {{karpenter.sh/discovery: shop}}}}]
  securityGroupSelectorTerms: [{{tags: {{karpenter.sh/discovery: shop}}}}]"
    )
}

/// The `web` Deployment: `replicas` pods each requesting `cpu` and `memory`.
pub fn web(replicas: i64, cpu: &str, memory: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: nginx:1.27, resources: {{requests: {{cpu: {cpu}, memory: {memory}}}}}}}]
"
    )
}

/// Every line of `s` indented by `n` spaces (a YAML block nested in the timeline).
pub fn indent(s: &str, n: usize) -> String {
    s.lines().map(|l| format!("{}{l}", " ".repeat(n))).collect::<Vec<_>>().join("\n")
}

/// The nodes Karpenter launched (labelled with their NodePool).
pub fn karpenter_nodes(r: &EksRun) -> Vec<&stevedore_sim::eks::nodes::Node> {
    r.state.nodes.iter().map(|n| &n.node).filter(|n| n.labels.contains_key("karpenter.sh/nodepool")).collect()
}

/// `default`-namespace pods bound to a node and not being deleted.
pub fn bound(r: &EksRun) -> usize {
    r.pods.iter().filter(|p| p.info.namespace == "default" && p.node.is_some() && p.deleting_at.is_none()).count()
}
