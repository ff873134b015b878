//! Load balancer target registration (aws-semantics §6.5): a new target is `initial` until it
//! passes one health check, `draining` for the deregistration delay after it is deregistered.

use super::{Sim, Wake};
use crate::time::SimTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetState {
    Initial,
    Healthy,
    Draining,
}

#[derive(Debug, Clone)]
pub struct Target {
    pub task: usize,
    /// EC2 instance id (instance targets) or the task's IP (ip targets).
    pub id: String,
    pub port: u16,
    pub state: TargetState,
    pub since: SimTime,
}

impl Target {
    pub fn reason(&self) -> Option<(&'static str, &'static str)> {
        match self.state {
            TargetState::Initial => Some(("Elb.InitialHealthChecking", "Initial health checks in progress")),
            TargetState::Healthy => None,
            TargetState::Draining => Some(("Target.DeregistrationInProgress", "Target deregistration is in progress")),
        }
    }
}

impl Sim {
    pub(super) fn register_targets(&mut self, task: usize) {
        let t = &self.tasks[task];
        let Some(s) = t.service else { return };
        let links = self.services[s].def.load_balancers.clone();
        for link in links {
            let t = &self.tasks[task];
            let Some(binding) = t.bindings.iter().find(|b| b.container_name == link.container_name && b.container_port == link.container_port) else { continue };
            let id = match (t.private_ip, t.instance) {
                (Some(ip), _) => super::task::format_ip(ip),
                (None, Some(i)) => self.instances[i].spec.ec2_instance_id.clone(),
                (None, None) => continue,
            };
            let port = binding.host_port;
            self.targets[link.target_group].push(Target { task, id: id.clone(), port, state: TargetState::Initial, since: self.now });
            let tg = &self.scenario.target_groups[link.target_group];
            let (arn, interval) = (tg.arn.clone(), tg.interval_s as u64 * 1000);
            let name = self.services[s].def.name.clone();
            self.service_event(s, format!("(service {name}) registered 1 targets in (target-group {arn})"));
            self.schedule(self.now + interval, Wake::TargetHealthy { target_group: link.target_group, task });
        }
    }

    pub(super) fn target_healthy(&mut self, tg: usize, task: usize) {
        let now = self.now;
        if let Some(t) = self.targets[tg].iter_mut().find(|t| t.task == task && t.state == TargetState::Initial) {
            t.state = TargetState::Healthy;
            t.since = now;
            let (id, port) = (t.id.clone(), t.port);
            let name = self.scenario.target_groups[tg].name.clone();
            self.log("targetGroup", name, format!("target {id}:{port} is healthy"));
        }
    }

    /// Starts draining every target of the task; true if it had any.
    pub(super) fn deregister_targets(&mut self, task: usize) -> bool {
        let mut any = false;
        // Only the target groups of the task's service can hold it.
        let groups: Vec<usize> = self.tasks[task].service.map(|s| self.services[s].def.load_balancers.iter().map(|l| l.target_group).collect()).unwrap_or_default();
        for tg in groups {
            let now = self.now;
            let mut hit = false;
            for t in self.targets[tg].iter_mut().filter(|t| t.task == task && t.state != TargetState::Draining) {
                t.state = TargetState::Draining;
                t.since = now;
                hit = true;
            }
            if hit {
                any = true;
                let delay = self.scenario.target_groups[tg].deregistration_delay_s as u64 * 1000;
                self.schedule(now + delay, Wake::TargetRemoved { target_group: tg, task });
                if let Some(s) = self.tasks[task].service {
                    let name = self.services[s].def.name.clone();
                    let arn = self.scenario.target_groups[tg].arn.clone();
                    self.service_event(s, format!("(service {name}) has begun draining connections on 1 tasks."));
                    self.service_event(s, format!("(service {name}) deregistered 1 targets in (target-group {arn})"));
                }
            }
        }
        any
    }

    pub(super) fn deregistration_delay_ms(&self, task: usize) -> u64 {
        let Some(s) = self.tasks[task].service else { return 0 };
        self.services[s].def.load_balancers.iter().map(|l| self.scenario.target_groups[l.target_group].deregistration_delay_s as u64 * 1000).max().unwrap_or(0)
    }

    pub(super) fn target_removed(&mut self, tg: usize, task: usize) {
        self.targets[tg].retain(|t| !(t.task == task && t.state == TargetState::Draining));
    }

    /// Targets currently in service.
    pub fn healthy_targets(&self, tg: usize) -> usize {
        self.targets[tg].iter().filter(|t| t.state == TargetState::Healthy).count()
    }
}
