//! Cluster Autoscaler on AWS (eks-semantics §4.1; kubernetes/autoscaler cluster-autoscaler
//! FAQ.md and cloudprovider/aws/README.md): pure decisions over node groups. The engine calls
//! `scale_up::scale_up` and then (when that added nothing) `scale_down::ScaleDown::scan` every
//! `Options::scan_interval_ms`, and applies the decisions to the node groups' desired sizes.

pub mod expander;
pub mod scale_down;
pub mod scale_up;

use crate::eks::nodes::{cluster_aws, node_group_nodes, Node};
use crate::eks::objects::{ClusterConfig, NodeGroup, Resources};
use crate::eks::scheduler::decision::Reject;
use crate::eks::scheduler::state::{NodeInfo, PodInfo};
use crate::eks::scheduler::{fit, node_affinity, node_ports, node_unschedulable, taint_toleration};

/// `--expander` values. `price` is not here: on AWS the cloud provider has no pricing model,
/// so Cluster Autoscaler refuses to start with it (the manifest reader says so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expander {
    Random,
    MostPods,
    LeastWaste,
    LeastNodes,
    /// The `cluster-autoscaler-priority-expander` ConfigMap: (priority, name regexes).
    Priority(Vec<(i64, Vec<String>)>),
}

/// Cluster Autoscaler flags with their defaults (FAQ.md "What are the parameters to CA?").
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Applied in order, each narrowing the options; the last ties break at random.
    /// Default `least-waste` (CA ≥ 1.33, commit f8a68efe; older releases `random`).
    pub expanders: Vec<Expander>,
    pub scan_interval_ms: u64,
    pub scale_down_enabled: bool,
    pub scale_down_utilization_threshold: f64,
    pub scale_down_unneeded_time_ms: u64,
    pub scale_down_delay_after_add_ms: u64,
    pub scale_down_delay_after_delete_ms: u64,
    pub scale_down_delay_after_failure_ms: u64,
    /// Empty nodes deleted at once (`--max-scale-down-parallelism`).
    pub max_scale_down_parallelism: usize,
    /// Non-empty nodes drained at once (`--max-drain-parallelism`).
    pub max_drain_parallelism: usize,
    /// Non-empty nodes whose drain is simulated per scan (`--scale-down-non-empty-candidates-count`).
    pub scale_down_non_empty_candidates_count: usize,
    /// 0 = no limit.
    pub max_nodes_total: i64,
    pub skip_nodes_with_system_pods: bool,
    pub skip_nodes_with_local_storage: bool,
    pub ignore_daemonsets_utilization: bool,
    pub max_node_provision_time_ms: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            expanders: vec![Expander::LeastWaste],
            scan_interval_ms: 10_000,
            scale_down_enabled: true,
            scale_down_utilization_threshold: 0.5,
            scale_down_unneeded_time_ms: 600_000,
            scale_down_delay_after_add_ms: 600_000,
            scale_down_delay_after_delete_ms: 0,
            scale_down_delay_after_failure_ms: 180_000,
            max_scale_down_parallelism: 10,
            max_drain_parallelism: 1,
            scale_down_non_empty_candidates_count: 30,
            max_nodes_total: 0,
            skip_nodes_with_system_pods: true,
            skip_nodes_with_local_storage: true,
            ignore_daemonsets_utilization: false,
            max_node_provision_time_ms: 900_000,
        }
    }
}

/// One Auto Scaling group as CA sees it: bounds, the desired size CA last set, and the
/// template node it simulates new nodes with (built from the group's first instance type,
/// as CA does for a mixed-instances group).
#[derive(Debug, Clone)]
pub struct GroupState {
    pub name: String,
    pub min: i64,
    pub max: i64,
    pub target: i64,
    pub instance_type: String,
    pub template: Node,
    /// The system DaemonSet pods every new node starts with (aws-node, kube-proxy).
    pub daemon_pods: Vec<PodInfo>,
}

impl GroupState {
    /// None when the group's instance type is unknown to the catalogue.
    pub fn new(cluster: &ClusterConfig, g: &NodeGroup, daemon_pods: Vec<PodInfo>) -> Option<GroupState> {
        let one = NodeGroup { desired: 1, ..g.clone() };
        // A throwaway VPC: the template is never launched, only simulated.
        let mut aws = cluster_aws(cluster);
        let template = node_group_nodes(cluster, &one, &mut aws).into_iter().next()?;
        Some(GroupState { name: g.name.clone(), min: g.min, max: g.max, target: g.desired, instance_type: template.instance_type.clone(), template, daemon_pods })
    }

    /// An empty node of this group with its DaemonSet pods, for the simulations.
    pub fn template_info(&self) -> NodeInfo {
        let mut n = empty_info(self.template.clone());
        for p in &self.daemon_pods {
            assume(&mut n, p);
        }
        n
    }
}

pub fn empty_info(node: Node) -> NodeInfo {
    NodeInfo { node, requested: Resources::default(), nonzero_cpu: 0, nonzero_memory: 0, pod_count: 0, sets: Vec::new(), ports: Vec::new() }
}

/// Adds a pod's requests to a simulated node (the scheduler cache's "assume").
pub fn assume(n: &mut NodeInfo, p: &PodInfo) {
    n.requested.cpu += p.requests.cpu;
    n.requested.memory += p.requests.memory;
    n.requested.ephemeral += p.requests.ephemeral;
    for (name, v) in &p.requests.extended {
        match n.requested.extended.iter_mut().find(|(m, _)| m == name) {
            Some(x) => x.1 += v,
            None => n.requested.extended.push((name.clone(), *v)),
        }
    }
    n.nonzero_cpu += p.nonzero_cpu;
    n.nonzero_memory += p.nonzero_memory;
    n.pod_count += 1;
    n.ports.extend(p.spec.host_ports.iter().cloned());
}

/// The scheduler's node filters CA runs in its simulations (PreFilter-free ones, in profile
/// order): NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit.
/// Topology spread and inter-pod affinity are not simulated (they need the whole cluster).
pub fn filter(pod: &PodInfo, n: &NodeInfo) -> Result<(), Reject> {
    node_unschedulable::filter(pod, n)
        .and_then(|_| taint_toleration::filter(pod, n))
        .and_then(|_| node_affinity::filter(pod, n))
        .and_then(|_| node_ports::filter(pod, n))
        .and_then(|_| fit::filter(pod, n))
}

/// The node's capacity Cluster Autoscaler's least-waste expander weighs (cpu m, memory bytes).
pub fn capacity(n: &Node) -> (i64, i64) {
    (n.capacity.cpu, n.capacity.memory)
}

/// The system DaemonSet pods (aws-node, kube-proxy) a new EC2 node starts with.
pub fn system_daemon_pods() -> Vec<PodInfo> {
    use crate::eks::daemonsets::{daemon_labels, daemon_pod_spec, SYSTEM_DAEMONSETS};
    SYSTEM_DAEMONSETS
        .iter()
        .map(|(ds, app, cpu)| PodInfo::new((*ds).into(), "kube-system".into(), daemon_labels(app), std::sync::Arc::new(daemon_pod_spec(ds, *cpu)), None))
        .collect()
}
