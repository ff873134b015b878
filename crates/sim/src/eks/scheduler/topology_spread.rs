//! PodTopologySpread (filter for DoNotSchedule + score for ScheduleAnyway and the system
//! defaults, weight 2; eks-semantics §1.7, K8S …/podtopologyspread/{filtering,scoring}.go).

use super::decision::Reject;
use super::node_affinity;
use super::state::{ClusterState, NodeInfo, PodInfo};
use crate::eks::objects::Effect;
use crate::eks::selector::LabelSelector;
use std::borrow::Cow;
use std::collections::BTreeMap;

pub const NAME: &str = "PodTopologySpread";
pub const WEIGHT: i64 = 2;
const HOSTNAME: &str = "kubernetes.io/hostname";
const ZONE: &str = "topology.kubernetes.io/zone";

pub struct Constraint {
    pub key: String,
    pub max_skew: i64,
    pub min_domains: i64,
    honor_affinity: bool,
    honor_taints: bool,
    /// Per label set: counted by this constraint (same namespace, selector matches).
    matching: Vec<bool>,
    self_match: bool,
}

fn build(state: &ClusterState, pod: &PodInfo, sel: Option<&LabelSelector>, match_label_keys: &[String]) -> (Vec<bool>, bool) {
    let Some(sel) = sel else { return (vec![false; state.sets.len()], false) };
    let mut sel = sel.clone();
    for k in match_label_keys {
        if let Some(v) = pod.labels.get(k) {
            sel.match_labels.insert(k.clone(), v.clone());
        }
    }
    let ns = pod.namespace.as_str();
    (state.matching_sets(&sel, &|n| n == ns), sel.matches(&pod.labels))
}

/// The pod's explicit constraints of one kind (hard = DoNotSchedule).
fn explicit(state: &ClusterState, pod: &PodInfo, hard: bool) -> Vec<Constraint> {
    pod.spec
        .topology_spread
        .iter()
        .filter(|c| c.do_not_schedule == hard)
        .map(|c| {
            let (matching, self_match) = build(state, pod, c.label_selector.as_ref(), &c.match_label_keys);
            Constraint { key: c.topology_key.clone(), max_skew: c.max_skew, min_domains: c.min_domains, honor_affinity: c.honor_node_affinity, honor_taints: c.honor_taints, matching, self_match }
        })
        .collect()
}

fn eligible(c: &Constraint, pod: &PodInfo, n: &NodeInfo) -> bool {
    n.node.labels.contains_key(&c.key)
        && (!c.honor_affinity || node_affinity::required_matches(pod, &n.node.labels))
        && (!c.honor_taints
            || n.node.taints.iter().all(|t| t.effect == Effect::PreferNoSchedule || pod.spec.tolerations.iter().any(|tol| tol.tolerates(t))))
}

pub struct FilterState<'a> {
    cs: Vec<Constraint>,
    counts: Vec<BTreeMap<&'a str, i64>>,
    min: Vec<i64>,
}

/// PreFilter: matching pods per domain over eligible nodes; None when there are no hard constraints.
pub fn prefilter<'a>(state: &'a ClusterState, pod: &PodInfo) -> Option<FilterState<'a>> {
    let cs = explicit(state, pod, true);
    if cs.is_empty() {
        return None;
    }
    let mut counts: Vec<BTreeMap<&str, i64>> = cs.iter().map(|_| BTreeMap::new()).collect();
    for (i, n) in state.nodes.iter().enumerate() {
        if !cs.iter().all(|c| n.node.labels.contains_key(&c.key)) {
            continue;
        }
        for (c, m) in cs.iter().zip(counts.iter_mut()) {
            if eligible(c, pod, n) {
                *m.entry(n.node.labels[&c.key].as_str()).or_default() += state.count_on(i, &c.matching);
            }
        }
    }
    let min = cs
        .iter()
        .zip(&counts)
        .map(|(c, m)| if (m.len() as i64) < c.min_domains { 0 } else { m.values().copied().min().unwrap_or(0) })
        .collect();
    Some(FilterState { cs, counts, min })
}

pub fn filter(fs: &FilterState, n: &NodeInfo) -> Result<(), Reject> {
    for ((c, m), min) in fs.cs.iter().zip(&fs.counts).zip(&fs.min) {
        let Some(v) = n.node.labels.get(&c.key) else {
            return Err(Reject::one(NAME, "node(s) didn't match pod topology spread constraints (missing required label)", true));
        };
        let skew = m.get(v.as_str()).copied().unwrap_or(0) + i64::from(c.self_match) - min;
        if skew > c.max_skew {
            return Err(Reject::one(NAME, "node(s) didn't match pod topology spread constraints", false));
        }
    }
    Ok(())
}

pub struct ScoreState<'a> {
    cs: Vec<Constraint>,
    /// Per constraint: whether its key is the hostname (checked per node, so not by string).
    host: Vec<bool>,
    weights: Vec<f64>,
    /// Per constraint: each node's domain id.
    domains: Vec<Cow<'a, [Option<u32>]>>,
    /// Per constraint, per domain id: matching pods (None: domain has no feasible node).
    domain_counts: Vec<Vec<Option<i64>>>,
    require_all: bool,
}

