//! What a run keeps, and for how long: what AWS keeps, so memory follows the cluster and not
//! the clock (a classroom leaves a scenario playing all day). Metric datapoints age in
//! `substrate/metric_store.rs`; the rest is here.

use crate::sort::SortSmall;
use super::autoscaling::ScalingActivity;
use super::task::{Task, TaskStatus};
use super::{LogEntry, Sim, Wake};
use crate::time::SimTime;
use std::collections::VecDeque;

/// `approx_bytes`' estimate of a placement explanation: its own strings, and per candidate
/// note (`placement::CandidateNote`, numbers only), calibrated with `examples/clone_bytes.rs`.
const EXPLANATION_BYTES: usize = 180;
const NOTE_BYTES: usize = 48;
/// What a known task's record holds besides itself (ids, ARNs, its containers' and bindings'
/// lists), calibrated the same way (1,663 B a record deep on the all-day scenario at 14 h, the
/// record itself 496 B on 64-bit); a vacant slot holds nothing.
const TASK_HEAP_BYTES: usize = 1_150;

/// `approx_bytes`' estimate of a task slot: its record, and a known task's own heap.
fn task_bytes(t: &Task) -> usize {
    std::mem::size_of::<Task>() + if t.exists() { TASK_HEAP_BYTES } else { 0 }
}

fn explanation_bytes(e: &crate::placement::Explanation) -> usize {
    EXPLANATION_BYTES + e.notes.len() * NOTE_BYTES
}

/// "Stopped tasks only appear in the Amazon ECS console, AWS CLI, and AWS SDKs for at least 1
/// hour after the task stops. After that, the details of the stopped task expire and aren't
/// available in Amazon ECS."
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html)
/// Stevedore keeps them exactly that hour, then reuses their slot.
pub const STOPPED_TASK_RETENTION_MS: SimTime = 3_600_000;

/// DescribeServices' `events`: "The event stream for your service. A maximum of 100 of the
/// latest events are displayed." (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html)
pub const SERVICE_EVENTS_KEPT: usize = 100;

/// DescribeScalingActivities: "You can look up scaling activities from the last six weeks."
/// (https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-scaling-activities.html)
pub const SCALING_ACTIVITY_RETENTION_MS: SimTime = 42 * 24 * 3_600_000;

/// The event log (the app's Events panel, `drain_log`) keeps the newest entries; AWS has no
/// single log like it, so the bound is ours: about 4 MB. Past it the oldest `LOG_DROP` go at
/// once (so dropping is rare) and a marker entry says how many went.
pub const LOG_LIMIT: usize = 20_000;
const LOG_DROP: usize = 5_000;

/// Containers' AWS calls kept for the inspector and the report (our bound, newest kept).
pub const API_CALLS_KEPT: usize = 1_000;

/// One DescribeServices event: `seq` is its place among every log entry of the run (its id);
/// the entry is the log's own (shared, so a rewind copy doesn't copy its words).
#[derive(Debug, Clone)]
pub struct ServiceEvent {
    pub seq: u64,
    pub entry: std::sync::Arc<LogEntry>,
}

impl Sim {
    pub(super) fn push_log(&mut self, entry: LogEntry) {
        let seq = self.logged;
        self.logged += 1;
        let entry = std::sync::Arc::new(entry);
        if entry.kind == "service" {
            if let Some(s) = self.services.iter().position(|s| s.def.name == entry.subject) {
                let events = &mut self.service_events[s];
                if events.len() == SERVICE_EVENTS_KEPT {
                    events.pop_front();
                }
                events.push_back(ServiceEvent { seq, entry: entry.clone() });
            }
        }
        self.log.push(entry);
        if self.log.len() > LOG_LIMIT {
            self.log.drain(..LOG_DROP);
            self.log_dropped += LOG_DROP as u64 - 1; // the old marker, if any, was among them
            let at = self.log[0].at;
            self.log[0] = std::sync::Arc::new(LogEntry { at, kind: "log", subject: "event log".into(), message: format!("{} older entries dropped (the log keeps the newest {LOG_LIMIT})", self.log_dropped + 1) });
            self.drained = if self.drained >= LOG_DROP { self.drained - LOG_DROP + 1 } else { 0 };
        }
    }

    /// Entries dropped from the front of `log` so far.
    pub fn log_dropped(&self) -> u64 {
        if self.log_dropped == 0 { 0 } else { self.log_dropped + 1 }
    }

    /// The service's most recent events, newest first (DescribeServices' order).
    pub fn service_events(&self, s: usize) -> impl Iterator<Item = &ServiceEvent> {
        self.service_events[s].iter().rev()
    }

    pub(super) fn record_activity(&mut self, activity: ScalingActivity) {
        self.activities.push(activity.into());
        self.activities_recorded += 1;
        // Drop expired ones in batches: an activity a minute must not move the whole list.
        let expired = self.activities.partition_point(|a| a.at + SCALING_ACTIVITY_RETENTION_MS < self.now);
        if expired > 0 && expired * 4 >= self.activities.len() {
            self.activities.drain(..expired);
        }
    }

