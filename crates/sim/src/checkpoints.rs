//! Rewind without replaying from the start: copies of the sim at moments of the run, so a seek
//! restores the latest copy at or before the moment and replays only from there. Runs are
//! deterministic and however a run is sliced it is the same run, so the state after a seek is
//! the state playing would have reached.
//!
//! Copies share what neither has changed since (tasks, scaling activities, log entries,
//! completed hours of metrics: `shared::Shared`), so a copy costs about what the run changed
//! since the copy before it, not a whole sim.
//!
//! Bounded: at most `max` copies, and their estimated cost together (each counted beyond what
//! it shares with the copy before it) at most `budget_bytes`. When over, one copy goes: the
//! one whose removal leaves the smallest gap, weighed by age, so old stretches of the run thin
//! out first and recent ones stay dense.

use crate::engine::Sim;
use crate::time::SimTime;

/// Copies at most this often (sim time): replaying a minute is never worth a copy. A big sim
/// copies less often still (one more minute per `BYTES_PER_MINUTE` of state, up to 30): at
/// 3600× a copy of a 10,000-task cluster costs a frame, so at most one frame in 30 pays it.
pub const MIN_INTERVAL_MS: SimTime = 60_000;
const BYTES_PER_MINUTE: usize = 256 << 10;
const MAX_SPACING_MINUTES: usize = 30;
pub const DEFAULT_MAX: usize = 48;
/// What the copies may cost together, at most (our choice: a phone's tab survives it, and a
/// lesson's memory stays flat once the store is full: a churning 60-instance cluster's copies
/// change about 4.4 MiB an hour, so they fill this in about 11 hours).
pub const DEFAULT_BUDGET_BYTES: usize = 48 << 20;
/// ...or this many whole sims, if that is more: a 1,000-instance sim alone is ~37 MB, and a
/// store of two copies would make every seek replay half the day.
pub const DEFAULT_BUDGET_SIMS: usize = 3;

pub struct Checkpoints {
    /// By time, ascending; the first is the run's start and is never dropped.
    copies: Vec<Sim>,
    /// Per copy, its estimated bytes beyond what it shares with the copy before it.
    costs: Vec<usize>,
    max: usize,
    budget_bytes: usize,
    /// The budget is at least this many times the observed sim's estimated size.
    budget_sims: usize,
}

impl Checkpoints {
    /// A store whose first copy is `start` (a sim nothing has advanced yet).
    pub fn new(start: &Sim) -> Checkpoints {
        Checkpoints { budget_sims: DEFAULT_BUDGET_SIMS, ..Checkpoints::with_limits(start, DEFAULT_MAX, DEFAULT_BUDGET_BYTES) }
    }

    /// At most `max` copies costing `budget_bytes` together.
    pub fn with_limits(start: &Sim, max: usize, budget_bytes: usize) -> Checkpoints {
        Checkpoints { copies: vec![start.clone()], costs: vec![start.approx_bytes()], max: max.max(2), budget_bytes, budget_sims: 0 }
    }

    /// The driver shows `sim` (after a frame's advance): keep a copy if the last one is far
    /// enough behind. The spacing asked for grows with the run so the store fills evenly.
    pub fn observe(&mut self, sim: &Sim) {
        let Some(last) = self.copies.last() else { return };
        if sim.now() < last.now() + MIN_INTERVAL_MS {
            return;
        }
        let whole = sim.approx_bytes();
        let budget = self.budget_bytes.max(self.budget_sims.saturating_mul(whole));
        let bytes = whole.saturating_sub(sim.approx_bytes_shared_with(last));
        // How many copies the budget holds at the cost copies have had so far (this one's too).
        let spent: usize = self.costs[1..].iter().sum::<usize>() + bytes;
        let limit = (budget.saturating_sub(self.costs[0]) / (spent / self.costs.len()).max(1)).clamp(2, self.max);
        let floor = MIN_INTERVAL_MS * (bytes / BYTES_PER_MINUTE).clamp(1, MAX_SPACING_MINUTES) as u64;
        let spacing = (sim.now() / limit as u64).max(floor);
        if sim.now() < last.now() + spacing {
            return;
        }
        self.copies.push(sim.clone());
        self.costs.push(bytes);
        while self.copies.len() > 2 && (self.copies.len() > self.max || self.costs.iter().sum::<usize>() > budget) {
            self.thin();
        }
    }

    /// Drops the copy (not the first, not the newest) whose neighbours are closest, counting a
    /// gap as smaller the older it is, mildly (a gap 6 h old counts as 1/√2 of its length): a
    /// seek anywhere should stay short, so old stretches thin only a little faster (on the
    /// 1,000-instance day, weighing by hours instead left a 7 h gap at the start: seeks max
    /// 564 ms natively against 267 ms). The copy after it now counts what it doesn't share with
    /// the one before.
    fn thin(&mut self) {
        let newest = self.copies.last().map_or(0, Sim::now) as f64;
        let score = |k: usize| {
            let gap = (self.copies[k + 1].now() - self.copies[k - 1].now()) as f64;
            let age = newest - self.copies[k].now() as f64;
            gap / (1.0 + age / 21_600_000.0).sqrt()
        };
        let victim = (1..self.copies.len() - 1).min_by(|&a, &b| score(a).total_cmp(&score(b)));
        if let Some(k) = victim {
            self.copies.remove(k);
            self.costs.remove(k);
            let (before, after) = (&self.copies[k - 1], &self.copies[k]);
            self.costs[k] = after.approx_bytes().saturating_sub(after.approx_bytes_shared_with(before));
        }
    }

    /// The copies' estimated bytes together (each beyond what it shares with the one before).
    pub fn approx_bytes(&self) -> usize {
        self.costs.iter().sum()
    }

    /// The state at `t`: the latest copy at or before `t`, advanced to `t`. `current` is the
    /// sim the driver has (used instead when it is closer and not past `t`).
    pub fn seek(&self, t: SimTime, current: Option<Sim>) -> Sim {
        let (mut sim, _) = self.start_for(t, current);
        sim.advance_to(t);
        sim
    }

    /// Where a seek to `t` starts, not yet advanced: `current` when it is closer and not past
    /// `t`, else a clone of the latest copy at or before `t` (then `true`: a driver that keeps
    /// its own running state, such as the app's cost history, must start that over too).
    pub fn start_for(&self, t: SimTime, current: Option<Sim>) -> (Sim, bool) {
        let copy = self.copies.iter().rev().find(|c| c.now() <= t).unwrap_or(&self.copies[0]);
        match current {
            Some(s) if s.now() <= t && s.now() >= copy.now() => (s, false),
            _ => (copy.clone(), true),
        }
    }

    /// The moments copies were taken at.
    pub fn times(&self) -> Vec<SimTime> {
        self.copies.iter().map(Sim::now).collect()
    }
}
