//! Karpenter drift on the engine's clock (eks-semantics §4.2 "Drift, then Consolidation"; KARP
//! concepts/disruption.md "Drift"). A timeline `apply` changes a NodePool or EC2NodeClass; each
//! launched NodeClaim that no longer matches gets status condition `Drifted` (reason as
//! `karpenter::drift::drift_reason` gives it; one that matches again loses it). Each disruption
//! pass then takes one drifted node, as Karpenter's drift method returns one command: empty
//! ones first, then the longest drifted; within the pool's `Drifted` budget (nodes tainted or
//! draining count against it). As disruption.md's steps go (aws/karpenter-provider-aws
//! website/content/en/docs/concepts/disruption.md @1d927085): the node is tainted
//! `karpenter.sh/disrupted:NoSchedule`, the replacements its pods need are pre-spun and, once
//! Ready, it drains through the Eviction API (PDBs honoured); a replacement that fails to launch
//! un-taints it. The disruption controller polls every 10 s (`pollingPeriod`,
//! pkg/controllers/disruption/controller.go @22664681), so a budget above 1 starts the next
//! command 10 s later while the first is in flight.
//!
//! Event wording from kubernetes-sigs/karpenter pkg/controllers/disruption/events/events.go
//! @2266468104f3 (2026-08-20): `DisruptionLaunching` "Launching NodeClaim: Drifted" and
//! `DisruptionWaitingReadiness` "Waiting on readiness to continue disruption" on the
//! replacement NodeClaim; `DisruptionBlocked` "No allowed disruptions for disruption reason
//! Drifted due to blocking budget" on the NodePool when its budget allows none (helpers.go).

use super::{Engine, Ev};
use crate::eks::autoscaler::system_daemon_pods;
use crate::eks::karpenter::disruption::allowed;
use crate::eks::karpenter::drift::{drift_reason, plan, DriftPlan};
use crate::eks::karpenter::instance_types::offerings;
use crate::eks::karpenter::provision::NodeClaim;
use crate::eks::karpenter::{Reason, DISRUPTED_TAINT};
use crate::eks::manifest::karpenter_apply::Applied;
use crate::sort::SortSmall;

/// Karpenter's disruption controller polling period.
pub const DISRUPTION_POLL_S: i64 = 10;
/// `Unconsolidatable`'s `DedupeTimeout`.
const UNCONSOLIDATABLE_DEDUPE_S: i64 = 15 * 60;

impl Engine {
    /// Puts every timeline `apply` on the clock.
    pub(super) fn karpenter_schedule_applies(&mut self) {
        let at: Vec<i64> = self.karpenter.as_ref().map(|k| k.applies.iter().map(|a| a.at_s).collect()).unwrap_or_default();
        for (i, t) in at.into_iter().enumerate() {
            self.at(t, Ev::KarpenterApply(i));
        }
    }

    /// `kubectl apply` of a changed NodePool or EC2NodeClass: new launches use it; drift is
    /// re-checked for every NodeClaim at once.
    pub(super) fn karpenter_apply(&mut self, i: usize) {
        let Some(k) = self.karpenter.as_mut() else { return };
        let Some(a) = k.applies.get(i).cloned() else { return };
        match a.object {
            Applied::NodePool(p) => {
                if let Some(pi) = k.pools.iter().position(|x| x.name == p.name) {
                    k.offerings[pi] = offerings(&p, &k.zones, k.seed);
                    k.pools[pi] = p;
                }
            }
            Applied::NodeClass(c) => {
                if let Some(ci) = k.classes.iter().position(|x| x.name == c.name) {
                    k.classes[ci] = c;
                }
            }
        }
        self.karpenter_mark_drift();
        self.karpenter_poke();
    }