/// PreScore: the soft constraints, or the system defaults (hostname maxSkew 3, zone maxSkew 5,
/// selecting by the Services that select the pod and its owning ReplicaSet) for a pod with no
/// constraints at all. None ⇒ Skip.
pub fn prescore<'a>(state: &'a ClusterState, pod: &PodInfo, feasible: &[usize]) -> Option<ScoreState<'a>> {
    let (cs, require_all) = if pod.spec.topology_spread.is_empty() {
        let sel = state.default_selector(pod)?;
        let (matching, self_match) = build(state, pod, Some(&sel), &[]);
        let mk = |key: &str, max_skew| Constraint { key: key.into(), max_skew, min_domains: 1, honor_affinity: true, honor_taints: false, matching: matching.clone(), self_match };
        (vec![mk(HOSTNAME, 3), mk(ZONE, 5)], false)
    } else {
        (explicit(state, pod, false), true)
    };
    if cs.is_empty() {
        return None;
    }
    let domains: Vec<Cow<[Option<u32>]>> = cs.iter().map(|c| state.domains(&c.key)).collect();
    let host: Vec<bool> = cs.iter().map(|c| c.key == HOSTNAME).collect();
    let ignored = |i: usize| require_all && domains.iter().any(|d| d[i].is_none());
    // Hostname counts are read per node at score time: no per-domain table for them.
    let width = |k: usize, d: &[Option<u32>]| if host[k] { 0 } else { d.iter().flatten().max().map_or(0, |m| *m as usize + 1) };
    let mut domain_counts: Vec<Vec<Option<i64>>> = domains.iter().enumerate().map(|(k, d)| vec![None; width(k, d)]).collect();
    let mut sizes = vec![0usize; cs.len()];
    for &i in feasible {
        if ignored(i) {
            continue;
        }
        for (k, d) in domains.iter().enumerate() {
            if let Some(id) = d[i] {
                if host[k] {
                    sizes[k] += 1;
                    continue;
                }
                let slot = &mut domain_counts[k][id as usize];
                if slot.is_none() {
                    sizes[k] += 1;
                }
                *slot = Some(0);
            }
        }
    }
    let weights = sizes.iter().map(|s| (*s as f64 + 2.0).ln()).collect();
    let any_domain_key = host.iter().any(|h| !h);
    let plain = pod.spec.node_selector.is_empty() && pod.spec.affinity.node_required.is_none();
    if any_domain_key && plain && !require_all {
        // Every node counts (no node affinity to honour, none ignored): zone totals are kept.
        for (k, c) in cs.iter().enumerate() {
            if c.key != ZONE {
                continue;
            }
            for (z, slot) in domain_counts[k].iter_mut().enumerate() {
                if let Some(v) = slot {
                    *v = state.count_in_zone(z as u32, &c.matching);
                }
            }
        }
    }
    if any_domain_key && !(plain && !require_all && cs.iter().all(|c| host_or_zone(c))) {
        let fast = plain && !require_all;
        for i in 0..state.nodes.len() {
            if ignored(i) || !(plain || node_affinity::required_matches(pod, &state.nodes[i].node.labels)) {
                continue;
            }
            for (k, c) in cs.iter().enumerate() {
                if host[k] || (fast && c.key == ZONE) {
                    continue;
                }
                if let Some(Some(slot)) = domains[k][i].map(|id| &mut domain_counts[k][id as usize]) {
                    *slot += state.count_on(i, &c.matching);
                }
            }
        }
    }
    Some(ScoreState { cs, host, weights, domains, domain_counts, require_all })
}

fn host_or_zone(c: &Constraint) -> bool {
    c.key == HOSTNAME || c.key == ZONE
}

/// Raw score, or None for an ignored node (missing a topology key of explicit constraints).
pub fn score(ss: &ScoreState, state: &ClusterState, node: usize) -> Option<i64> {
    if ss.require_all && ss.domains.iter().any(|d| d[node].is_none()) {
        return None;
    }
    let mut s = 0f64;
    for (k, c) in ss.cs.iter().enumerate() {
        let Some(id) = ss.domains[k][node] else { continue };
        let cnt = if ss.host[k] { state.count_on(node, &c.matching) } else { ss.domain_counts[k][id as usize].unwrap_or(0) };
        s += cnt as f64 * ss.weights[k] + (c.max_skew - 1) as f64;
    }
    Some(s.round() as i64)
}

/// Fewer matching pods ⇒ higher: `100 × (max + min − raw) / max`; ignored nodes 0.
pub fn normalize(raw: &[Option<i64>]) -> Vec<i64> {
    let present = raw.iter().flatten();
    let (min, max) = present.fold((i64::MAX, i64::MIN), |(lo, hi), &s| (lo.min(s), hi.max(s)));
    raw.iter()
        .map(|s| match s {
            None => 0,
            Some(_) if max == 0 => 100,
            Some(s) => 100 * (max + min - s) / max,
        })
        .collect()
}
