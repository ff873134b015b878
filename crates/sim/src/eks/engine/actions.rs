//! The Scenario timeline in kubectl's words: Deployment verbs go to their controller; `cordon`,
//! `uncordon`, `drain` and `delete pod` act on nodes and pods here. `drain` is kubectl's:
//! cordon, then evict every pod through the Eviction API (PodDisruptionBudgets checked),
//! retrying a refused eviction every 5 s, and done when the evicted pods are gone.

use super::disruption::{self, PdbStatus, Selected};
use super::{Drain, Engine, Ev, Owner};
use crate::eks::manifest::timeline::TimelineEntry;
use crate::eks::objects::PodDisruptionBudget;
use crate::eks::rollout::{Action, Target};

/// kubectl drain's wait between eviction retries (`drain.go`: "will retry after 5s").
pub const EVICTION_RETRY_S: i64 = 5;

impl Engine {
    pub(super) fn apply(&mut self, t: &TimelineEntry) {
        let err = |e: &mut Engine, msg: String| e.timeline_errors.push(format!("{}: at {}s: {msg}", t.path, t.at_s));
        match &t.action {
            a if a.is_deployment() => {
                let Some(k) = self.rollouts.iter().position(|r| r.deployment.name == t.deployment && r.deployment.namespace == t.namespace) else { return };
                if let Err(m) = self.rollouts[k].apply(a) {
                    err(self, m);
                }
            }
            Action::ScaleReplicaSet(n) => {
                if let Err(m) = self.scale_replica_set(&t.namespace, &t.deployment, *n) {
                    err(self, m);
                }
            }
            Action::SetDaemonSetImage(pairs) => {
                if let Err(m) = self.set_daemon_set_image(&t.namespace, &t.deployment, pairs) {
                    err(self, m);
                }
            }
            Action::Cordon(target) | Action::Uncordon(target) => {
                let on = matches!(t.action, Action::Cordon(_));
                let nodes = self.nodes_for(target);
                if nodes.is_empty() {
                    return err(self, no_node(target));
                }
                for n in nodes {
                    self.set_unschedulable(n, on);
                }
            }
            Action::Drain { target, ignore_daemonsets, force, grace_period_s } => {
                let nodes = self.nodes_for(target);
                if nodes.is_empty() {
                    return err(self, no_node(target));
                }
                for n in nodes {
                    if let Err(m) = self.drain_start(n, *ignore_daemonsets, *force, *grace_period_s) {
                        err(self, m);
                    }
                }
            }
            Action::DeletePod(target) => {
                let ids: Vec<usize> = (0..self.pods.len())
                    .filter(|i| {
                        let p = &self.pods[*i];
                        p.gone_at.is_none() && p.deleting_at.is_none() && p.info.namespace == t.namespace && target.picks(&p.info.name, &p.info.labels)
                    })
                    .collect();
                if ids.is_empty() {
                    return err(self, match target {
                        Target::Name(n) => format!("pods {n:?} not found"),
                        Target::Selector(_) => "No resources found".into(),
                    });
                }
                for id in ids {
                    let grace = self.pods[id].info.spec.grace_s();
                    self.delete_pod(id, grace);
                }
            }
            _ => {}
        }
    }

    fn nodes_for(&self, target: &Target) -> Vec<usize> {
        (0..self.state.nodes.len()).filter(|i| target.picks(&self.state.nodes[*i].node.name, &self.state.nodes[*i].node.labels)).collect()
    }

    fn set_unschedulable(&mut self, n: usize, on: bool) {
        let node = &mut self.state.nodes[n].node;
        if node.unschedulable == on {
            return;
        }
        node.unschedulable = on;
        let name = node.name.clone();
        let status = if on { "NodeNotSchedulable" } else { "NodeSchedulable" };
        self.events.repeatable(self.now, "Node", "", &name, status, format!("Node {name} status is now: {status}"), false, "kubelet");
        if !on {
            self.cluster_changed();
        }
    }

    /// A pod deleted through the API: Terminating, and its ReplicaSet replaces it.
    pub(super) fn delete_pod(&mut self, id: usize, grace: i64) {
        self.terminate(id, grace);
        if let Owner::Deployment(k) = self.pods[id].owner {
            if self.rollouts[k].remove_pod(&self.pods[id].info.name) {
                self.generations[k] = self.rollouts[k].generation;
                self.dirty[k] = true;
            }
        }
    }

