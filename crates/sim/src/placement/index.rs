//! A placement index for placing many tasks of one request in a row (a service scaling out
//! by hundreds). Within a batch the only instance that changes between placements is the one
//! just chosen, so instead of scanning every instance per task we keep the eligible instances
//! in ordered sets and re-check only the chosen one: O(log n) per task instead of O(n).
//!
//! Instances are partitioned by their values of the `spread` attributes in the chain (for
//! `[spread AZ, binpack memory]`, one partition per AZ). Inside a partition those keys are
//! equal, so members are ordered by their per-instance keys (binpack remaining, tasks of the
//! group on the instance) and then by index. The best instance overall is the best of the
//! partition heads under the full key — exactly what `place` computes by scanning, which the
//! equivalence tests check. `random` needs the whole tied set, so it always scans.

use super::requirements::{check, Stage};
use super::{Batch, Request, MAX_KEYS};
use crate::engine::instance::Instance;
use crate::model::{Resource, SpreadField, Strategy};
use std::collections::{BTreeMap, BTreeSet};

type Key = [i64; MAX_KEYS];

pub struct Index {
    /// Per instance: its partition, and its per-instance key while eligible.
    partition_of: Vec<usize>,
    member_key: Vec<Option<Key>>,
    stage: Vec<Option<Stage>>,
    /// Per partition: eligible members ordered by (per-instance key, index).
    partitions: Vec<BTreeSet<(Key, usize)>>,
    pub stage_counts: [u32; Stage::COUNT],
}

impl Index {
    /// `None` when the request needs a full scan (a `random` strategy).
    pub fn build(instances: &[Instance], req: &Request, batch: &Batch) -> Option<Index> {
        if req.strategies.contains(&Strategy::Random) {
            return None;
        }
        let mut ids: BTreeMap<Vec<u32>, usize> = BTreeMap::new();
        let mut index = Index { partition_of: Vec::with_capacity(instances.len()), member_key: vec![None; instances.len()], stage: vec![None; instances.len()], partitions: vec![], stage_counts: [0; Stage::COUNT] };
        for i in 0..instances.len() {
            let signature: Vec<u32> = req.strategies.iter().enumerate().filter(|(_, s)| matches!(s, Strategy::Spread(SpreadField::Attribute(_)))).map(|(k, _)| batch.value_id(k, i)).collect();
            let next = ids.len();
            let p = *ids.entry(signature).or_insert(next);
            if p == index.partitions.len() {
                index.partitions.push(BTreeSet::new());
            }
            index.partition_of.push(p);
            index.evaluate(instances, i, req, batch);
        }
        Some(index)
    }

    fn evaluate(&mut self, instances: &[Instance], i: usize, req: &Request, batch: &Batch) {
        match check(&instances[i], i, req, batch) {
            Err(stage) => {
                self.stage[i] = Some(stage);
                self.stage_counts[stage as usize] += 1;
            }
            Ok(()) => {
                let key = own_key(&instances[i], i, req, batch);
                self.member_key[i] = Some(key);
                self.partitions[self.partition_of[i]].insert((key, i));
            }
        }
    }

    /// Re-checks instance `i` after a task was placed on it (or anything else changed it).
    pub fn refresh(&mut self, instances: &[Instance], i: usize, req: &Request, batch: &Batch) {
        if let Some(key) = self.member_key[i].take() {
            self.partitions[self.partition_of[i]].remove(&(key, i));
        }
        if let Some(stage) = self.stage[i].take() {
            self.stage_counts[stage as usize] -= 1;
        }
        self.evaluate(instances, i, req, batch);
    }

    pub fn eligible(&self) -> u32 {
        self.partitions.iter().map(|p| p.len() as u32).sum()
    }

    /// The instance `place` would choose, if any is eligible.
    pub fn best(&self, req: &Request, batch: &Batch) -> Option<usize> {
        let mut best: Option<(Key, usize)> = None;
        for part in &self.partitions {
            let Some(&(own, i)) = part.first() else { continue };
            let mut key = own;
            for (k, s) in req.strategies.iter().enumerate() {
                if matches!(s, Strategy::Spread(SpreadField::Attribute(_))) {
                    key[k] = batch.value_count(k, i) as i64;
                }
            }
            if best.is_none_or(|b| (key, i) < b) {
                best = Some((key, i));
            }
        }
        best.map(|b| b.1)
    }
}

/// The per-instance parts of the key (spread-attribute slots stay 0; `best` fills them in).
fn own_key(inst: &Instance, i: usize, req: &Request, batch: &Batch) -> Key {
    let mut key = [0i64; MAX_KEYS];
    for (k, s) in req.strategies.iter().enumerate() {
        key[k] = match s {
            Strategy::Binpack(Resource::Memory) => inst.remaining_memory_mib as i64 - req.need_memory_mib as i64,
            Strategy::Binpack(Resource::Cpu) => inst.remaining_cpu as i64 - req.need_cpu as i64,
            Strategy::Spread(SpreadField::InstanceId) => batch.group_count(i) as i64,
            Strategy::Spread(SpreadField::Attribute(_)) | Strategy::Random => 0,
        };
    }
    key
}
