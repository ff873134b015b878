//! The service scheduler (replica and daemon) and RunTask (aws-semantics §1, §4.5, §6.1).

use crate::sort::SortSmall;
use super::lifecycle::{Host, NewTask};
use super::task::TaskStatus;
use super::{InstanceStatus, Sim, Wake};
use crate::model::{Launch, Placement, ProviderShare, RunTaskDef};
use crate::placement::{self, Batch, Failure, Index, Request};
use crate::time::SimTime;
use std::collections::BTreeMap;

/// ECS suppresses a repeated service event for six hours (aws-semantics §6.3).
const DUPLICATE_EVENT_WINDOW_MS: SimTime = 6 * 3600 * 1000;
const PLACEMENT_RETRY_MS: SimTime = 30_000;
/// ECS quota: tasks in the PROVISIONING state per cluster (aws-semantics §3.2).
const MAX_PROVISIONING: usize = 300;
/// Batches at least this large use the placement index instead of a scan per task.
const INDEX_MIN_BATCH: u32 = 4;

/// What one placement attempt needs to know, shared by services and RunTask.
pub(super) struct Launchable<'a> {
    pub(super) task_def: usize,
    pub(super) group: &'a str,
    pub(super) service: Option<usize>,
    pub(super) started_by: Option<String>,
    pub(super) launch: &'a Launch,
    pub(super) placement: &'a Placement,
    pub(super) subnets: &'a [String],
}

impl Sim {
    /// A service event that ECS suppresses when repeated (placement failures, stuck
    /// deployments).
    pub(super) fn service_event_deduped(&mut self, s: usize, message: String) {
        let now = self.now;
        let state = &mut self.services[s];
        if state.last_emitted.get(&message).is_some_and(|&t| now - t < DUPLICATE_EVENT_WINDOW_MS) {
            return;
        }
        state.last_emitted.insert(message.clone(), now);
        // Messages name tasks, so they rarely repeat: forget those past the window now and
        // then, or the map grows with the run.
        if state.last_emitted.len() >= 256 && state.last_emitted.len().is_power_of_two() {
            state.last_emitted.retain(|_, t| now - *t < DUPLICATE_EVENT_WINDOW_MS);
        }
        let name = state.def.name.clone();
        self.log("service", name, message);
    }

