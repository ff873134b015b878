//! Cluster Autoscaler scale-down on the engine's clock (eks-semantics §4.1; CA FAQ.md "How
//! does scale-down work?"). When a scan adds no node, `autoscaler::scale_down` marks the
//! unneeded nodes (requests under the utilisation threshold, every pod movable elsewhere, no
//! blocking pod) and, once one has been unneeded for `scale-down-unneeded-time` outside the
//! cool-downs and above its group's min, CA taints it `ToBeDeletedByClusterAutoscaler`
//! (NoSchedule), evicts its pods through the Eviction API (PodDisruptionBudgets checked,
//! a refused eviction retried), then terminates the instance and the node leaves.
//!
//! Scans are not run every `scanInterval` on an unchanged cluster: the verdicts only change
//! when pods or nodes do, or when an unneeded node's time comes, so the engine scans at the
//! next tick after a change and at the tick a deletion falls due (`ScaleDown::next_deletion_due`).
//!
//! Our choices (CA's constants, core/scaledown/actuation): an eviction refused by a budget is
//! retried every `EVICTION_RETRY_S`; a drain not done after `MAX_POD_EVICTION_S` fails
//! (`ScaleDownFailed`, the taint is removed, `scale-down-delay-after-failure` starts); evicted
//! pods get at most `MAX_GRACEFUL_TERMINATION_S` (`--max-graceful-termination-sec`). Only one
//! non-empty node drains at a time (`--max-drain-parallelism` 1): no deletion starts while a
//! drain runs. Local storage is not in the pod model; `cluster-autoscaler.kubernetes.io/safe-to-evict` is read
//! from the pod template's annotations.

use super::{Engine, Ev, Owner};
use crate::eks::autoscaler::scale_down::{EvictionFacts, TO_BE_DELETED_TAINT};
use crate::eks::autoscaler::GroupState;
use crate::eks::objects::{Effect, Taint};

pub const EVICTION_RETRY_S: i64 = 10;
pub const MAX_POD_EVICTION_S: i64 = 120;
pub const MAX_GRACEFUL_TERMINATION_S: i64 = 600;

/// One node CA is draining to delete.
#[derive(Debug, Clone)]
pub struct CaDrain {
    pub node: String,
    /// Index into `Autoscaler::groups`.
    pub group: usize,
    pub to_evict: Vec<usize>,
    pub evicted: Vec<usize>,
    pub started: i64,
    pub next_try: i64,
}

impl Engine {
    /// Something changed (pods, nodes): the node scaler looks at its next tick.
    pub(super) fn node_scaling_poke(&mut self) {
        if self.autoscaler.is_some() {
            self.ca_poke();
        }
        if self.karpenter.is_some() {
            self.karpenter_poke();
        }
    }

    pub(super) fn ca_poke(&mut self) {
        let Some(ca) = self.autoscaler.as_mut() else { return };
        if ca.scan_due {
            return;
        }
        ca.scan_due = true;
        let tick = ca.next_tick(self.now);
        self.at(tick, Ev::CaScan);
    }

    /// The scale-down half of a scan (no scale-up happened in it).
    pub(super) fn ca_scale_down(&mut self) {
        let Some(mut ca) = self.autoscaler.take() else { return };
        if !ca.opts.scale_down_enabled || !ca.drains.is_empty() {
            self.autoscaler = Some(ca);
            return;
        }
        let now = self.now;
        let pdb_status: Vec<i64> = self.pdbs.iter().map(|b| self.pdb_status(b).disruptions_allowed).collect();
        // Without budgets or controllers other than Deployments, a pod's own record says it
        // all (aws-node / kube-proxy by label, a Deployment's pod by its owner selector): no
        // name lookup per pod per scan.
        let plain = self.pdbs.is_empty() && self.daemon_sets.is_empty() && self.jobs.is_empty() && self.replica_sets.is_empty() && self.cron_jobs.is_empty();
        let facts = |i: usize| -> EvictionFacts {
            let bp = &self.state.pods[i].pod;
            if plain {
                return EvictionFacts::of(bp);
            }
            let Some(&id) = self.by_name.get(&(bp.namespace.clone(), bp.name.clone())) else { return EvictionFacts::of(bp) };
            let p = &self.pods[id];
            let pdbs: Vec<usize> = (0..self.pdbs.len()).filter(|&k| self.pdbs[k].namespace == bp.namespace && self.pdbs[k].selector.matches(&bp.labels)).collect();
            EvictionFacts {
                daemonset: p.daemon(),
                replicated: !matches!(p.owner, Owner::None),
                has_pdb: !pdbs.is_empty(),
                pdb_blocks: pdbs.iter().any(|&k| pdb_status[k] <= 0),
                safe_to_evict: bp.spec.node_scaler.safe_to_evict,
                ..EvictionFacts::default()
            }
        };
        let mut groups: Vec<GroupState> = ca.groups.iter().map(|(_, g)| g.clone()).collect();
        let out = ca.scale_down.scan(now as u64 * 1000, &self.state, &mut groups, &facts, &ca.opts);
        for (k, g) in groups.into_iter().enumerate() {
            ca.groups[k].1.target = g.target;
        }
        let due = ca.scale_down.next_deletion_due(&ca.opts).map(|ms| (ms as i64 + 999) / 1000).filter(|t| *t > now);
        let start = ca.start_unix;
        self.autoscaler = Some(ca);
        for ev in &out.events {
            let name = self.state.nodes[ev.node].node.name.clone();
            if ev.message.starts_with("Scale-down:") {
                self.events.repeatable(now, "ConfigMap", "kube-system", "cluster-autoscaler-status", ev.reason, ev.message.clone(), false, "cluster-autoscaler");
            } else {
                self.events.once(now, "Node", "", &name, ev.reason, ev.message.clone(), false, "cluster-autoscaler");
            }
        }
        // Resolve every deletion's node and pods first: retiring a node moves indices.
        let plans: Vec<(String, usize, Vec<usize>)> = out
            .delete
            .iter()
            .map(|d| {
                let ids = d.evict.iter().filter_map(|&i| {
                    let bp = &self.state.pods[i].pod;
                    self.by_name.get(&(bp.namespace.clone(), bp.name.clone())).copied()
                });
                (self.state.nodes[d.node].node.name.clone(), d.group, ids.collect())
            })
            .collect();
        for (name, group, ids) in plans {
            let Some(ni) = self.state.nodes.iter().position(|n| n.node.name == name) else { continue };
            self.state.nodes[ni].node.taints.push(Taint { key: TO_BE_DELETED_TAINT.into(), value: (start + now).to_string(), effect: Effect::NoSchedule });
            if ids.is_empty() {
                self.ca_delete_node(ni);
                continue;
            }
            for &id in &ids {
                let (ns, pn) = (self.pods[id].info.namespace.clone(), self.pods[id].info.name.clone());
                self.events.once(now, "Pod", &ns, &pn, "ScaleDown", "deleting pod for node scale down".into(), false, "cluster-autoscaler");
            }
            let ca = self.autoscaler.as_mut().expect("put back above");
            ca.drains.push(CaDrain { node: name, group, to_evict: ids, evicted: Vec::new(), started: now, next_try: now });
        }
        if self.autoscaler.as_ref().is_some_and(|c| !c.drains.is_empty()) {
            self.ca_drain_tick();
        } else if let Some(t) = due {
            let tick = self.autoscaler.as_ref().map_or(t, |c| c.tick_at_or_after(t));
            self.at(tick, Ev::CaScan);
        }
    }

