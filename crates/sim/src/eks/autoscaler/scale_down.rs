//! Scale-down of unneeded nodes (CA core/scaledown, simulator/drain.go; FAQ.md "How does
//! scale-down work?"). A node is unneeded when its requests are below the utilisation
//! threshold and every pod on it could move elsewhere; after `scale-down-unneeded-time` it is
//! removed, unless scale-down is cooling down after an add, delete or failure.

use super::{GroupState, Options};
use crate::eks::daemonsets::SYSTEM_DAEMONSETS;
use crate::eks::scheduler::state::{BoundPod, ClusterState, NodeInfo, PodInfo};
use crate::eks::scheduler::{node_affinity, node_unschedulable, taint_toleration};
use crate::time::SimTime;
use std::collections::BTreeMap;

/// What decides whether CA may evict a pod; the pod model does not hold owners, volumes or
/// annotations, so the engine says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvictionFacts {
    pub daemonset: bool,
    pub mirror: bool,
    /// Owned by a ReplicaSet, StatefulSet, Job, …
    pub replicated: bool,
    /// `cluster-autoscaler.kubernetes.io/safe-to-evict`: `"true"` overrides the other
    /// blockers (not a PDB), `"false"` blocks.
    pub safe_to_evict: Option<bool>,
    /// emptyDir not on Memory, or hostPath.
    pub local_storage: bool,
    /// A PodDisruptionBudget selects it.
    pub has_pdb: bool,
    /// That budget allows no disruption now.
    pub pdb_blocks: bool,
}

impl EvictionFacts {
    /// What the reduced model can tell: aws-node / kube-proxy are DaemonSet pods; a pod with
    /// an owner selector belongs to a ReplicaSet; safe-to-evict from its template's annotations.
    pub fn of(p: &PodInfo) -> EvictionFacts {
        let daemonset = p.namespace == "kube-system" && SYSTEM_DAEMONSETS.iter().any(|(_, app, _)| p.labels.get("k8s-app").is_some_and(|a| a == app));
        EvictionFacts { daemonset, replicated: p.owner_selector.is_some(), safe_to_evict: p.spec.node_scaler.safe_to_evict, ..EvictionFacts::default() }
    }
}

/// The taint CA puts on a node it is deleting (value: the Unix time it did so, effect
/// NoSchedule); the scan leaves such nodes alone.
pub const TO_BE_DELETED_TAINT: &str = "ToBeDeletedByClusterAutoscaler";

