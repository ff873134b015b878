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
    /// No instance has room yet: the task waits in PROVISIONING for cluster auto scaling.
    Waiting,
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
    /// Creates a task: placed on an instance (reserving what it needs), on Fargate, or
    /// waiting for capacity in PROVISIONING. Returns `None` (and changes nothing) when an awsvpc
    /// task can't get an address in its subnet.
    pub(super) fn create_task(&mut self, new: NewTask) -> Option<usize> {
        let seq = self.tasks_created;
        let id = hex_id(&format!("{}/task/{seq}", self.scenario.arns.cluster), 32);
        let arn = self.scenario.arns.task(&id);
        let td = &self.scenario.task_defs[new.task_def];
        let awsvpc = td.network_mode == NetworkMode::Awsvpc;
        let (fargate, subnet) = match new.host {
            Host::Fargate { subnet } => (true, Some(subnet)),
            _ => (false, None),
        };
        let private_ip = match subnet {
            Some(s) if awsvpc => Some(self.allocate_ip(s)?),
            _ => None,
        };
        let td = &self.scenario.task_defs[new.task_def];
        let az = subnet.map(|s| self.scenario.subnets[s].availability_zone.clone()).unwrap_or_default();
        let bindings = if fargate { td.ports().map(|(c, p)| Binding { container_name: c.name.clone(), container_port: p.container_port, host_port: p.container_port, protocol: p.protocol }).collect() } else { Vec::new() };
        let waiting = matches!(new.host, Host::Waiting);
        let first = if fargate || awsvpc || waiting { TaskStatus::Provisioning } else { TaskStatus::Pending };
        let index = self.insert_task(Task {
            seq,
            id,
            arn,
            task_def: new.task_def,
            group: new.group,
            deployment: new.service.map(|s| self.services[s].deployments.len() - 1),
            service: new.service,
            started_by: new.started_by,
            fargate,
            capacity_provider: new.capacity_provider,
            availability_zone: az,
            subnet,
            private_ip,
            bindings,
            last_status: first,
            desired_running: true,
            awaiting_capacity: waiting,
            created_at: self.now,
            pending_at: (first == TaskStatus::Pending).then_some(self.now),
            ..Task::vacant()
        });
        if let Host::Instance(i) = new.host {
            if self.bind_to_instance(index, i).is_none() {
                self.uninsert_task(index);
                return None;
            }
        }
        self.tasks_created += 1;
        if let Some(by) = &self.tasks[index].started_by {
            let entry = self.started_by.entry(by.clone()).or_default();
            *entry = (entry.0 + 1, self.now);
        }
        if let Some(e) = new.explanation {
            self.store_explanation(index, e);
        }
        if waiting {
            let id = self.tasks[index].id.clone();
            self.log("task", id, "PROVISIONING: waiting for capacity from the capacity provider");
            return Some(index);
        }
        match first {
            TaskStatus::Provisioning if fargate => self.wake_task(index, FARGATE_PROVISIONING_MS),
            TaskStatus::Provisioning => self.wake_task(index, EC2_AWSVPC_PROVISIONING_MS),
            _ => self.start_pending(index),
        }
        Some(index)
    }

    fn store_explanation(&mut self, task: usize, mut e: crate::placement::Explanation) {
        e.at = self.now;
        e.share_context(&mut self.explain_contexts);
        self.explained += 1;
        let t = &mut self.tasks[task];
        t.explanation = Some(std::sync::Arc::new(e));
        t.explanation_seq = self.explained;
    }

    /// Puts a task on an instance: CPU, memory, host ports (the agent's allocation), an ENI and
    /// address for awsvpc. `None` (nothing changed) when the subnet has no free address.
    fn bind_to_instance(&mut self, task: usize, i: usize) -> Option<()> {
        let td = &self.scenario.task_defs[self.tasks[task].task_def];
        let awsvpc = td.network_mode == NetworkMode::Awsvpc;
        let subnet = self.scenario.subnets.iter().position(|s| s.id == self.instances[i].spec.subnet_id);
        let private_ip = if awsvpc { Some(self.allocate_ip(subnet?)?) } else { None };
        let td = &self.scenario.task_defs[self.tasks[task].task_def];
        let group = self.tasks[task].group.clone();
        let mut bindings = Vec::new();
        let inst = &mut self.instances[i];
        inst.remaining_cpu -= td.reserved_cpu();
        inst.remaining_memory_mib -= td.reserved_memory_mib();
        if awsvpc {
            inst.awsvpc_used += 1;
            for (c, p) in td.ports() {
                bindings.push(Binding { container_name: c.name.clone(), container_port: p.container_port, host_port: p.container_port, protocol: p.protocol });
            }
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
        inst.tasks.push(task);
        inst.task_groups.push(group.clone());
        let az = inst.spec.availability_zone.clone();
        *self.groups.entry(group).or_default().entry(i).or_default() += 1;
        let t = &mut self.tasks[task];
        t.instance = Some(i);
        t.subnet = subnet;
        t.private_ip = private_ip;
        t.bindings = bindings;
        t.availability_zone = az;
        Some(())
    }

    /// Tasks waiting in PROVISIONING get an instance as soon as one fits (after a launch, or
    /// when capacity frees up), oldest first.
    pub(super) fn place_waiting(&mut self) {
        let waiting: Vec<usize> = self.tasks_oldest_first(|t| t.awaiting_capacity && t.desired_running);
        for t in waiting {
            let Some(s) = self.tasks[t].service else { continue };
            let def = self.services[s].def.clone();
            let td = &self.scenario.task_defs[self.tasks[t].task_def];
            let group = self.tasks[t].group.clone();
            let cp = self.tasks[t].capacity_provider.clone();
            let req = crate::placement::Request::new(td, &group, &def.placement.constraints, &def.placement.strategies, cp.as_deref());
            let batch = crate::placement::Batch::new(&self.instances, &req, self.groups.get(&group));
            let outcome = crate::placement::place(&self.instances, &req, &batch, &mut self.rng, self.explain_full);
            let Ok(i) = outcome.chosen else { continue };
            if self.bind_to_instance(t, i).is_none() {
                continue;
            }
            self.store_explanation(t, outcome.explanation);
            let task = &mut self.tasks[t];
            task.awaiting_capacity = false;
            if task.private_ip.is_some() {
                self.wake_task(t, EC2_AWSVPC_PROVISIONING_MS);
            } else {
                self.set_status(t, TaskStatus::Pending);
                self.start_pending(t);
            }
        }
    }

    pub(super) fn wake_task(&mut self, task: usize, after_ms: u64) {
        let t = &mut self.tasks[task];
        t.generation += 1;
        t.next_change_at = Some(self.now + after_ms);
        let generation = t.generation;
        self.schedule(self.now + after_ms, Wake::Transition { task, generation });
    }

    fn set_status(&mut self, task: usize, status: TaskStatus) {
        self.tasks[task].last_status = status;
        if status == TaskStatus::Pending {
            self.tasks[task].pending_at = Some(self.now);
        }
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
                self.start_pending(task);
            }
            TaskStatus::Pending if has_targets => {
                self.cache_images(task);
                self.set_status(task, TaskStatus::Activating);
                self.register_targets(task);
                self.wake_task(task, ACTIVATING_MS);
            }
            TaskStatus::Pending | TaskStatus::Activating => {
                self.cache_images(task);
                self.set_status(task, TaskStatus::Running);
                self.tasks[task].started_at = Some(self.now);
                self.tasks[task].next_change_at = None;
                // Batch work: the essential container's exit is the next step (before the
                // health watch, which keys on the generation this bumps).
                if let Some((_, ms)) = self.scenario.task_defs[self.tasks[task].task_def].essential_exit() {
                    self.wake_task(task, ms);
                }
                self.watch_health(task);
                self.register_discovery(task);
                self.note_undeliverable_logs(task);
                if let Some(s) = self.tasks[task].service {
                    self.unthrottle(s);
                    self.reconcile_soon(s);
                }
            }
            TaskStatus::Running => self.essential_container_exited(task),
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
        t.awaiting_capacity = false;
        t.stopped_reason = Some(reason.to_string());
        t.stop_code = Some(stop_code.to_string());
        t.stopping_at = Some(self.now);
        let (group, instance, status) = (t.group.clone(), t.instance, t.last_status);
        if let Some(i) = instance {
            self.uncount_group(&group, i);
        }
        self.deregister_discovery(task);
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
            self.aws.elb.forget(tg, task);
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
        self.schedule_expiry(task);
        // A stopped task keeps its placement's outcome, not a note per instance.
        if let Some(e) = self.tasks[task].explanation.as_mut().filter(|e| !e.notes.is_empty()) {
            match std::sync::Arc::get_mut(e) {
                Some(own) => own.drop_notes(),
                None => *e = std::sync::Arc::new(e.without_notes()),
            }
        }
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
        // Freed capacity may let waiting tasks and services place tasks.
        let managed = self.scenario.capacity_providers.iter().any(|c| c.managed.is_some());
        if managed && t.instance.is_some() && self.tasks.iter().any(|x| x.awaiting_capacity && x.desired_running) {
            self.place_waiting();
        }
        for s in 0..self.services.len() {
            if self.services[s].unplaced.is_some() || t.service == Some(s) {
                self.reconcile_soon(s);
            }
        }
    }
}
