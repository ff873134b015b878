//! Per-request facts computed once and updated as tasks of the same request are placed, so
//! each placement is one cheap pass: per-instance group counts, per-value spread counts, and
//! the verdict of constraints that depend only on fixed attributes.

use super::Request;
use crate::engine::instance::Instance;
use crate::model::{Constraint, SpreadField, Strategy};
use std::collections::BTreeMap;

pub struct Batch {
    /// Live tasks of the request's group on each instance.
    group_counts: Vec<u32>,
    /// Per strategy position: each instance's value id, and the group's task count per value.
    spread: Vec<Option<(Vec<u32>, Vec<u32>)>>,
    /// Per instance: index of the first static constraint it fails, if any.
    static_failure: Vec<Option<usize>>,
    /// Constraints that must be evaluated per placement (task:group, runningTasksCount).
    pub dynamic_constraints: Vec<usize>,
}

impl Batch {
    /// `group_tasks`: instance index → live tasks of the group there.
    pub fn new(instances: &[Instance], req: &Request, group_tasks: Option<&BTreeMap<usize, u32>>) -> Batch {
        let mut group_counts = vec![0u32; instances.len()];
        for (&i, &n) in group_tasks.into_iter().flatten() {
            if let Some(slot) = group_counts.get_mut(i) {
                *slot = n;
            }
        }
        let spread = req
            .strategies
            .iter()
            .map(|s| match s {
                Strategy::Spread(SpreadField::Attribute(name)) => {
                    let mut ids: BTreeMap<Option<&str>, u32> = BTreeMap::new();
                    let values: Vec<u32> = instances
                        .iter()
                        .map(|inst| {
                            let next = ids.len() as u32;
                            *ids.entry(inst.attributes.get(name).map(String::as_str)).or_insert(next)
                        })
                        .collect();
                    let mut counts = vec![0u32; ids.len()];
                    for (i, &n) in group_counts.iter().enumerate() {
                        counts[values[i] as usize] += n;
                    }
                    Some((values, counts))
                }
                _ => None,
            })
            .collect();
        let mut dynamic_constraints = Vec::new();
        let mut static_ones = Vec::new();
        for (k, c) in req.constraints.iter().enumerate() {
            match c {
                Constraint::MemberOf(q) if !q.depends_on_tasks() => static_ones.push(k),
                _ => dynamic_constraints.push(k),
            }
        }
        let static_failure = instances
            .iter()
            .map(|inst| {
                static_ones.iter().copied().find(|&k| match &req.constraints[k] {
                    Constraint::MemberOf(q) => !q.matches(inst),
                    Constraint::DistinctInstance => false,
                })
            })
            .collect();
        Batch { group_counts, spread, static_failure, dynamic_constraints }
    }

    pub fn group_count(&self, instance: usize) -> u32 {
        self.group_counts.get(instance).copied().unwrap_or(0)
    }

    /// Tasks of the group on instances sharing instance `i`'s value of strategy `k`'s attribute.
    pub fn value_count(&self, k: usize, instance: usize) -> u32 {
        match self.spread.get(k) {
            Some(Some((values, counts))) => values.get(instance).map_or(0, |v| counts[*v as usize]),
            _ => 0,
        }
    }

    /// Instance `i`'s value id for strategy `k`'s spread attribute (0 for other strategies).
    pub fn value_id(&self, k: usize, instance: usize) -> u32 {
        match self.spread.get(k) {
            Some(Some((values, _))) => values.get(instance).copied().unwrap_or(0),
            _ => 0,
        }
    }

    pub fn static_failure(&self, instance: usize) -> Option<usize> {
        self.static_failure.get(instance).copied().flatten()
    }

    /// Records a placement (or a stop, with `delta = -1`) of a task of the group.
    pub fn record(&mut self, instance: usize, delta: i32) {
        if let Some(n) = self.group_counts.get_mut(instance) {
            *n = n.saturating_add_signed(delta);
        }
        for (values, counts) in self.spread.iter_mut().flatten() {
            if let Some(v) = values.get(instance) {
                counts[*v as usize] = counts[*v as usize].saturating_add_signed(delta);
            }
        }
    }
}
