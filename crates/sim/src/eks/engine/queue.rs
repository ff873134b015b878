//! kube-scheduler's scheduling queue: an active queue in PrioritySort order (higher
//! `priority` first, then earlier enqueue), a per-pod backoff (1 s doubling to 10 s,
//! `podInitialBackoffSeconds` / `podMaxBackoffSeconds`), and the unschedulable pool that a
//! cluster change (a pod gone, a node uncordoned) or a periodic flush empties (eks-semantics §1.11).

use std::cmp::Reverse;
use std::collections::BTreeSet;

pub const INITIAL_BACKOFF_S: i64 = 1;
pub const MAX_BACKOFF_S: i64 = 10;
/// `podMaxInUnschedulablePodsDuration`: a pod left in the pool this long is retried anyway
/// (5 min; the reference marks it UNVERIFIED, kube-scheduler's default in 1.32).
pub const UNSCHEDULABLE_FLUSH_S: i64 = 300;

#[derive(Debug, Clone, Default)]
pub struct Queue {
    /// (priority desc, enqueue time, sequence, pod id).
    active: BTreeSet<(Reverse<i64>, i64, u64, usize)>,
    seq: u64,
    /// Pods that failed and wait for a cluster change.
    pub unschedulable: BTreeSet<usize>,
}

/// The backoff after `attempts` failed tries: 1, 2, 4, 8, 10, 10… seconds.
pub fn backoff_s(attempts: u32) -> i64 {
    let exp = attempts.saturating_sub(1).min(8);
    (INITIAL_BACKOFF_S << exp).min(MAX_BACKOFF_S)
}

impl Queue {
    pub fn push(&mut self, pod: usize, priority: i64, now: i64) {
        self.seq += 1;
        self.unschedulable.remove(&pod);
        self.active.insert((Reverse(priority), now, self.seq, pod));
    }

    pub fn pop(&mut self) -> Option<usize> {
        self.active.pop_first().map(|x| x.3)
    }

    pub fn is_empty(&self) -> bool {
        self.active.is_empty()
    }

    /// Every pod id the queue holds (active and unschedulable).
    pub fn each(&self, f: &mut impl FnMut(usize)) {
        self.active.iter().for_each(|x| f(x.3));
        self.unschedulable.iter().for_each(|&id| f(id));
    }

    /// Renumbers pod ids (`pod_compact`); `f` keeps their order, so the sets' order holds.
    pub fn renumber(&mut self, f: impl Fn(usize) -> usize) {
        self.active = std::mem::take(&mut self.active).into_iter().map(|(p, t, s, id)| (p, t, s, f(id))).collect();
        self.unschedulable = std::mem::take(&mut self.unschedulable).into_iter().map(&f).collect();
    }

    pub fn remove(&mut self, pod: usize) {
        self.unschedulable.remove(&pod);
        self.active.retain(|x| x.3 != pod);
    }
}
