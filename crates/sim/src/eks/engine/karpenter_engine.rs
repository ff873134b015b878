//! Karpenter on the engine's clock (eks-semantics §4.2; KARP concepts/nodepools.md,
//! disruption.md), when the manifest has NodePools (the reader refuses a ClusterAutoscaler
//! beside them). Pending pods are batched, bin-packed by `karpenter::provision` into
//! NodeClaims of the cheapest offering that fits (within `spec.limits`), each launched as an
//! EC2 instance through the cluster's `Aws`; the node registers labelled
//! `karpenter.sh/nodepool` and `karpenter.sh/capacity-type`. `karpenter::disruption` then
//! consolidates — empty nodes deleted, an underutilised node deleted or replaced by a
//! cheaper one — within the pools' disruption budgets and after `consolidateAfter`, after drift
//! (`karpenter_drift.rs`): the node is tainted `karpenter.sh/disrupted:NoSchedule`, drained
//! through the Eviction API (PodDisruptionBudgets honoured, a refusal retried each second), then
//! its instance is terminated (`karpenter_termination.rs`).
//!
//! Our timing choices (Karpenter documents none): pods are batched `BATCH_IDLE_S` after the
//! last one went pending (`BATCH_IDLE_DURATION`, 1 s); a NodeClaim's node is Ready
//! `REGISTER_S` after launch (CreateFleet ≈ 5 s, boot and kubelet Ready ≈ 40 s; faster than
//! CA's 75 s as no Auto Scaling group sits in between). One disruption command at a time.

use super::{Engine, Ev};
use crate::eks::autoscaler::system_daemon_pods;
use crate::eks::karpenter::disruption::{disrupt, Action, ClaimNode, PodFlags};
use crate::eks::karpenter::instance_types::{offerings, Offering};
use crate::eks::karpenter::provision::{node as claim_node, provision, NodeClaim};
use crate::eks::karpenter::drift::Launch;
use crate::eks::karpenter::{Ec2NodeClass, NodePool, Reason};
use crate::eks::run::random_suffix;
use crate::eks::scheduler::state::PodInfo;
use crate::substrate::ec2::private_dns_name;
use crate::substrate::vpc::format_ip;

pub const BATCH_IDLE_S: i64 = 1;
pub const REGISTER_S: i64 = 45;

/// One NodeClaim and the node it became.
#[derive(Debug, Clone)]
pub struct Claim {
    pub name: String,
    pub pool: usize,
    pub pool_name: String,
    pub node_class: String,
    pub offering: Offering,
    pub instance_types: Vec<&'static str>,
    pub created_s: i64,
    /// The node's name and address once launched (None: the launch failed, no address).
    pub node_name: Option<String>,
    pub ip: Option<u32>,
    pub ready_s: Option<i64>,
    /// Taint applied, draining: why, and since when.
    pub deleting: Option<Reason>,
    pub deleting_s: Option<i64>,
    pub deleted_s: Option<i64>,
    /// Pods it was launched for (engine ids), not counted pending again while it launches.
    pub nominated: Vec<usize>,
    /// The claim this one replaces (consolidation Replace, drift): drained once every
    /// replacement of it is Ready.
    pub replaces: Option<usize>,
    /// The NodePool and EC2NodeClass it was launched under (`karpenter::drift`).
    pub launch: Launch,
    /// Status condition `Drifted`: its reason and since when.
    pub drifted: Option<(&'static str, i64)>,
    /// Tainted `karpenter.sh/disrupted:NoSchedule` by a disruption command waiting for its
    /// replacements to be Ready (not yet draining): why.
    pub disrupted: Option<Reason>,
}

#[derive(Debug, Clone)]
pub struct Karpenter {
    pub pools: Vec<NodePool>,
    pub(super) offerings: Vec<Vec<Offering>>,
    pub claims: Vec<Claim>,
    pub classes: Vec<Ec2NodeClass>,
    pub(super) zones: Vec<String>,
    pub(super) seed: u64,
    pub(super) applies: Vec<crate::eks::manifest::karpenter_apply::KarpenterApply>,
    region: String,
    start_unix: i64,
    /// When each node last got `Unconsolidatable` (Karpenter dedupes it per node for 15 min).
    pub(super) unconsolidatable_s: Vec<(String, i64)>,
    scan_at: Option<i64>,
    pub(super) drain_due: bool,
}

impl Karpenter {
    pub fn new(m: &crate::eks::manifest::Manifest) -> Option<Karpenter> {
        if m.node_pools.is_empty() {
            return None;
        }
        let c = m.cluster.as_ref()?;
        let zones: Vec<String> = if c.availability_zones.is_empty() { ["a", "b", "c"].iter().map(|s| format!("{}{s}", c.region)).collect() } else { c.availability_zones.clone() };
        let seed = m.scenario.as_ref().map_or(1, |s| s.seed);
        let offerings = m.node_pools.iter().map(|p| offerings(p, &zones, seed)).collect();
        let start_unix = m.scenario.as_ref().and_then(|s| crate::time::parse_iso_seconds(&s.start).ok()).unwrap_or(1_735_689_600);
        Some(Karpenter { pools: m.node_pools.clone(), offerings, claims: Vec::new(), classes: m.node_classes.clone(), zones, seed, applies: m.karpenter_applies.clone(), region: c.region.clone(), start_unix, unconsolidatable_s: Default::default(), scan_at: None, drain_due: false })
    }

