//! Karpenter's forceful disruption (eks-semantics §4.2 "Forceful"; KARP concepts/disruption.md
//! "Forceful Methods"): **expiration** (`spec.template.spec.expireAfter`, default 720h, counted
//! from the NodeClaim's creation) and **interruption** (a Spot interruption warning read from
//! the SQS interruption queue). Neither waits for a disruption budget ("Budgets do not stop
//! expiration or interruption handling") nor for the one-at-a-time disruption command. The
//! node is tainted `karpenter.sh/disrupted:NoSchedule`, a replacement NodeClaim for its pods is
//! launched at once (`karpenter::interruption`: "Karpenter drains and launches a replacement at
//! once"), and the termination controller drains it through the Eviction API (PDBs honoured).
//! On interruption EC2 reclaims the instance two minutes after the warning (`spot.rs`).
//!
//! Our choices: expiration pre-spins a replacement the same way (Karpenter's docs give no
//! separate rule for it); the drain does not wait for the replacement to be Ready, as a forceful
//! method does not. Event wording verified against aws/karpenter-provider-aws
//! pkg/controllers/interruption/events/events.go @1d927085dd81 (2026-08-21): Warning
//! `SpotInterrupted` "Spot interruption warning was triggered" and `TerminatingOnInterruption`
//! "Interruption triggered termination for the NodeClaim" / "… for the Node", on both objects.
//! `Expired` is ours: Karpenter's expiration controller deletes the NodeClaim and publishes no
//! event (kubernetes-sigs/karpenter pkg/controllers/nodeclaim/expiration/controller.go
//! @22664681); the sim records one so the timeline says why the node went.

use super::Engine;
use crate::eks::autoscaler::system_daemon_pods;
use crate::eks::karpenter::interruption::spot_interruption;
use crate::eks::karpenter::{CapacityType, Reason};
use crate::eks::objects::Effect;
use crate::eks::scheduler::node_affinity::required_matches;

impl Engine {
    /// The live NodeClaim whose node is `node`.
    pub(super) fn karpenter_claim_of(&self, node: usize) -> Option<usize> {
        let k = self.karpenter.as_ref()?;
        let name = &self.state.nodes.get(node)?.node.name;
        k.claims.iter().position(|c| c.node_name.as_ref() == Some(name) && c.deleted_s.is_none() && c.ready_s.is_some())
    }

    /// A `SpotInterruption` notice for Karpenter's node `node` (claim `ci`): refused when the
    /// NodeClaim is not Spot.
    pub(super) fn karpenter_check_spot(&self, ci: usize) -> Result<(), String> {
        let k = self.karpenter.as_ref().ok_or("no Karpenter")?;
        let c = &k.claims[ci];
        if c.offering.capacity_type != CapacityType::Spot {
            return Err(format!("node {:?} is not a Spot instance (NodeClaim {} has karpenter.sh/capacity-type: {})", c.node_name.clone().unwrap_or_default(), c.name, c.offering.capacity_type.as_str()));
        }
        Ok(())
    }

    /// Karpenter reads the warning from its interruption queue and acts at once.
    pub(super) fn karpenter_spot_interruption(&mut self, ci: usize) {
        let now = self.now;
        let Some(k) = self.karpenter.as_ref() else { return };
        let (claim, node) = (k.claims[ci].name.clone(), k.claims[ci].node_name.clone().unwrap_or_default());
        for (kind, name) in [("Node", &node), ("NodeClaim", &claim)] {
            self.events.once(now, kind, "", name, "SpotInterrupted", "Spot interruption warning was triggered".into(), true, "karpenter");
            self.events.once(now, kind, "", name, "TerminatingOnInterruption", format!("Interruption triggered termination for the {kind}"), true, "karpenter");
        }
        self.karpenter_forceful(ci, Reason::Interrupted);
    }

    /// EC2 took the interrupted instance back: the claim is done and its node leaves.
    pub(super) fn karpenter_reclaimed(&mut self, ci: usize, node: usize) {
        if let Some(k) = self.karpenter.as_mut() {
            k.claims[ci].deleted_s = Some(self.now);
        }
        self.retire_node(node);
    }

    /// Every NodeClaim past its pool's `expireAfter` is disrupted now; the next expiry is put
    /// on the clock.
    pub(super) fn karpenter_expire(&mut self) {
        let now = self.now;
        let Some(k) = self.karpenter.as_ref() else { return };
        let due = |c: &super::karpenter_engine::Claim| k.pools[c.pool].expire_after_ms.map(|e| c.created_s + (e as i64 + 999) / 1000);
        let live = |c: &super::karpenter_engine::Claim| c.ready_s.is_some() && c.deleting.is_none() && c.deleted_s.is_none();
        let expired: Vec<usize> = (0..k.claims.len()).filter(|&ci| live(&k.claims[ci]) && due(&k.claims[ci]).is_some_and(|t| t <= now)).collect();
        let next = k.claims.iter().filter(|c| live(c) || c.ready_s.is_none() && c.deleted_s.is_none()).filter_map(due).filter(|&t| t > now).min();
        for ci in expired {
            let Some(k) = self.karpenter.as_ref() else { return };
            let c = &k.claims[ci];
            let after = k.pools[c.pool].expire_after_ms.unwrap_or(0) / 1000;
            let (claim, node) = (c.name.clone(), c.node_name.clone().unwrap_or_default());
            let msg = format!("NodeClaim {claim} expired: it lived expireAfter ({})", go_duration(after));
            self.events.once(now, "Node", "", &node, "Expired", msg, false, "karpenter");
            self.karpenter_forceful(ci, Reason::Expired);
        }
        if let Some(t) = next {
            self.karpenter_scan_at(t);
        }
    }

