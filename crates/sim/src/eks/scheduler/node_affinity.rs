//! NodeAffinity (filter + score, weight 2): `nodeSelector` AND required node affinity (terms
//! ORed, expressions ANDed); score = Σ weights of matching preferred terms.

use super::decision::Reject;
use super::state::{NodeInfo, PodInfo};
use crate::eks::objects::NodeSelectorTerm;
use crate::eks::selector::Labels;

pub const NAME: &str = "NodeAffinity";
pub const WEIGHT: i64 = 2;

fn term_matches(t: &NodeSelectorTerm, labels: &Labels) -> bool {
    // A term with no expressions matches nothing (API rule for nodeSelectorTerms).
    !t.match_expressions.is_empty() && t.match_expressions.iter().all(|r| r.matches(labels))
}

/// Whether the node satisfies the pod's nodeSelector and required node affinity.
pub fn required_matches(pod: &PodInfo, labels: &Labels) -> bool {
    pod.spec.node_selector.iter().all(|(k, v)| labels.get(k) == Some(v))
        && pod.spec.affinity.node_required.as_ref().is_none_or(|terms| terms.iter().any(|t| term_matches(t, labels)))
}

pub fn filter(pod: &PodInfo, n: &NodeInfo) -> Result<(), Reject> {
    if required_matches(pod, &n.node.labels) {
        Ok(())
    } else {
        Err(Reject::one(NAME, "node(s) didn't match Pod's node affinity/selector", true))
    }
}

/// PreScore skips the plugin when the pod has no preferred terms.
pub fn skip(pod: &PodInfo) -> bool {
    pod.spec.affinity.node_preferred.is_empty()
}

pub fn score(pod: &PodInfo, n: &NodeInfo) -> i64 {
    pod.spec.affinity.node_preferred.iter().filter(|(_, t)| term_matches(t, &n.node.labels)).map(|(w, _)| *w).sum()
}

pub fn normalize(raw: &mut [i64]) {
    super::default_normalize(raw, false);
}
