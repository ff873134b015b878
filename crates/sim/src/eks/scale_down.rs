//! Which pods a ReplicaSet deletes first when it scales down (`controller_utils.go`
//! `ActivePodsWithRanks.Less`): the earlier rule that differs decides.

use crate::sort::SortSmall;
use std::cmp::Ordering;

/// What the ranking reads about one pod. Times are sim seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedPod {
    pub assigned: bool,
    /// 0 Pending, 1 Unknown, 2 Running.
    pub phase_rank: u8,
    pub ready: bool,
    /// `controller.kubernetes.io/pod-deletion-cost` (default 0).
    pub deletion_cost: i32,
    /// Active pods of the same ReplicaSet family on this pod's node (doubled-up pods go first).
    pub rank: i64,
    pub ready_since: i64,
    pub restarts: i64,
    pub created_at: i64,
    /// Stands in for the pod UID that breaks ties within a log2 bucket: stable per pod.
    pub uid: u64,
}

/// LogarithmicScaleDown (on by default since 1.22): ages compared by their log2 bucket.
fn log_bucket(now: i64, t: i64) -> i64 {
    let age = (now - t).max(0);
    if age == 0 { 0 } else { 64 - age.leading_zeros() as i64 }
}

/// `Ordering::Less` means `a` is deleted before `b`.
pub fn delete_order(a: &RankedPod, b: &RankedPod, now: i64) -> Ordering {
    // 1. unassigned first; 2. Pending < Unknown < Running; 3. not Ready first.
    a.assigned.cmp(&b.assigned)
        .then(a.phase_rank.cmp(&b.phase_rank))
        .then(a.ready.cmp(&b.ready))
        // 4. lower deletion cost first; 5. higher rank first.
        .then(a.deletion_cost.cmp(&b.deletion_cost))
        .then(b.rank.cmp(&a.rank))
        // 6. both Ready: more recently Ready (smaller age bucket) first.
        .then_with(|| if a.ready && b.ready { log_bucket(now, a.ready_since).cmp(&log_bucket(now, b.ready_since)) } else { Ordering::Equal })
        // 7. more restarts first; 8. newer (smaller age bucket) first, then the UID stand-in.
        .then(b.restarts.cmp(&a.restarts))
        .then(log_bucket(now, a.created_at).cmp(&log_bucket(now, b.created_at)))
        .then(a.uid.cmp(&b.uid))
}

/// Indices of the `n` pods to delete, first to go first.
pub fn pods_to_delete(pods: &[RankedPod], n: usize, now: i64) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..pods.len()).collect();
    idx.sort_small_by(|&i, &j| delete_order(&pods[i], &pods[j], now).then(i.cmp(&j)));
    idx.truncate(n);
    idx
}
