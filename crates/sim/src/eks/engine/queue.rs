//! kube-scheduler's scheduling queue: an active queue in PrioritySort order (higher
//! `priority` first, then earlier enqueue), a per-pod backoff (1 s doubling to 10 s,
//! `podInitialBackoffSeconds` / `podMaxBackoffSeconds`), and the unschedulable pool that a
//! cluster change (a pod gone, a node uncordoned) or a periodic flush empties (eks-semantics §1.11).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

pub const INITIAL_BACKOFF_S: i64 = 1;
pub const MAX_BACKOFF_S: i64 = 10;
/// `podMaxInUnschedulablePodsDuration`: a pod left in the pool this long is retried anyway
/// (5 min; the reference marks it UNVERIFIED, kube-scheduler's default in 1.32).
pub const UNSCHEDULABLE_FLUSH_S: i64 = 300;

#[derive(Debug, Clone, Default)]
pub struct Queue {
    /// (priority desc, enqueue time, sequence, pod id).
    active: BTreeSet<(Reverse<i64>, i64, u64, usize)>,
    /// The same entries by (pod id, sequence): `remove` finds a pod's without a scan.
    by_pod: BTreeMap<(usize, u64), (Reverse<i64>, i64)>,
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
        self.by_pod.insert((pod, self.seq), (Reverse(priority), now));
    }

    pub fn pop(&mut self) -> Option<usize> {
        let (_, _, seq, pod) = self.active.pop_first()?;
        self.by_pod.remove(&(pod, seq));
        Some(pod)
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
        self.by_pod = self.active.iter().map(|&(p, t, s, id)| ((id, s), (p, t))).collect();
        self.unschedulable = std::mem::take(&mut self.unschedulable).into_iter().map(&f).collect();
    }

    pub fn remove(&mut self, pod: usize) {
        self.unschedulable.remove(&pod);
        let keys: Vec<(usize, u64)> = self.by_pod.range((pod, 0)..=(pod, u64::MAX)).map(|(k, _)| *k).collect();
        for k in keys {
            if let Some((p, t)) = self.by_pod.remove(&k) {
                self.active.remove(&(p, t, k.1, pod));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Queue;

    #[test]
    fn remove_takes_every_entry_of_a_pod_and_keeps_the_order_of_the_rest() {
        let mut q = Queue::default();
        for (pod, prio, t) in [(1, 0, 5), (2, 10, 6), (3, 0, 1), (1, 0, 7), (4, 0, 2)] {
            q.push(pod, prio, t);
        }
        q.remove(1);
        q.remove(9);
        let order: Vec<usize> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, [2, 3, 4], "priority first, then enqueue time; pod 1 gone twice over");
        q.push(5, 0, 0);
        q.renumber(|id| id + 1);
        q.remove(6);
        assert!(q.is_empty());
    }
}
