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

/// `FitError.Error()` (K8S pkg/scheduler/framework/types.go) with DefaultPreemption's message
/// for a cluster where no pod has a lower priority (no PriorityClasses): nodes rejected as
/// unresolvable read "Preemption is not helpful for scheduling", the others "No preemption
/// victims found for incoming pod". Reason strings are counted and sorted lexicographically.
/// We print one final period (eks-semantics §1.11, §12.7: punctuation varies by release).
pub fn failed_scheduling_message(total_nodes: usize, rejects: &[&Reject]) -> String {
    if total_nodes == 0 {
        return "no nodes available to schedule pods".into();
    }
    // Borrowed keys: a thousand rejected nodes count without a String each.
    let mut hist: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pre: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rejects {
        for reason in &r.reasons {
            *hist.entry(reason.as_ref()).or_default() += 1;
        }
        let p = if r.unresolvable { "Preemption is not helpful for scheduling" } else { "No preemption victims found for incoming pod" };
        *pre.entry(p).or_default() += 1;
    }
    format!(
        "0/{total_nodes} nodes are available: {}. preemption: 0/{total_nodes} nodes are available: {}.",
        histogram(&hist),
        histogram(&pre)
    )
}

/// "count reason" entries, sorted by their full text as Kubernetes sorts them.
fn histogram(h: &BTreeMap<&str, usize>) -> String {
    let mut parts: Vec<String> = h.iter().map(|(r, c)| format!("{c} {r}")).collect();
    parts.sort_small();
    parts.join(", ")
}
