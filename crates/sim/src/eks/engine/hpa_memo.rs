//! The HPA sync's memo. A Resource-metric HPA reads every pod of its target each 15 s, and on
//! a settled cluster almost every pod reads as it did last time: the same state, the same
//! `SetPodUsage` entry. Each sync therefore keeps, per pod it read, its input and the instant
//! (`until`) at which that pod's reading would first differ by the clock alone (it starts,
//! turns Ready, leaves its CPU initialisation period…). The next sync with the same key reads
//! afresh only the pods touched since, new ones, and those past their instant; the others'
//! inputs are reused with the sample restamped. The whole-Deployment alternative missed at
//! almost every sync of a busy cluster, where some pod of each Deployment changes every 15 s.
//!
//! `touch` is called wherever a Deployment's or a bare pod's record changes in a field the sync
//! reads (created, bound, started, Terminating, gone, finished) and stamps the pod with a
//! sequence number; compaction renumbers everything and voids every memo.

use super::{Engine, Owner};
use crate::eks::hpa::controller::Observed;
use crate::eks::hpa::MetricSpec;

/// Change counters for the pods HPA syncs read.
#[derive(Debug, Clone, Default)]
pub(super) struct PodEpochs {
    /// Per pod id: the `seq` of its last touch.
    pod_seq: Vec<u64>,
    seq: u64,
    bare: u64,
    /// Every id moved (compaction).
    all: u64,
}

/// What one HPA's last full read depended on.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Key {
    pub target: usize,
    /// Bare-pod and compaction epochs (a Deployment's own pods are checked one by one).
    pub epochs: (u64, u64),
    /// `SetPodUsage` entries in force (a prefix of the time-ordered list) and the list's length.
    pub usage: (usize, usize),
    pub metrics: Vec<MetricSpec>,
}

#[derive(Debug, Clone)]
pub(super) struct Memo {
    pub key: Key,
    /// The pod ids read, in reading order, and per position the instant its reading expires.
    pub pods: Vec<usize>,
    pub until: Vec<u64>,
    /// `PodEpochs::seq` when read: a pod touched later is read afresh.
    pub seq: u64,
    pub observed: Vec<Observed>,
}

/// A previous reading of one metric over the same key, for `pod_inputs` to reuse.
pub(super) struct Prior<'a> {
    pub pods: &'a [usize],
    pub inputs: &'a [crate::eks::hpa::replicas::PodInput],
    pub until: &'a [u64],
    pub seq: u64,
    pub pod_seq: &'a [u64],
}

impl Prior<'_> {
    /// Whether pod `id`, read at position `j` last time, still reads the same at `now_ms`.
    pub fn holds(&self, j: usize, id: usize, now_ms: u64) -> bool {
        self.pods.get(j) == Some(&id) && self.until[j] > now_ms && self.pod_seq.get(id).is_some_and(|&s| s <= self.seq)
    }
}

impl Engine {
    /// Pod `id`'s record changed in a way an HPA reading it could see.
    pub(super) fn touch(&mut self, id: usize) {
        let e = &mut self.pod_epochs;
        match self.pods[id].owner {
            Owner::Deployment(_) => {
                if e.pod_seq.len() <= id {
                    e.pod_seq.resize(id + 1, 0);
                }
                e.seq += 1;
                e.pod_seq[id] = e.seq;
            }
            Owner::None => e.bare += 1,
            _ => {}
        }
    }

    /// Pod ids were renumbered: no memo's ids mean anything now.
    pub(super) fn touch_all(&mut self) {
        self.pod_epochs.all += 1;
        self.pod_epochs.pod_seq.clear();
    }

    pub(super) fn pod_seq(&self) -> (&[u64], u64) {
        (&self.pod_epochs.pod_seq, self.pod_epochs.seq)
    }

    /// The key a sync of an HPA with these metrics on Deployment `k` depends on, or None when
    /// its reading depends on more than the key holds (traffic, a shared `cpuTotal`, a
    /// non-Resource metric), so it is always read afresh.
    pub(super) fn hpa_memo_key(&self, k: usize, metrics: &[MetricSpec]) -> Option<Key> {
        let plain = metrics.iter().all(|m| matches!(m, MetricSpec::Resource { .. }))
            && self.sources.traffic.is_empty()
            && self.sources.ingresses.is_empty()
            && self.usage.iter().all(|u| u.cpu_total_m.is_none());
        if !plain {
            return None;
        }
        let e = &self.pod_epochs;
        Some(Key {
            target: k,
            epochs: (e.bare, e.all),
            usage: (self.usage.partition_point(|u| u.at_s <= self.now), self.usage.len()),
            metrics: metrics.to_vec(),
        })
    }
}

