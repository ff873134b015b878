//! Which tasks a service stops when it scales in (aws-semantics §1.1): with no strategy, the
//! Availability Zone and then the instance with the most tasks of the service; `spread` keeps
//! the balance, `binpack` frees the instance left with the most resources, `random` picks at
//! random. Tasks not yet RUNNING go first (stopping them loses no serving capacity). Ties: the
//! newest task (our choice; AWS says "at random" within an AZ). Picks one task at a time,
//! updating the counts as if the picked ones were gone.
//!
//! Each pick is the lexicographic maximum of (not running, score under each strategy in order,
//! creation order), found with one pass over the pool per strategy (integers only: everything is
//! indexed up front). A lazily updated heap was tried and is slower when a pool's tasks were
//! launched AZ by AZ: every pick then re-sorts a whole zone's stale entries.

use super::task::TaskStatus;
use super::Sim;
use crate::model::{Resource, SpreadField, Strategy};
use std::collections::BTreeMap;

/// The pool's counts as tasks are picked.
struct Tally {
    instance_of: Vec<usize>,
    per_instance: Vec<i64>,
    /// Per strategy: each pool task's value id, and the pool's count per value.
    value_of: Vec<Vec<usize>>,
    per_value: Vec<Vec<i64>>,
    remaining: Vec<(i64, i64)>,
    freed_memory: Vec<i64>,
    freed_cpu: Vec<i64>,
}

impl Tally {
    fn new(sim: &Sim, pool: &[usize], strategies: &[Strategy]) -> Tally {
        let instance_of: Vec<usize> = pool.iter().map(|&t| sim.tasks[t].instance.unwrap_or(usize::MAX)).collect();
        let mut per_instance = vec![0i64; sim.instances.len()];
        for &i in &instance_of {
            if let Some(c) = per_instance.get_mut(i) {
                *c += 1;
            }
        }
        let mut value_of: Vec<Vec<usize>> = Vec::new();
        let mut per_value: Vec<Vec<i64>> = Vec::new();
        for strategy in strategies {
            let (mut ids, mut counts): (Vec<usize>, Vec<i64>) = (Vec::new(), Vec::new());
            if let Strategy::Spread(SpreadField::Attribute(a)) = strategy {
                let mut names: BTreeMap<Option<&str>, usize> = BTreeMap::new();
                for &i in &instance_of {
                    let key = sim.instances.get(i).and_then(|inst| inst.attributes.get(a)).map(String::as_str);
                    let next = names.len();
                    let id = *names.entry(key).or_insert(next);
                    if id == counts.len() {
                        counts.push(0);
                    }
                    counts[id] += 1;
                    ids.push(id);
                }
            }
            value_of.push(ids);
            per_value.push(counts);
        }
        Tally {
            instance_of,
            per_instance,
            value_of,
            per_value,
            remaining: sim.instances.iter().map(|i| (i.remaining_memory_mib as i64, i.remaining_cpu as i64)).collect(),
            freed_memory: vec![0; sim.instances.len()],
            freed_cpu: vec![0; sim.instances.len()],
        }
    }

    /// Pool task `k`'s score under strategy `s` (higher is stopped first).
    fn score(&self, s: usize, strategy: &Strategy, k: usize) -> i64 {
        let i = self.instance_of[k];
        if i == usize::MAX {
            return 0;
        }
        match strategy {
            Strategy::Spread(SpreadField::InstanceId) => self.per_instance[i],
            Strategy::Spread(SpreadField::Attribute(_)) => self.per_value[s][self.value_of[s][k]],
            Strategy::Binpack(Resource::Memory) => self.remaining[i].0 + self.freed_memory[i],
            Strategy::Binpack(Resource::Cpu) => self.remaining[i].1 + self.freed_cpu[i],
            Strategy::Random => 0,
        }
    }

    /// Pool task `k` is stopped: its instance and values count one less, its resources free.
    fn remove(&mut self, sim: &Sim, pool: &[usize], k: usize) {
        let i = self.instance_of[k];
        if i != usize::MAX {
            self.per_instance[i] -= 1;
            let td = &sim.scenario.task_defs[sim.tasks[pool[k]].task_def];
            self.freed_memory[i] += td.reserved_memory_mib() as i64;
            self.freed_cpu[i] += td.reserved_cpu() as i64;
        }
        for (s, ids) in self.value_of.iter().enumerate() {
            if let Some(&v) = ids.get(k) {
                self.per_value[s][v] -= 1;
            }
        }
    }
}