    /// Brings a service toward its desired state. Scheduled after anything that could change
    /// the answer: desired count, a task starting or stopping, an instance changing state.
    pub(super) fn reconcile(&mut self, s: usize) {
        if self.services[s].def.daemon {
            return self.reconcile_daemon(s);
        }
        let def = self.services[s].def.clone();
        let desired = self.services[s].desired_count;
        let primary = self.primary(s);
        let deployment = self.services[s].deployments[primary].clone();
        let live: Vec<usize> = self.services[s].tasks.iter().copied().filter(|&t| self.tasks[t].desired_running).collect();
        // Tasks to replace: on a draining instance, or from an older deployment.
        let replace = |sim: &Sim, t: usize| sim.tasks[t].deployment != Some(primary) || sim.tasks[t].instance.is_some_and(|i| sim.instances[i].status != InstanceStatus::Active);
        let (doomed, keep): (Vec<usize>, Vec<usize>) = live.iter().partition(|&&t| replace(self, t));
        let in_flight = self.services[s].tasks.iter().filter(|&&t| self.tasks[t].live()).count() as u32;

        // Start tasks. Scale-out is bounded only by desired; replacing tasks (a deployment, a
        // draining instance) is also bounded by maximumPercent of desired, rounded down, counting
        // every task that is PENDING, RUNNING or STOPPING. A FAILED deployment starts nothing.
        let missing = desired.saturating_sub(keep.len() as u32);
        let max_total = desired * def.maximum_percent / 100;
        // Replacement is under way while any live task (stopping ones included) is being replaced.
        let replacing = self.services[s].tasks.iter().any(|&t| replace(self, t));
        let mut to_start = match deployment.rollout {
            super::deployments::RolloutState::Failed => 0,
            _ if !replacing => missing,
            _ => missing.min(max_total.saturating_sub(in_flight)),
        };
        // Service throttle logic: after tasks repeatedly fail to start, wait before the next.
        if let Some(until) = self.services[s].throttled_until.filter(|&u| u > self.now) {
            if to_start > 0 {
                to_start = 0;
                self.schedule(until, super::Wake::Reconcile(s));
            }
        }
        let mut started = Vec::new();
        if to_start > 0 {
            let group = format!("service:{}", def.name);
            let started_by = Some(deployment.id.clone());
            let l = Launchable { task_def: deployment.task_def, group: &group, service: Some(s), started_by, launch: &def.launch, placement: &def.placement, subnets: &def.subnets };
            match self.launch(&l, to_start) {
                Ok(tasks) => started = tasks,
                Err((tasks, failure)) => {
                    started = tasks;
                    let name = def.name.clone();
                    self.services[s].unplaced = Some(failure.message.clone());
                    self.schedule_retry(s);
                    self.service_event_deduped(s, format!("(service {name}) {}", failure.message));
                }
            }
            if started.len() as u32 == to_start {
                self.services[s].unplaced = None;
            }
        }
        if !started.is_empty() {
            self.services[s].tasks.extend(&started);
            let ids: Vec<String> = started.iter().map(|&t| format!("(task {})", self.tasks[t].id)).collect();
            self.service_event(s, format!("(service {}) has started {} tasks: {}.", def.name, started.len(), ids.join(" ")));
        }

        // Stop replaced tasks: those not yet RUNNING at once; RUNNING ones while at least
        // minimumHealthyPercent of desired, rounded up, stays RUNNING. A failed deployment's own
        // tasks are not replaced by themselves: only older ones give way to the primary.
        let min_running = (desired * def.minimum_healthy_percent).div_ceil(100);
        // "Healthy" counts (RUNNING, past container health checks): an unhealthy new task must
        // not let a healthy old one go.
        let mut running = self.services[s].tasks.iter().filter(|&&t| self.tasks[t].desired_running && self.task_healthy(t)).count() as u32;
        let mut stopped = Vec::new();
        let new_running = keep.iter().filter(|&&t| self.task_healthy(t)).count() as u32;
        for &t in &doomed {
            if deployment.rollout == super::deployments::RolloutState::Failed && self.tasks[t].deployment != Some(primary) && new_running == 0 {
                continue; // nothing healthy to replace it with
            }
            if !self.task_healthy(t) {
                stopped.push(t);
            } else if running > min_running {
                running -= 1;
                stopped.push(t);
            }
        }
        // Stuck: nothing is starting, stopping or waiting to turn healthy, and the limits allow
        // neither a start nor a stop.
        let settled = self.services[s].tasks.iter().all(|&t| self.tasks[t].desired_running && self.task_healthy(t));
        if !doomed.is_empty() && stopped.is_empty() && started.is_empty() && settled && running <= min_running && in_flight >= max_total {
            self.service_event_deduped(s, format!("(service {}) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.", def.name));
        }
        for &t in &stopped {
            let on_draining = self.tasks[t].instance.is_some_and(|i| self.instances[i].status != InstanceStatus::Active);
            let reason = if on_draining { "Task stopped because the container instance is draining" } else { "Task stopped by a deployment: replaced by a task of the new deployment" };
            self.stop_task(t, reason, "ServiceSchedulerInitiated");
        }

        // Scale in.
        let keep: Vec<usize> = keep.into_iter().filter(|&t| self.tasks[t].desired_running).collect();
        let surplus = self.rebalance_surplus(s) as u32;
        let excess = (keep.len() as u32).saturating_sub(desired + surplus) as usize;
        let scaled_in = if excess > 0 { self.choose_tasks_to_stop(&keep, &def.placement.strategies, excess) } else { Vec::new() };
        for &t in &scaled_in {
            self.stop_task(t, "Scaling activity initiated by (deployment ecs-svc)", "ServiceSchedulerInitiated");
        }
        let all_stopped: Vec<usize> = stopped.into_iter().chain(scaled_in).collect();
        if !all_stopped.is_empty() {
            let ids: Vec<String> = all_stopped.iter().map(|&t| format!("(task {})", self.tasks[t].id)).collect();
            self.service_event(s, format!("(service {}) has stopped {} running tasks: {}.", def.name, all_stopped.len(), ids.join(" ")));
        }
        self.check_deployment_done(s);
        self.rebalance(s);
        self.check_steady(s);
    }

