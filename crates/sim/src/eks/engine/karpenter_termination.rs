//! Karpenter's termination controller (eks-semantics §4.2; KARP concepts/disruption.md
//! "Termination Controller"): a NodeClaim being deleted has its node tainted
//! `karpenter.sh/disrupted:NoSchedule` and drained through the Eviction API (PodDisruptionBudgets
//! honoured, a refusal retried each second); once its pods are gone the instance is terminated
//! and the node leaves.
//!
//! The NodeClaim's finalizer waits for the instance to be gone (KARP concepts/disruption.md
//! "Termination Controller": terminate the NodeClaim in the cloud provider, then remove the
//! finalizer; Karpenter v1 waits for the instance's termination), and until then the claim counts
//! as deleting against its NodePool's budgets. Our choices: EC2's shutting-down → terminated takes
//! `INSTANCE_TERMINATION_S` (AWS documents no figure); the Node leaves when its drain ends (the
//! simplification: only the NodeClaim lingers).

use super::{Engine, Ev};
use crate::eks::karpenter::{Reason, DISRUPTED_TAINT};
use crate::eks::objects::{Effect, Taint};

/// From TerminateInstances to the instance `terminated` (its NodeClaim gone).
pub const INSTANCE_TERMINATION_S: i64 = 30;

impl super::karpenter_engine::Karpenter {
    /// NodeClaims of `pool` whose node is gone but whose instance is still terminating at `now`.
    pub(super) fn terminating(&self, pool: usize, now: i64) -> i64 {
        self.claims.iter().filter(|c| c.pool == pool && c.deleting.is_some() && c.deleted_s.is_some_and(|t| now < t + INSTANCE_TERMINATION_S)).count() as i64
    }
}

impl Engine {
    /// Taints the node `karpenter.sh/disrupted:NoSchedule` (once).
    pub(super) fn karpenter_taint(&mut self, ni: usize) {
        let n = &mut self.state.nodes[ni].node;
        if !n.taints.iter().any(|t| t.key == DISRUPTED_TAINT) {
            n.taints.push(Taint { key: DISRUPTED_TAINT.into(), value: String::new(), effect: Effect::NoSchedule });
        }
    }

    /// Taints the claim's node `karpenter.sh/disrupted:NoSchedule` and starts its drain.
    pub(super) fn karpenter_start_delete(&mut self, ci: usize, reason: Reason) {
        let now = self.now;
        let Some(k) = self.karpenter.as_mut() else { return };
        let Some(ni) = k.node_of(&self.state, ci) else { return };
        k.claims[ci].deleting = Some(reason);
        k.claims[ci].deleting_s = Some(now);
        let claim = k.claims[ci].name.clone();
        self.karpenter_taint(ni);
        let name = self.state.nodes[ni].node.name.clone();
        // Forceful methods record their own events (`karpenter_forceful.rs`).
        if !matches!(reason, Reason::Expired | Reason::Interrupted) {
            // kubernetes-sigs/karpenter pkg/controllers/disruption/events/events.go @22664681
            // `Terminating`: on the Node and on its NodeClaim, the reason title-cased.
            self.events.once(now, "Node", "", &name, "DisruptionTerminating", format!("Disrupting Node: {}", reason.as_str()), false, "karpenter");
            self.events.once(now, "NodeClaim", "", &claim, "DisruptionTerminating", format!("Disrupting NodeClaim: {}", reason.as_str()), false, "karpenter");
        }
        self.karpenter_drain();
    }

    /// The termination controller: evict every non-DaemonSet pod of a deleting node (budgets
    /// honoured), then terminate the instance and remove the node.
    pub(super) fn karpenter_drain(&mut self) {
        let now = self.now;
        let Some(k) = self.karpenter.as_ref() else { return };
        let deleting: Vec<usize> = (0..k.claims.len()).filter(|&c| k.claims[c].deleting.is_some() && k.claims[c].deleted_s.is_none()).collect();
        let mut waiting = false;
        for ci in deleting {
            // By name each time: removing a node moves the indices after it.
            let Some(ni) = self.karpenter.as_ref().and_then(|k| k.node_of(&self.state, ci)) else { continue };
            let on: Vec<usize> = self.pods_on_node(ni).into_iter().filter(|&id| !self.pods[id].daemon()).collect();
            for &id in &on {
                if self.pods[id].deleting_at.is_none() && self.evict(id).is_ok() {
                    let grace = self.pods[id].info.spec.grace_s();
                    self.delete_pod(id, grace);
                }
            }
            if on.iter().all(|&id| self.pods[id].gone_at.is_some()) {
                if let Some(k) = self.karpenter.as_mut() {
                    k.claims[ci].deleted_s = Some(now);
                }
                self.retire_node(ni);
            } else {
                waiting = true;
            }
        }
        if waiting {
            let Some(k) = self.karpenter.as_mut() else { return };
            if !k.drain_due {
                k.drain_due = true;
                self.at(now + 1, Ev::KarpenterScan);
            }
        }
    }
}
