//! Standalone `apps/v1` ReplicaSets (no Deployment above them): the ReplicaSet controller keeps
//! `replicas` active pods, creating the missing ones and deleting the surplus in the order of
//! `scale_down.rs` (the same ranking a Deployment's ReplicaSets use). Pods are `<rs>-<suffix>`,
//! labelled as the template says; `scale replicaset/NAME --replicas=N` changes the count.

use super::{Engine, Owner};
use crate::eks::objects::Deployment;
use crate::eks::scale_down::{pods_to_delete, RankedPod};
use crate::eks::scheduler::state::PodInfo;
use std::sync::Arc;

/// The ReplicaSet's fields share the Deployment shape (name, replicas, selector, template,
/// `strategy.min_ready_seconds` for `minReadySeconds`).
#[derive(Debug, Clone)]
pub struct ReplicaSetCtl {
    pub rs: Deployment,
    pub pods: Vec<usize>,
}

/// `.status` of a standalone ReplicaSet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplicaSetCounts {
    pub replicas: i64,
    pub ready: i64,
    pub available: i64,
}

impl Engine {
    fn rs_active(&self, k: usize) -> Vec<usize> {
        self.replica_sets[k].pods.iter().copied().filter(|id| self.pods[*id].gone_at.is_none() && self.pods[*id].deleting_at.is_none()).collect()
    }

    pub fn replica_set_counts(&self, k: usize) -> ReplicaSetCounts {
        let min_ready = self.replica_sets[k].rs.strategy.min_ready_seconds;
        let mut c = ReplicaSetCounts::default();
        for id in self.rs_active(k) {
            let p = &self.pods[id];
            c.replicas += 1;
            c.ready += p.ready(self.now) as i64;
            c.available += (p.ready(self.now) && p.ready_at.is_some_and(|r| r + min_ready <= self.now)) as i64;
        }
        c
    }

    pub(super) fn sync_replica_sets(&mut self) -> bool {
        let mut worked = false;
        for k in 0..self.replica_sets.len() {
            worked |= self.sync_replica_set(k);
        }
        worked
    }

    fn sync_replica_set(&mut self, k: usize) -> bool {
        let now = self.now;
        let active = self.rs_active(k);
        let want = self.replica_sets[k].rs.replicas;
        let (ns, name) = (self.replica_sets[k].rs.namespace.clone(), self.replica_sets[k].rs.name.clone());
        let have = active.len() as i64;
        if have > want {
            let ranked: Vec<RankedPod> = active
                .iter()
                .map(|id| {
                    let p = &self.pods[*id];
                    let rank = p.node.map_or(0, |n| active.iter().filter(|o| self.pods[**o].node == Some(n)).count() as i64);
                    RankedPod { assigned: p.node.is_some(), phase_rank: if p.started(now) { 2 } else { 0 }, ready: p.ready(now), deletion_cost: 0, rank, ready_since: p.ready_at.unwrap_or(now), restarts: 0, created_at: p.created_at, uid: *id as u64 }
                })
                .collect();
            for i in pods_to_delete(&ranked, (have - want) as usize, now) {
                let id = active[i];
                let pn = self.pods[id].info.name.clone();
                self.events.once(now, "ReplicaSet", &ns, &name, "SuccessfulDelete", format!("Deleted pod: {pn}"), false, "replicaset-controller");
                let grace = self.pods[id].info.spec.grace_s();
                self.terminate(id, grace);
            }
            return true;
        }
        if have == want {
            return false;
        }
        // One spec for the batch: the pods share it (nothing mutates a pod's spec).
        let spec = Arc::new(self.replica_sets[k].rs.template.spec.clone());
        for _ in 0..(want - have).min(100_000) {
            let pn = self.generate_pod_name(&ns, &format!("{name}-"));
            let r = &self.replica_sets[k].rs;
            let info = PodInfo::new(pn.clone(), ns.clone(), r.template.labels.clone(), spec.clone(), Some(r.selector.clone()));
            self.events.once(now, "ReplicaSet", &ns, &name, "SuccessfulCreate", format!("Created pod: {pn}"), false, "replicaset-controller");
            let id = self.add_pod(info, Owner::ReplicaSet(k), None);
            self.replica_sets[k].pods.push(id);
            self.admit(id);
        }
        true
    }

    /// `kubectl scale replicaset/NAME --replicas=N`.
    pub(super) fn scale_replica_set(&mut self, namespace: &str, name: &str, n: i64) -> Result<(), String> {
        let Some(c) = self.replica_sets.iter_mut().find(|c| c.rs.name == name && c.rs.namespace == namespace) else {
            return Err(format!("replicasets.apps {name:?} not found"));
        };
        c.rs.replicas = n;
        Ok(())
    }
}