    /// The scheduler keeps trying to place a service's missing tasks; besides the wake-ups
    /// that freed capacity triggers, it retries on a fixed period (our choice: 30 s).
    fn schedule_retry(&mut self, s: usize) {
        let at = self.now + PLACEMENT_RETRY_MS;
        if self.services[s].retry_at.is_none_or(|t| t <= self.now) {
            self.services[s].retry_at = Some(at);
            self.schedule(at, Wake::Reconcile(s));
        }
    }

    pub(super) fn service_event(&mut self, s: usize, message: String) {
        let name = self.services[s].def.name.clone();
        self.services[s].steady = false;
        self.log("service", name, message);
    }

    fn check_steady(&mut self, s: usize) {
        let state = &self.services[s];
        let tasks: Vec<&super::Task> = state.tasks.iter().map(|&t| &*self.tasks[t]).filter(|t| t.live()).collect();
        let all_running = tasks.iter().all(|t| t.desired_running && t.last_status == TaskStatus::Running);
        let target = if state.def.daemon { tasks.len() } else { state.desired_count as usize };
        if all_running && tasks.len() == target && state.unplaced.is_none() && !state.steady {
            let name = state.def.name.clone();
            self.services[s].steady = true;
            self.log("service", name.clone(), format!("(service {name}) has reached a steady state."));
        }
    }

    /// Daemon: one task on each ACTIVE instance that meets the constraints (aws-semantics §1.3).
    fn reconcile_daemon(&mut self, s: usize) {
        let def = self.services[s].def.clone();
        let group = format!("service:{}", def.name);
        let td = &self.scenario.task_defs[def.task_def];
        let req = Request::new(td, &group, &def.placement.constraints, &[], None);
        let batch = Batch::new(&self.instances, &req, self.groups.get(&group));
        let mut running_on: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &t in &self.services[s].tasks {
            if let (true, Some(i)) = (self.tasks[t].desired_running, self.tasks[t].instance) {
                running_on.entry(i).or_default().push(t);
            }
        }
        let mut targets = Vec::new();
        let mut to_stop = Vec::new();
        for i in 0..self.instances.len() {
            let here = running_on.get(&i);
            let active = self.instances[i].status == InstanceStatus::Active;
            if here.is_none() && active && placement::requirements_ok(&self.instances[i], i, &req, &batch) {
                targets.push(i);
            }
            if let (Some(tasks), false) = (here, active) {
                to_stop.extend(tasks);
            }
        }
        let mut started = Vec::new();
        for i in targets {
            let new = NewTask { task_def: def.task_def, group: group.clone(), service: Some(s), started_by: None, capacity_provider: None, host: Host::Instance(i), explanation: None };
            if let Some(t) = self.create_task(new) {
                started.push(t);
            }
        }
        if !started.is_empty() {
            self.services[s].tasks.extend(&started);
            let ids: Vec<String> = started.iter().map(|&t| format!("(task {})", self.tasks[t].id)).collect();
            self.service_event(s, format!("(service {}) has started {} tasks: {}.", def.name, started.len(), ids.join(" ")));
        }
        for t in to_stop {
            self.stop_task(t, "Task stopped because the container instance is draining", "ServiceSchedulerInitiated");
        }
        self.check_steady(s);
    }

