//! NodeResourcesFit (filter + score with strategy LeastAllocated, weight 1;
//! K8S …/noderesources/fit.go `fitsRequest`, least_allocated.go).

use super::decision::{Reject, RejectTally};
use super::state::{NodeInfo, PodInfo};
use std::borrow::Cow;

pub const NAME: &str = "NodeResourcesFit";
pub const WEIGHT: i64 = 1;

/// Pod count first, then every requested resource that does not fit; all reasons are kept.
pub fn filter(pod: &PodInfo, n: &NodeInfo) -> Result<(), Reject> {
    let mut reasons: Vec<Cow<'static, str>> = Vec::new();
    check(pod, n, |r| reasons.push(r));
    if reasons.is_empty() { Ok(()) } else { Err(Reject { plugin: NAME, reasons, unresolvable: false }) }
}

/// `filter(..).is_ok()` without building the reasons (the scheduler's loop once it no longer
/// needs them).
pub fn fits(pod: &PodInfo, n: &NodeInfo) -> bool {
    let mut ok = true;
    check(pod, n, |_| ok = false);
    ok
}

/// A node `fits` refused, counted for the FailedScheduling message: the reasons go straight
/// into the tally (a pod no node fits is refused by every node, every retry).
pub fn tally(pod: &PodInfo, n: &NodeInfo, t: &mut RejectTally) {
    check(pod, n, |r| t.reason(r));
    t.node(false);
}

fn check(pod: &PodInfo, n: &NodeInfo, mut reasons: impl FnMut(Cow<'static, str>)) {
    let a = &n.node.allocatable;
    let used = &n.requested;
    let r = &pod.requests;
    if n.pod_count + 1 > n.node.max_pods {
        reasons("Too many pods".into());
    }
    if r.cpu > 0 && r.cpu > a.cpu - used.cpu {
        reasons("Insufficient cpu".into());
    }
    if r.memory > 0 && r.memory > a.memory - used.memory {
        reasons("Insufficient memory".into());
    }
    if r.ephemeral > 0 && r.ephemeral > a.ephemeral - used.ephemeral {
        reasons("Insufficient ephemeral-storage".into());
    }
    for (name, want) in &r.extended {
        let have = a.extended.iter().find(|(n, _)| n == name).map_or(0, |x| x.1);
        let taken = used.extended.iter().find(|(n, _)| n == name).map_or(0, |x| x.1);
        if *want > 0 && *want > have - taken {
            reasons(format!("Insufficient {name}").into());
        }
    }
}

/// `(allocatable − requested) × 100 / allocatable`, 0 when over; integer division.
pub fn least_requested(requested: i64, allocatable: i64) -> i64 {
    if allocatable == 0 || requested > allocatable {
        return 0;
    }
    (allocatable - requested) * 100 / allocatable
}

/// LeastAllocated over cpu and memory (weight 1 each), with the scheduler's non-zero requests.
pub fn score(pod: &PodInfo, n: &NodeInfo) -> i64 {
    let a = &n.node.allocatable;
    let mut sum = 0;
    let mut weights = 0;
    for (req, alloc) in [(n.nonzero_cpu + pod.nonzero_cpu, a.cpu), (n.nonzero_memory + pod.nonzero_memory, a.memory)] {
        if alloc == 0 {
            continue;
        }
        sum += least_requested(req, alloc);
        weights += 1;
    }
    if weights == 0 { 0 } else { sum / weights }
}
