//! The HPA sync's memo. A Resource-metric HPA reads every pod of its target each 15 s, and on
//! a settled cluster almost every read sees what the last one saw: the same pods in the same
//! states, the same `SetPodUsage` entry. Each sync therefore keeps what it observed with the
//! key it depended on and the instant (`valid_until_ms`) at which some pod's reading would
//! first differ by the clock alone (it starts, turns Ready, leaves its CPU initialisation
//! period…); a later sync with the same key before then reuses it, restamping the samples.
//!
//! The key's epochs count changes to the pods an HPA reads: `touch` is called wherever a
//! Deployment's or a bare pod's record changes in a field the sync reads (created, bound,
//! started, Terminating, gone, finished), and compaction renumbers everything.

use super::{Engine, Owner};
use crate::eks::hpa::controller::Observed;
use crate::eks::hpa::MetricSpec;

/// Change counters for the pods HPA syncs read.
#[derive(Debug, Clone, Default)]
pub(super) struct PodEpochs {
    deployment: Vec<u64>,
    bare: u64,
    /// Every id moved (compaction).
    all: u64,
}

/// What one HPA's last full read depended on.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Key {
    pub target: usize,
    pub generation: u64,
    pub epochs: (u64, u64, u64),
    /// `SetPodUsage` entries in force (a prefix of the time-ordered list) and the list's length.
    pub usage: (usize, usize),
    pub metrics: Vec<MetricSpec>,
}

#[derive(Debug, Clone)]
pub(super) struct Memo {
    /// Which reading this is, for the controller's proposal reuse (`Controller::observation`).
    pub id: u64,
    pub key: Key,
    pub valid_until_ms: u64,
    pub observed: Vec<Observed>,
}

impl Engine {
    /// Pod `id`'s record changed in a way an HPA reading it could see.
    pub(super) fn touch(&mut self, id: usize) {
        match self.pods[id].owner {
            Owner::Deployment(k) => {
                let e = &mut self.pod_epochs.deployment;
                if e.len() <= k {
                    e.resize(k + 1, 0);
                }
                e[k] += 1;
            }
            Owner::None => self.pod_epochs.bare += 1,
            _ => {}
        }
    }

    /// Pod ids were renumbered.
    pub(super) fn touch_all(&mut self) {
        self.pod_epochs.all += 1;
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
            generation: self.rollouts[k].generation,
            epochs: (e.deployment.get(k).copied().unwrap_or(0), e.bare, e.all),
            usage: (self.usage.partition_point(|u| u.at_s <= self.now), self.usage.len()),
            metrics: metrics.to_vec(),
        })
    }
}

/// The memo's reading now: the samples restamped at `now_ms` (a sample is always "now").
pub(super) fn restamp(observed: &mut [Observed], now_ms: u64) {
    for o in observed {
        if let Observed::Pods(inputs) = o {
            for s in inputs.iter_mut().filter_map(|p| p.sample.as_mut()) {
                s.timestamp_ms = now_ms;
            }
        }
    }
}