    pub(super) fn drain_start(&mut self, n: usize, ignore_daemonsets: bool, force: bool, grace_s: Option<i64>) -> Result<(), String> {
        let name = self.state.nodes[n].node.name.clone();
        self.set_unschedulable(n, true);
        self.log_drain(format!("node/{name} cordoned"));
        let on: Vec<usize> = self.pods_on_node(n).into_iter().filter(|&i| self.pods[i].deleting_at.is_none()).collect();
        let key = |e: &Engine, i: &usize| format!("{}/{}", e.pods[*i].info.namespace, e.pods[*i].info.name);
        let daemons: Vec<String> = on.iter().filter(|i| self.pods[**i].daemon()).map(|i| key(self, i)).collect();
        let bare: Vec<String> = on.iter().filter(|i| self.pods[**i].owner == Owner::None).map(|i| key(self, i)).collect();
        let mut refusals = Vec::new();
        if !daemons.is_empty() && !ignore_daemonsets {
            refusals.push(format!("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}", daemons.join(", ")));
        }
        if !bare.is_empty() && !force {
            refusals.push(format!("cannot delete Pods that declare no controller (use --force to override): {}", bare.join(", ")));
        }
        if !refusals.is_empty() {
            let msg = format!("error: unable to drain node {name:?} due to error: {}, continuing command...", refusals.join(", "));
            self.log_drain(msg.clone());
            return Err(msg);
        }
        if !daemons.is_empty() {
            self.log_drain(format!("Warning: ignoring DaemonSet-managed Pods: {}", daemons.join(", ")));
        }
        if !bare.is_empty() {
            self.log_drain(format!("Warning: deleting Pods that declare no controller: {}", bare.join(", ")));
        }
        let to_evict: Vec<usize> = on.into_iter().filter(|i| !self.pods[*i].daemon()).collect();
        for i in &to_evict {
            self.log_drain(format!("evicting pod {}", key(self, i)));
        }
        self.drains.push(Drain { node: n, grace_s, to_evict, evicted: Vec::new(), done: false });
        let k = self.drains.len() - 1;
        self.drain_try(k);
        Ok(())
    }

    /// One round of evictions for drain `k`; then waits for the evicted pods to be gone.
    pub(super) fn drain_try(&mut self, k: usize) {
        if self.drains[k].done {
            return;
        }
        let pending = std::mem::take(&mut self.drains[k].to_evict);
        let mut left = Vec::new();
        for id in pending {
            let p = &self.pods[id];
            if p.gone_at.is_some() || p.deleting_at.is_some() {
                self.drains[k].evicted.push(id);
                continue;
            }
            match self.evict(id) {
                Ok(()) => {
                    let grace = self.drains[k].grace_s.unwrap_or(self.pods[id].info.spec.grace_s());
                    self.delete_pod(id, grace);
                    self.drains[k].evicted.push(id);
                }
                Err(m) => {
                    let p = &self.pods[id];
                    self.log_drain(format!("error when evicting pods/{:?} -n {:?} (will retry after {EVICTION_RETRY_S}s): {m}", p.info.name, p.info.namespace));
                    left.push(id);
                }
            }
        }
        let gone: Vec<usize> = self.drains[k].evicted.iter().copied().filter(|i| self.pods[*i].gone_at.is_some()).collect();
        self.drains[k].evicted.retain(|i| !gone.contains(i));
        for id in gone {
            self.log_drain(format!("pod/{} evicted", self.pods[id].info.name));
        }
        self.drains[k].to_evict = left;
        if self.drains[k].to_evict.is_empty() && self.drains[k].evicted.is_empty() {
            self.drains[k].done = true;
            let name = self.state.nodes[self.drains[k].node].node.name.clone();
            self.log_drain(format!("node/{name} drained"));
            let node = self.drains[k].node;
            self.rebalance_drained(node);
        } else {
            // Retry refused evictions in 5 s; poll for evicted pods to be gone each second.
            let wait = if self.drains[k].to_evict.is_empty() { 1 } else { EVICTION_RETRY_S };
            self.at(self.now + wait, Ev::Drain(k));
        }
    }

    /// The Eviction API for one pod: Ok, or the refusal message.
    pub(super) fn evict(&self, id: usize) -> Result<(), &'static str> {
        let p = &self.pods[id];
        let budgets: Vec<(&PodDisruptionBudget, PdbStatus)> =
            self.pdbs.iter().filter(|b| b.namespace == p.info.namespace && b.selector.matches(&p.info.labels)).map(|b| (b, self.pdb_status(b))).collect();
        disruption::may_evict(&budgets, p.started(self.now), p.ready(self.now))
    }

    /// A PDB's status now, from the live pods it selects.
    pub fn pdb_status(&self, b: &PodDisruptionBudget) -> PdbStatus {
        let mut s = Selected { pods: 0, healthy: 0, scale: 0 };
        let mut owners = std::collections::BTreeSet::new();
        for p in self.live_pods().filter(|p| p.deleting_at.is_none() && p.info.namespace == b.namespace && b.selector.matches(&p.info.labels)) {
            s.pods += 1;
            s.healthy += p.ready(self.now) as i64;
            match p.owner {
                Owner::Deployment(k) => {
                    if owners.insert(k) {
                        s.scale += self.rollouts[k].deployment.replicas;
                    }
                }
                _ => {}
            }
        }
        disruption::status(b, &s)
    }
}

fn no_node(t: &Target) -> String {
    match t {
        Target::Name(n) => format!("nodes {n:?} not found"),
        Target::Selector(_) => "No resources found".into(),
    }
}
