//! Disruption (KARP concepts/disruption.md): expiration (forceful), then consolidation —
//! empty nodes deleted, then one underutilised node deleted (its pods fit elsewhere) or
//! replaced by one cheaper node — each within its NodePool's disruption budgets.
//! Drift is `drift`'s. Not modelled: multi-node consolidation, spot-to-spot replacement (feature gate off).

use crate::sort::SortSmall;
use super::cron;
use super::instance_types::Offering;
use super::provision::{provision, NodeClaim};
use super::{CapacityType, ConsolidationPolicy, NodePool, Nodes, Reason};
use crate::eks::scheduler::state::{ClusterState, NodeInfo, PodInfo};
use crate::eks::scheduler::{node_affinity, node_unschedulable, taint_toleration};
use crate::time::SimTime;

/// A node Karpenter launched (its NodeClaim).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimNode {
    /// Index into `ClusterState::nodes`.
    pub node: usize,
    pub pool: usize,
    pub capacity_type: CapacityType,
    pub usd_per_hour: f64,
    pub launched_ms: SimTime,
    /// The last time a pod was bound to or left the node; `consolidateAfter` counts from it.
    pub last_pod_change_ms: SimTime,
    pub ready: bool,
    pub deleting: bool,
}

/// What Karpenter needs to know about a pod the model does not hold.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PodFlags {
    pub daemonset: bool,
    /// `karpenter.sh/do-not-disrupt: "true"`.
    pub do_not_disrupt: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Forceful: `expireAfter` elapsed (budgets do not apply).
    Expire { node: usize },
    Delete { node: usize, reason: Reason },
    /// Launch `with` first, wait for it to be Ready, then delete `node`.
    Replace { node: usize, with: NodeClaim, reason: Reason },
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DisruptionResult {
    pub actions: Vec<Action>,
    /// Candidates held back, with why.
    pub blocked: Vec<(usize, String)>,
    /// Nodes consolidation cannot take, in Karpenter's `Unconsolidatable` words
    /// (kubernetes-sigs/karpenter pkg/controllers/disruption/consolidation.go @22664681).
    pub unconsolidatable: Vec<(usize, String)>,
}

/// Disruptions a pool allows now for `reason`: the minimum over its active budgets that cover
/// the reason of (count, or ⌈total × pct / 100⌉), less nodes already deleting or not ready.
pub fn allowed(pool: &NodePool, reason: Reason, total: i64, disrupting: i64, now_unix_s: i64) -> i64 {
    let mut best = i64::MAX;
    for b in &pool.disruption.budgets {
        if !b.reasons.is_empty() && !b.reasons.contains(&reason) {
            continue;
        }
        if let (Some(s), Some(d)) = (&b.schedule, b.duration_ms) {
            match cron::parse(s) {
                Ok(c) if c.active(now_unix_s, (d / 1000) as i64) => {}
                _ => continue,
            }
        }
        let n = match b.nodes {
            Nodes::Count(n) => n,
            Nodes::Percent(p) => (total * p + 99) / 100,
        };
        best = best.min(n);
    }
    if best == i64::MAX {
        return i64::MAX;
    }
    (best - disrupting).max(0)
}

pub(crate) fn fits(p: &PodInfo, n: &NodeInfo, extra: (i64, i64, i64)) -> bool {
    node_unschedulable::filter(p, n).is_ok()
        && taint_toleration::filter(p, n).is_ok()
        && node_affinity::filter(p, n).is_ok()
        && n.pod_count + extra.2 < n.node.max_pods
        && p.requests.cpu <= n.node.allocatable.cpu - n.requested.cpu - extra.0
        && p.requests.memory <= n.node.allocatable.memory - n.requested.memory - extra.1
}

