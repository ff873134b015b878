//! Spot interruption (KARP concepts/disruption.md "Interruption"): on the 2-minute warning
//! from the interruption queue, Karpenter taints the node `karpenter.sh/disrupted:NoSchedule`,
//! launches replacements for its pods at once and drains it; EC2 reclaims the instance when
//! the two minutes are up. Budgets do not apply. Rebalance recommendations are only logged.

use super::instance_types::Offering;
use super::provision::{provision, ProvisionResult};
use super::{NodePool, DISRUPTED_TAINT};
use crate::eks::objects::{Effect, Taint};
use crate::eks::scheduler::state::{ClusterState, PodInfo};
use crate::time::SimTime;

/// EC2's Spot interruption notice.
pub const SPOT_NOTICE_MS: SimTime = 120_000;

#[derive(Debug, Clone, PartialEq)]
pub struct InterruptionPlan {
    pub node: usize,
    /// Put on the node now (it also stops new pods landing there).
    pub taint: Taint,
    /// Indices into `ClusterState::pods` to evict now (not DaemonSet pods).
    pub evict: Vec<usize>,
    /// NodeClaims to launch now for those pods.
    pub replacements: ProvisionResult,
    /// When EC2 terminates the instance.
    pub terminate_at_ms: SimTime,
}

/// The plan for a Spot interruption warning received at `now` for `node`.
#[allow(clippy::too_many_arguments)]
pub fn spot_interruption(now: SimTime, node: usize, state: &ClusterState, daemonset: &dyn Fn(usize) -> bool, pools: &[NodePool], offerings: &[Vec<Offering>], usage: &[(i64, i64)], daemon: &[PodInfo]) -> InterruptionPlan {
    let evict: Vec<usize> = state.pods.iter().enumerate().filter(|(i, b)| b.node == node && !daemonset(*i)).map(|(i, _)| i).collect();
    let pods: Vec<PodInfo> = evict.iter().map(|&i| state.pods[i].pod.clone()).collect();
    let replacements = provision(&pods, pools, offerings, usage, daemon);
    InterruptionPlan {
        node,
        taint: Taint { key: DISRUPTED_TAINT.into(), value: String::new(), effect: Effect::NoSchedule },
        evict,
        replacements,
        terminate_at_ms: now + SPOT_NOTICE_MS,
    }
}

/// The event Karpenter records on the node (reason `Disrupting`-style wording is ours).
pub fn event_message(node_name: &str) -> String {
    format!("Spot interruption warning received for {node_name}: cordoned, draining, replacement launched; EC2 reclaims it in 2 minutes")
}