    /// Launch replacements for the node's pods at once, then taint and drain it.
    pub(super) fn karpenter_forceful(&mut self, ci: usize, reason: Reason) {
        let now = self.now;
        let Some(k) = self.karpenter.as_ref() else { return };
        if k.claims[ci].deleting.is_some() {
            // Already draining (consolidation): it keeps going; now it cannot be called off.
            if let Some(k) = self.karpenter.as_mut() {
                k.claims[ci].deleting = Some(reason);
            }
            return;
        }
        let Some(ni) = k.node_of(&self.state, ci) else { return };
        let daemonset = |i: usize| {
            let bp = &self.state.pods[i].pod;
            self.by_name.get(&(bp.namespace.clone(), bp.name.clone())).is_some_and(|&id| self.pods[id].daemon())
        };
        let usage: Vec<(i64, i64)> = (0..k.pools.len())
            .map(|p| k.claims.iter().filter(|c| c.pool == p && c.deleted_s.is_none() && c.deleting.is_none()).fold((0, 0), |a, c| (a.0 + c.offering.vcpus as i64 * 1000, a.1 + c.offering.capacity_memory)))
            .collect();
        let plan = spot_interruption(now as u64 * 1000, ni, &self.state, &daemonset, &k.pools, &k.offerings, &usage, &system_daemon_pods());
        for c in plan.replacements.claims {
            self.karpenter_launch(c, Vec::new(), None);
        }
        self.karpenter_start_delete(ci, reason);
    }

    /// Takes out of `pending` the pods that fit a NodeClaim still launching (pool taints
    /// tolerated, its labels matched, room left after its DaemonSet pods and the pods already
    /// waiting for it); they are nominated to it.
    pub(super) fn karpenter_onto_in_flight(&mut self, pending: Vec<usize>) -> Vec<usize> {
        let daemon = system_daemon_pods();
        let (ds_cpu, ds_mem) = daemon.iter().fold((0, 0), |a, p| (a.0 + p.requests.cpu, a.1 + p.requests.memory));
        let Some(k) = self.karpenter.as_mut() else { return pending };
        let waiting = |id: usize, pods: &[super::PodRecord]| pods[id].node.is_none() && pods[id].gone_at.is_none() && pods[id].deleting_at.is_none();
        let mut room: Vec<(usize, i64, i64, i64)> = Vec::new();
        for (ci, c) in k.claims.iter().enumerate() {
            if c.ready_s.is_some() || c.node_name.is_none() || c.deleted_s.is_some() {
                continue;
            }
            let held: Vec<usize> = c.nominated.iter().copied().filter(|&id| waiting(id, &self.pods)).collect();
            let cpu = c.offering.allocatable_cpu - ds_cpu - held.iter().map(|&id| self.pods[id].info.requests.cpu).sum::<i64>();
            let mem = c.offering.allocatable_memory - ds_mem - held.iter().map(|&id| self.pods[id].info.requests.memory).sum::<i64>();
            room.push((ci, cpu, mem, c.offering.max_pods - daemon.len() as i64 - held.len() as i64));
        }
        if room.is_empty() {
            return pending;
        }
        let mut left = Vec::new();
        for id in pending {
            let p = &self.pods[id].info;
            let slot = room.iter_mut().find(|(ci, cpu, mem, n)| {
                let c = &k.claims[*ci];
                let pool = &k.pools[c.pool];
                let tolerated = pool.taints.iter().all(|t| t.effect == Effect::PreferNoSchedule || p.spec.tolerations.iter().any(|tol| tol.tolerates(t)));
                *n > 0 && p.requests.cpu <= *cpu && p.requests.memory <= *mem && tolerated && required_matches(p, &c.offering.labels)
            });
            match slot {
                Some(s) => {
                    s.1 -= p.requests.cpu;
                    s.2 -= p.requests.memory;
                    s.3 -= 1;
                    k.claims[s.0].nominated.push(id);
                }
                None => left.push(id),
            }
        }
        left
    }
}

/// `expireAfter` as written in a NodePool: `720h`, `90m`, `45s`.
fn go_duration(s: u64) -> String {
    match s {
        s if s > 0 && s % 3600 == 0 => format!("{}h", s / 3600),
        s if s > 0 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}