/// One disruption pass. `flags(i)` answers for `state.pods[i]`; `offerings[p]` are pool p's
/// offerings; `daemon` the DaemonSet pods a new node runs.
#[allow(clippy::too_many_arguments)]
pub fn disrupt(now: SimTime, now_unix_s: i64, state: &ClusterState, claims: &[ClaimNode], pools: &[NodePool], offerings: &[Vec<Offering>], flags: &dyn Fn(usize) -> PodFlags, daemon: &[PodInfo]) -> DisruptionResult {
    let mut out = DisruptionResult::default();
    let mut by_node: Vec<Vec<usize>> = vec![Vec::new(); state.nodes.len()];
    for (i, b) in state.pods.iter().enumerate() {
        if !flags(i).daemonset {
            if let Some(v) = by_node.get_mut(b.node) {
                v.push(i);
            }
        }
    }
    let mut taken = vec![false; claims.len()];
    for (k, c) in claims.iter().enumerate() {
        let expire = pools.get(c.pool).and_then(|p| p.expire_after_ms);
        if !c.deleting && expire.is_some_and(|e| now >= c.launched_ms + e) {
            out.actions.push(Action::Expire { node: c.node });
            taken[k] = true;
        }
    }
    let mut budget: Vec<[i64; 3]> = pools
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let mine: Vec<&ClaimNode> = claims.iter().filter(|c| c.pool == pi).collect();
            let total = mine.len() as i64;
            let disrupting = mine.iter().filter(|c| c.deleting || !c.ready).count() as i64;
            [Reason::Empty, Reason::Drifted, Reason::Underutilized].map(|r| allowed(p, r, total, disrupting, now_unix_s))
        })
        .collect();
    for (k, c) in claims.iter().enumerate() {
        let Some(p) = pools.get(c.pool) else { continue };
        if !taken[k] && !c.deleting && c.ready && p.disruption.consolidate_after_ms.is_none() {
            out.unconsolidatable.push((c.node, format!("NodePool {:?} has consolidation disabled", p.name)));
        }
    }
    let settled = |c: &ClaimNode| pools.get(c.pool).and_then(|p| p.disruption.consolidate_after_ms).is_some_and(|d| now >= c.last_pod_change_ms + d);
    // Empty nodes, in parallel.
    for (k, c) in claims.iter().enumerate() {
        if taken[k] || c.deleting || !c.ready || !by_node[c.node].is_empty() || !settled(c) {
            continue;
        }
        if budget[c.pool][0] <= 0 {
            out.blocked.push((c.node, format!("disruption budget for nodepool \"{}\" allows no more Empty disruptions", pools[c.pool].name)));
            continue;
        }
        budget[c.pool][0] -= 1;
        taken[k] = true;
        out.actions.push(Action::Delete { node: c.node, reason: Reason::Empty });
    }
    // The disruption controller runs one method per pass: empty-node deletion, if it found
    // anything, is this pass's command.
    if out.actions.iter().any(|a| matches!(a, Action::Delete { .. })) {
        return out;
    }
    // One underutilised node: fewest pods first, then the oldest.
    for (k, c) in claims.iter().enumerate() {
        let Some(p) = pools.get(c.pool) else { continue };
        if !taken[k] && !c.deleting && c.ready && !by_node[c.node].is_empty() && p.disruption.consolidate_after_ms.is_some() && p.disruption.policy == ConsolidationPolicy::WhenEmpty {
            out.unconsolidatable.push((c.node, format!("NodePool {:?} has consolidation policy WhenEmpty, but node is not empty", p.name)));
        }
    }
    let mut cands: Vec<usize> = (0..claims.len())
        .filter(|&k| {
            let c = &claims[k];
            !taken[k] && !c.deleting && c.ready && settled(c) && pools.get(c.pool).is_some_and(|p| p.disruption.policy == ConsolidationPolicy::WhenEmptyOrUnderutilized)
        })
        .collect();
    cands.sort_small_by_key(|&k| (by_node[claims[k].node].len(), claims[k].launched_ms, claims[k].node));
    let gone: Vec<usize> = out.actions.iter().map(|a| match a { Action::Expire { node } | Action::Delete { node, .. } | Action::Replace { node, .. } => *node }).collect();
    for k in cands {
        let c = &claims[k];
        let pods = &by_node[c.node];
        if let Some(&i) = pods.iter().find(|&&i| flags(i).do_not_disrupt) {
            let p = &state.pods[i].pod;
            // `DisruptionBlocked` as kubernetes-sigs/karpenter words it (state/statenode.go, the
            // sentence-cased error; disruption/suite_test.go @22664681).
            out.blocked.push((c.node, format!("Pod has \"karpenter.sh/do-not-disrupt\" annotation (Pod={}/{})", p.namespace, p.name)));
            continue;
        }
        if budget[c.pool][2] <= 0 {
            out.blocked.push((c.node, format!("disruption budget for nodepool \"{}\" allows no more Underutilized disruptions", pools[c.pool].name)));
            continue;
        }
        // Delete: every pod fits on the other nodes.
        let mut extra = vec![(0i64, 0i64, 0i64); state.nodes.len()];
        let all_fit = pods.iter().all(|&i| {
            let p = &state.pods[i].pod;
            let dest = (0..state.nodes.len()).find(|&d| d != c.node && !gone.contains(&d) && fits(p, &state.nodes[d], extra[d]));
            dest.map(|d| {
                extra[d].0 += p.requests.cpu;
                extra[d].1 += p.requests.memory;
                extra[d].2 += 1;
            })
            .is_some()
        });
        if all_fit {
            out.actions.push(Action::Delete { node: c.node, reason: Reason::Underutilized });
            return out;
        }
        // Replace: one cheaper node of the same pool holds them all (no spot → spot).
        let moving: Vec<PodInfo> = pods.iter().map(|&i| state.pods[i].pod.clone()).collect();
        let pool_offers: Vec<Offering> = offerings[c.pool].iter().filter(|o| o.usd_per_hour < c.usd_per_hour && !(c.capacity_type == CapacityType::Spot && o.capacity_type == CapacityType::Spot)).cloned().collect();
        let mut only: Vec<Vec<Offering>> = vec![Vec::new(); pools.len()];
        only[c.pool] = pool_offers;
        let mut solo = pools.to_vec();
        for (pi, p) in solo.iter_mut().enumerate() {
            if pi != c.pool {
                p.weight = i64::MIN;
            }
        }
        let plan = provision(&moving, &solo, &only, &vec![(0, 0); pools.len()], daemon);
        if let (true, [with]) = (plan.unschedulable.is_empty(), plan.claims.as_slice()) {
            let with = with.clone();
            out.actions.push(Action::Replace { node: c.node, with, reason: Reason::Underutilized });
            return out;
        }
        out.unconsolidatable.push((c.node, "Can't replace with a cheaper node".into()));
    }
    out
}
