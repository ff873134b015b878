//! NodeResourcesBalancedAllocation (score, weight 1), generation 2 of the formula
//! (Kubernetes ~1.23–1.34, eks-semantics §1.5): score = ⌊(1 − std) × 100⌋ over the cpu and
//! memory fractions of allocatable requested with the pod, actual requests, each capped at 1.

use super::state::{NodeInfo, PodInfo};

pub const NAME: &str = "NodeResourcesBalancedAllocation";
pub const WEIGHT: i64 = 1;

/// PreScore skips best-effort pods (no cpu or memory requests).
pub fn skip(pod: &PodInfo) -> bool {
    pod.best_effort()
}

pub fn score(pod: &PodInfo, n: &NodeInfo) -> i64 {
    let a = &n.node.allocatable;
    let mut fractions = [0f64; 2];
    let mut k = 0;
    for (req, alloc) in [(n.requested.cpu + pod.requests.cpu, a.cpu), (n.requested.memory + pod.requests.memory, a.memory)] {
        if alloc == 0 {
            continue;
        }
        fractions[k] = (req as f64 / alloc as f64).min(1.0);
        k += 1;
    }
    let std = if k == 2 { (fractions[0] - fractions[1]).abs() / 2.0 } else { 0.0 };
    ((1.0 - std) * 100.0) as i64
}
