//! What the engine keeps of its past, so memory stays bounded over long runs (as the ECS
//! engine's `engine/retention.rs` does). Kubernetes keeps no scheduling-decision log at all
//! (the scheduler only emits Events), so the bound on `decisions` (the `--explain` records)
//! is ours: the newest are kept, the oldest dropped in a batch so dropping is rare. The drain
//! log (what `kubectl drain` and the Spot handler's drains printed) is bounded the same way:
//! endless Spot churn drains a node every few minutes.

use super::Engine;
use crate::eks::scheduler::decision::Decision;

/// Scheduling decisions kept (about one per pod attempt); past it the oldest `DECISIONS_DROP`
/// go at once.
pub const DECISIONS_KEPT: usize = 20_000;
const DECISIONS_DROP: usize = 5_000;
/// Drain log lines kept; past it the oldest `DRAIN_LOG_DROP` go at once.
pub const DRAIN_LOG_KEPT: usize = 10_000;
const DRAIN_LOG_DROP: usize = 2_500;

impl Engine {
    /// Records one scheduling attempt's decision, dropping the oldest past the bound.
    pub(super) fn record_decision(&mut self, d: Decision) {
        if self.decisions.len() >= DECISIONS_KEPT {
            // Decisions on removed nodes are dropped first, as if removed at once.
            self.settle_decisions();
        }
        if self.decisions.len() >= DECISIONS_KEPT {
            self.decisions.drain(..DECISIONS_DROP);
            self.decision_epochs.drain(..DECISIONS_DROP);
        }
        self.decisions.push(d);
        self.decision_epochs.push(self.node_removals.len() as u32);
    }

    /// Applies the logged node removals to the decisions (`decision_nodes.rs`).
    pub(crate) fn settle_decisions(&mut self) {
        if !self.node_removals.is_empty() {
            super::decision_nodes::settle(&mut self.decisions, &mut self.decision_epochs, &self.node_removals, self.state.nodes.len());
            self.node_removals.clear();
        }
    }

    /// The decisions with every node removal applied, for a report taken without `&mut`.
    pub fn settled_decisions(&self) -> Vec<Decision> {
        let mut list = self.decisions.clone();
        let mut epochs = self.decision_epochs.clone();
        super::decision_nodes::settle(&mut list, &mut epochs, &self.node_removals, self.state.nodes.len());
        list
    }

    /// One line of a drain's output at now, dropping the oldest past the bound.
    pub(super) fn log_drain(&mut self, line: String) {
        if self.drain_log.len() >= DRAIN_LOG_KEPT {
            self.drain_log.drain(..DRAIN_LOG_DROP);
        }
        self.drain_log.push((self.now, line));
    }
}

#[cfg(test)]
mod tests {
    use super::DECISIONS_KEPT;
    use crate::eks::engine::Engine;
    use crate::eks::manifest::parse;
    use crate::eks::scheduler::decision::Decision;

    const CA: &str = include_str!("../../../../../examples/eks/cluster-autoscaler.yaml");

    fn decision(i: usize) -> Decision {
        Decision { pod: format!("default/p-{i}"), node: None, message: None, evaluated: 0, verdicts: Vec::new(), scores: Vec::new() }
    }

    #[test]
    fn decisions_stay_bounded_and_keep_the_newest_in_order() {
        let mut e = Engine::new(&parse(CA).unwrap(), false);
        let before = e.decisions.len();
        let n = 3 * DECISIONS_KEPT;
        for i in 0..n {
            e.record_decision(decision(i));
            assert!(e.decisions.len() <= DECISIONS_KEPT, "at {i}: {}", e.decisions.len());
        }
        assert!(e.decisions.len() > DECISIONS_KEPT / 2, "a drop takes the oldest batch, not everything");
        let names: Vec<&str> = e.decisions.iter().map(|d| d.pod.as_str()).collect();
        let first = n - names.len();
        assert!(first >= before);
        let want: Vec<String> = (first..n).map(|i| format!("default/p-{i}")).collect();
        assert_eq!(names, want, "the newest are kept, oldest first");
    }
}
