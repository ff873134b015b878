//! Task lifecycle: PROVISIONING → PENDING → ACTIVATING → RUNNING → DEACTIVATING → STOPPING →
//! DEPROVISIONING → STOPPED (aws-semantics §6.6). Resources are reserved at placement and
//! released when the task reaches STOPPED.

use super::task::{durations::*, Binding, Task, TaskStatus};
use super::{Sim, Wake};
use crate::model::NetworkMode;
use crate::scenario::hex_id;

/// Where a new task goes: an instance, or Fargate in a subnet.
pub enum Host {
    Instance(usize),
    Fargate { subnet: usize },
}

pub struct NewTask {
    pub task_def: usize,
    pub group: String,
    pub service: Option<usize>,
    pub started_by: Option<String>,
    pub capacity_provider: Option<String>,
    pub host: Host,
    pub explanation: Option<crate::placement::Explanation>,
}

impl Sim {
    /// Creates a placed task, reserving what it needs. Returns `None` (and changes nothing)
    /// when an awsvpc task can't get an address in its subnet.
    pub(super) fn create_task(&mut self, new: NewTask) -> Option<usize> {
        let index = self.tasks.len();
        let id = hex_id(&format!("{}/task/{index}", self.scenario.arns.cluster), 32);
        let arn = self.scenario.arns.task(&id);
        let td = &self.scenario.task_defs[new.task_def];
        let awsvpc = td.network_mode == NetworkMode::Awsvpc;
        let (instance, subnet, fargate) = match new.host {
            Host::Instance(i) => (Some(i), self.scenario.subnets.iter().position(|s| s.id == self.instances[i].spec.subnet_id), false),
            Host::Fargate { subnet } => (None, Some(subnet), true),
        };
        let private_ip = if awsvpc {
            let s = subnet?;
            Some(self.allocate_ip(s)?)
        } else {
            None
        };
        let td = &self.scenario.task_defs[new.task_def];
        let az = match instance {
            Some(i) => self.instances[i].spec.availability_zone.clone(),
            None => subnet.map(|s| self.scenario.subnets[s].availability_zone.clone()).unwrap_or_default(),
        };
        let mut bindings = Vec::new();
        if let Some(i) = instance {
            let (cpu, memory) = (td.reserved_cpu(), td.reserved_memory_mib());
            let inst = &mut self.instances[i];
            inst.remaining_cpu -= cpu;
            inst.remaining_memory_mib -= memory;
            if awsvpc {
                inst.awsvpc_used += 1;
            } else {
                for (c, p) in td.ports() {
                    let host_port = match p.host_port {
                        Some(h) => {
                            inst.static_port_count += 1;
                            h
                        }
                        None => {
                            let taken: Vec<u16> = bindings.iter().filter(|b: &&Binding| b.protocol == p.protocol).map(|b| b.host_port).collect();
                            // Placement checked that enough dynamic ports are free.
                            let port = inst.next_dynamic_port(p.protocol, &taken).unwrap_or(0);
                            inst.last_dynamic_port = port;
                            port
                        }
                    };
                    inst.bind(host_port, p.protocol);
                    bindings.push(Binding { container_name: c.name.clone(), container_port: p.container_port, host_port, protocol: p.protocol });
                }
            }
            inst.tasks.push(index);
            inst.task_groups.push(new.group.clone());
        } else {
            for (c, p) in td.ports() {
                bindings.push(Binding { container_name: c.name.clone(), container_port: p.container_port, host_port: p.container_port, protocol: p.protocol });
            }
        }
        if let Some(i) = instance {
            *self.groups.entry(new.group.clone()).or_default().entry(i).or_default() += 1;
        }
        let explanation = new.explanation.map(|mut e| {
            e.at = crate::time::format_clock(self.now);
            e.task_arn = arn.clone();
            self.explanations.push(e);
            self.explanations.len() - 1
        });
        let first = if fargate || awsvpc { TaskStatus::Provisioning } else { TaskStatus::Pending };
        self.tasks.push(Task {
            id,
            arn,
            task_def: new.task_def,
            group: new.group,
            deployment: new.service.map(|s| self.services[s].deployments.len() - 1),
            service: new.service,
            started_by: new.started_by,
            fargate,
            capacity_provider: new.capacity_provider,
            instance,
            availability_zone: az,
            subnet,
            private_ip,
            bindings,
            last_status: first,
            desired_running: true,
            created_at: self.now,
            started_at: None,
            stopping_at: None,
            stopped_at: None,
            stopped_reason: None,
            stop_code: None,
            explanation,
            generation: 0,
            next_change_at: None,
        });
        let wait = match first {
            TaskStatus::Provisioning if fargate => FARGATE_PROVISIONING_MS,
            TaskStatus::Provisioning => EC2_AWSVPC_PROVISIONING_MS,
            _ => PENDING_MS,
        };
        self.wake_task(index, wait);
        Some(index)
    }

    fn wake_task(&mut self, task: usize, after_ms: u64) {
        let t = &mut self.tasks[task];
        t.generation += 1;
        t.next_change_at = Some(self.now + after_ms);
        let generation = t.generation;
        self.schedule(self.now + after_ms, Wake::Transition { task, generation });
    }

    fn set_status(&mut self, task: usize, status: TaskStatus) {
        self.tasks[task].last_status = status;
        let id = self.tasks[task].id.clone();
        self.log("task", id, format!("lastStatus {}", status.as_str()));
    }

