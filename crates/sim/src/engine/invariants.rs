//! Checks that must hold after every step; tests call `check_invariants` as they go.

use super::{InstanceStatus, Sim, TargetState, TaskStatus};
use crate::model::NetworkMode;
use std::collections::BTreeSet;

impl Sim {
    /// Verifies the resource books. Returns the first broken invariant, described.
    pub fn check_invariants(&self) -> Result<(), String> {
        // Cloud Map answers only with tasks that are RUNNING and meant to stay.
        for (ds, list) in self.discovery.iter().enumerate() {
            if let Some(d) = list.iter().find(|d| self.tasks[d.task].last_status != super::TaskStatus::Running || !self.tasks[d.task].desired_running) {
                return Err(format!("{}: task {} registered while {}", self.discovery_name(ds), d.instance_id, self.tasks[d.task].last_status.as_str()));
            }
        }
        for (i, inst) in self.instances.iter().enumerate() {
            let live: Vec<&super::Task> = self.tasks.iter().map(|t| &**t).filter(|t| t.live() && t.instance == Some(i)).collect();
            let cpu: u32 = live.iter().map(|t| self.scenario.task_defs[t.task_def].reserved_cpu()).sum();
            let memory: u32 = live.iter().map(|t| self.scenario.task_defs[t.task_def].reserved_memory_mib()).sum();
            let id = &inst.spec.ec2_instance_id;
            if cpu > inst.registered_cpu || inst.remaining_cpu != inst.registered_cpu - cpu {
                return Err(format!("{id}: CPU books wrong: {cpu} used of {}, {} remaining", inst.registered_cpu, inst.remaining_cpu));
            }
            if memory > inst.registered_memory_mib || inst.remaining_memory_mib != inst.registered_memory_mib - memory {
                return Err(format!("{id}: memory books wrong: {memory} used of {}, {} remaining", inst.registered_memory_mib, inst.remaining_memory_mib));
            }
            let mut seen = BTreeSet::new();
            for t in &live {
                for b in &t.bindings {
                    if self.scenario.task_defs[t.task_def].network_mode == NetworkMode::Awsvpc {
                        continue;
                    }
                    if !seen.insert((b.host_port, b.protocol)) {
                        return Err(format!("{id}: host port {}/{} bound twice", b.host_port, b.protocol.as_str()));
                    }
                    if inst.reserved(b.protocol).contains(&b.host_port) {
                        return Err(format!("{id}: reserved port {} bound by a task", b.host_port));
                    }
                }
            }
            let enis = live.iter().filter(|t| t.awsvpc()).count() as u32;
            if enis > inst.awsvpc_limit || enis != inst.awsvpc_used {
                return Err(format!("{id}: {enis} awsvpc tasks, limit {}, books say {}", inst.awsvpc_limit, inst.awsvpc_used));
            }
            if inst.status == InstanceStatus::Inactive && !live.is_empty() {
                return Err(format!("{id}: deregistered but still has tasks"));
            }
            if inst.ec2_stopped && (!live.is_empty() || inst.agent_connected) {
                return Err(format!("{id}: stopped but {} live tasks, agent connected {}", live.len(), inst.agent_connected));
            }
        }
        for (tg, targets) in self.aws.elb.iter().enumerate() {
            for t in targets.iter() {
                let task = &self.tasks[t.task];
                if t.state == TargetState::Healthy && task.last_status != TaskStatus::Running {
                    return Err(format!("target group {tg}: task {} is a healthy target while {}", task.id, task.last_status.as_str()));
                }
            }
        }
        for (k, t) in self.scenario.scalable_targets.iter().enumerate() {
            let desired = self.services[t.service].desired_count;
            // A count set outside the range by someone else (UpdateService) may stay there: the
            // policies only move it toward the range (autoscaling::out_of_range_base).
            let scaled = self.scaling[k].last_set == Some(desired);
            let (min, max) = self.bounds[k];
            if scaled && !(min..=max).contains(&desired) {
                return Err(format!("{}: desired count {desired} outside {min}..={max}", t.resource_id));
            }
        }
        let mut ips = BTreeSet::new();
        for t in self.tasks.iter().filter(|t| t.live()) {
            if let Some(ip) = t.private_ip {
                if !ips.insert(ip) {
                    return Err(format!("IP {} given to two live tasks", super::task::format_ip(ip)));
                }
            }
        }
        Ok(())
    }
}
