//! Timeline actions: AWS calls made at a given time.

use super::{metrics, InstanceStatus, Sim};
use crate::model::Action;

impl Sim {
    pub(super) fn apply_action(&mut self, index: usize) {
        let entry = self.scenario.timeline[index].clone();
        match entry.action {
            Action::UpdateService { service, desired_count, task_def, force_new_deployment, az_rebalancing } => {
                let Some(s) = self.services.iter().position(|x| x.def.name == service) else { return };
                if let Some(n) = desired_count {
                    self.services[s].desired_count = n;
                    self.services[s].steady = false;
                    self.log("action", "UpdateService", format!("UpdateService {service}: desiredCount {n}"));
                }
                if let Some(on) = az_rebalancing {
                    // Changing it starts no deployment (API_UpdateService).
                    self.services[s].def.az_rebalancing = on;
                    self.log("action", "UpdateService", format!("UpdateService {service}: availabilityZoneRebalancing {}", if on { "ENABLED" } else { "DISABLED" }));
                }
                let current = self.services[s].deployments[self.primary(s)].task_def;
                match task_def {
                    Some(td) if td != current => self.start_deployment(s, td, "has started a deployment of"),
                    _ if force_new_deployment => self.start_deployment(s, current, "has started a forced deployment of"),
                    _ => {}
                }
                self.reconcile(s);
            }
            Action::RunTask(def) => self.run_task(&def),
            Action::PutImage { repository, image } => self.put_image(repository, image),
            Action::PutLifecyclePolicy { repository, policy } => self.put_lifecycle_policy(repository, policy),
            Action::CallAwsApi { service, task, action, resource } => self.call_aws_api(service, task, &action, &resource),
            Action::StopTask { task, reason } => match self.find_task(&task) {
                Some(t) if self.tasks[t].desired_running => {
                    self.log("action", "StopTask", format!("StopTask {}: {reason}", self.tasks[t].id));
                    self.stop_task(t, &reason, "UserInitiated");
                }
                Some(_) => self.log("action", "StopTask", format!("StopTask {task}: the task is already stopping or stopped")),
                None => self.log("action", "StopTask", format!("StopTask failed: InvalidParameterException: The referenced task was not found ({task})")),
            },
            Action::UpdateContainerInstancesState { instances, draining } => {
                for reference in instances {
                    let Some(i) = self.find_instance(&reference) else {
                        self.log("action", "UpdateContainerInstancesState", format!("failure: MISSING container instance {reference}"));
                        continue;
                    };
                    if self.instances[i].status == InstanceStatus::Inactive {
                        continue;
                    }
                    let status = if draining { InstanceStatus::Draining } else { InstanceStatus::Active };
                    self.instances[i].status = status;
                    let id = self.instances[i].spec.ec2_instance_id.clone();
                    self.log("instance", id, format!("status {}", status.as_str()));
                }
                self.reconcile_all();
            }
            Action::DeregisterContainerInstance { instance, force } => {
                let Some(i) = self.find_instance(&instance) else {
                    self.log("action", "DeregisterContainerInstance", format!("failed: the referenced container instance was not found ({instance})"));
                    return;
                };
                let live: Vec<usize> = self.instances[i].tasks.clone();
                if !live.is_empty() && !force {
                    self.log("action", "DeregisterContainerInstance", format!("failed: container instance {} has {} tasks running; stop them or use force", self.instances[i].spec.ec2_instance_id, live.len()));
                    return;
                }
                for t in live {
                    self.kill_task(t, "Container instance deregistration forced by user");
                }
                self.instances[i].status = InstanceStatus::Inactive;
                self.instances[i].terminated_at = Some(self.now);
                self.asg_instance_gone(i);
                let id = self.instances[i].spec.ec2_instance_id.clone();
                self.log("instance", id, "deregistered (INACTIVE)");
                self.reconcile_all();
            }
            Action::SpotInterruption { ec2_instance_id, task, count } => self.spot_interruption(ec2_instance_id.as_deref(), task.as_deref(), count),
            Action::PutMetricData(data) => {
                let minute = self.now / metrics::MINUTE_MS;
                for (key, value) in data {
                    self.record(key, minute, value);
                }
            }
            Action::SetTraffic(traffic) => {
                let name = self.scenario.target_groups[traffic.target_group].name.clone();
                self.traffic.retain(|t| t.target_group != traffic.target_group);
                self.traffic.push(traffic);
                self.log("action", "SetTraffic", format!("SetTraffic {name}"));
            }
            Action::Fault(fault) => self.run_fault(fault),
            Action::RegisterContainerInstance(specs) => {
                for spec in specs {
                    let i = self.register_instance(spec);
                    let id = self.instances[i].spec.ec2_instance_id.clone();
                    self.log("instance", id, "registered (ACTIVE)");
                }
                self.reconcile_all();
            }
        }
    }
}