#[derive(Debug, Clone, PartialEq)]
pub struct Deletion {
    pub node: usize,
    pub group: usize,
    pub empty: bool,
    /// Indices into `ClusterState::pods` to evict (not DaemonSet or mirror pods).
    pub evict: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeEvent {
    pub node: usize,
    pub reason: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScaleDownResult {
    /// Unneeded nodes and since when.
    pub unneeded: Vec<(usize, SimTime)>,
    /// Nodes kept, with CA's reason.
    pub unremovable: Vec<(usize, String)>,
    pub delete: Vec<Deletion>,
    pub events: Vec<NodeEvent>,
    pub in_cooldown: bool,
}

/// CA's scale-down memory: when each node became unneeded, and the last scale events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScaleDown {
    unneeded_since: BTreeMap<String, SimTime>,
    pub last_scale_up_ms: Option<SimTime>,
    pub last_delete_ms: Option<SimTime>,
    pub last_failure_ms: Option<SimTime>,
}

/// Requests over allocatable, the larger of cpu and memory (`utilization.Calculate`).
pub fn utilization(n: &NodeInfo, pods: &[&BoundPod], facts: &[EvictionFacts], ignore_daemonsets: bool) -> f64 {
    let (mut cpu, mut mem) = (0i64, 0i64);
    for (p, f) in pods.iter().zip(facts) {
        if (ignore_daemonsets && f.daemonset) || f.mirror {
            continue;
        }
        cpu += p.pod.requests.cpu;
        mem += p.pod.requests.memory;
    }
    let a = &n.node.allocatable;
    let c = if a.cpu > 0 { cpu as f64 / a.cpu as f64 } else { 0.0 };
    let m = if a.memory > 0 { mem as f64 / a.memory as f64 } else { 0.0 };
    c.max(m)
}

/// max(cpu, memory) requests over allocatable from the node's running totals.
fn requested_share(n: &NodeInfo) -> f64 {
    let a = &n.node.allocatable;
    let c = if a.cpu > 0 { n.requested.cpu as f64 / a.cpu as f64 } else { 0.0 };
    let m = if a.memory > 0 { n.requested.memory as f64 / a.memory as f64 } else { 0.0 };
    c.max(m)
}

/// Whether `p` fits on `n` with `extra` (cpu, memory, pods) already moved there: the
/// scheduler's static filters, then resources.
fn fits(p: &PodInfo, n: &NodeInfo, extra: (i64, i64, i64)) -> bool {
    if node_unschedulable::filter(p, n).is_err() || taint_toleration::filter(p, n).is_err() || node_affinity::filter(p, n).is_err() {
        return false;
    }
    let a = &n.node.allocatable;
    n.pod_count + extra.2 < n.node.max_pods
        && (p.requests.cpu == 0 || p.requests.cpu <= a.cpu - n.requested.cpu - extra.0)
        && (p.requests.memory == 0 || p.requests.memory <= a.memory - n.requested.memory - extra.1)
}

/// Bound pods' indices grouped by node, ascending within a node, in one allocation (a scan
/// runs after most cluster changes; a Vec per node per scan was a thousand allocations).
struct PodsByNode {
    start: Vec<usize>,
    ids: Vec<usize>,
}

impl PodsByNode {
    fn new(state: &ClusterState) -> PodsByNode {
        let n = state.nodes.len();
        // The parallel node words, not each pod's box: a scan follows a box only for the
        // pods of the nodes it looks at.
        let nodes = state.pod_nodes();
        let mut start = vec![0usize; n + 1];
        for &b in nodes.iter().filter(|&&b| b < n) {
            start[b + 1] += 1;
        }
        for k in 0..n {
            start[k + 1] += start[k];
        }
        let mut fill = start.clone();
        let mut ids = vec![0usize; start[n]];
        for (i, &b) in nodes.iter().enumerate().filter(|(_, &b)| b < n) {
            ids[fill[b]] = i;
            fill[b] += 1;
        }
        PodsByNode { start, ids }
    }

    fn on(&self, node: usize) -> &[usize] {
        &self.ids[self.start[node]..self.start[node + 1]]
    }
}

impl ScaleDown {
    pub fn new() -> ScaleDown {
        ScaleDown::default()
    }

    /// Tell CA a scale-up happened (starts `scale-down-delay-after-add`).
    pub fn record_scale_up(&mut self, now: SimTime) {
        self.last_scale_up_ms = Some(now);
    }

    pub fn record_failure(&mut self, now: SimTime) {
        self.last_failure_ms = Some(now);
    }

    /// The earliest time a scan could delete a node now marked unneeded (None: none is). With
    /// `scan` re-run whenever pods or nodes change, the engine needs no other scans: an
    /// unchanged cluster gives the same verdicts.
    pub fn next_deletion_due(&self, o: &Options) -> Option<SimTime> {
        let due = self.unneeded_since.values().map(|s| s + o.scale_down_unneeded_time_ms).min()?;
        let cool = [(self.last_scale_up_ms, o.scale_down_delay_after_add_ms), (self.last_delete_ms, o.scale_down_delay_after_delete_ms), (self.last_failure_ms, o.scale_down_delay_after_failure_ms)]
            .iter()
            .filter_map(|(t, d)| t.map(|t| t + d))
            .max()
            .unwrap_or(0);
        Some(due.max(cool))
    }

    fn in_cooldown(&self, now: SimTime, o: &Options) -> bool {
        let after = |t: Option<SimTime>, d: u64| t.is_some_and(|t| now < t + d);
        after(self.last_scale_up_ms, o.scale_down_delay_after_add_ms) || after(self.last_delete_ms, o.scale_down_delay_after_delete_ms) || after(self.last_failure_ms, o.scale_down_delay_after_failure_ms)
    }