    /// Sets or clears each launched NodeClaim's `Drifted` condition.
    fn karpenter_mark_drift(&mut self) {
        let now = self.now;
        let Some(k) = self.karpenter.as_mut() else { return };
        for c in k.claims.iter_mut().filter(|c| c.ip.is_some() && c.deleted_s.is_none()) {
            let pool = &k.pools[c.pool];
            let class = k.classes.iter().find(|x| x.name == c.node_class);
            match drift_reason(&c.launch, &c.offering.labels, pool, class) {
                None => c.drifted = None,
                Some(r) if c.drifted.is_none_or(|d| d.0 != r) => c.drifted = Some((r, now)),
                Some(_) => {}
            }
        }
    }

    /// A Replace command: the node is tainted now, its replacements launched; it drains once
    /// they are all Ready (`karpenter_claim_ready`). No replacement launched: the command fails
    /// and the taint comes off.
    pub(super) fn karpenter_replace(&mut self, ci: usize, with: Vec<NodeClaim>, reason: Reason) {
        let now = self.now;
        let Some(ni) = self.karpenter.as_ref().and_then(|k| k.node_of(&self.state, ci)) else { return };
        self.karpenter_taint(ni);
        if let Some(k) = self.karpenter.as_mut() {
            k.claims[ci].disrupted = Some(reason);
        }
        let mut launched = 0;
        for w in with {
            let idx = self.karpenter_launch(w, Vec::new(), Some(ci));
            let Some(k) = self.karpenter.as_ref() else { return };
            let c = &k.claims[idx];
            if c.node_name.is_none() {
                continue;
            }
            launched += 1;
            let name = c.name.clone();
            self.events.once(now, "NodeClaim", "", &name, "DisruptionLaunching", format!("Launching NodeClaim: {}", reason.as_str()), false, "karpenter");
            self.events.once(now, "NodeClaim", "", &name, "DisruptionWaitingReadiness", "Waiting on readiness to continue disruption".into(), false, "karpenter");
        }
        if launched == 0 {
            if let Some(k) = self.karpenter.as_mut() {
                k.claims[ci].disrupted = None;
            }
            self.state.nodes[ni].node.taints.retain(|t| t.key != DISRUPTED_TAINT);
        }
    }

    /// `Unconsolidatable` on the Node and its NodeClaim (events.go @22664681), at most once per
    /// node in `DedupeTimeout` (15 min).
    pub(super) fn karpenter_unconsolidatable(&mut self, list: &[(usize, String)]) {
        let now = self.now;
        for (ni, msg) in list {
            let Some(node) = self.state.nodes.get(*ni).map(|n| n.node.name.clone()) else { continue };
            let Some(ci) = self.karpenter_claim_of(*ni) else { continue };
            let Some(k) = self.karpenter.as_mut() else { return };
            match k.unconsolidatable_s.iter_mut().find(|(n, _)| *n == node) {
                Some((_, t)) if now < *t + UNCONSOLIDATABLE_DEDUPE_S => continue,
                Some((_, t)) => *t = now,
                None => k.unconsolidatable_s.push((node.clone(), now)),
            }
            let claim = k.claims[ci].name.clone();
            self.events.once(now, "Node", "", &node, "Unconsolidatable", msg.clone(), false, "karpenter");
            self.events.once(now, "NodeClaim", "", &claim, "Unconsolidatable", msg.clone(), false, "karpenter");
        }
    }

