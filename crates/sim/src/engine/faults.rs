//! AWS Fault Injection Service actions, and what follows from them as AWS documents it
//! (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html):
//! - a stopped or terminated instance takes its tasks with it ("Stopping EC2 instances managed
//!   by Amazon ECS causes dependent ECS tasks to be stopped", az-availability-scenario.html);
//!   its agent is disconnected, so nothing is placed there; an Auto Scaling group replaces its
//!   own instances (a stopped one fails the group's health check) in a zone that can launch;
//! - a subnet cut off fails its targets' load balancer health checks (UnhealthyThresholdCount ×
//!   interval later), which ECS replaces; with scope `all` the agents there lose the control
//!   plane and Fargate launches nothing there;
//! - everything comes back when the action's duration ends.

use super::{InstanceStatus, Sim, TargetState, TaskStatus, Wake};
use crate::model::faults::*;
use crate::time::SimTime;
use rand_core::RngCore;

/// From StartInstances to an agent registered again (a choice: EC2 documents no boot time).
pub const INSTANCE_BOOT_MS: SimTime = 60_000;

#[derive(Debug, Clone, Default)]
pub struct FaultState {
    /// Per subnet: disruptions in force with scope all, and with scope availability-zone.
    pub cut: Vec<(u32, u32)>,
    /// aws:ec2:asg-insufficient-instance-capacity-error windows.
    pub capacity_errors: Vec<CapacityError>,
    pub(super) undo: Vec<Undo>,
}

#[derive(Debug, Clone)]
pub struct CapacityError {
    pub groups: Vec<usize>,
    pub zones: Vec<String>,
    pub percentage: u32,
    pub until: SimTime,
}

#[derive(Debug, Clone)]
pub(super) enum Undo {
    StartInstances(Vec<usize>),
    Reactivate(Vec<usize>),
    Reconnect { subnets: Vec<usize>, scope_all: bool },
}

impl Sim {
    pub(super) fn run_fault(&mut self, f: Fault) {
        let Some(target) = f.target.clone() else { return };
        let who = if f.name == f.action_id { format!("FIS experiment {}", f.experiment) } else { format!("FIS experiment {} · {}", f.experiment, f.name) };
        match f.kind {
            FaultKind::StopInstances { restart_after_ms } => {
                let chosen = self.select_instances(&target);
                self.fault_log(&who, f.action_id, format!("stopping {} instances", chosen.len()));
                let mut restart = Vec::new();
                for &i in &chosen {
                    if self.power_off(i, false) {
                        restart.push(i);
                    }
                }
                if let Some(after) = restart_after_ms.filter(|_| !restart.is_empty()) {
                    self.undo_at(self.now + after + INSTANCE_BOOT_MS, Undo::StartInstances(restart));
                }
                self.reconcile_all();
            }
            FaultKind::TerminateInstances => {
                let chosen = self.select_instances(&target);
                self.fault_log(&who, f.action_id, format!("terminating {} instances", chosen.len()));
                for i in chosen {
                    self.power_off(i, true);
                }
                self.reconcile_all();
            }
            FaultKind::StopTasks => {
                let chosen = self.select_tasks(&target);
                self.fault_log(&who, f.action_id, format!("stopping {} tasks", chosen.len()));
                for t in chosen {
                    self.stop_task(t, &format!("Task stopped by AWS FIS experiment {}", f.experiment), "UserInitiated");
                    if let Some(s) = self.tasks[t].service {
                        self.reconcile_soon(s);
                    }
                }
            }
            FaultKind::DrainContainerInstances { percentage, duration_ms } => {
                let active: Vec<usize> = (0..self.instances.len()).filter(|&i| self.instances[i].status == InstanceStatus::Active).collect();
                // FIS documents no rounding: Stevedore drains the share rounded up.
                let n = (active.len() as u32 * percentage).div_ceil(100);
                let chosen = self.pick(active, n as usize);
                self.fault_log(&who, f.action_id, format!("draining {} of the cluster's container instances ({percentage}%)", chosen.len()));
                for &i in &chosen {
                    self.instances[i].status = InstanceStatus::Draining;
                    let id = self.instances[i].spec.ec2_instance_id.clone();
                    self.log("instance", id, "status DRAINING (aws:ecs:drain-container-instances)");
                }
                self.undo_at(self.now + duration_ms, Undo::Reactivate(chosen));
                self.reconcile_all();
            }
            FaultKind::DisruptConnectivity { scope_all, duration_ms } => {
                let subnets = self.select_subnets(&target);
                let names: Vec<String> = subnets.iter().map(|&n| self.scenario.subnets[n].id.clone()).collect();
                self.fault_log(&who, f.action_id, format!("disrupting connectivity (scope {}) of {}", if scope_all { "all" } else { "availability-zone" }, names.join(", ")));
                for &n in &subnets {
                    let c = &mut self.faults.cut[n];
                    if scope_all { c.0 += 1 } else { c.1 += 1 }
                }
                self.refresh_agents();
                self.recheck_targets(&subnets);
                self.undo_at(self.now + duration_ms, Undo::Reconnect { subnets, scope_all });
                self.reconcile_all();
            }
            FaultKind::InsufficientCapacity { zones, percentage, duration_ms } => {
                let groups: Vec<usize> = (0..self.scenario.auto_scaling_groups.len()).filter(|&g| target.ids.contains(&self.scenario.auto_scaling_groups[g].name)).collect();
                let groups = self.pick_by(groups, target.selection);
                self.fault_log(&who, f.action_id, format!("launches in {} fail with InsufficientInstanceCapacity ({percentage}%) for {} groups", zones.join(", "), groups.len()));
                self.faults.capacity_errors.push(CapacityError { groups, zones, percentage, until: self.now + duration_ms });
            }
        }
    }