    /// DescribeScalingActivities: the last six weeks, newest first.
    pub fn scaling_activities(&self) -> impl Iterator<Item = &ScalingActivity> {
        let now = self.now;
        self.activities.iter().rev().map(|a| &**a).take_while(move |a| a.at + SCALING_ACTIVITY_RETENTION_MS >= now)
    }

    pub(super) fn record_api_call(&mut self, call: super::discovery::ApiCall) {
        if self.api_calls.len() >= 2 * API_CALLS_KEPT {
            self.api_calls.drain(..API_CALLS_KEPT);
        }
        self.api_calls.push(call);
    }

    /// A slot for a new task: one whose stopped task has expired, or a new one. The task's
    /// generation continues the slot's, so wake-ups for the slot's old task stay stale.
    pub(super) fn insert_task(&mut self, mut task: Task) -> usize {
        match self.free_tasks.pop() {
            Some(k) => {
                task.generation = self.tasks[k].generation + 1;
                self.tasks[k] = task.into();
                k
            }
            None => {
                self.tasks.push(task.into());
                self.tasks.len() - 1
            }
        }
    }

    /// Gives back a slot `insert_task` handed out for a task that could not be created.
    pub(super) fn uninsert_task(&mut self, k: usize) {
        self.vacate(k);
    }

    /// Called when a task reaches STOPPED: it expires an hour later.
    pub(super) fn schedule_expiry(&mut self, task: usize) {
        let generation = self.tasks[task].generation;
        self.schedule(self.now + STOPPED_TASK_RETENTION_MS, Wake::Expire { task, generation });
    }

    /// A stopped task's hour is over: its slot is free, unless a target group still lists it
    /// (a deregistration delay outlasting the hour), in which case it waits another hour.
    pub(super) fn expire_task(&mut self, task: usize, generation: u32) {
        let t = &self.tasks[task];
        if t.generation != generation || t.last_status != TaskStatus::Stopped {
            return;
        }
        let groups = t.service.map(|s| self.services[s].def.load_balancers.iter().map(|l| l.target_group).collect::<Vec<_>>()).unwrap_or_default();
        if groups.iter().any(|&tg| self.aws.elb[tg].iter().any(|x| x.task == task)) {
            self.schedule(self.now + STOPPED_TASK_RETENTION_MS, Wake::Expire { task, generation });
            return;
        }
        if self.tasks[task].pending_at.is_some() {
            let t = &self.tasks[task];
            let kept = Task { seq: t.seq, id: t.id.clone(), task_def: t.task_def, service: t.service, fargate: t.fargate, instance: t.instance, capacity_provider: t.capacity_provider.clone(), pending_at: t.pending_at, stopped_at: t.stopped_at, ..Task::vacant() };
            self.expired_billable.push(crate::shared::Shared::new(kept));
            self.fold_expired();
        }
        self.vacate(task);
    }

    /// Past `expired_kept` records, folds the oldest half into `expired_rollup` — only those
    /// that stopped an hour ago or more: a cost meter reads at least hourly (`cost::meter`), so
    /// every task it still tracks stopped after its last read and is still here.
    fn fold_expired(&mut self) {
        let len = self.expired_billable.len();
        if len <= self.expired_kept {
            return;
        }
        let horizon = self.now.saturating_sub(STOPPED_TASK_RETENTION_MS);
        let n = self.expired_billable[..len - self.expired_kept / 2].iter().take_while(|t| t.stopped_at.is_some_and(|s| s <= horizon)).count();
        let old: Vec<crate::shared::Shared<Task>> = self.expired_billable.drain(..n).collect();
        let mut rollup = std::mem::take(&mut self.expired_rollup);
        for t in &old {
            rollup.fold(self, t);
        }
        self.expired_rollup = rollup;
    }

    /// The expired tasks folded into aggregate bill entries.
    pub fn expired_rollup(&self) -> &crate::cost::rollup::Rollup {
        &self.expired_rollup
    }

    /// How many expired tasks are kept one by one before the oldest are folded (default
    /// `cost::rollup::EXPIRED_KEPT`); for tests and for memory-tight drivers.
    pub fn set_expired_kept(&mut self, n: usize) {
        self.expired_kept = n;
    }

    /// Tasks that have expired (ECS no longer describes them) but still count on the bill (a
    /// Fargate task's charge, an EC2 task's share of its instance), in the order they expired:
    /// id, task definition, service, capacity provider, instance and billed span only.
    /// Shared records, so a rewind copy holds pointers to them, not copies.
    pub fn expired_billable(&self) -> &[crate::shared::Shared<Task>] {
        &self.expired_billable
    }

    fn vacate(&mut self, k: usize) {
        let t = &mut self.tasks[k];
        // What's left is a husk: STOPPED, no stop time (so no Describe* lists it), no ids.
        *t = Task { generation: t.generation + 1, ..Task::vacant() }.into();
        self.free_tasks.push(k);
    }

