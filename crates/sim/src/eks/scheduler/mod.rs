//! kube-scheduler, default profile (eks-semantics §1; Kubernetes 1.31–1.33 behaviour):
//! filter in profile order → if one node fits take it → score, normalise, weigh, sum →
//! highest total, ties broken by the seeded RNG over tied nodes in node-name order.

pub mod balanced_allocation;
pub mod decision;
pub mod fit;
pub mod image_locality;
pub mod inter_pod_affinity;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_unschedulable;
pub mod state;
pub mod taint_toleration;
pub mod topology_spread;

use decision::{Decision, NodeScore, PluginScore, Reject, RejectTally, Verdict};
use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64;
use state::{ClusterState, PodInfo};

/// `MaxNodeScore`.
pub const MAX_NODE_SCORE: i64 = 100;

/// `DefaultNormalizeScore`: scale to 0–100 by the maximum; reversed, `100 − that`.
pub fn default_normalize(raw: &mut [i64], reverse: bool) {
    let max = raw.iter().copied().max().unwrap_or(0);
    for s in raw.iter_mut() {
        *s = if max == 0 {
            if reverse { MAX_NODE_SCORE } else { 0 }
        } else {
            let v = MAX_NODE_SCORE * *s / max;
            if reverse { MAX_NODE_SCORE - v } else { v }
        };
    }
}

/// `numFeasibleNodesToFind` (schedule_one.go): every node below 100 nodes; otherwise the
/// adaptive percentage 50 − n/125 (at least 5), and never fewer than 100 nodes.
pub fn num_feasible_nodes_to_find(num_all: usize, percentage: Option<u32>) -> usize {
    if num_all < 100 {
        return num_all;
    }
    let mut pct = percentage.unwrap_or(0) as i64;
    if pct == 0 {
        pct = (50 - num_all as i64 / 125).max(5);
    }
    if pct >= 100 {
        return num_all;
    }
    ((num_all as i64 * pct / 100) as usize).max(100)
}

pub struct Scheduler {
    rng: Pcg64,
    next_start: usize,
    /// Record every verdict and score for "why this node?" (costs time; off for bulk runs).
    pub explain: bool,
    /// `percentageOfNodesToScore`; None or 0 = adaptive.
    pub percentage: Option<u32>,
}

impl Scheduler {
    pub fn new(seed: u64) -> Scheduler {
        Scheduler { rng: Pcg64::seed_from_u64(seed), next_start: 0, explain: false, percentage: None }
    }

    /// Decides one pod's node (or why none). The caller binds it with `ClusterState::bind`.
    pub fn schedule_one(&mut self, state: &ClusterState, pod: &PodInfo) -> Decision {
        let n = state.nodes.len();
        let mut d = Decision { pod: format!("{}/{}", pod.namespace, pod.name), ..Decision::default() };
        let want = num_feasible_nodes_to_find(n, self.percentage);
        let pts = topology_spread::prefilter(state, pod);
        let ipa = inter_pod_affinity::prefilter(state, pod);
        let mut feasible = Vec::with_capacity(want.min(n));
        let mut rejects = RejectTally::default();
        let mut processed = 0;
        for k in 0..n {
            if feasible.len() >= want {
                break;
            }
            let i = (self.next_start + k) % n;
            processed += 1;
            let info = &state.nodes[i];
            // The reasons are built only when explaining; while no node fits yet, a refusal
            // by NodeResourcesFit is counted from the node itself (`fit::tally`).
            let verdict = node_unschedulable::filter(pod, info)
                .and_then(|_| node_name::filter(pod, info))
                .and_then(|_| taint_toleration::filter(pod, info))
                .and_then(|_| node_affinity::filter(pod, info))
                .and_then(|_| node_ports::filter(pod, info))
                .and_then(|_| match self.explain {
                    true => fit::filter(pod, info),
                    false if fit::fits(pod, info) => Ok(()),
                    false => Err(Reject { plugin: fit::NAME, reasons: Vec::new(), unresolvable: false }),
                })
                .and_then(|_| pts.as_ref().map_or(Ok(()), |s| topology_spread::filter(s, info)))
                .and_then(|_| ipa.as_ref().map_or(Ok(()), |s| inter_pod_affinity::filter(s, pod, info)));
            match verdict {
                Ok(()) => {
                    feasible.push(i);
                    if self.explain {
                        d.verdicts.push(Verdict { node: i, rejected: None });
                    }
                }
                Err(r) => {
                    if self.explain {
                        d.verdicts.push(Verdict { node: i, rejected: Some(r.clone()) });
                    }
                    if feasible.is_empty() {
                        if r.plugin == fit::NAME && r.reasons.is_empty() {
                            fit::tally(pod, info, &mut rejects);
                        } else {
                            rejects.add(r);
                        }
                    }
                }
            }
        }
        if n > 0 {
            self.next_start = (self.next_start + processed) % n;
        }
        d.evaluated = processed;
        match feasible.len() {
            0 => {
                d.message = Some(rejects.message(n));
            }
            1 => d.node = Some(feasible[0]),
            _ => {
                let scores = self.score(state, pod, &mut feasible);
                d.node = Some(self.select(&scores));
                if self.explain {
                    d.scores = scores;
                }
            }
        }
        d
    }