    fn fault_log(&mut self, who: &str, action_id: &str, what: String) {
        self.log("action", action_id.to_string(), format!("{who}: {what}"));
    }

    fn undo_at(&mut self, at: SimTime, undo: Undo) {
        self.faults.undo.push(undo);
        let k = self.faults.undo.len() - 1;
        self.schedule(at, Wake::FaultEnd(k));
    }

    /// An action's duration is over: what it broke comes back.
    pub(super) fn end_fault(&mut self, k: usize) {
        match self.faults.undo[k].clone() {
            Undo::StartInstances(list) => {
                for i in list {
                    if self.instances[i].status == InstanceStatus::Inactive || !self.instances[i].ec2_stopped {
                        continue;
                    }
                    self.instances[i].ec2_stopped = false;
                    let id = self.instances[i].spec.ec2_instance_id.clone();
                    self.log("instance", id, "started again (startInstancesAfterDuration): the agent reconnects");
                }
                self.refresh_agents();
                self.place_waiting();
            }
            Undo::Reactivate(list) => {
                for i in list {
                    if self.instances[i].status != InstanceStatus::Draining {
                        continue;
                    }
                    self.instances[i].status = InstanceStatus::Active;
                    let id = self.instances[i].spec.ec2_instance_id.clone();
                    self.log("instance", id, "status ACTIVE (the drain's duration ended)");
                }
            }
            Undo::Reconnect { subnets, scope_all } => {
                for &n in &subnets {
                    let c = &mut self.faults.cut[n];
                    if scope_all { c.0 -= 1 } else { c.1 -= 1 }
                }
                let names: Vec<String> = subnets.iter().map(|&n| self.scenario.subnets[n].id.clone()).collect();
                self.log("action", "aws:network:disrupt-connectivity", format!("connectivity restored: {}", names.join(", ")));
                self.refresh_agents();
                self.recheck_targets(&subnets);
            }
        }
        self.reconcile_all();
    }

    /// Powers an instance off (stop or terminate). Its tasks die with it. Returns whether it was
    /// stopped and stays the cluster's (so it can start again): an Auto Scaling group
    /// terminates and replaces what it owns.
    fn power_off(&mut self, i: usize, terminate: bool) -> bool {
        if self.instances[i].status == InstanceStatus::Inactive || self.instances[i].ec2_stopped {
            return false;
        }
        let ec2 = self.instances[i].spec.ec2_instance_id.clone();
        let reason = format!("Host EC2 (instance {ec2}) {}.", if terminate { "terminated" } else { "stopped" });
        for t in self.instances[i].tasks.clone() {
            self.kill_task(t, &reason);
            self.tasks[t].stopped_reason = Some(reason.clone());
            // The containers die with the host.
            self.tasks[t].stop_code = Some("EssentialContainerExited".into());
        }
        self.instances[i].ec2_stopped = true;
        self.instances[i].agent_connected = false;
        let owner = self.instances[i].spec.auto_scaling_group;
        if terminate || owner.is_some() {
            self.instances[i].status = InstanceStatus::Inactive;
            self.asg_instance_gone(i);
        }
        let what = match (terminate, owner) {
            (true, None) => "terminated (INACTIVE)".to_string(),
            (false, None) => "stopped: the agent is disconnected".to_string(),
            (_, Some(g)) => format!("{}: the Auto Scaling group terminates it and launches a replacement", if terminate { "terminated" } else { "stopped (fails the group's EC2 health check)" }) + &format!(" ({})", self.scenario.auto_scaling_groups[g].name),
        };
        self.log("instance", ec2, what);
        if let Some(g) = owner {
            self.groups_state[g].launching += 1;
            self.schedule(self.now + super::cluster_scaling::INSTANCE_LAUNCH_MS, Wake::AsgLaunch(g));
        }
        !terminate && owner.is_none()
    }

