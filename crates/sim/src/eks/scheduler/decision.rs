//! One scheduling decision, recorded for "why this node?", and the FailedScheduling text.

use crate::sort::SortSmall;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A filter plugin's rejection of one node.
#[derive(Debug, Clone, PartialEq)]
pub struct Reject {
    pub plugin: &'static str,
    pub reasons: Vec<Cow<'static, str>>,
    /// `UnschedulableAndUnresolvable`: preemption cannot help on this node.
    pub unresolvable: bool,
}

impl Reject {
    pub fn one(plugin: &'static str, reason: impl Into<Cow<'static, str>>, unresolvable: bool) -> Reject {
        Reject { plugin, reasons: vec![reason.into()], unresolvable }
    }
}

/// A node's filter verdict: passed (None) or rejected by the first plugin that said no.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub node: usize,
    pub rejected: Option<Reject>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PluginScore {
    pub plugin: &'static str,
    pub raw: i64,
    pub normalized: i64,
    pub weight: i64,
    pub weighted: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NodeScore {
    pub node: usize,
    pub plugins: Vec<PluginScore>,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Decision {
    pub pod: String,
    /// The chosen node, or None (Pending, FailedScheduling).
    pub node: Option<usize>,
    pub message: Option<String>,
    /// Nodes the filters looked at (percentageOfNodesToScore may stop early).
    pub evaluated: usize,
    /// Every evaluated node's verdict (passed ones only when explaining).
    pub verdicts: Vec<Verdict>,
    /// Per feasible node, every score plugin (only when explaining and more than one node fits).
    pub scores: Vec<NodeScore>,
}

/// The FailedScheduling message, counted node by node: `FitError.Error()` (K8S
/// pkg/scheduler/framework/types.go) with DefaultPreemption's message
/// for a cluster where no pod has a lower priority (no PriorityClasses): nodes rejected as
/// unresolvable read "Preemption is not helpful for scheduling", the others "No preemption
/// victims found for incoming pod". Reason strings are counted and sorted lexicographically.
/// We print one final period (eks-semantics §1.11, §12.7: punctuation varies by release).
#[derive(Debug, Default)]
pub struct RejectTally {
    reasons: BTreeMap<Cow<'static, str>, usize>,
    unresolvable: usize,
    resolvable: usize,
}

impl RejectTally {
    /// Counts one rejected node: the tally keeps counts, not the rejections (a pod no node fits
    /// is rejected by every node, and is retried).
    pub fn add(&mut self, r: Reject) {
        for reason in r.reasons {
            self.reason(reason);
        }
        self.node(r.unresolvable);
    }

    /// One reason of the node being counted (`node` ends it).
    pub fn reason(&mut self, reason: Cow<'static, str>) {
        *self.reasons.entry(reason).or_default() += 1;
    }

    /// One more node rejected, preemption helping or not.
    pub fn node(&mut self, unresolvable: bool) {
        if unresolvable {
            self.unresolvable += 1;
        } else {
            self.resolvable += 1;
        }
    }

    /// The message once every node has been counted.
    pub fn message(&self, total_nodes: usize) -> String {
        if total_nodes == 0 {
            return "no nodes available to schedule pods".into();
        }
        let hist: Vec<(&str, usize)> = self.reasons.iter().map(|(r, c)| (r.as_ref(), *c)).collect();
        let pre: Vec<(&str, usize)> = [("No preemption victims found for incoming pod", self.resolvable), ("Preemption is not helpful for scheduling", self.unresolvable)].into_iter().filter(|(_, c)| *c > 0).collect();
        format!("0/{total_nodes} nodes are available: {}. preemption: 0/{total_nodes} nodes are available: {}.", histogram(&hist), histogram(&pre))
    }
}

/// "count reason" entries, sorted by their full text as Kubernetes sorts them.
fn histogram(h: &[(&str, usize)]) -> String {
    let mut parts: Vec<String> = h.iter().map(|(r, c)| format!("{c} {r}")).collect();
    parts.sort_small();
    parts.join(", ")
}