    pub(super) fn run_task(&mut self, def: &RunTaskDef) {
        let l = Launchable { task_def: def.task_def, group: &def.group, service: None, started_by: def.started_by.clone(), launch: &def.launch, placement: &def.placement, subnets: &def.subnets };
        let family = self.scenario.task_defs[def.task_def].family_revision();
        match self.launch(&l, def.count) {
            Ok(tasks) => self.log("action", "RunTask", format!("RunTask {family}: started {} tasks", tasks.len())),
            Err((tasks, failure)) => {
                let missing = def.count as usize - tasks.len();
                for _ in 0..missing {
                    self.run_task_failures.push(super::RunTaskFailure { at: self.now, task_definition: family.clone(), arn: None, reason: failure.reason.clone(), detail: failure.message.clone() });
                }
                self.log("action", "RunTask", format!("RunTask {family}: started {}, {missing} failed: {}", tasks.len(), failure.reason));
            }
        }
    }

    /// Places and creates up to `count` tasks. On failure returns the ones created so far.
    pub(super) fn launch(&mut self, l: &Launchable, count: u32) -> Result<Vec<usize>, (Vec<usize>, Failure)> {
        let mut created = Vec::new();
        // Facts for the current capacity provider's requests; rebuilt when the provider changes.
        let mut state: Option<(Option<String>, Batch, Option<Index>)> = None;
        for _ in 0..count {
            let provider = self.pick_provider(l, &created);
            let provider_name = provider.as_ref().map(|p| p.name.clone());
            let fargate = match l.launch {
                Launch::Fargate => true,
                Launch::Ec2 => false,
                Launch::Providers(_) => provider_name.as_deref().is_some_and(|n| n.starts_with("FARGATE")),
            };
            let cp = provider_name.clone().filter(|_| matches!(l.launch, Launch::Providers(_)));
            let result = if fargate {
                self.place_fargate(l, provider_name.clone().or(Some("FARGATE".into())).filter(|_| !matches!(l.launch, Launch::Fargate)))
            } else {
                if state.as_ref().is_none_or(|(p, _, _)| *p != cp) {
                    let td = &self.scenario.task_defs[l.task_def];
                    let req = Request::new(td, l.group, &l.placement.constraints, &l.placement.strategies, cp.as_deref());
                    let batch = Batch::new(&self.instances, &req, self.groups.get(l.group));
                    let index = if !self.explain_full && count >= INDEX_MIN_BATCH { Index::build(&self.instances, &req, &batch) } else { None };
                    state = Some((cp.clone(), batch, index));
                }
                let (_, batch, index) = state.as_mut().expect("state was just built");
                self.place_on_instance(l, cp.clone(), batch, index.as_mut())
            };
            // With cluster auto scaling the task exists and waits in PROVISIONING (up to the
            // quota of 300 per cluster) instead of failing.
            let result = match result {
                Err(f) if !fargate && self.managed_provider(cp.as_deref()) && self.tasks.iter().filter(|t| t.awaiting_capacity).count() < MAX_PROVISIONING => {
                    let new = NewTask { task_def: l.task_def, group: l.group.to_string(), service: l.service, started_by: l.started_by.clone(), capacity_provider: cp.clone(), host: Host::Waiting, explanation: None };
                    self.create_task(new).ok_or(f)
                }
                other => other,
            };
            match result {
                Ok(t) => created.push(t),
                Err(f) => return Err((created, f)),
            }
        }
        Ok(created)
    }

    fn managed_provider(&self, cp: Option<&str>) -> bool {
        cp.is_some_and(|name| self.scenario.capacity_providers.iter().any(|c| c.name == name && c.managed.is_some()))
    }

