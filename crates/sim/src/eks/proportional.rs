//! Proportional scaling: a Deployment resized while several ReplicaSets have pods (mid-rollout,
//! or paused) spreads the change over them by size (K8S:pkg/controller/deployment/sync.go
//! `scale`, deployment_util.go `GetProportion` / `getReplicaSetFraction`; eks-semantics §2.5).
//! Pure: sizes in, sizes out.

use crate::sort::SortSmall;

/// One ReplicaSet as `scale` sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sized {
    /// `spec.replicas`.
    pub replicas: i64,
    /// Creation order (larger = newer; ties in `ReplicaSetsByCreationTimestamp` go by name,
    /// which the caller folds into this rank).
    pub age_rank: usize,
    /// `deployment.kubernetes.io/max-replicas`: replicas + maxSurge when it was last scaled
    /// (0 when unknown).
    pub max_annotation: i64,
}

/// What `scale` decides: a new size per ReplicaSet (in the input order), or None when the
/// caller's other branches apply (one active or none: the caller scales that one directly).
/// `replicas`/`surge` are the Deployment's now; `status_replicas` its `status.replicas` (the
/// fallback when an annotation is missing).
pub fn proportional(sets: &[Sized], replicas: i64, surge: i64, status_replicas: i64) -> Vec<i64> {
    let mut out: Vec<i64> = sets.iter().map(|s| s.replicas).collect();
    let active: Vec<usize> = (0..sets.len()).filter(|i| sets[*i].replicas > 0).collect();
    let total: i64 = active.iter().map(|i| sets[*i].replicas).sum();
    let allowed = if replicas > 0 { replicas + surge } else { 0 };
    let to_add = allowed - total;
    if to_add == 0 {
        return out;
    }
    // Larger first; equal sizes: newer first when adding, older first when removing.
    let mut order = active;
    order.sort_small_by(|a, b| {
        let (x, y) = (&sets[*a], &sets[*b]);
        y.replicas.cmp(&x.replicas).then(if to_add > 0 { y.age_rank.cmp(&x.age_rank) } else { x.age_rank.cmp(&y.age_rank) })
    });
    let mut added = 0;
    for i in &order {
        let p = proportion(&sets[*i], replicas, allowed, status_replicas, to_add, added);
        out[*i] += p;
        added += p;
    }
    // Leftovers (from rounding) go to the largest.
    if let Some(first) = order.first() {
        out[*first] = (out[*first] + to_add - added).max(0);
    }
    out
}

/// `GetProportion`: this ReplicaSet's share of `to_add`, never past what is left of it.
fn proportion(s: &Sized, replicas: i64, allowed: i64, status_replicas: i64, to_add: i64, added: i64) -> i64 {
    if s.replicas == 0 || to_add == added {
        return 0;
    }
    let fraction = fraction(s, replicas, allowed, status_replicas);
    let left = to_add - added;
    if to_add > 0 { fraction.min(left) } else { fraction.max(left) }
}

/// `getReplicaSetFraction`: round(replicas × maxNow / maxBefore) − replicas (Go's
/// `math.Round`: halves away from zero).
fn fraction(s: &Sized, replicas: i64, allowed: i64, status_replicas: i64) -> i64 {
    if replicas == 0 {
        return -s.replicas;
    }
    let before = if s.max_annotation > 0 { s.max_annotation } else { status_replicas };
    if before == 0 {
        return 0;
    }
    let size = (s.replicas * allowed) as f64 / before as f64;
    size.round() as i64 - s.replicas
}
