//! Expired tasks folded into aggregate bill entries, so the bill stays exact while memory
//! follows the cluster, not the number of tasks ever run (issue #13).
//!
//! ECS forgets a stopped task after an hour, but AWS still bills it, so the sim keeps each
//! expired task's billed span (`Sim::expired_billable`). A service replacing tasks all day would
//! grow that list without end; past `EXPIRED_KEPT` records the oldest are folded here: one
//! Fargate line per (service, capacity provider, size, pricing) and one EC2 share per
//! (instance, service), each with its task count. A stopped task's charge is final, so folding
//! it early changes no total. Stevedore's choice: AWS's bill keeps a line per task; ours names
//! the folded ones "N expired tasks".

use super::billing::{self, Usage};
use super::split::{self, Share};
use super::{fargate_terms, instance_size, Line, PoolPrices};
use crate::engine::{Sim, Task};
use std::collections::BTreeMap;

/// Expired tasks kept one by one before the oldest are folded: a kept record is a `Task`
/// (~500 bytes and its ids), so 1,000 keep the bill's per-task detail for the latest expiries
/// in under a megabyte; 10,000 grew an all-day churn run's wasm memory by ~10 MiB.
pub const EXPIRED_KEPT: usize = 1_000;

type LineKey = (Option<usize>, Option<String>, String, &'static str);

#[derive(Debug, Clone, Default)]
pub struct Rollup {
    lines: Vec<(Line, u64)>,
    line_index: BTreeMap<LineKey, usize>,
    /// Per instance index and service: the share and its task count.
    shares: BTreeMap<(usize, Option<usize>), (Share, u64)>,
}

impl Rollup {
    /// Adds one expired task's final charge (a Fargate line or an EC2 share).
    pub(crate) fn fold(&mut self, sim: &Sim, t: &Task) {
        let (Some(start), Some(stop)) = (t.pending_at, t.stopped_at) else { return };
        let td = &sim.scenario.task_defs[t.task_def];
        let service = t.service.map(|k| sim.services[k].def.name.clone());
        if let Some((rates, size)) = fargate_terms(sim, t) {
            let (s, usage) = billing::fargate_charge(&rates, size, start, stop);
            let platform = if td.windows { "Windows/X86" } else if td.arm64 { "Linux/ARM" } else { "Linux/X86" };
            let description = format!("{} vCPU / {} GB {platform}", size.vcpu, size.memory_gb);
            let cp = Some(t.capacity_provider.clone().unwrap_or_else(|| "FARGATE".into()));
            let pricing = if t.capacity_provider.as_deref() == Some("FARGATE_SPOT") { "Spot" } else { "OnDemand" };
            let key = (t.service, cp.clone(), description.clone(), pricing);
            let k = *self.line_index.entry(key).or_insert_with(|| {
                let line = Line { resource_type: "Fargate", resource_id: String::new(), description, pricing, service, capacity_provider: cp, billed_seconds: 0, usage: vec![], usd: 0.0, running: false, note: None };
                self.lines.push((line, 0));
                self.lines.len() - 1
            });
            let (line, n) = &mut self.lines[k];
            *n += 1;
            line.resource_id = expired_name(*n);
            line.billed_seconds += s;
            line.usd += usage.iter().map(|u| u.usd).sum::<f64>();
            merge_usage(&mut line.usage, usage);
            return;
        }
        let Some(i) = t.instance else { return };
        let inst = &sim.instances[i];
        let per_hour = PoolPrices::default().price(sim, inst);
        let (vcpus, gb) = instance_size(inst);
        let units = split::unit_costs(per_hour, vcpus, gb);
        let held_h = split::overlap_ms(start, stop, inst.launched_at, inst.terminated_at.unwrap_or(sim.now())) as f64 / 3_600_000.0;
        let (vcpu, gb) = (td.reserved_cpu() as f64 / 1024.0, td.reserved_memory_mib() as f64 / 1024.0);
        let (share, n) = self.shares.entry((i, t.service)).or_insert_with(|| {
            (Share { instance_id: inst.spec.ec2_instance_id.clone(), task_id: String::new(), service, vcpu_hours: 0.0, gb_hours: 0.0, usd: 0.0 }, 0)
        });
        *n += 1;
        share.task_id = expired_name(*n);
        share.vcpu_hours += vcpu * held_h;
        share.gb_hours += gb * held_h;
        share.usd += units.task_per_hour(vcpu, gb) * held_h;
    }

    /// The folded Fargate lines, in the order their first task was folded.
    pub fn lines(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().map(|(l, _)| l)
    }

    /// The folded EC2 shares of the instance at index `i`.
    pub fn shares_of(&self, i: usize) -> impl Iterator<Item = &Share> {
        self.shares.range((i, None)..=(i, Some(usize::MAX))).map(|(_, (s, _))| s)
    }
}

fn expired_name(n: u64) -> String {
    format!("{n} expired task{}", if n == 1 { "" } else { "s" })
}

/// Adds `more` into `into`, dimension by dimension (the same size has the same dimensions).
fn merge_usage(into: &mut Vec<Usage>, more: Vec<Usage>) {
    for u in more {
        match into.iter_mut().find(|x| x.dimension == u.dimension) {
            Some(x) => {
                x.quantity += u.quantity;
                x.usd += u.usd;
            }
            None => into.push(u),
        }
    }
}