impl Sim {
    /// One pass over the candidates per strategy per pick.
    pub(super) fn choose_tasks_to_stop(&mut self, pool: &[usize], strategies: &[Strategy], n: usize) -> Vec<usize> {
        let mut tally = Tally::new(self, pool, strategies);
        // Each list stays in pool order (Random indexes into it).
        let (mut alive_not_running, mut alive_running): (Vec<usize>, Vec<usize>) = (0..pool.len()).partition(|&k| self.tasks[pool[k]].last_status != TaskStatus::Running);
        let mut picked = Vec::with_capacity(n);
        let (mut candidates, mut scores): (Vec<usize>, Vec<i64>) = (Vec::new(), Vec::new());
        while picked.len() < n && !(alive_not_running.is_empty() && alive_running.is_empty()) {
            candidates.clear();
            candidates.extend_from_slice(if alive_not_running.is_empty() { &alive_running } else { &alive_not_running });
            for (s, strategy) in strategies.iter().enumerate() {
                if candidates.len() <= 1 {
                    break;
                }
                if *strategy == Strategy::Random {
                    use rand_core::RngCore;
                    let k = (self.rng.next_u64() % candidates.len() as u64) as usize;
                    candidates = vec![candidates[k]];
                    break;
                }
                scores.clear();
                scores.extend(candidates.iter().map(|&k| tally.score(s, strategy, k)));
                let best = scores.iter().copied().max().unwrap_or(0);
                let mut keep = scores.iter().map(|&v| v == best);
                candidates.retain(|_| keep.next().unwrap_or(false));
            }
            let Some(&k) = candidates.iter().max_by_key(|&&k| self.tasks[pool[k]].seq) else { break };
            picked.push(pool[k]);
            // Both lists are sorted: remove by position rather than rescanning.
            for list in [&mut alive_not_running, &mut alive_running] {
                if let Ok(pos) = list.binary_search(&k) {
                    list.remove(pos);
                }
            }
            tally.remove(self, pool, k);
        }
        picked
    }
}

#[cfg(test)]
mod tests {
    /// Scale-ins under every kind of strategy list, on uneven clusters with tasks in several
    /// states, leave the service at its desired count.
    #[test]
    fn scale_in_under_every_strategy_kind() {
        let strategies = [
            "[]",
            r#"[{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "spread", "field": "instanceId"}]"#,
            r#"[{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}]"#,
            r#"[{"type": "binpack", "field": "cpu"}]"#,
            r#"[{"type": "binpack", "field": "memory"}, {"type": "spread", "field": "instanceId"}]"#,
            r#"[{"type": "spread", "field": "attribute:ecs.instance-type"}, {"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "cpu"}]"#,
        ];
        for (n, strategy) in strategies.iter().enumerate() {
            for seed in 0..4u64 {
                let doc = format!(
                    r#"{{"seed": {seed}, "containerInstances": [
                        {{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": {a}}},
                        {{"instanceType": "m5.xlarge", "availabilityZone": "us-east-1b", "count": {b}}},
                        {{"instanceType": "c5.large", "availabilityZone": "us-east-1c", "count": 2}}],
                    "taskDefinitions": [{{"family": "w", "containerDefinitions": [{{"name": "w", "image": "w", "cpu": {cpu}, "memory": {mem}}}]}}],
                    "services": [{{"serviceName": "w", "taskDefinition": "w", "desiredCount": {d}, "placementStrategy": {strategy}}}],
                    "timeline": [
                        {{"at": "5s", "action": "UpdateService", "input": {{"service": "w", "desiredCount": {up}}}}},
                        {{"at": "9s", "action": "UpdateService", "input": {{"service": "w", "desiredCount": {down}}}}},
                        {{"at": "2m", "action": "UpdateService", "input": {{"service": "w", "desiredCount": 1}}}}]}}"#,
                    a = 2 + seed,
                    b = 1 + n as u64 % 3,
                    cpu = 128 + 64 * seed,
                    mem = 256 + 128 * (n as u64 % 3),
                    d = 12 + 3 * seed,
                    up = 30 + n,
                    down = 7 + seed,
                );
                let scenario = crate::load(&doc).unwrap_or_else(|e| panic!("{e:?}"));
                let mut sim = crate::Sim::new(scenario);
                sim.advance_to(60_000);
                let live = |sim: &crate::Sim| sim.tasks.iter().filter(|t| t.desired_running).count();
                assert_eq!(live(&sim), 7 + seed as usize, "strategy {n}, seed {seed}");
                sim.advance_to(180_000);
                assert_eq!(live(&sim), 1);
            }
        }
    }
}
