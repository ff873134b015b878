//! TaintToleration (filter + score, weight 3; K8S …/tainttoleration/taint_toleration.go).

use super::decision::Reject;
use super::state::{NodeInfo, PodInfo};
use crate::eks::objects::Effect;

pub const NAME: &str = "TaintToleration";
pub const WEIGHT: i64 = 3;

/// Rejects on the first NoSchedule / NoExecute taint the pod does not tolerate.
pub fn filter(pod: &PodInfo, n: &NodeInfo) -> Result<(), Reject> {
    for t in &n.node.taints {
        if t.effect != Effect::PreferNoSchedule && !pod.spec.tolerations.iter().any(|tol| tol.tolerates(t)) {
            return Err(Reject::one(NAME, format!("node(s) had untolerated taint {{{}: {}}}", t.key, t.value), true));
        }
    }
    Ok(())
}

/// Raw: PreferNoSchedule taints not tolerated; only tolerations whose effect is empty or
/// PreferNoSchedule count.
pub fn score(pod: &PodInfo, n: &NodeInfo) -> i64 {
    let counts = |tol: &&crate::eks::objects::Toleration| tol.effect.is_none_or(|e| e == Effect::PreferNoSchedule);
    n.node
        .taints
        .iter()
        .filter(|t| t.effect == Effect::PreferNoSchedule && !pod.spec.tolerations.iter().filter(counts).any(|tol| tol.tolerates(t)))
        .count() as i64
}

/// `DefaultNormalizeScore(100, reverse = true)`.
pub fn normalize(raw: &mut [i64]) {
    super::default_normalize(raw, true);
}
