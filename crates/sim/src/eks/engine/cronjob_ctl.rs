//! The CronJob controller (cronjob_controllerv2 `syncCronJob`): at each scheduled time it
//! creates a Job named `<cronjob>-<scheduled time in minutes since the epoch>`; with
//! `startingDeadlineSeconds` a time more than that late is not started; `concurrencyPolicy`
//! Forbid skips while a Job is active (the missed time starts later if still within the
//! deadline), Replace deletes the active Jobs first; `suspend` stops new Jobs; finished Jobs
//! beyond `successfulJobsHistoryLimit` / `failedJobsHistoryLimit` are deleted, oldest first.

use crate::sort::SortSmall;
use super::job_ctl::JobCtl;
use super::Engine;
use crate::eks::manifest::cronjob::{Concurrency, CronJob};
use crate::eks::manifest::job::Job;

/// Scheduled times looked at in one sync (the controller gives up past 100 missed).
const MAX_MISSED: usize = 1000;

#[derive(Debug, Clone)]
pub struct CronJobCtl {
    pub cj: CronJob,
    /// Unix seconds of sim second 0.
    pub start_unix: i64,
    pub last_schedule: Option<i64>,
    pub last_successful: Option<i64>,
    /// Indices into `Engine::jobs` of the Jobs it created.
    pub jobs: Vec<usize>,
    seen: Vec<usize>,
    forbid_noted: Option<i64>,
}

impl CronJobCtl {
    pub fn new(cj: CronJob, start_unix: i64) -> CronJobCtl {
        CronJobCtl { cj, start_unix, last_schedule: None, last_successful: None, jobs: Vec::new(), seen: Vec::new(), forbid_noted: None }
    }

    /// Job indices moved (`pod_compact`): freed ones (None) leave both lists.
    pub(super) fn renumber_jobs(&mut self, f: impl Fn(usize) -> Option<usize>) {
        self.jobs = self.jobs.iter().filter_map(|&j| f(j)).collect();
        self.seen = self.seen.iter().filter_map(|&j| f(j)).collect();
    }

    /// The next scheduled sim second after sim second `t`.
    fn next_after(&self, t: i64) -> Option<i64> {
        self.cj.next_after(self.start_unix + t).map(|u| u - self.start_unix)
    }
}

impl Engine {
    /// Jobs of CronJob `k` that are still running.
    pub fn cron_active(&self, k: usize) -> Vec<usize> {
        self.cron_jobs[k].jobs.iter().copied().filter(|j| self.jobs[*j].finish.is_none() && self.jobs[*j].deleted_at.is_none()).collect()
    }

    pub(super) fn sync_cron_jobs(&mut self) -> bool {
        let mut worked = false;
        for k in 0..self.cron_jobs.len() {
            worked |= self.sync_cron_job(k);
        }
        worked
    }

    fn sync_cron_job(&mut self, k: usize) -> bool {
        let now = self.now;
        let (ns, name) = (self.cron_jobs[k].cj.namespace.clone(), self.cron_jobs[k].cj.name.clone());
        let mut worked = false;
        // Finished Jobs: SawCompletedJob, then the history limits.
        for j in self.cron_jobs[k].jobs.clone() {
            let Some(f) = self.jobs[j].finish.clone() else { continue };
            if self.cron_jobs[k].seen.contains(&j) {
                continue;
            }
            self.cron_jobs[k].seen.push(j);
            self.events.once(now, "CronJob", &ns, &name, "SawCompletedJob", format!("Saw completed job: {}, condition: {}", self.jobs[j].job.name, f.kind), false, "cronjob-controller");
            if f.kind == "Complete" {
                self.cron_jobs[k].last_successful = Some(f.at);
            }
        }
        for (kind, limit) in [("Complete", self.cron_jobs[k].cj.successful_history), ("Failed", self.cron_jobs[k].cj.failed_history)] {
            let mut done: Vec<usize> = self.cron_jobs[k].jobs.iter().copied().filter(|j| self.jobs[*j].deleted_at.is_none() && self.jobs[*j].finish.as_ref().is_some_and(|f| f.kind == kind)).collect();
            done.sort_small_by_key(|j| (self.jobs[*j].created_at, *j));
            let extra = done.len().saturating_sub(limit.max(0) as usize);
            for j in done.into_iter().take(extra) {
                self.events.once(now, "CronJob", &ns, &name, "SuccessfulDelete", format!("Deleted job {}", self.jobs[j].job.name), false, "cronjob-controller");
                self.delete_job(j);
                worked = true;
            }
        }
        let c = &self.cron_jobs[k];
        if c.cj.suspend {
            return worked;
        }
        let base = c.last_schedule.unwrap_or(0);
        let earliest = c.cj.starting_deadline_s.map_or(base, |d| base.max(now - d));
        let mut latest = None;
        let mut t = earliest;
        for _ in 0..MAX_MISSED {
            match c.next_after(t).filter(|x| *x <= now) {
                Some(x) => {
                    latest = Some(x);
                    t = x;
                }
                None => break,
            }
        }
        let Some(at) = latest else { return worked };
        let active = self.cron_active(k);
        match self.cron_jobs[k].cj.concurrency {
            Concurrency::Forbid if !active.is_empty() => {
                if self.cron_jobs[k].forbid_noted != Some(at) {
                    self.cron_jobs[k].forbid_noted = Some(at);
                    self.events.repeatable(now, "CronJob", &ns, &name, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid".into(), false, "cronjob-controller");
                }
                return worked;
            }
            Concurrency::Replace => {
                for j in active {
                    self.events.once(now, "CronJob", &ns, &name, "SuccessfulDelete", format!("Deleted job {}", self.jobs[j].job.name), false, "cronjob-controller");
                    self.delete_job(j);
                }
            }
            _ => {}
        }
        let c = &self.cron_jobs[k];
        let job_name = format!("{name}-{}", (c.start_unix + at).div_euclid(60));
        let job = Job { name: job_name.clone(), namespace: ns.clone(), labels: Default::default(), spec: c.cj.job.clone() };
        self.jobs.push(JobCtl::new(job, now, Some(name.clone())));
        let j = self.jobs.len() - 1;
        self.cron_jobs[k].jobs.push(j);
        self.cron_jobs[k].last_schedule = Some(at);
        self.events.once(now, "CronJob", &ns, &name, "SuccessfulCreate", format!("Created job {job_name}"), false, "cronjob-controller");
        true
    }

    /// The next scheduled instant of any CronJob that is not suspended.
    pub(super) fn cron_next_change(&self) -> Option<i64> {
        self.cron_jobs.iter().filter(|c| !c.cj.suspend).filter_map(|c| c.next_after(c.last_schedule.unwrap_or(0).max(self.now))).min()
    }
}
