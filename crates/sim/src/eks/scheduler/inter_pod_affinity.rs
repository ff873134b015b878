//! InterPodAffinity (filter for required terms + score for preferred terms, weight 2;
//! K8S …/interpodaffinity/{filtering,scoring}.go). Counts are kept per (topologyKey, value).

use super::decision::Reject;
use super::state::{ClusterState, NodeInfo, PodInfo};
use crate::eks::objects::PodAffinityTerm;
use std::collections::BTreeMap;

pub const NAME: &str = "InterPodAffinity";
pub const WEIGHT: i64 = 2;
/// `InterPodAffinityArgs.hardPodAffinityWeight` default.
pub const HARD_POD_AFFINITY_WEIGHT: i64 = 1;

type Pairs<'a> = BTreeMap<(&'a str, &'a str), i64>;

/// Does `term`, written in a pod of `owner_ns`, select a pod in `ns` with `labels`?
fn term_selects(state: &ClusterState, term: &PodAffinityTerm, owner_ns: &str, ns: &str, labels: &crate::eks::selector::Labels) -> bool {
    let ns_ok = if term.namespaces.is_empty() && term.namespace_selector.is_none() {
        ns == owner_ns
    } else {
        term.namespaces.iter().any(|n| n == ns)
            || term.namespace_selector.as_ref().is_some_and(|s| state.namespaces.get(ns).is_some_and(|l| s.matches(l)))
    };
    ns_ok && term.label_selector.as_ref().is_some_and(|s| s.matches(labels))
}

fn set_matches(state: &ClusterState, term: &PodAffinityTerm, owner_ns: &str) -> Vec<bool> {
    state.sets.iter().map(|(ns, labels)| term_selects(state, term, owner_ns, ns, labels)).collect()
}

pub struct FilterState<'a> {
    affinity: Pairs<'a>,
    anti: Pairs<'a>,
    existing_anti: Pairs<'a>,
    /// The pod matches all of its own required affinity terms (lets the first pod of a group land).
    self_match: bool,
}

/// None when neither the pod nor any bound pod has required terms that could matter.
pub fn prefilter<'a>(state: &'a ClusterState, pod: &'a PodInfo) -> Option<FilterState<'a>> {
    let a = &pod.spec.affinity;
    let mut existing_anti = Pairs::new();
    for &pi in &state.affinity_pods {
        let bp = &state.pods[pi];
        for t in &bp.pod.spec.affinity.anti_required {
            if term_selects(state, t, &bp.pod.namespace, &pod.namespace, &pod.labels) {
                if let Some(v) = state.nodes[bp.node].node.labels.get(&t.topology_key) {
                    *existing_anti.entry((t.topology_key.as_str(), v.as_str())).or_default() += 1;
                }
            }
        }
    }
    if a.pod_required.is_empty() && a.anti_required.is_empty() && existing_anti.is_empty() {
        return None;
    }
    let aff: Vec<Vec<bool>> = a.pod_required.iter().map(|t| set_matches(state, t, &pod.namespace)).collect();
    let anti: Vec<Vec<bool>> = a.anti_required.iter().map(|t| set_matches(state, t, &pod.namespace)).collect();
    let (mut affinity, mut anti_counts) = (Pairs::new(), Pairs::new());
    // An existing pod counts for affinity only if it matches every required term.
    let all_terms: Vec<bool> = (0..state.sets.len()).map(|s| aff.iter().all(|m| m[s])).collect();
    for (i, n) in state.nodes.iter().enumerate() {
        if !aff.is_empty() {
            let c = state.count_on(i, &all_terms);
            if c > 0 {
                for t in &a.pod_required {
                    if let Some(v) = n.node.labels.get(&t.topology_key) {
                        *affinity.entry((t.topology_key.as_str(), v.as_str())).or_default() += c;
                    }
                }
            }
        }
        for (t, m) in a.anti_required.iter().zip(&anti) {
            let c = state.count_on(i, m);
            if let (true, Some(v)) = (c > 0, n.node.labels.get(&t.topology_key)) {
                *anti_counts.entry((t.topology_key.as_str(), v.as_str())).or_default() += c;
            }
        }
    }
    let self_match = a.pod_required.iter().all(|t| term_selects(state, t, &pod.namespace, &pod.namespace, &pod.labels));
    Some(FilterState { affinity, anti: anti_counts, existing_anti, self_match })
}