    /// `created`: tasks this launch already started (not yet listed on the service).
    fn pick_provider(&self, l: &Launchable, created: &[usize]) -> Option<ProviderShare> {
        let Launch::Providers(shares) = l.launch else { return None };
        let counts: Vec<u32> = shares
            .iter()
            .map(|sh| {
                let tasks: Box<dyn Iterator<Item = &super::Task>> = match l.service {
                    Some(s) => Box::new(self.services[s].tasks.iter().chain(created).map(|&t| &*self.tasks[t])),
                    None => Box::new(self.tasks.iter().map(|t| &**t).filter(|t| t.group == l.group)),
                };
                tasks.filter(|t| t.desired_running && t.capacity_provider.as_deref() == Some(sh.name.as_str())).count() as u32
            })
            .collect();
        super::providers::choose(shares, &counts).map(|i| shares[i].clone())
    }

    fn place_on_instance(&mut self, l: &Launchable, cp: Option<String>, batch: &mut Batch, index: Option<&mut Index>) -> Result<usize, Failure> {
        let td = &self.scenario.task_defs[l.task_def];
        let req = Request::new(td, l.group, &l.placement.constraints, &l.placement.strategies, cp.as_deref());
        let found = index.as_deref().map(|ix| ix.best(&req, batch).map(|i| (i, placement::summarize(&self.instances, &req, ix, i))));
        let (i, explanation) = match found {
            Some(Some(hit)) => hit,
            // No index, or it found nothing: the full scan decides and explains the failure.
            _ => {
                let outcome = placement::place(&self.instances, &req, batch, &mut self.rng, self.explain_full);
                (outcome.chosen?, outcome.explanation)
            }
        };
        let new = NewTask { task_def: l.task_def, group: l.group.to_string(), service: l.service, started_by: l.started_by.clone(), capacity_provider: cp.clone(), host: Host::Instance(i), explanation: Some(explanation) };
        let Some(t) = self.create_task(new) else {
            return Err(Failure { reason: "RESOURCE:IP".into(), message: format!("was unable to place a task because subnet {} has no free IP addresses.", self.instances[i].spec.subnet_id) });
        };
        batch.record(i, 1);
        if let Some(ix) = index {
            let td = &self.scenario.task_defs[l.task_def];
            let req = Request::new(td, l.group, &l.placement.constraints, &l.placement.strategies, cp.as_deref());
            ix.refresh(&self.instances, i, &req, batch);
        }
        Ok(t)
    }

    /// Fargate: no instances; tasks are spread across the Availability Zones of the given
    /// subnets (fewest tasks of the group first, then subnet order).
    fn place_fargate(&mut self, l: &Launchable, provider: Option<String>) -> Result<usize, Failure> {
        let mut options: Vec<(u32, usize, usize)> = Vec::new(); // (tasks in AZ, order, subnet)
        for (order, id) in l.subnets.iter().enumerate() {
            let Some(sn) = self.scenario.subnets.iter().position(|x| &x.id == id) else { continue };
            let az = &self.scenario.subnets[sn].availability_zone;
            let in_az = self.tasks.iter().filter(|t| t.desired_running && t.group == l.group && &t.availability_zone == az).count() as u32;
            options.push((in_az, order, sn));
        }
        options.sort_small();
        // Fargate launches nothing into a subnet that fault injection cut off.
        if !options.is_empty() && options.iter().all(|o| self.subnet_cut(o.2)) {
            return Err(Failure { reason: "RESOURCE:FARGATE".into(), message: "was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone.".into() });
        }
        options.retain(|o| !self.subnet_cut(o.2));
        let Some(&(_, _, subnet)) = options.iter().find(|o| self.subnet_free(o.2) > 0) else {
            return Err(Failure { reason: "RESOURCE:IP".into(), message: "was unable to place a task because the subnets have no free IP addresses.".into() });
        };
        let new = NewTask { task_def: l.task_def, group: l.group.to_string(), service: l.service, started_by: l.started_by.clone(), capacity_provider: provider, host: Host::Fargate { subnet }, explanation: None };
        self.create_task(new).ok_or(Failure { reason: "RESOURCE:IP".into(), message: "was unable to place a task because the subnet has no free IP addresses.".into() })
    }

    pub(super) fn reconcile_all(&mut self) {
        for s in 0..self.services.len() {
            self.reconcile_soon(s);
        }
    }
}