    pub(super) fn start_unix(&self) -> i64 {
        self.start_unix
    }

    pub(super) fn node_of(&self, state: &crate::eks::scheduler::state::ClusterState, k: usize) -> Option<usize> {
        let name = self.claims[k].node_name.as_ref()?;
        self.claims[k].ready_s?;
        state.nodes.iter().position(|n| &n.node.name == name)
    }
}

impl Engine {
    /// Pods or nodes changed: Karpenter looks after its batch window.
    pub(super) fn karpenter_poke(&mut self) {
        let now = self.now;
        self.karpenter_scan_at(now + BATCH_IDLE_S);
    }

    pub(super) fn karpenter_scan_at(&mut self, t: i64) {
        let Some(k) = self.karpenter.as_mut() else { return };
        if k.scan_at.is_some_and(|s| s <= t && s >= self.now) {
            return;
        }
        k.scan_at = Some(t);
        self.at(t, Ev::KarpenterScan);
    }

    /// A node left the cluster: claims keep names, so nothing to renumber.
    pub(super) fn karpenter_node_removed(&mut self, _i: usize) {}

    /// Provisioning, then (if nothing was launched) one disruption pass.
    pub(super) fn karpenter_scan(&mut self) {
        let now = self.now;
        let Some(k) = self.karpenter.as_mut() else { return };
        if std::mem::take(&mut k.drain_due) {
            self.karpenter_drain();
        }
        let Some(k) = self.karpenter.as_mut() else { return };
        if k.scan_at != Some(now) {
            return;
        }
        k.scan_at = None;
        self.karpenter_expire();
        if !self.karpenter_provision() {
            self.karpenter_disrupt();
        }
    }

    fn karpenter_provision(&mut self) -> bool {
        let now = self.now;
        let Some(k) = self.karpenter.as_ref() else { return false };
        let nominated: std::collections::BTreeSet<usize> = k.claims.iter().filter(|c| c.ready_s.is_none() && c.node_name.is_some()).flat_map(|c| c.nominated.iter().copied()).collect();
        let ids: Vec<usize> = self.failed_unbound.iter().copied().filter(|&i| self.pending_for_scaler(i) && !nominated.contains(&i)).collect();
        // Pods that fit a NodeClaim still launching wait for it (Karpenter schedules onto
        // in-flight capacity before creating more), e.g. the replacements of an interrupted node's pods.
        let ids = self.karpenter_onto_in_flight(ids);
        let Some(k) = self.karpenter.as_ref() else { return false };
        if ids.is_empty() {
            return false;
        }
        let pending: Vec<PodInfo> = ids.iter().map(|&i| self.pods[i].info.clone()).collect();
        let usage: Vec<(i64, i64)> = (0..k.pools.len())
            .map(|p| k.claims.iter().filter(|c| c.pool == p && c.deleted_s.is_none()).fold((0, 0), |a, c| (a.0 + c.offering.vcpus as i64 * 1000, a.1 + c.offering.capacity_memory)))
            .collect();
        let plan = provision(&pending, &k.pools, &k.offerings, &usage, &system_daemon_pods());
        for (pi, why) in &plan.unschedulable {
            let p = &self.pods[ids[*pi]].info;
            let (ns, name) = (p.namespace.clone(), p.name.clone());
            // kubernetes-sigs/karpenter pkg/controllers/provisioning/scheduling/events.go
            // @22664681: Warning `FailedScheduling` "Failed to schedule pod, <error>"; `Nominated`
            // "Pod should schedule on: nodeclaim/<name>" (`karpenter_launch`).
            let msg = format!("Failed to schedule pod, {}", why.strip_prefix("could not schedule pod, ").unwrap_or(why));
            self.events.repeatable(now, "Pod", &ns, &name, "FailedScheduling", msg, true, "karpenter");
        }
        let launched = !plan.claims.is_empty();
        for c in plan.claims {
            let pods = c.pods.iter().map(|&i| ids[i]).collect();
            self.karpenter_launch(c, pods, None);
        }
        launched
    }