    /// One scan. `facts(i)` answers for `state.pods[i]`. The caller cordons and drains the
    /// nodes in `delete`, terminates them and lowers each group's desired size by one per node.
    pub fn scan(&mut self, now: SimTime, state: &ClusterState, groups: &mut [GroupState], facts: &dyn Fn(usize) -> EvictionFacts, o: &Options) -> ScaleDownResult {
        let mut out = ScaleDownResult::default();
        let by_node = PodsByNode::new(state);
        // Neighbouring nodes are mostly of one group: the last match is tried first.
        let mut last: Option<usize> = None;
        let node_group: Vec<Option<usize>> = state
            .nodes
            .iter()
            .map(|n| {
                if let Some(k) = last.filter(|&k| groups[k].name == n.node.node_group) {
                    return Some(k);
                }
                let k = groups.iter().position(|g| g.name == n.node.node_group);
                last = k.or(last);
                k
            })
            .collect();
        let mut extra = vec![(0i64, 0i64, 0i64); state.nodes.len()];
        let mut removing = vec![false; state.nodes.len()];
        let mut still: BTreeMap<String, SimTime> = BTreeMap::new();
        let mut plans: Vec<(usize, Vec<usize>, f64)> = Vec::new();
        let mut non_empty = 0;
        // Destination search resumes where the last pod landed (CA keeps such hints too), so a
        // scan is not quadratic in nodes.
        let mut cursor = 0usize;
        let total = state.nodes.len();
        for (ni, n) in state.nodes.iter().enumerate() {
            if node_group[ni].is_none() || n.node.unschedulable || n.node.taints.iter().any(|t| t.key == TO_BE_DELETED_TAINT) {
                continue;
            }
            // Facts are asked only for pods on this node; the default flags count every pod
            // (DaemonSet and mirror pods too), which is the node's running total.
            let mut node_facts: Option<Vec<EvictionFacts>> = None;
            let util = if o.ignore_daemonsets_utilization {
                let pods: Vec<&BoundPod> = by_node.on(ni).iter().map(|&i| &*state.pods[i]).collect();
                let f: &Vec<EvictionFacts> = node_facts.get_or_insert_with(|| by_node.on(ni).iter().map(|&i| facts(i)).collect());
                utilization(n, &pods, f, true)
            } else {
                requested_share(n)
            };
            if util >= o.scale_down_utilization_threshold {
                out.unremovable.push((ni, "NotUnderutilized".into()));
                continue;
            }
            // `--scale-down-non-empty-candidates-count`: CA simulates only so many drains a scan.
            // Past that, a node with a movable pod is skipped, which the first such pod decides:
            // no facts for the rest of its pods.
            let movable_pod = |f: &EvictionFacts| !f.daemonset && !f.mirror;
            if non_empty >= o.scale_down_non_empty_candidates_count {
                let any = match &node_facts {
                    Some(f) => f.iter().any(movable_pod),
                    // Newest first: a node's DaemonSet pods came with it, so its workload
                    // pods are usually later and the answer comes after one pod's facts.
                    None => by_node.on(ni).iter().rev().any(|&i| movable_pod(&facts(i))),
                };
                if any {
                    continue;
                }
            }
            let node_facts = node_facts.unwrap_or_else(|| by_node.on(ni).iter().map(|&i| facts(i)).collect());
            let movable: Vec<(usize, &EvictionFacts)> = by_node.on(ni).iter().copied().zip(&node_facts).filter(|(_, f)| movable_pod(*f)).collect();
            if !movable.is_empty() {
                non_empty += 1;
            }
            if let Some(reason) = movable.iter().find_map(|&(i, f)| blocker(&state.pods[i].pod, f, o)) {
                out.unremovable.push((ni, reason));
                continue;
            }
            // Re-place every movable pod on the other nodes (not ones being removed).
            let mut placed: Vec<(usize, i64, i64)> = Vec::new();
            let mut ok = true;
            for &(i, _) in &movable {
                let p = &state.pods[i].pod;
                let dest = (0..total).map(|k| (cursor + k) % total).find(|&d| d != ni && !removing[d] && fits(p, &state.nodes[d], extra[d]));
                match dest {
                    Some(d) => {
                        cursor = d;
                        extra[d].0 += p.requests.cpu;
                        extra[d].1 += p.requests.memory;
                        extra[d].2 += 1;
                        placed.push((d, p.requests.cpu, p.requests.memory));
                    }
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                for (d, c, m) in placed {
                    extra[d].0 -= c;
                    extra[d].1 -= m;
                    extra[d].2 -= 1;
                }
                out.unremovable.push((ni, "NoPlaceToMovePods".into()));
                continue;
            }
            removing[ni] = true;
            let since = self.unneeded_since.get(&n.node.name).copied().unwrap_or(now);
            still.insert(n.node.name.clone(), since);
            out.unneeded.push((ni, since));
            plans.push((ni, movable.iter().map(|m| m.0).collect(), util));
        }
        self.unneeded_since = still;
        out.in_cooldown = self.in_cooldown(now, o);
        if out.in_cooldown || !o.scale_down_enabled {
            return out;
        }
        let (mut empty_n, mut drain_n) = (0, 0);
        for (ni, evict, util) in plans {
            let n = &state.nodes[ni];
            let since = self.unneeded_since[&n.node.name];
            if now < since + o.scale_down_unneeded_time_ms {
                continue;
            }
            let empty = evict.is_empty();
            if (empty && empty_n >= o.max_scale_down_parallelism) || (!empty && drain_n >= o.max_drain_parallelism) {
                continue;
            }
            let Some(gi) = node_group[ni] else { continue };
            if groups[gi].target <= groups[gi].min {
                out.unremovable.push((ni, "NodeGroupMinSizeReached".into()));
                continue;
            }
            groups[gi].target -= 1;
            if empty { empty_n += 1 } else { drain_n += 1 }
            out.events.push(NodeEvent { node: ni, reason: "ScaleDown", message: "marked the node as toBeDeleted/unschedulable".into() });
            let message = if empty {
                format!("Scale-down: removing empty node {}", n.node.name)
            } else {
                let names: Vec<String> = evict.iter().map(|&i| state.pods[i].pod.name.clone()).collect();
                format!("Scale-down: removing node {}, utilization: {util:.2}, pods to reschedule: {}", n.node.name, names.join(","))
            };
            out.events.push(NodeEvent { node: ni, reason: if empty { "ScaleDownEmpty" } else { "ScaleDown" }, message });
            self.unneeded_since.remove(&n.node.name);
            out.delete.push(Deletion { node: ni, group: gi, empty, evict });
        }
        if !out.delete.is_empty() {
            self.last_delete_ms = Some(now);
        }
        out
    }
}

/// The first rule that keeps a pod (and so its node) in place (simulator/drain.go), in CA's words.
pub fn blocker(p: &PodInfo, f: &EvictionFacts, o: &Options) -> Option<String> {
    // Named only when blocking: the scan asks this of every movable pod it looks at.
    let name = || format!("{}/{}", p.namespace, p.name);
    if f.safe_to_evict == Some(false) {
        return Some(format!("pod annotated as not safe to evict present: {}", name()));
    }
    if f.safe_to_evict != Some(true) {
        if !f.replicated {
            return Some(format!("{} is not replicated", name()));
        }
        if o.skip_nodes_with_system_pods && p.namespace == "kube-system" && !f.has_pdb {
            return Some(format!("non-daemonset, non-mirrored, non-pdb-assigned kube-system pod present: {}", name()));
        }
        if o.skip_nodes_with_local_storage && f.local_storage {
            return Some(format!("pod with local storage present: {}", name()));
        }
    }
    if f.pdb_blocks {
        return Some(format!("not enough pod disruption budget to move {}", name()));
    }
    None
}
