//! Rolling deployments (aws-semantics §6.1-6.2): a new deployment per UpdateService with a new
//! task definition (or forceNewDeployment), replacing tasks within minimumHealthyPercent
//! (rounded up) and maximumPercent (rounded down), and the deployment circuit breaker.

use super::{Sim, TaskStatus, Wake};
use crate::time::SimTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RolloutState {
    InProgress,
    Completed,
    Failed,
}

#[derive(Debug, Clone)]
pub struct Deployment {
    pub id: String,
    pub task_def: usize,
    pub rollout: RolloutState,
    pub failed_tasks: u32,
    pub created_at: SimTime,
}

/// Without a load balancer or container health check, ECS counts a task healthy 40 s after
/// it reaches RUNNING (aws-semantics §6.1).
pub const NO_HEALTH_CHECK_HEALTHY_MS: SimTime = 40_000;

/// Circuit breaker threshold: half the desired count, rounded up, clamped to [3, 200] (the
/// current API model's minimum; the 2023 guide said 10).
pub fn failure_threshold(desired: u32) -> u32 {
    desired.div_ceil(2).clamp(3, 200)
}

impl Sim {
    pub(super) fn start_deployment(&mut self, s: usize, task_def: usize, reason: &str) {
        // ECS deployment ids are `ecs-svc/` and 19 digits.
        let hash = u64::from_str_radix(&crate::scenario::hex_id(&format!("{}#{}", self.services[s].def.arn, self.services[s].deployments.len()), 15), 16).unwrap_or(0);
        let id = format!("ecs-svc/{:019}", hash % 10_000_000_000_000_000_000);
        let name = self.services[s].def.name.clone();
        let family = self.scenario.task_defs[task_def].family_revision();
        self.services[s].deployments.push(Deployment { id: id.clone(), task_def, rollout: RolloutState::InProgress, failed_tasks: 0, created_at: self.now });
        self.services[s].steady = false;
        // "If you update your service to use a new task definition, your service returns to a
        // normal, non-throttled state immediately."
        self.unthrottle(s);
        self.log("service", name.clone(), format!("(service {name}) (deployment {id}) {reason} {family}."));
        self.reconcile_soon(s);
    }

    pub(super) fn primary(&self, s: usize) -> usize {
        self.services[s].deployments.len() - 1
    }

    /// Healthy for the scheduler (aws-semantics §6.1): RUNNING, and then with a load balancer
    /// its targets healthy; with a container health check, past its first passing check (a check
    /// that always fails never gets there); with neither, 40 seconds after RUNNING.
    pub fn task_healthy(&self, k: usize) -> bool {
        let t = &self.tasks[k];
        if t.last_status != TaskStatus::Running {
            return false;
        }
        let td = &self.scenario.task_defs[t.task_def];
        if td.failing_health_check().is_some() {
            return false;
        }
        if t.service.is_some_and(|s| !self.services[s].def.load_balancers.is_empty()) {
            // Every registration of the task healthy in its target groups.
            return t.registrations > 0 && t.healthy_registrations == t.registrations;
        }
        let checked = td.containers.iter().filter_map(|c| c.health_check.as_ref()).map(|h| (h.start_period_s.max(h.interval_s)) as u64 * 1000).max();
        let wait_ms = checked.unwrap_or(NO_HEALTH_CHECK_HEALTHY_MS);
        t.started_at.is_some_and(|at| self.now >= at + wait_ms)
    }

    /// After a task reaches RUNNING: an always-failing container health check stops it later.
    pub(super) fn watch_health(&mut self, task: usize) {
        let td = &self.scenario.task_defs[self.tasks[task].task_def];
        if let Some(check) = td.failing_health_check() {
            let generation = self.tasks[task].generation;
            self.schedule(self.now + check.time_to_unhealthy_ms(), Wake::HealthCheckFailed { task, generation });
            return;
        }
        // The task turns healthy later (first passing check, or 40 s): look again then.
        let first_pass_ms = td.containers.iter().filter_map(|c| c.health_check.as_ref()).map(|h| h.start_period_s.max(h.interval_s) as u64 * 1000).max().unwrap_or(NO_HEALTH_CHECK_HEALTHY_MS);
        if let Some(s) = self.tasks[task].service {
            self.reconcile_at(s, self.now + first_pass_ms);
        }
    }

    pub(super) fn health_check_failed(&mut self, task: usize) {
        if self.tasks[task].last_status != TaskStatus::Running || !self.tasks[task].desired_running {
            return;
        }
        let id = self.tasks[task].id.clone();
        self.log("task", id, "essential container UNHEALTHY");
        self.stop_task(task, "Task failed container health checks", "ServiceSchedulerInitiated");
        // The scheduler replaces it now: a stopping task no longer counts toward desired.
        if let Some(s) = self.tasks[task].service {
            self.reconcile_soon(s);
        }
        if let (Some(s), Some(d)) = (self.tasks[task].service, self.tasks[task].deployment) {
            self.count_failure(s, d);
        }
    }

    pub(super) fn count_failure(&mut self, s: usize, d: usize) {
        let Some(rollback) = self.services[s].def.circuit_breaker else { return };
        let desired = self.services[s].desired_count;
        let dep = &mut self.services[s].deployments[d];
        if dep.rollout != RolloutState::InProgress {
            return;
        }
        dep.failed_tasks += 1;
        if dep.failed_tasks < failure_threshold(desired) {
            return;
        }
        dep.rollout = RolloutState::Failed;
        let (id, name) = (dep.id.clone(), self.services[s].def.name.clone());
        self.log("service", name.clone(), format!("(service {name}) (deployment {id}) deployment failed: tasks failed to start."));
        if rollback {
            let good = self.services[s].deployments.iter().rev().find(|x| x.rollout == RolloutState::Completed).map(|x| x.task_def);
            if let Some(td) = good {
                self.start_deployment(s, td, "rolling back to");
            }
        }
    }

    /// Marks the primary deployment COMPLETED once only its tasks run, all of them RUNNING.
    pub(super) fn check_deployment_done(&mut self, s: usize) {
        let p = self.primary(s);
        if self.services[s].deployments[p].rollout != RolloutState::InProgress {
            return;
        }
        let desired = self.services[s].desired_count as usize;
        let tasks = &self.services[s].tasks;
        let done = tasks.len() == desired && tasks.iter().all(|&t| self.tasks[t].deployment == Some(p) && self.tasks[t].desired_running && self.task_healthy(t));
        if done {
            self.services[s].deployments[p].rollout = RolloutState::Completed;
            let (id, name) = (self.services[s].deployments[p].id.clone(), self.services[s].def.name.clone());
            self.log("service", name.clone(), format!("(service {name}) (deployment {id}) deployment completed."));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn circuit_breaker_threshold() {
        assert_eq!(super::failure_threshold(1), 3);
        assert_eq!(super::failure_threshold(10), 5);
        assert_eq!(super::failure_threshold(11), 6);
        assert_eq!(super::failure_threshold(1000), 200);
    }
}
