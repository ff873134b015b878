//! Which resources an FIS target names (`resourceArns`, `resourceTags`, `filters`, task
//! `parameters`), then its `selectionMode`, with the scenario's seed.

use super::{InstanceStatus, Sim};
use crate::model::faults::*;
use rand_core::RngCore;

/// Target selection: which resources each FIS target names, then `selectionMode`.
impl Sim {
    pub(super) fn select_instances(&mut self, t: &FaultTarget) -> Vec<usize> {
        let matching: Vec<usize> = (0..self.instances.len())
            .filter(|&i| {
                let inst = &self.instances[i];
                let spec = &inst.spec;
                inst.status != InstanceStatus::Inactive
                    && (t.ids.is_empty() || t.ids.iter().any(|id| *id == spec.ec2_instance_id || *id == inst.id))
                    && t.tags.iter().all(|(k, v)| spec.tags.iter().any(|(tk, tv)| tk == k && tv == v))
                    && t.filters.iter().all(|(path, values)| {
                        let value = match path {
                            FilterPath::AvailabilityZone => spec.availability_zone.as_str(),
                            FilterPath::SubnetId => spec.subnet_id.as_str(),
                            FilterPath::InstanceType => spec.instance_type.as_str(),
                            FilterPath::StateName => if inst.ec2_stopped { "stopped" } else { "running" },
                        };
                        values.iter().any(|v| v == value)
                    })
            })
            .collect();
        self.pick_by(matching, t.selection)
    }

    pub(super) fn select_tasks(&mut self, t: &FaultTarget) -> Vec<usize> {
        let matching: Vec<usize> = (0..self.tasks.len())
            .filter(|&k| {
                let task = &self.tasks[k];
                task.live()
                    && task.desired_running
                    && (t.ids.is_empty() || t.ids.iter().any(|id| *id == task.id || *id == task.arn))
                    && t.service.as_ref().is_none_or(|name| task.service.is_some_and(|s| self.services[s].def.name == *name))
                    && t.filters.iter().all(|(path, values)| *path != FilterPath::AvailabilityZone || values.contains(&task.availability_zone))
            })
            .collect();
        self.pick_by(matching, t.selection)
    }

    pub(super) fn select_subnets(&mut self, t: &FaultTarget) -> Vec<usize> {
        let matching: Vec<usize> = (0..self.scenario.subnets.len())
            .filter(|&n| {
                let sn = &self.scenario.subnets[n];
                (t.ids.is_empty() || t.ids.contains(&sn.id))
                    && t.filters.iter().all(|(path, values)| match path {
                        FilterPath::AvailabilityZone => values.contains(&sn.availability_zone),
                        FilterPath::SubnetId => values.contains(&sn.id),
                        _ => true,
                    })
            })
            .collect();
        self.pick_by(matching, t.selection)
    }

    pub(super) fn pick_by(&mut self, pool: Vec<usize>, selection: Selection) -> Vec<usize> {
        let n = match selection {
            Selection::All => pool.len(),
            Selection::Count(n) => n as usize,
            Selection::Percent(p) => pool.len() * p as usize / 100,
        };
        self.pick(pool, n)
    }

    /// `n` of `pool` chosen with the scenario's seed (all of them when n ≥ the pool), in pool order.
    pub(super) fn pick(&mut self, mut pool: Vec<usize>, n: usize) -> Vec<usize> {
        if n >= pool.len() {
            return pool;
        }
        for k in 0..n {
            let j = k + (self.rng.next_u64() % (pool.len() - k) as u64) as usize;
            pool.swap(k, j);
        }
        pool.truncate(n);
        pool.sort_unstable();
        pool
    }
}