    /// Indices of the tasks `keep` accepts, in creation order (slots are reused, so index
    /// order is not creation order).
    pub fn tasks_oldest_first(&self, keep: impl Fn(&Task) -> bool) -> Vec<usize> {
        let mut v: Vec<usize> = (0..self.tasks.len()).filter(|&k| self.tasks[k].exists() && keep(&self.tasks[k])).collect();
        v.sort_small_by_key(|&k| self.tasks[k].seq);
        v
    }

    /// Roughly what a copy of this sim costs (a checkpoint): its tables times what a row
    /// typically holds, strings included. Log entries and placement explanations are shared
    /// with the live sim only while it still holds them: a copy of an hour ago is the only
    /// holder of that hour's, so they count in full. The scenario and completed hours of
    /// metrics (which the live sim keeps for 15 days) don't count.
    pub fn approx_bytes(&self) -> usize {
        self.approx_bytes_parts().iter().map(|(_, n)| n).sum()
    }

    /// `approx_bytes` by part (name, bytes), for calibrating it against real allocations
    /// (`examples/clone_bytes.rs`).
    pub fn approx_bytes_parts(&self) -> [(&'static str, usize); 8] {
        use std::mem::size_of;
        let targets: usize = self.aws.elb.iter().map(|g| g.len()).sum();
        let events: usize = self.service_events.iter().map(VecDeque::len).sum();
        let tasks: usize = self.tasks.iter().map(|t| task_bytes(t) + t.explanation.as_deref().map_or(0, explanation_bytes)).sum();
        [
            ("tasks", tasks),
            ("instances", self.instances.len() * (size_of::<super::Instance>() + 1_500)),
            ("targets", targets * (size_of::<super::Target>() + 24)),
            ("log", self.log.len() * (size_of::<LogEntry>() + 24 + 80)),
            ("service events", events * size_of::<ServiceEvent>()),
            ("activities", self.activities.len() * (size_of::<ScalingActivity>() + 300)),
            ("metrics", self.metrics.approx_bytes()),
            ("queue", self.queue.len() * 48),
        ]
    }

    /// The part of `approx_bytes` that a copy and `other` hold in common (tasks and scaling
    /// activities neither has written since one was copied from the other, `shared::Shared`):
    /// what keeping both costs less than twice.
    pub fn approx_bytes_shared_with(&self, other: &Sim) -> usize {
        use std::mem::size_of;
        // A task record both hold, and an explanation both hold (even when the task record
        // changed since: a task that stopped keeps its explanation).
        let tasks: usize = self
            .tasks
            .iter()
            .zip(&other.tasks)
            .map(|(a, b)| {
                let record = if crate::shared::Shared::ptr_eq(a, b) { task_bytes(a) } else { 0 };
                let explanation = match (&a.explanation, &b.explanation) {
                    (Some(x), Some(y)) if std::sync::Arc::ptr_eq(x, y) => explanation_bytes(x),
                    _ => 0,
                };
                record + explanation
            })
            .sum();
        // Activities are appended and dropped from the front: align them by their number.
        let first = |s: &Sim| s.activities_recorded - s.activities.len() as u64;
        let skip = |s: &Sim, from: u64| (from - first(s)) as usize;
        let from = first(self).max(first(other));
        let activities = self.activities.iter().skip(skip(self, from)).zip(other.activities.iter().skip(skip(other, from))).filter(|(a, b)| crate::shared::Shared::ptr_eq(a, b)).count();
        // Log entries are shared one by one. Each drop removes `LOG_DROP` places from the front
        // (the new front becomes the marker): the place of `log[0]` in the run's log is the
        // drops so far times `LOG_DROP`.
        let first_entry = |s: &Sim| s.log_dropped / (LOG_DROP as u64 - 1) * LOG_DROP as u64;
        let from = first_entry(self).max(first_entry(other));
        let entries = self.log.iter().skip((from - first_entry(self)) as usize).zip(other.log.iter().skip((from - first_entry(other)) as usize)).filter(|(a, b)| std::sync::Arc::ptr_eq(a, b)).count();
        // Target groups whose targets neither has moved since are one list.
        let targets: usize = self.aws.elb.iter().zip(other.aws.elb.iter()).filter(|(a, b)| crate::shared::Shared::ptr_eq(a, b)).map(|(a, _)| a.len()).sum();
        tasks + activities * (size_of::<ScalingActivity>() + 300) + entries * (size_of::<LogEntry>() + 24 + 80) + targets * (size_of::<super::Target>() + 24)
    }

    /// Tasks started with `startedBy` = `by` in the whole run, and when the last one was.
    pub fn tasks_started_by(&self, by: &str) -> Option<(u64, SimTime)> {
        self.started_by.get(by).copied()
    }

    /// Tasks created since the run began (a task's `seq` is its place in that count).
    pub fn tasks_created(&self) -> usize {
        self.tasks_created
    }
}

impl Task {
    /// False for a slot whose stopped task has expired.
    pub fn exists(&self) -> bool {
        self.seq != usize::MAX
    }
}

/// Per service, its newest events (see `SERVICE_EVENTS_KEPT`).
pub(super) fn service_event_rings(n: usize) -> Vec<VecDeque<ServiceEvent>> {
    vec![VecDeque::new(); n]
}