    /// An agent reaches ECS unless its instance is stopped or its subnet is cut off (scope all).
    fn refresh_agents(&mut self) {
        for i in 0..self.instances.len() {
            let subnet = self.scenario.subnets.iter().position(|n| n.id == self.instances[i].spec.subnet_id);
            let cut = subnet.is_some_and(|n| self.faults.cut.get(n).is_some_and(|c| c.0 > 0));
            self.instances[i].agent_connected = !self.instances[i].ec2_stopped && !cut;
        }
    }

    /// Whether a disruption cuts this task's subnet off (any scope).
    pub(super) fn task_cut_off(&self, task: usize) -> bool {
        self.tasks[task].subnet.is_some_and(|n| self.subnet_cut(n))
    }

    pub(super) fn subnet_cut(&self, n: usize) -> bool {
        self.faults.cut.get(n).is_some_and(|c| c.0 + c.1 > 0)
    }

    /// After connectivity changes in `subnets`: targets there turn unhealthy after
    /// UnhealthyThresholdCount failed checks, or healthy again after HealthyThresholdCount.
    fn recheck_targets(&mut self, subnets: &[usize]) {
        for tg in 0..self.aws.elb.len() {
            let group = &self.scenario.target_groups[tg];
            let (interval, down, up) = (group.interval_s as u64 * 1000, group.unhealthy_threshold as u64, group.healthy_threshold as u64);
            let due: Vec<(usize, u64)> = self.aws.elb[tg]
                .iter()
                .filter(|t| self.tasks[t.task].subnet.is_some_and(|n| subnets.contains(&n)))
                .filter_map(|t| match t.state {
                    TargetState::Healthy | TargetState::Initial => Some((t.task, interval * down)),
                    TargetState::Unhealthy => Some((t.task, interval * up)),
                    TargetState::Draining => None,
                })
                .collect();
            for (task, after) in due {
                self.schedule(self.now + after, Wake::TargetCheck { target_group: tg, task });
            }
        }
    }

    /// A target's health checks across a connectivity change.
    pub(super) fn target_check(&mut self, tg: usize, task: usize) {
        let cut = self.task_cut_off(task);
        let app_fails = self.scenario.target_groups[tg].health_check_protocol != "TCP" && self.scenario.task_defs[self.tasks[task].task_def].failing_health_check().is_some();
        let running = self.tasks[task].desired_running && self.tasks[task].last_status == TaskStatus::Running;
        let now = self.now;
        let Some(state) = self.aws.elb.state_of(tg, task) else { return };
        let name = self.scenario.target_groups[tg].name.clone();
        match state {
            TargetState::Healthy | TargetState::Initial if cut => {
                let Some((was, id, port)) = self.aws.elb.set_health(tg, task, TargetState::Unhealthy, now) else { return };
                self.tasks[task].healthy_registrations -= u8::from(was == TargetState::Healthy);
                self.log("targetGroup", name, format!("target {id}:{port} is unhealthy (Target.Timeout: health checks time out)"));
                let Some(s) = self.tasks[task].service else { return };
                let grace_end = self.tasks[task].started_at.unwrap_or(now) + self.services[s].def.health_check_grace_period_s as u64 * 1000;
                if now < grace_end {
                    self.schedule(grace_end, Wake::TargetUnhealthyVerdict { target_group: tg, task });
                } else {
                    self.replace_unhealthy_target(tg, task);
                }
            }
            TargetState::Unhealthy if !cut && !app_fails && running => {
                let Some((_, id, port)) = self.aws.elb.set_health(tg, task, TargetState::Healthy, now) else { return };
                self.tasks[task].healthy_registrations += 1;
                self.log("targetGroup", name, format!("target {id}:{port} is healthy again"));
                if let Some(s) = self.tasks[task].service {
                    self.reconcile_soon(s);
                }
            }
            _ => {}
        }
    }

    /// The template an Auto Scaling group launches from: the group (`substrate::auto_scaling`)
    /// picks the zone with the fewest of its instances among those that can launch now
    /// (a zone under an InsufficientInstanceCapacity fault fails at its percentage).
    /// `None`: no zone can.
    pub(super) fn launch_template(&mut self, asg: usize) -> Option<usize> {
        let templates = self.scenario.auto_scaling_groups[asg].templates.clone();
        let mut fails = vec![false; templates.len()];
        for (k, spec) in templates.iter().enumerate() {
            let now = self.now;
            let errors: Vec<u32> = self.faults.capacity_errors.iter().filter(|e| e.until > now && e.groups.contains(&asg) && e.zones.contains(&spec.availability_zone)).map(|e| e.percentage).collect();
            fails[k] = errors.into_iter().any(|p| p >= 100 || (self.rng.next_u64() % 100) < p as u64);
        }
        let group = self.aws.auto_scaling.get_mut(asg)?;
        let template_of = |z: usize| templates.iter().position(|t| Some(&t.availability_zone) == group.zones.get(z));
        let of: Vec<Option<usize>> = (0..group.zones.len()).map(template_of).collect();
        let zone = group.launch_zone(|z| of[z].is_some_and(|k| !fails[k]))?;
        of[zone]
    }
}
