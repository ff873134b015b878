//! The disruption controller's PodDisruptionBudget status (`disruption.go`
//! `getExpectedPodCount`, eks-semantics §2.7) and the Eviction API's check (what
//! `kubectl drain` meets).

use crate::eks::fenceposts::IntOrPercent;
use crate::eks::objects::PodDisruptionBudget;

/// `status` of one PDB at an instant.
#[derive(Debug, Clone, PartialEq)]
pub struct PdbStatus {
    pub expected_pods: i64,
    pub current_healthy: i64,
    pub desired_healthy: i64,
    pub disruptions_allowed: i64,
}

/// What the controller counts about the pods a PDB selects.
pub struct Selected {
    /// Live (not terminating) pods the selector matches.
    pub pods: i64,
    /// Of those, Ready ones.
    pub healthy: i64,
    /// Σ `spec.replicas` of the controllers owning them; a pod with no controller adds
    /// nothing (upstream emits `UnmanagedPods` and leaves it out of the expected count).
    pub scale: i64,
}

fn ceil_pct(p: i64, n: i64) -> i64 {
    (p.saturating_mul(n) + 99).div_euclid(100)
}

pub fn status(pdb: &PodDisruptionBudget, s: &Selected) -> PdbStatus {
    let (expected, desired) = match (pdb.max_unavailable, pdb.min_available) {
        (Some(mu), _) => {
            let unavail = match mu {
                IntOrPercent::Int(v) => v,
                IntOrPercent::Percent(p) => ceil_pct(p, s.scale),
            };
            (s.scale, (s.scale - unavail).max(0))
        }
        (None, Some(IntOrPercent::Int(v))) => (s.pods, v),
        (None, Some(IntOrPercent::Percent(p))) => (s.scale, ceil_pct(p, s.scale)),
        (None, None) => (s.pods, 0),
    };
    // `updatePdbStatus`: nothing may be disrupted while nothing is expected.
    let allowed = if expected <= 0 { 0 } else { (s.healthy - desired).max(0) };
    PdbStatus { expected_pods: expected, current_healthy: s.healthy, desired_healthy: desired, disruptions_allowed: allowed }
}

pub const VIOLATES: &str = "Cannot evict pod as it would violate the pod's disruption budget.";
pub const MANY_PDBS: &str = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";

/// The Eviction API: Ok when the pod may be evicted now. `ready` is the pod's Ready condition;
/// `running` false (Pending) lets it bypass every budget, as `canIgnorePDB` does.
pub fn may_evict(budgets: &[(&PodDisruptionBudget, PdbStatus)], running: bool, ready: bool) -> Result<(), &'static str> {
    if !running {
        return Ok(());
    }
    match budgets {
        [] => Ok(()),
        [(pdb, st)] => {
            // unhealthyPodEvictionPolicy IfHealthyBudget (default): an unready pod may go
            // while the budget is met; AlwaysAllow is not modelled separately.
            if !ready && st.current_healthy >= st.desired_healthy {
                return Ok(());
            }
            let _ = pdb;
            if st.disruptions_allowed > 0 { Ok(()) } else { Err(VIOLATES) }
        }
        _ => Err(MANY_PDBS),
    }
}