pub fn filter(fs: &FilterState, pod: &PodInfo, n: &NodeInfo) -> Result<(), Reject> {
    let labels = &n.node.labels;
    let a = &pod.spec.affinity;
    let satisfied = a.pod_required.iter().all(|t| labels.get(&t.topology_key).is_some_and(|v| fs.affinity.get(&(t.topology_key.as_str(), v.as_str())).is_some_and(|c| *c > 0)));
    if !satisfied {
        let first_of_group = fs.affinity.is_empty() && fs.self_match && a.pod_required.iter().all(|t| labels.contains_key(&t.topology_key));
        if !first_of_group {
            return Err(Reject::one(NAME, "node(s) didn't match pod affinity rules", true));
        }
    }
    for t in &a.anti_required {
        if labels.get(&t.topology_key).is_some_and(|v| fs.anti.get(&(t.topology_key.as_str(), v.as_str())).is_some_and(|c| *c > 0)) {
            return Err(Reject::one(NAME, "node(s) didn't match pod anti-affinity rules", false));
        }
    }
    for ((k, v), c) in &fs.existing_anti {
        if *c > 0 && labels.get(*k).is_some_and(|x| x == v) {
            return Err(Reject::one(NAME, "node(s) didn't satisfy existing pods anti-affinity rules", false));
        }
    }
    Ok(())
}

pub struct ScoreState<'a> {
    topology: Pairs<'a>,
}

/// PreScore: Σ weights per topology pair. Skip when the pod has no preferred terms and no
/// bound pod has affinity terms.
pub fn prescore<'a>(state: &'a ClusterState, pod: &'a PodInfo) -> Option<ScoreState<'a>> {
    let a = &pod.spec.affinity;
    if a.pod_preferred.is_empty() && a.anti_preferred.is_empty() && state.affinity_pods.is_empty() {
        return None;
    }
    let mut topology = Pairs::new();
    let add = |key: &'a str, node: usize, w: i64, topology: &mut Pairs<'a>| {
        if let Some(v) = state.nodes[node].node.labels.get(key) {
            *topology.entry((key, v.as_str())).or_default() += w;
        }
    };
    for (sign, terms) in [(1, &a.pod_preferred), (-1, &a.anti_preferred)] {
        for (w, t) in terms {
            let m = set_matches(state, t, &pod.namespace);
            for i in 0..state.nodes.len() {
                let c = state.count_on(i, &m);
                if c > 0 {
                    add(&t.topology_key, i, sign * w * c, &mut topology);
                }
            }
        }
    }
    // Symmetry: bound pods' terms that select the incoming pod.
    for &pi in &state.affinity_pods {
        let bp = &state.pods[pi];
        let ea = &bp.pod.spec.affinity;
        let sel = |t: &PodAffinityTerm| term_selects(state, t, &bp.pod.namespace, &pod.namespace, &pod.labels);
        for t in ea.pod_required.iter().filter(|t| sel(t)) {
            add(&t.topology_key, bp.node, HARD_POD_AFFINITY_WEIGHT, &mut topology);
        }
        for (w, t) in ea.pod_preferred.iter().filter(|(_, t)| sel(t)) {
            add(&t.topology_key, bp.node, *w, &mut topology);
        }
        for (w, t) in ea.anti_preferred.iter().filter(|(_, t)| sel(t)) {
            add(&t.topology_key, bp.node, -*w, &mut topology);
        }
    }
    Some(ScoreState { topology })
}

pub fn score(ss: &ScoreState, n: &NodeInfo) -> i64 {
    ss.topology.iter().filter(|((k, v), _)| n.node.labels.get(*k).is_some_and(|x| x == v)).map(|(_, w)| *w).sum()
}

/// `100 × (s − min) / (max − min)`, all 0 when nothing was counted or max == min.
pub fn normalize(ss: &ScoreState, raw: &mut [i64]) {
    let (min, max) = raw.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &s| (lo.min(s), hi.max(s)));
    for s in raw.iter_mut() {
        *s = if ss.topology.is_empty() || max == min { 0 } else { (100.0 * (*s - min) as f64 / (max - min) as f64) as i64 };
    }
}