    /// One drift command, if a drifted node's pool budget allows it; true when one started.
    pub(super) fn karpenter_drift(&mut self) -> bool {
        let now = self.now;
        let Some(k) = self.karpenter.as_ref() else { return false };
        // The common pass has nothing drifted: out before any per-node work.
        if !k.claims.iter().any(|c| c.drifted.is_some() && c.deleted_s.is_none()) {
            return false;
        }
        // A node a command holds (tainted, draining, or waiting for a replacement).
        let held = |ci: usize| {
            let c = &k.claims[ci];
            c.deleting.is_some() || c.disrupted.is_some()
        };
        let live: Vec<(usize, usize)> = (0..k.claims.len()).filter(|&ci| k.claims[ci].deleted_s.is_none()).filter_map(|ci| k.node_of(&self.state, ci).map(|ni| (ci, ni))).collect();
        let pods_on = |ni: usize| -> Vec<usize> {
            let mut v: Vec<usize> = (0..self.state.pods.len()).filter(|&i| self.state.pods[i].node == ni).collect();
            // Reschedulable pods only: not DaemonSet pods, not pods already terminating.
            v.retain(|&i| {
                let bp = &self.state.pods[i].pod;
                !self.by_name.get(&(bp.namespace.clone(), bp.name.clone())).is_some_and(|&id| self.pods[id].daemon() || self.pods[id].deleting_at.is_some())
            });
            v
        };
        let mut cands: Vec<(usize, usize, Vec<usize>)> = live.iter().filter(|(ci, _)| k.claims[*ci].drifted.is_some() && !held(*ci)).map(|&(ci, ni)| (ci, ni, pods_on(ni))).collect();
        if cands.is_empty() {
            return false;
        }
        cands.sort_small_by_key(|(ci, _, pods)| (!pods.is_empty(), k.claims[*ci].drifted.map_or(0, |d| d.1), *ci));
        let gone: Vec<usize> = live.iter().filter(|(ci, _)| held(*ci)).map(|x| x.1).collect();
        let unix = k.start_unix() + now;
        let usage: Vec<(i64, i64)> = (0..k.pools.len())
            .map(|p| k.claims.iter().filter(|c| c.pool == p && c.deleted_s.is_none()).fold((0, 0), |a, c| (a.0 + c.offering.vcpus as i64 * 1000, a.1 + c.offering.capacity_memory)))
            .collect();
        let mut blocked_pools: Vec<usize> = Vec::new();
        let mut chosen: Option<(usize, DriftPlan)> = None;
        let mut blocked_nodes: Vec<(usize, String)> = Vec::new();
        for (ci, ni, pods) in &cands {
            let pi = k.claims[*ci].pool;
            let pool = &k.pools[pi];
            let mine: Vec<&(usize, usize)> = live.iter().filter(|(c, _)| k.claims[*c].pool == pi).collect();
            // A pod annotated `karpenter.sh/do-not-disrupt: "true"` keeps its node (drift is voluntary).
            if let Some(&i) = pods.iter().find(|&&i| self.state.pods[i].pod.spec.node_scaler.do_not_disrupt) {
                let p = &self.state.pods[i].pod;
                blocked_nodes.push((*ni, format!("Pod has \"karpenter.sh/do-not-disrupt\" annotation (Pod={}/{})", p.namespace, p.name)));
                continue;
            }
            let ending = k.terminating(pi, now);
            let disrupting = mine.iter().filter(|(c, _)| held(*c)).count() as i64 + ending;
            let total = mine.len() as i64 + ending;
            if allowed(pool, Reason::Drifted, total, disrupting, unix) <= 0 {
                if allowed(pool, Reason::Drifted, total, 0, unix) <= 0 && !blocked_pools.contains(&pi) {
                    blocked_pools.push(pi);
                }
                continue;
            }
            match plan(*ni, pods, &gone, &self.state, &k.pools, &k.offerings, &usage, &system_daemon_pods()) {
                DriftPlan::Blocked(why) => blocked_nodes.push((*ni, why)),
                p => {
                    chosen = Some((*ci, p));
                    break;
                }
            }
        }
        for pi in blocked_pools {
            let name = k.pools[pi].name.clone();
            self.events.repeatable(now, "NodePool", "", &name, "DisruptionBlocked", "No allowed disruptions for disruption reason Drifted due to blocking budget".into(), false, "karpenter");
        }
        for (ni, why) in blocked_nodes {
            let name = self.state.nodes[ni].node.name.clone();
            self.events.repeatable(now, "Node", "", &name, "DisruptionBlocked", why, false, "karpenter");
        }
        let Some((ci, p)) = chosen else { return false };
        match p {
            DriftPlan::Replace(with) => self.karpenter_replace(ci, with, Reason::Drifted),
            _ => self.karpenter_start_delete(ci, Reason::Drifted),
        }
        // The next poll may start another command if the budget allows.
        self.karpenter_scan_at(now + DISRUPTION_POLL_S);
        true
    }
}
