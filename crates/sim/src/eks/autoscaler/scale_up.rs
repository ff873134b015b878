//! Scale-up for unschedulable pods (CA core/scaleup, estimator/binpacking_estimator.go): for
//! every group below its max, bin-pack the pending pods onto new template nodes; the groups
//! that help are the expansion options; the expander picks one; its desired size goes up.

use crate::sort::SortSmall;
use super::expander::{choose, ExpansionOption};
use super::{filter, GroupState, Options};
use crate::eks::scheduler::state::{NodeInfo, PodInfo};
use rand_core::RngCore;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct ScaleUp {
    pub group: usize,
    pub from: i64,
    pub to: i64,
    pub pods: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaEvent {
    /// Pod index into the pending list, or None for the `cluster-autoscaler-status` ConfigMap.
    pub pod: Option<usize>,
    pub reason: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScaleUpResult {
    pub options: Vec<ExpansionOption>,
    pub chosen: Option<ScaleUp>,
    pub events: Vec<CaEvent>,
}

/// Binpacking estimate for one group: pods sorted by their share of the node (largest
/// first), each onto the first new node it fits, else a new node while the group may grow.
fn estimate(group: &GroupState, pending: &[PodInfo], limit: i64) -> (i64, Vec<usize>, Option<String>) {
    let empty = group.template_info();
    let (acpu, amem) = (empty.node.allocatable.cpu.max(1) as f64, empty.node.allocatable.memory.max(1) as f64);
    let mut order: Vec<usize> = (0..pending.len()).collect();
    let score = |p: &PodInfo| p.requests.cpu as f64 / acpu + p.requests.memory as f64 / amem;
    order.sort_small_by(|&a, &b| score(&pending[b]).total_cmp(&score(&pending[a])).then(a.cmp(&b)));
    let mut nodes: Vec<NodeInfo> = Vec::new();
    let mut placed = Vec::new();
    let mut reason: Option<String> = None;
    for i in order {
        let p = &pending[i];
        if let Some(n) = nodes.iter_mut().find(|n| filter(p, n).is_ok()) {
            super::assume(n, p);
            placed.push(i);
            continue;
        }
        match filter(p, &empty) {
            Err(r) => {
                reason.get_or_insert_with(|| r.reasons.first().map(|s| s.to_string()).unwrap_or_default());
            }
            Ok(()) if (nodes.len() as i64) < limit => {
                let mut n = empty.clone();
                super::assume(&mut n, p);
                nodes.push(n);
                placed.push(i);
            }
            Ok(()) => {
                reason.get_or_insert_with(|| "max node group size reached".into());
            }
        }
    }
    placed.sort_unstable();
    (nodes.len() as i64, placed, reason)
}

/// One scale-up decision for `pending` (pods with PodScheduled=False/Unschedulable) over
/// `groups`. `total_nodes` counts the cluster's nodes for `--max-nodes-total`.
pub fn scale_up(pending: &[PodInfo], groups: &[GroupState], total_nodes: i64, opts: &Options, rng: &mut dyn RngCore) -> ScaleUpResult {
    let mut out = ScaleUpResult::default();
    if pending.is_empty() {
        return out;
    }
    let room_total = if opts.max_nodes_total > 0 { (opts.max_nodes_total - total_nodes).max(0) } else { i64::MAX };
    // Per pod: why each group could not take it ("<count> <reason>").
    let mut why: Vec<BTreeMap<String, usize>> = vec![BTreeMap::new(); pending.len()];
    for (gi, g) in groups.iter().enumerate() {
        let limit = (g.max - g.target).min(room_total).max(0);
        let (nodes, pods, reason) = estimate(g, pending, limit);
        let placed: std::collections::BTreeSet<usize> = pods.iter().copied().collect();
        for (pi, w) in why.iter_mut().enumerate() {
            if !placed.contains(&pi) {
                let r = if limit == 0 { "max node group size reached".to_string() } else { single_reason(g, &pending[pi]).or_else(|| reason.clone()).unwrap_or_default() };
                *w.entry(r).or_default() += 1;
            }
        }
        if nodes > 0 {
            let (node_cpu, node_memory) = super::capacity(&g.template);
            let pods_cpu = pods.iter().map(|&i| pending[i].requests.cpu).sum();
            let pods_memory = pods.iter().map(|&i| pending[i].requests.memory).sum();
            out.options.push(ExpansionOption { group: gi, group_name: g.name.clone(), nodes, pods, node_cpu, node_memory, pods_cpu, pods_memory });
        }
    }
    let Some(best) = choose(&opts.expanders, out.options.clone(), rng) else {
        for (pi, w) in why.iter().enumerate() {
            out.events.push(CaEvent { pod: Some(pi), reason: "NotTriggerScaleUp", message: not_triggered(w) });
        }
        return out;
    };
    let g = &groups[best.group];
    let to = (g.target + best.nodes).min(g.max);
    let info = format!("[{{{} {}->{} (max: {})}}]", g.name, g.target, to, g.max);
    out.events.push(CaEvent { pod: None, reason: "ScaledUpGroup", message: format!("Scale-up: setting group {} size to {to} instead of {} (max: {})", g.name, g.target, g.max) });
    for &pi in &best.pods {
        out.events.push(CaEvent { pod: Some(pi), reason: "TriggeredScaleUp", message: format!("pod triggered scale-up: {info}") });
    }
    for (pi, w) in why.iter().enumerate() {
        if !best.pods.contains(&pi) && !out.options.iter().any(|o| o.pods.contains(&pi)) {
            out.events.push(CaEvent { pod: Some(pi), reason: "NotTriggerScaleUp", message: not_triggered(w) });
        }
    }
    out.chosen = Some(ScaleUp { group: best.group, from: g.target, to, pods: best.pods });
    out
}

/// The first filter reason a group's empty template gives this pod.
fn single_reason(g: &GroupState, p: &PodInfo) -> Option<String> {
    filter(p, &g.template_info()).err().and_then(|r| r.reasons.first().map(|s| s.to_string()))
}

/// "pod didn't trigger scale-up: 1 max node group size reached, 2 node(s) didn't match ..."
/// (reason counts over node groups, sorted like the scheduler's histogram).
fn not_triggered(why: &BTreeMap<String, usize>) -> String {
    if why.is_empty() {
        return "pod didn't trigger scale-up: no node groups".into();
    }
    let mut parts: Vec<String> = why.iter().map(|(r, c)| format!("{c} {r}")).collect();
    parts.sort_small();
    format!("pod didn't trigger scale-up: {}", parts.join(", "))
}
