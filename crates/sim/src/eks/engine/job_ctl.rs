//! The Job controller: keeps `min(parallelism, completions − succeeded)` pods
//! active, recreates failed pods after the exponential back-off (10 s, 20 s, 40 s … capped at
//! six minutes, kubernetes.io/docs/concepts/workloads/controllers/job/ "Pod backoff failure
//! policy"), fails the Job past `backoffLimit` or `activeDeadlineSeconds` (terminating what
//! still runs), completes it at `completions` successes, and — as the TTL-after-finished
//! controller does — deletes it and its pods `ttlSecondsAfterFinished` after it finished.
//! A pod runs `stevedore.dev/run-seconds` after its containers start, then exits with
//! `stevedore.dev/exit-code` (manifest::job); the kubelet marks it Succeeded or Failed and the
//! scheduler stops counting it on its node. `completionMode: Indexed` (job/indexed_job_utils.go):
//! each pod gets a completion index (annotation and label `batch.kubernetes.io/job-completion-index`,
//! name `JOB-INDEX-xxxxx`), the lowest indexes with neither a success nor an active pod are
//! created first, a failed index is retried with the same index, an index counts once however
//! many of its pods succeed, and the Job completes when every index has succeeded
//! (`status.succeeded` = succeeded indexes, `status.completedIndexes` e.g. `0-2,5`).

use super::{Engine, Ev, Owner};
use crate::eks::manifest::job::{Job, COMPLETION_INDEX};
use crate::eks::run::random_suffix;
use crate::eks::scheduler::state::PodInfo;
use std::sync::Arc;

pub const BACKOFF_BASE_S: i64 = 10;
pub const BACKOFF_MAX_S: i64 = 360;

pub const BACKOFF_MESSAGE: &str = "Job has reached the specified backoff limit";
pub const DEADLINE_MESSAGE: &str = "Job was active longer than specified deadline";

/// How a Job ended: condition type (`Complete` / `Failed`), reason, message, when.
#[derive(Debug, Clone, PartialEq)]
pub struct Finish {
    pub kind: &'static str,
    pub reason: &'static str,
    pub message: &'static str,
    pub at: i64,
}

#[derive(Debug, Clone)]
pub struct JobCtl {
    pub job: Job,
    pub created_at: i64,
    /// The CronJob that created it, if any.
    pub cron: Option<String>,
    pub pods: Vec<usize>,
    pub finish: Option<Finish>,
    /// When the TTL-after-finished controller deleted it.
    pub deleted_at: Option<i64>,
    /// An Indexed Job's succeeded indexes, sorted, as of its last sync.
    pub completed_indexes: Vec<i64>,
}

/// `status.completedIndexes`: sorted indexes as intervals, `0-2,5` (`succeededIndexesToString`).
pub fn indexes_text(sorted: &[i64]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut k = 0;
    while k < sorted.len() {
        let first = sorted[k];
        while k + 1 < sorted.len() && sorted[k + 1] == sorted[k] + 1 {
            k += 1;
        }
        out.push(if sorted[k] == first { first.to_string() } else { format!("{first}-{}", sorted[k]) });
        k += 1;
    }
    out.join(",")
}

/// An Indexed Job pod's index (None for NonIndexed pods).
pub fn pod_index(p: &super::PodRecord) -> Option<i64> {
    p.annotations.iter().find(|(k, _)| k == COMPLETION_INDEX).and_then(|(_, v)| v.parse().ok())
}

/// `.status` counts of one Job.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    pub active: i64,
    pub ready: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub terminating: i64,
}

pub fn backoff_s(failures: i64) -> i64 {
    if failures <= 0 {
        return 0;
    }
    BACKOFF_BASE_S.saturating_mul(1i64 << (failures - 1).min(20)).min(BACKOFF_MAX_S)
}

impl JobCtl {
    pub fn new(job: Job, now: i64, cron: Option<String>) -> JobCtl {
        JobCtl { job, created_at: now, cron, pods: Vec::new(), finish: None, deleted_at: None, completed_indexes: Vec::new() }
    }
}