    /// Runs every score plugin over the feasible nodes (sorted here by name order).
    fn score(&mut self, state: &ClusterState, pod: &PodInfo, feasible: &mut [usize]) -> Vec<NodeScore> {
        feasible.sort_unstable();
        let mut totals: Vec<NodeScore> = feasible.iter().map(|&i| NodeScore { node: i, plugins: Vec::new(), total: 0 }).collect();
        let explain = self.explain;
        let mut apply = |plugin: &'static str, weight: i64, raw: &[i64], norm: &[i64]| {
            for (k, t) in totals.iter_mut().enumerate() {
                let weighted = norm[k] * weight;
                t.total += weighted;
                if explain {
                    t.plugins.push(PluginScore { plugin, raw: raw[k], normalized: norm[k], weight, weighted });
                }
            }
        };
        let nodes = |f: &dyn Fn(usize) -> i64| -> Vec<i64> { feasible.iter().map(|&i| f(i)).collect() };

        let raw = nodes(&|i| taint_toleration::score(pod, &state.nodes[i]));
        let mut norm = raw.clone();
        taint_toleration::normalize(&mut norm);
        apply(taint_toleration::NAME, taint_toleration::WEIGHT, &raw, &norm);

        if !node_affinity::skip(pod) {
            let raw = nodes(&|i| node_affinity::score(pod, &state.nodes[i]));
            let mut norm = raw.clone();
            node_affinity::normalize(&mut norm);
            apply(node_affinity::NAME, node_affinity::WEIGHT, &raw, &norm);
        }

        let raw = nodes(&|i| fit::score(pod, &state.nodes[i]));
        apply(fit::NAME, fit::WEIGHT, &raw, &raw);

        if let Some(ss) = topology_spread::prescore(state, pod, feasible) {
            let raw_opt: Vec<Option<i64>> = feasible.iter().map(|&i| topology_spread::score(&ss, state, i)).collect();
            let norm = topology_spread::normalize(&raw_opt);
            let raw: Vec<i64> = raw_opt.iter().map(|s| s.unwrap_or(0)).collect();
            apply(topology_spread::NAME, topology_spread::WEIGHT, &raw, &norm);
        }

        if let Some(ss) = inter_pod_affinity::prescore(state, pod) {
            let raw = nodes(&|i| inter_pod_affinity::score(&ss, &state.nodes[i]));
            let mut norm = raw.clone();
            inter_pod_affinity::normalize(&ss, &mut norm);
            apply(inter_pod_affinity::NAME, inter_pod_affinity::WEIGHT, &raw, &norm);
        }

        if !balanced_allocation::skip(pod) {
            let raw = nodes(&|i| balanced_allocation::score(pod, &state.nodes[i]));
            apply(balanced_allocation::NAME, balanced_allocation::WEIGHT, &raw, &raw);
        }

        let raw = nodes(&|_| image_locality::score());
        apply(image_locality::NAME, image_locality::WEIGHT, &raw, &raw);
        totals
    }

    /// Highest total; among ties, one drawn uniformly by the seeded RNG (node-name order).
    fn select(&mut self, scores: &[NodeScore]) -> usize {
        let best = scores.iter().map(|s| s.total).max().unwrap_or(0);
        let tied: Vec<usize> = scores.iter().filter(|s| s.total == best).map(|s| s.node).collect();
        if tied.len() == 1 {
            return tied[0];
        }
        tied[(self.rng.next_u64() % tied.len() as u64) as usize]
    }
}