    /// Creates the NodeClaim and launches its instance; the node is Ready `REGISTER_S` later.
    pub(super) fn karpenter_launch(&mut self, c: NodeClaim, pods: Vec<usize>, replaces: Option<usize>) -> usize {
        let now = self.now;
        let k = self.karpenter.as_mut().expect("karpenter present");
        let (pool, node_class) = (k.pools[c.pool].name.clone(), k.pools[c.pool].node_class.clone());
        let launch = Launch::of(&k.pools[c.pool], k.classes.iter().find(|x| x.name == node_class));
        let name = format!("{pool}-{}", random_suffix(&mut self.rng, 5));
        let zone = c.offering.zone.clone();
        let (region, seed) = (k.region.clone(), format!("karpenter/{name}"));
        let launched = self.aws.as_mut().and_then(|aws| {
            let subnet = aws.subnet_in(&zone)?;
            aws.launch_instance(&seed, c.offering.instance_type, subnet).map(|l| l.private_ip)
        });
        let node_name = launched.map(|ip| private_dns_name(ip, &region));
        for &id in &pods {
            let (ns, pn) = (self.pods[id].info.namespace.clone(), self.pods[id].info.name.clone());
            self.events.once(now, "Pod", &ns, &pn, "Nominated", format!("Pod should schedule on: nodeclaim/{name}"), false, "karpenter");
        }
        let k = self.karpenter.as_mut().expect("karpenter present");
        let idx = k.claims.len();
        k.claims.push(Claim { name, pool: c.pool, pool_name: pool, node_class, offering: c.offering, instance_types: c.instance_types, created_s: now, node_name, ip: launched, ready_s: None, deleting: None, deleting_s: None, deleted_s: None, nominated: pods, replaces, launch, drifted: None, disrupted: None });
        if launched.is_some() {
            self.at(now + REGISTER_S, Ev::ClaimReady(idx));
        }
        idx
    }

    /// The claim's node registered and is Ready: it joins; a replacement's old node drains.
    pub(super) fn karpenter_claim_ready(&mut self, idx: usize) {
        let now = self.now;
        let Some(k) = self.karpenter.as_mut() else { return };
        let c = &mut k.claims[idx];
        let (Some(name), Some(ip)) = (c.node_name.clone(), c.ip) else { return };
        c.ready_s = Some(now);
        let node = claim_node(&NodeClaim { pool: c.pool, offering: c.offering.clone(), instance_types: c.instance_types.clone(), pods: Vec::new() }, &k.pools[c.pool], &name, &format_ip(ip));
        let replaces = c.replaces;
        self.join_node(node);
        if let Some(old) = replaces {
            // The command goes on once every replacement of the old claim is Ready.
            let k = self.karpenter.as_ref().expect("karpenter present");
            if !k.claims.iter().any(|x| x.replaces == Some(old) && x.ready_s.is_none() && x.node_name.is_some()) {
                let reason = k.claims[old].disrupted.unwrap_or(Reason::Underutilized);
                self.karpenter_start_delete(old, reason);
            }
        }
        self.cluster_changed();
    }

