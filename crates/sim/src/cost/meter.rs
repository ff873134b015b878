//! The running cost meter: the bill's total and rate per hour, kept up as the sim advances by
//! reading only what changed. Resources that have stopped (terminated instances, STOPPED
//! Fargate tasks, load balancers' closed hours) are summed once and remembered; each call reads
//! the live ones and the hour in progress. Same numbers as `bill()`, at a frame's cost.

use super::{balancers, billing, fargate_rate_per_hour, fargate_terms, instance_charge, PoolPrices};
use crate::engine::retention::STOPPED_TASK_RETENTION_MS;
use crate::engine::Sim;

/// One meter per `Sim`; it starts over by itself if handed an earlier time (a replay).
#[derive(Debug, Clone, Default)]
pub struct Meter {
    at_ms: u64,
    closed_usd: f64,
    instances_seen: usize,
    tasks_seen: usize,
    /// Live instances and their hourly price (looked up once).
    open_instances: Vec<(usize, f64)>,
    /// Live Fargate tasks: (slot, seq).
    open_tasks: Vec<(usize, usize)>,
    balancers: Vec<(balancers::Traffic, balancers::HourCache)>,
    started: bool,
}

impl Meter {
    /// `(total so far, rate per hour)` in USD at the sim's current time.
    pub fn totals(&mut self, sim: &Sim) -> (f64, f64) {
        // A replay, or a jump longer than the stopped-task hour (a task created since the last
        // read may have expired unseen), starts over.
        let gap = sim.now().saturating_sub(self.at_ms);
        if !self.started || sim.now() < self.at_ms || gap > STOPPED_TASK_RETENTION_MS || self.instances_seen > sim.instances.len() || self.tasks_seen > sim.tasks_created() {
            *self = Meter { started: true, closed_usd: expired_usd(sim), ..Meter::default() };
        }
        self.at_ms = sim.now();
        let mut pools = PoolPrices::default();
        for i in self.instances_seen..sim.instances.len() {
            self.open_instances.push((i, instance_charge(sim, &sim.instances[i], &mut pools).0));
        }
        self.instances_seen = sim.instances.len();
        // Task slots are reused once a stopped task expires: new tasks are those created since
        // (by `seq`), and an open task whose slot now holds another has expired.
        let seen = self.tasks_seen;
        if sim.tasks_created() > seen {
            self.open_tasks.extend((0..sim.tasks.len()).filter(|&k| sim.tasks[k].exists() && sim.tasks[k].seq >= seen && sim.tasks[k].fargate).map(|k| (k, sim.tasks[k].seq)));
        }
        self.tasks_seen = sim.tasks_created();
        let (mut open_usd, mut rate) = (0.0, 0.0);
        let closed = &mut self.closed_usd;
        self.open_instances.retain(|&(i, per_hour)| {
            let inst = &sim.instances[i];
            let usd = billing::ec2_charge(per_hour, inst.launched_at, inst.terminated_at.unwrap_or(sim.now())).1;
            if inst.terminated_at.is_some() {
                *closed += usd;
                return false;
            }
            open_usd += usd;
            rate += per_hour;
            true
        });
        self.open_tasks.retain(|&(k, seq)| {
            let t = if sim.tasks[k].seq == seq { &sim.tasks[k] } else {
                match sim.expired_billable().iter().rev().find(|t| t.seq == seq) {
                    Some(t) => t,
                    None => return false,
                }
            };
            let Some((rates, size)) = fargate_terms(sim, t) else { return false };
            let per_hour = fargate_rate_per_hour(&rates, size);
            let usd = t.pending_at.map_or(0.0, |start| per_hour * billing::billed_seconds(start, t.stopped_at.unwrap_or(sim.now()), rates.minimum_s) as f64 / 3600.0);
            if t.stopped_at.is_some() {
                *closed += usd;
                return false;
            }
            if t.pending_at.is_some() {
                open_usd += usd;
                rate += per_hour;
            }
            true
        });
        if self.balancers.len() != sim.scenario.load_balancers.len() {
            self.balancers = sim.scenario.load_balancers.iter().map(|lb| (balancers::traffic(sim, lb), Default::default())).collect();
        }
        for (traffic, cache) in &mut self.balancers {
            let a = balancers::account(sim, traffic, cache);
            open_usd += a.usd;
            rate += a.rate_usd_per_hour;
        }
        (self.closed_usd + open_usd, rate)
    }
}

/// What the expired Fargate tasks cost: ECS no longer describes them, the bill still counts
/// them (one by one, then folded). Their EC2 shares are inside their instances' charges.
fn expired_usd(sim: &Sim) -> f64 {
    let folded: f64 = sim.expired_rollup().lines().map(|l| l.usd).sum();
    let kept: f64 = sim.expired_billable().iter().filter_map(|t| {
        let ((rates, size), start) = (fargate_terms(sim, t)?, t.pending_at?);
        Some(billing::fargate_charge(&rates, size, start, t.stopped_at.unwrap_or(sim.now())).1.iter().map(|u| u.usd).sum::<f64>())
    }).sum();
    folded + kept
}