    /// The node's instance is terminated and the node leaves; its group is one smaller.
    fn ca_delete_node(&mut self, node: usize) {
        let name = self.state.nodes[node].node.name.clone();
        self.events.once(self.now, "Node", "", &name, "ScaleDown", "node removed by cluster autoscaler".into(), false, "cluster-autoscaler");
        self.retire_node(node);
        if let Some(ca) = self.autoscaler.as_mut() {
            ca.scale_down.last_delete_ms = Some(self.now as u64 * 1000);
        }
    }

    /// One pass over CA's drains: evict what may go, finish nodes whose pods are gone, fail
    /// drains that ran out of time.
    pub(super) fn ca_drain_tick(&mut self) {
        let now = self.now;
        let Some(ca) = self.autoscaler.as_mut() else { return };
        let mut drains = std::mem::take(&mut ca.drains);
        let mut keep = Vec::new();
        for mut d in drains.drain(..) {
            let Some(ni) = self.state.nodes.iter().position(|n| n.node.name == d.node) else { continue };
            if now >= d.next_try {
                let pending = std::mem::take(&mut d.to_evict);
                for id in pending {
                    let p = &self.pods[id];
                    if p.gone_at.is_some() || p.deleting_at.is_some() {
                        d.evicted.push(id);
                    } else if self.evict(id).is_ok() {
                        let grace = self.pods[id].info.spec.grace_s().min(MAX_GRACEFUL_TERMINATION_S);
                        self.delete_pod(id, grace);
                        d.evicted.push(id);
                    } else {
                        d.to_evict.push(id);
                    }
                }
                d.next_try = now + EVICTION_RETRY_S;
            }
            d.evicted.retain(|&id| self.pods[id].gone_at.is_none());
            if d.to_evict.is_empty() && d.evicted.is_empty() {
                self.ca_delete_node(ni);
            } else if !d.to_evict.is_empty() && now - d.started >= MAX_POD_EVICTION_S {
                self.ca_drain_failed(ni, d.group);
            } else {
                keep.push(d);
            }
        }
        let Some(ca) = self.autoscaler.as_mut() else { return };
        ca.drains.extend(keep);
        if !ca.drains.is_empty() && !ca.drain_tick_due {
            ca.drain_tick_due = true;
            self.at(now + 1, Ev::CaDrain);
        }
    }

    pub(super) fn ca_drain_tick_event(&mut self) {
        if let Some(ca) = self.autoscaler.as_mut() {
            ca.drain_tick_due = false;
        }
        self.ca_drain_tick();
    }

    /// The node stays: its taint goes, its group keeps the node, scale-down cools down.
    fn ca_drain_failed(&mut self, node: usize, group: usize) {
        let n = &mut self.state.nodes[node].node;
        n.taints.retain(|t| t.key != TO_BE_DELETED_TAINT);
        let name = n.name.clone();
        self.events.once(self.now, "Node", "", &name, "ScaleDownFailed", "failed to drain the node, aborting ScaleDown".into(), true, "cluster-autoscaler");
        let now_ms = self.now as u64 * 1000;
        if let Some(ca) = self.autoscaler.as_mut() {
            if let Some(g) = ca.groups.get_mut(group) {
                g.1.target += 1;
            }
            ca.scale_down.record_failure(now_ms);
        }
        self.cluster_changed();
    }
}
