//! Scheduling decisions name nodes by index, and a node's removal moves every later index down
//! one. Renumbering up to `DECISIONS_KEPT` decisions at each removal was most of a removal's
//! cost (a day of Cluster Autoscaler churn removes a node every minute or two, one at a time),
//! so removals are logged and applied to the decisions in one pass when they are next read
//! (the end of each `advance_within`, a report) or trimmed. The result is the same as renumbering
//! at once: a decision that bound a pod on a removed node goes, a removed node's verdicts and
//! scores go, the rest are renumbered.

use crate::eks::scheduler::decision::Decision;

/// Applies `removals` (node indices, in the order they were removed) to `decisions`, where
/// `epochs[k]` is how many of them had happened when decision `k` was recorded (never
/// decreasing along the list). `nodes_now` is the node count after the last removal.
pub fn settle(decisions: &mut Vec<Decision>, epochs: &mut Vec<u32>, removals: &[usize], nodes_now: usize) {
    if removals.is_empty() {
        return;
    }
    // `to[j]`: where index j at epoch `at` is now. Walked from the newest decisions back, so
    // the table only ever steps one removal back (`step_back`); an index at epoch e is below
    // the node count then, at most `nodes_now` plus the removals after e.
    let len = nodes_now + removals.len();
    let mut to: Vec<Option<usize>> = (0..len).map(Some).collect();
    let mut at = removals.len();
    let mut keep = vec![true; decisions.len()];
    for k in (0..decisions.len()).rev() {
        let e = (epochs[k] as usize).min(at);
        while at > e {
            at -= 1;
            step_back(&mut to, removals[at]);
        }
        if at == removals.len() {
            continue;
        }
        let map = |j: usize| to.get(j).copied().flatten();
        let d = &mut decisions[k];
        match d.node.map(map) {
            Some(None) => {
                keep[k] = false;
                continue;
            }
            Some(Some(n)) => d.node = Some(n),
            None => {}
        }
        if !d.verdicts.is_empty() {
            d.verdicts.retain_mut(|v| map(v.node).map(|n| v.node = n).is_some());
        }
        if !d.scores.is_empty() {
            d.scores.retain_mut(|s| map(s.node).map(|n| s.node = n).is_some());
        }
    }
    let mut k = 0;
    decisions.retain(|_| {
        k += 1;
        keep[k - 1]
    });
    epochs.clear();
    epochs.resize(decisions.len(), 0);
}

/// `to` maps indices after removal `r` to now; make it map indices before it: below `r` the
/// same, `r` itself gone, above it one lower first. Descending, so `to[j - 1]` is still the
/// later epoch's entry when `to[j]` reads it.
fn step_back(to: &mut [Option<usize>], r: usize) {
    for j in (0..to.len()).rev() {
        if j < r {
            break;
        }
        to[j] = if j == r { None } else { to[j - 1] };
    }
}

#[cfg(test)]
mod tests {
    use super::super::node_retire::shifted;
    use super::settle;
    use crate::eks::scheduler::decision::{Decision, Verdict};

    fn on(node: Option<usize>, verdicts: &[usize]) -> Decision {
        Decision { node, verdicts: verdicts.iter().map(|&n| Verdict { node: n, rejected: None }).collect(), ..Decision::default() }
    }

    /// The eager rule, one removal at a time, for comparison.
    fn eager(list: &mut Vec<Decision>, r: usize) {
        let shift = |j: usize| shifted(j, r);
        list.retain_mut(|d| {
            if let Some(j) = d.node {
                match shift(j) {
                    None => return false,
                    Some(n) => d.node = Some(n),
                }
            }
            d.verdicts.retain_mut(|v| shift(v.node).map(|n| v.node = n).is_some());
            true
        });
    }

    #[test]
    fn logged_removals_give_what_renumbering_at_each_removal_gives() {
        // 8 nodes; decisions recorded between removals of 2, then 5 (of the 7 left), then 0,
        // with a node joining (index 5 after the second removal) that a later decision names.
        let mut lazy = Vec::new();
        let mut epochs = Vec::new();
        let mut eagerly = Vec::new();
        let mut removals = Vec::new();
        let record = |d: Decision, lazy: &mut Vec<Decision>, epochs: &mut Vec<u32>, eagerly: &mut Vec<Decision>, done: usize| {
            lazy.push(d.clone());
            epochs.push(done as u32);
            eagerly.push(d);
        };
        for d in [on(Some(2), &[]), on(Some(7), &[1, 2, 3]), on(None, &[0, 2, 6]), on(Some(3), &[])] {
            record(d, &mut lazy, &mut epochs, &mut eagerly, 0);
        }
        removals.push(2);
        eager(&mut eagerly, 2);
        for d in [on(Some(5), &[4, 5, 6]), on(Some(6), &[])] {
            record(d, &mut lazy, &mut epochs, &mut eagerly, 1);
        }
        removals.push(5);
        eager(&mut eagerly, 5);
        // A node joined: 7 nodes again, the new one at index 6.
        for d in [on(Some(6), &[0, 6]), on(Some(0), &[])] {
            record(d, &mut lazy, &mut epochs, &mut eagerly, 2);
        }
        removals.push(0);
        eager(&mut eagerly, 0);
        record(on(Some(1), &[1]), &mut lazy, &mut epochs, &mut eagerly, 3);
        settle(&mut lazy, &mut epochs, &removals, 6);
        assert_eq!(lazy, eagerly);
        assert_eq!(epochs, vec![0; lazy.len()]);
        let nodes: Vec<Option<usize>> = lazy.iter().map(|d| d.node).collect();
        assert_eq!(nodes, [Some(4), None, Some(1), Some(4), Some(5), Some(1)]);
    }

    #[test]
    fn nothing_removed_changes_nothing() {
        let mut list = vec![on(Some(3), &[1, 3])];
        let mut epochs = vec![0];
        settle(&mut list, &mut epochs, &[], 4);
        assert_eq!(list, vec![on(Some(3), &[1, 3])]);
    }
}