    /// The scheduled next step of a task's lifecycle.
    pub(super) fn advance_task(&mut self, task: usize) {
        let t = &self.tasks[task];
        let has_targets = t.service.is_some_and(|s| !self.services[s].def.load_balancers.is_empty());
        match t.last_status {
            TaskStatus::Provisioning => {
                self.set_status(task, TaskStatus::Pending);
                let wait = if self.tasks[task].fargate { FARGATE_PENDING_MS } else { PENDING_MS };
                self.wake_task(task, wait);
            }
            TaskStatus::Pending if has_targets => {
                self.set_status(task, TaskStatus::Activating);
                self.register_targets(task);
                self.wake_task(task, ACTIVATING_MS);
            }
            TaskStatus::Pending | TaskStatus::Activating => {
                self.set_status(task, TaskStatus::Running);
                self.tasks[task].started_at = Some(self.now);
                self.tasks[task].next_change_at = None;
                self.watch_health(task);
                if let Some(s) = self.tasks[task].service {
                    self.reconcile_soon(s);
                }
            }
            TaskStatus::Running => {}
            TaskStatus::Deactivating => {
                self.set_status(task, TaskStatus::Stopping);
                self.wake_task(task, STOPPING_MS);
            }
            TaskStatus::Stopping => {
                if self.tasks[task].awsvpc() {
                    self.set_status(task, TaskStatus::Deprovisioning);
                    self.wake_task(task, DEPROVISIONING_MS);
                } else {
                    self.finish_stop(task);
                }
            }
            TaskStatus::Deprovisioning => self.finish_stop(task),
            TaskStatus::Stopped => {}
        }
    }

    /// Asks a task to stop (StopTask, scale-in, draining, deregistration).
    pub(super) fn stop_task(&mut self, task: usize, reason: &str, stop_code: &str) {
        let t = &mut self.tasks[task];
        if !t.desired_running || !t.live() {
            return;
        }
        t.desired_running = false;
        t.stopped_reason = Some(reason.to_string());
        t.stop_code = Some(stop_code.to_string());
        t.stopping_at = Some(self.now);
        let (group, instance, status) = (t.group.clone(), t.instance, t.last_status);
        if let Some(i) = instance {
            self.uncount_group(&group, i);
        }
        let registered = self.deregister_targets(task);
        if registered {
            self.set_status(task, TaskStatus::Deactivating);
            let delay = self.deregistration_delay_ms(task);
            self.wake_task(task, delay);
        } else if status == TaskStatus::Provisioning {
            // Nothing started yet: the ENI (if any) is released and the task ends.
            self.set_status(task, TaskStatus::Deprovisioning);
            self.wake_task(task, DEPROVISIONING_MS);
        } else {
            self.set_status(task, TaskStatus::Stopping);
            self.wake_task(task, STOPPING_MS);
        }
    }

    /// Stops a task at once, skipping the graceful stages (forced deregistration).
    pub(super) fn kill_task(&mut self, task: usize, reason: &str) {
        if !self.tasks[task].live() {
            return;
        }
        if self.tasks[task].desired_running {
            self.stop_task(task, reason, "UserInitiated");
        }
        let groups: Vec<usize> = self.tasks[task].service.map(|s| self.services[s].def.load_balancers.iter().map(|l| l.target_group).collect()).unwrap_or_default();
        for tg in groups {
            self.targets[tg].retain(|x| x.task != task);
        }
        self.finish_stop(task);
    }

    fn uncount_group(&mut self, group: &str, instance: usize) {
        if let Some(per) = self.groups.get_mut(group) {
            if let Some(n) = per.get_mut(&instance) {
                *n -= 1;
                if *n == 0 {
                    per.remove(&instance);
                }
            }
        }
    }

    fn finish_stop(&mut self, task: usize) {
        self.tasks[task].generation += 1;
        self.tasks[task].next_change_at = None;
        self.set_status(task, TaskStatus::Stopped);
        self.tasks[task].stopped_at = Some(self.now);
        let t = self.tasks[task].clone();
        if let (Some(s), Some(ip)) = (t.subnet, t.private_ip) {
            self.release_ip(s, ip);
        }
        if let Some(i) = t.instance {
            let td = &self.scenario.task_defs[t.task_def];
            let inst = &mut self.instances[i];
            inst.remaining_cpu += td.reserved_cpu();
            inst.remaining_memory_mib += td.reserved_memory_mib();
            if t.awsvpc() {
                inst.awsvpc_used -= 1;
            }
            for b in &t.bindings {
                inst.unbind(b.host_port, b.protocol);
            }
            inst.static_port_count -= td.ports().filter(|(_, p)| p.host_port.is_some() && td.network_mode != NetworkMode::Awsvpc).count() as u32;
            if let Some(pos) = inst.tasks.iter().position(|&x| x == task) {
                inst.tasks.remove(pos);
                inst.task_groups.remove(pos);
            }
        }
        if let Some(s) = t.service {
            self.services[s].tasks.retain(|&x| x != task);
        }
        // Freed capacity may let waiting services place tasks.
        for s in 0..self.services.len() {
            if self.services[s].unplaced.is_some() || t.service == Some(s) {
                self.reconcile_soon(s);
            }
        }
    }
}