    fn karpenter_disrupt(&mut self) {
        let now = self.now;
        // Drift first (disruption.md: "Drift, then Consolidation"), within its budgets.
        if self.karpenter_drift() {
            return;
        }
        let Some(k) = self.karpenter.as_ref() else { return };
        // One consolidation at a time: nothing new while a node drains or a replacement launches.
        if k.claims.iter().any(|c| c.deleted_s.is_none() && (c.deleting.is_some() || c.disrupted.is_some() || (c.replaces.is_some() && c.ready_s.is_none()))) {
            return;
        }
        let mut claims: Vec<ClaimNode> = Vec::new();
        let mut of_node: Vec<usize> = Vec::new();
        for (ci, c) in k.claims.iter().enumerate() {
            let Some(ni) = k.node_of(&self.state, ci).filter(|_| c.deleted_s.is_none()) else { continue };
            // consolidateAfter counts from the last pod bound to or gone from the node.
            let last = self.pods.iter().filter(|p| p.node == Some(ni) && !p.daemon()).map(|p| p.gone_at.unwrap_or(0).max(p.scheduled_at.unwrap_or(0))).max().unwrap_or(0).max(c.ready_s.unwrap_or(0));
            claims.push(ClaimNode { node: ni, pool: c.pool, capacity_type: c.offering.capacity_type, usd_per_hour: c.offering.usd_per_hour, launched_ms: c.created_s as u64 * 1000, last_pod_change_ms: last as u64 * 1000, ready: true, deleting: false });
            of_node.push(ci);
        }
        // Claims whose instance is still terminating count as deleting (`karpenter_termination`);
        // their node is gone, so they stand at no node and are never candidates.
        let mut terminating = false;
        for (ci, c) in k.claims.iter().enumerate() {
            if c.deleting.is_some() && c.deleted_s.is_some_and(|t| now < t + super::karpenter_termination::INSTANCE_TERMINATION_S) {
                claims.push(ClaimNode { node: usize::MAX, pool: c.pool, capacity_type: c.offering.capacity_type, usd_per_hour: c.offering.usd_per_hour, launched_ms: c.created_s as u64 * 1000, last_pod_change_ms: 0, ready: true, deleting: true });
                of_node.push(ci);
                terminating = true;
            }
        }
        let flags = |i: usize| {
            let bp = &self.state.pods[i].pod;
            let daemonset = self.by_name.get(&(bp.namespace.clone(), bp.name.clone())).is_some_and(|&id| self.pods[id].daemon());
            PodFlags { daemonset, do_not_disrupt: bp.spec.node_scaler.do_not_disrupt }
        };
        let out = disrupt(now as u64 * 1000, k.start_unix + now, &self.state, &claims, &k.pools, &k.offerings, &flags, &system_daemon_pods());
        // The next time a settled node could consolidate: when its consolidateAfter ends.
        let next = claims
            .iter()
            .filter(|c| !c.deleting)
            .filter_map(|c| k.pools[c.pool].disruption.consolidate_after_ms.map(|d| ((c.last_pod_change_ms + d) as i64 + 999) / 1000))
            .filter(|t| *t > now)
            .min();
        for (node, why) in &out.blocked {
            // A budget that allows none is reported on the NodePool (helpers.go
            // `NodePoolBlockedForDisruptionReason`, @22664681); one used up by this pass is not.
            if why.starts_with("disruption budget") {
                let Some(c) = claims.iter().find(|c| c.node == *node) else { continue };
                let reason = if why.ends_with("Empty disruptions") { Reason::Empty } else { Reason::Underutilized };
                let pool = &k.pools[c.pool];
                let total = claims.iter().filter(|x| x.pool == c.pool).count() as i64;
                if crate::eks::karpenter::disruption::allowed(pool, reason, total, 0, k.start_unix + now) <= 0 {
                    let msg = format!("No allowed disruptions for disruption reason {} due to blocking budget", reason.as_str());
                    self.events.repeatable(now, "NodePool", "", &pool.name.clone(), "DisruptionBlocked", msg, false, "karpenter");
                }
                continue;
            }
            let name = self.state.nodes[*node].node.name.clone();
            self.events.repeatable(now, "Node", "", &name, "DisruptionBlocked", why.clone(), false, "karpenter");
        }
        let unconsolidatable = out.unconsolidatable.clone();
        let claim_at = |node: usize| claims.iter().position(|c| c.node == node).map(|p| of_node[p]);
        let mut acts: Vec<(usize, Reason, Option<NodeClaim>)> = Vec::new();
        for a in out.actions {
            match a {
                Action::Expire { node } => acts.extend(claim_at(node).map(|c| (c, Reason::Expired, None))),
                Action::Delete { node, reason } => acts.extend(claim_at(node).map(|c| (c, reason, None))),
                Action::Replace { node, with, reason } => acts.extend(claim_at(node).map(|c| (c, reason, Some(with)))),
            }
        }
        let acted = !acts.is_empty();
        self.karpenter_unconsolidatable(&unconsolidatable);
        for (ci, reason, with) in acts {
            match with {
                Some(w) => self.karpenter_replace(ci, vec![w], reason),
                None if reason == Reason::Expired => self.karpenter_forceful(ci, reason),
                None => self.karpenter_start_delete(ci, reason),
            }
        }
        if !acted {
            // The disruption controller polls every 10 s: a budget whose schedule window closes or
            // whose deleting nodes finish terminating frees the held-back candidates then.
            let poll = (terminating || !out.blocked.is_empty()).then_some(now + super::karpenter_drift::DISRUPTION_POLL_S);
            if let Some(t) = next.into_iter().chain(poll).min() {
                self.karpenter_scan_at(t);
            }
        }
    }
}
