//! The DaemonSet pods every EKS EC2 node runs from the moment it joins: the VPC CNI's
//! `aws-node` and `kube-proxy` (both hostNetwork — the "+2" of the max-pods formula, §5.1).
//! They count toward the node's pods and requests, as `kubectl describe node` shows.

use crate::eks::objects::{Container, PodSpec, Resources, Toleration};
use crate::eks::selector::Labels;

/// (name prefix, `k8s-app` label, cpu request in millicores). The EKS add-on manifests request
/// 25m for aws-node and 100m for kube-proxy and no memory [UNVERIFIED in the reference; taken
/// from the add-on defaults], so memory counts only toward the scheduler's non-zero default.
pub const SYSTEM_DAEMONSETS: &[(&str, &str, i64)] = &[("aws-node", "aws-node", 25), ("kube-proxy", "kube-proxy", 100)];

/// A DaemonSet pod's spec: tolerates every taint, like the add-ons' `operator: Exists`.
pub fn daemon_pod_spec(name: &str, cpu_m: i64) -> PodSpec {
    PodSpec {
        containers: vec![Container {
            name: name.into(),
            image: String::new(),
            requests: Resources { cpu: cpu_m, ..Resources::default() },
            has_cpu: true,
            has_memory: false,
        }],
        tolerations: vec![Toleration { key: String::new(), exists: true, value: String::new(), effect: None }],
        scheduler_name: "default-scheduler".into(),
        ..PodSpec::default()
    }
}

pub fn daemon_labels(app: &str) -> Labels {
    let mut l = Labels::new();
    l.insert("k8s-app".into(), app.into());
    l
}
