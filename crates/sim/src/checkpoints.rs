//! Rewind without replaying from the start: copies of the sim at moments of the run, so a seek
//! restores the latest copy at or before the moment and replays only from there. Runs are
//! deterministic and however a run is sliced it is the same run, so the state after a seek is
//! the state playing would have reached.
//!
//! Copies share what neither has changed since (tasks, scaling activities, log entries, expired
//! tasks, instances' launch facts, completed hours of metrics: `shared::Shared`), so a copy
//! costs about what the run changed since the copy before it, not a whole sim.
//!
//! Spacing: one copy per `interval` of sim time (the first frame in each interval-long slot of
//! the run), so a seek replays at most one interval (plus a frame). The interval starts as
//! small as a copy's cost allows and doubles when the copies would pass `max` or, together
//! (each counted beyond what it shares with the copy before it), `budget_bytes`; then every
//! other copy goes, so the copies stay evenly spread over the whole run. A 24 h run of the
//! 1,000-instance benchmark settles at 16 or 32 minutes (`benches/seek.rs`).

use crate::engine::Sim;
use crate::time::SimTime;

/// Copies at most this often (sim time): replaying a minute is never worth a copy. A big sim
/// copies less often still (one more minute per `BYTES_PER_MINUTE` a copy costs, up to 32): at
/// 3600× a copy of a 10,000-task cluster costs a frame, so at most one frame in 16 pays it.
pub const MIN_INTERVAL_MS: SimTime = 60_000;
const BYTES_PER_MINUTE: usize = 256 << 10;
const MAX_FLOOR_MINUTES: u64 = 32;
/// Copies at most (our choice): a 24 h run fits at a 16-minute interval (90 copies).
const DEFAULT_MAX: usize = 96;
/// What the copies may cost together, at most (our choice: a phone's tab survives it, and a
/// lesson's memory stays flat once the store is full).
pub const DEFAULT_BUDGET_BYTES: usize = 64 << 20;

pub struct Checkpoints {
    /// By time, ascending; the first is the run's start and is never dropped.
    copies: Vec<Sim>,
    /// Per copy, its estimated bytes beyond what it shares with the copy before it.
    costs: Vec<usize>,
    /// Sim time between copies: `MIN_INTERVAL_MS` times a power of two.
    interval: SimTime,
    max: usize,
    budget_bytes: usize,
}

impl Checkpoints {
    /// A store whose first copy is `start` (a sim nothing has advanced yet).
    pub fn new(start: &Sim) -> Checkpoints {
        Checkpoints::with_limits(start, DEFAULT_MAX, DEFAULT_BUDGET_BYTES)
    }

    pub fn with_limits(start: &Sim, max: usize, budget_bytes: usize) -> Checkpoints {
        Checkpoints { copies: vec![start.clone()], costs: vec![start.approx_bytes()], interval: MIN_INTERVAL_MS, max: max.max(3), budget_bytes }
    }

    /// The driver shows `sim` (after a frame's advance): keep a copy if it is the first frame
    /// in a new interval-long slot of the run.
    pub fn observe(&mut self, sim: &Sim) {
        let Some(last) = self.copies.last() else { return };
        if sim.now() / self.interval <= last.now() / self.interval {
            return;
        }
        let bytes = sim.approx_bytes().saturating_sub(sim.approx_bytes_shared_with(last));
        // Copying a big sim costs a frame: not more often than its size allows.
        let floor = MIN_INTERVAL_MS * (bytes / BYTES_PER_MINUTE).clamp(1, MAX_FLOOR_MINUTES as usize) as u64;
        if self.interval < floor {
            self.widen(floor);
            if sim.now() / self.interval <= self.copies.last().map_or(0, Sim::now) / self.interval {
                return;
            }
        }
        self.copies.push(sim.clone());
        self.costs.push(bytes);
        // Each doubling halves the copies (bar the start and the newest): bounded.
        while self.copies.len() > 2 && (self.copies.len() > self.max || self.approx_bytes() > self.budget_bytes) {
            self.widen(self.interval * 2);
        }
    }

    /// Doubles the interval until it is at least `at_least`, keeping the start and the first
    /// copy in each new slot (so the next copy comes in the next slot); each copy then counts what it doesn't share with the
    /// copy now before it.
    fn widen(&mut self, at_least: SimTime) {
        while self.interval < at_least {
            self.interval *= 2;
        }
        let slot = |s: &Sim| s.now() / self.interval;
        let n = self.copies.len();
        let mut keep = vec![true; n];
        let mut last_kept = 0;
        for k in 1..n {
            keep[k] = slot(&self.copies[k]) > slot(&self.copies[last_kept]);
            if keep[k] {
                last_kept = k;
            }
        }
        let mut k = 0;
        self.copies.retain(|_| (keep[k], k += 1).0);
        self.costs.truncate(self.copies.len());
        for k in 1..self.copies.len() {
            let (before, after) = (&self.copies[k - 1], &self.copies[k]);
            self.costs[k] = after.approx_bytes().saturating_sub(after.approx_bytes_shared_with(before));
        }
    }

    /// The copies' estimated bytes together (each beyond what it shares with the one before).
    pub fn approx_bytes(&self) -> usize {
        self.costs.iter().sum()
    }

    /// Sim time between copies now: the most a seek replays (plus a frame).
    pub fn interval(&self) -> SimTime {
        self.interval
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