impl Engine {
    /// An Indexed Job's succeeded indexes, sorted (each once).
    pub fn succeeded_indexes(&self, k: usize) -> Vec<i64> {
        let mut v: Vec<i64> = self.jobs[k].pods.iter().map(|id| &self.pods[*id]).filter(|p| p.finished_at.is_some() && p.run.is_some_and(|r| r.1 == 0)).filter_map(pod_index).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    pub fn job_counts(&self, k: usize) -> JobCounts {
        let mut c = JobCounts::default();
        for id in &self.jobs[k].pods {
            let p = &self.pods[*id];
            match (p.finished_at, p.deleting_at, p.gone_at) {
                (Some(_), _, _) if p.run.is_some_and(|r| r.1 == 0) => c.succeeded += 1,
                (Some(_), _, _) => c.failed += 1,
                (None, Some(_), None) => c.terminating += 1,
                // Terminated while running (deadline, a failed Job): counted as failed.
                (None, Some(_), Some(_)) => c.failed += 1,
                (None, None, None) => {
                    c.active += 1;
                    c.ready += p.ready(self.now) as i64;
                }
                _ => {}
            }
        }
        if self.jobs[k].job.spec.indexed {
            c.succeeded = self.succeeded_indexes(k).len() as i64;
        }
        c
    }

    /// The last failure's instant, for the back-off.
    fn last_failure(&self, k: usize) -> Option<i64> {
        self.jobs[k].pods.iter().filter_map(|id| self.pods[*id].finished_at.filter(|_| self.pods[*id].run.is_some_and(|r| r.1 != 0))).max()
    }

    pub(super) fn sync_jobs(&mut self) -> bool {
        let mut worked = false;
        for k in 0..self.jobs.len() {
            worked |= self.sync_job(k);
        }
        worked
    }

    fn sync_job(&mut self, k: usize) -> bool {
        let now = self.now;
        if self.jobs[k].deleted_at.is_some() {
            return false;
        }
        if let Some(f) = &self.jobs[k].finish {
            let ttl = self.jobs[k].job.spec.ttl_after_finished_s;
            if ttl.is_some_and(|t| f.at + t <= now) {
                self.delete_job(k);
                return true;
            }
            return false;
        }
        let c = self.job_counts(k);
        let spec = self.jobs[k].job.spec.clone();
        if spec.indexed {
            self.jobs[k].completed_indexes = self.succeeded_indexes(k);
        }
        let start = self.jobs[k].created_at;
        let fail = if c.failed > spec.backoff_limit {
            Some(("BackoffLimitExceeded", BACKOFF_MESSAGE))
        } else if spec.active_deadline_s.is_some_and(|d| start + d <= now) {
            Some(("DeadlineExceeded", DEADLINE_MESSAGE))
        } else {
            None
        };
        let (ns, name) = (self.jobs[k].job.namespace.clone(), self.jobs[k].job.name.clone());
        if let Some((reason, message)) = fail {
            for id in self.jobs[k].pods.clone() {
                if self.pods[id].finished_at.is_none() && self.pods[id].deleting_at.is_none() && self.pods[id].gone_at.is_none() {
                    let pn = self.pods[id].info.name.clone();
                    self.events.once(now, "Job", &ns, &name, "SuccessfulDelete", format!("Deleted pod: {pn}"), false, "job-controller");
                    let grace = self.pods[id].info.spec.grace_s();
                    self.terminate(id, grace);
                }
            }
            self.events.once(now, "Job", &ns, &name, reason, message.into(), true, "job-controller");
            self.jobs[k].finish = Some(Finish { kind: "Failed", reason, message, at: now });
            return true;
        }
        let done = match spec.completions {
            Some(n) => c.succeeded >= n,
            None => c.succeeded >= 1 && c.active == 0,
        };
        if done {
            self.events.once(now, "Job", &ns, &name, "Completed", "Job completed".into(), false, "job-controller");
            self.jobs[k].finish = Some(Finish { kind: "Complete", reason: "CompletionsReached", message: "Reached expected number of succeeded pods", at: now });
            return true;
        }
        let want = match spec.completions {
            Some(n) => spec.parallelism.min(n - c.succeeded),
            None if c.succeeded > 0 => 0,
            None => spec.parallelism,
        };
        let missing = want - c.active - c.terminating;
        if missing <= 0 || self.last_failure(k).is_some_and(|t| t + backoff_s(c.failed) > now) {
            return false;
        }
        // Indexed: the lowest indexes with neither a success nor a live pod, in order.
        let mut pending = Vec::new();
        if spec.indexed {
            let done = self.succeeded_indexes(k);
            let live: Vec<i64> = self.jobs[k].pods.iter().map(|id| &self.pods[*id]).filter(|p| p.finished_at.is_none() && p.gone_at.is_none()).filter_map(pod_index).collect();
            let n = spec.completions.unwrap_or(0);
            pending = (0..n).filter(|i| done.binary_search(i).is_err() && !live.contains(i)).take(missing.min(10_000) as usize).collect();
        }
        for m in 0..missing.min(10_000) {
            let index = pending.get(m as usize).copied();
            if spec.indexed && index.is_none() {
                break;
            }
            let mut labels = spec.template.labels.clone();
            labels.insert("batch.kubernetes.io/job-name".into(), name.clone());
            labels.insert("job-name".into(), name.clone());
            if let Some(i) = index {
                labels.insert(COMPLETION_INDEX.into(), i.to_string());
            }
            let pn = match index {
                Some(i) => format!("{name}-{i}-{}", random_suffix(&mut self.rng, 5)),
                None => format!("{name}-{}", random_suffix(&mut self.rng, 5)),
            };
            let info = PodInfo::new(pn.clone(), ns.clone(), labels, Arc::new(spec.template.spec.clone()), None);
            self.events.once(now, "Job", &ns, &name, "SuccessfulCreate", format!("Created pod: {pn}"), false, "job-controller");
            let id = self.add_pod(info, Owner::Job(k), None);
            self.pods[id].run = Some((spec.run_s, spec.exit_code));
            if let Some(i) = index {
                self.pods[id].annotations.push((COMPLETION_INDEX.into(), i.to_string()));
            }
            self.jobs[k].pods.push(id);
            self.admit(id);
        }
        true
    }

    /// The Job is deleted with its pods (background cascading deletion).
    pub(super) fn delete_job(&mut self, k: usize) {
        if self.jobs[k].deleted_at.is_some() {
            return;
        }
        self.jobs[k].deleted_at = Some(self.now);
        for id in self.jobs[k].pods.clone() {
            let grace = self.pods[id].info.spec.grace_s();
            self.terminate(id, grace);
        }
    }

    /// The container exited: Succeeded or Failed; the scheduler no longer counts the pod.
    pub(super) fn pod_finished(&mut self, id: usize) {
        let p = &mut self.pods[id];
        if p.deleting_at.is_some() || p.finished_at.is_some() {
            return;
        }
        p.finished_at = Some(self.now);
        self.touch(id);
        let p = &self.pods[id];
        let (ns, name) = (p.info.namespace.clone(), p.info.name.clone());
        self.state.unbind(&ns, &name);
        // It stays on its node unbound (`node_pods.rs`).
        self.node_pods_exact = false;
        // The kubelet tears the sandbox down: the CNI returns the address (podIP stays shown).
        self.ip_released(id);
        self.cluster_changed();
    }

    /// A started Job pod's exit, on the agenda.
    pub(super) fn schedule_exit(&mut self, id: usize) {
        if let Some((run_s, _)) = self.pods[id].run {
            let t = self.now + run_s;
            self.at(t, Ev::Finished(id));
        }
    }

    /// Deadlines, back-offs and TTLs ahead.
    pub(super) fn jobs_next_change(&self) -> Option<i64> {
        let now = self.now;
        let mut next: Option<i64> = None;
        for (k, j) in self.jobs.iter().enumerate() {
            if j.deleted_at.is_some() {
                continue;
            }
            let cand = match &j.finish {
                Some(f) => j.job.spec.ttl_after_finished_s.map(|t| f.at + t),
                None => {
                    let d = j.job.spec.active_deadline_s.map(|d| j.created_at + d);
                    let failed = j.pods.iter().filter(|id| self.pods[**id].finished_at.is_some() && self.pods[**id].run.is_some_and(|r| r.1 != 0)).count() as i64;
                    let b = self.last_failure(k).map(|t| t + backoff_s(failed));
                    [d, b].into_iter().flatten().filter(|x| *x > now).min()
                }
            };
            if let Some(x) = cand.filter(|x| *x >= now) {
                next = Some(next.map_or(x, |n| n.min(x)));
            }
        }
        next
    }
}
