//! Spot interruptions (aws-semantics §4.4-4.5). EC2 Spot: a two-minute notice; with
//! ECS_ENABLE_SPOT_INSTANCE_DRAINING the agent sets the instance DRAINING at once (so the
//! service scheduler replaces tasks within its deployment limits), otherwise the tasks simply
//! die when the instance terminates. Fargate Spot: SIGTERM, stopCode TerminationNotice.

use super::{InstanceStatus, Sim, Wake};
use rand_core::RngCore;

pub use crate::substrate::ec2::SPOT_NOTICE_MS as NOTICE_MS;

impl Sim {
    pub(super) fn spot_interruption(&mut self, ec2_instance_id: Option<&str>, task: Option<&str>, count: u32) {
        match (ec2_instance_id, task) {
            (Some(id), _) => self.spot_notice(id),
            (None, Some(t)) => match self.find_task(t) {
                Some(k) if self.tasks[k].capacity_provider.as_deref() == Some("FARGATE_SPOT") && self.tasks[k].desired_running => self.interrupt_fargate_task(k),
                _ => self.log("action", "SpotInterruption", format!("no running FARGATE_SPOT task {t}")),
            },
            (None, None) => {
                // `count` tasks picked at random (seeded) among the running FARGATE_SPOT ones.
                let mut pool: Vec<usize> = self.tasks_oldest_first(|t| t.desired_running && t.capacity_provider.as_deref() == Some("FARGATE_SPOT"));
                for _ in 0..count.min(pool.len() as u32) {
                    let k = (self.rng.next_u64() % pool.len() as u64) as usize;
                    let task = pool.swap_remove(k);
                    self.interrupt_fargate_task(task);
                }
            }
        }
    }

    fn interrupt_fargate_task(&mut self, task: usize) {
        let id = self.tasks[task].id.clone();
        self.log("task", id, "Spot interruption: SIGTERM (two-minute warning)");
        self.stop_task(task, "Your Spot Task was interrupted.", "TerminationNotice");
    }

    fn spot_notice(&mut self, ec2_instance_id: &str) {
        let Some(i) = self.find_instance(ec2_instance_id) else {
            return self.log("action", "SpotInterruption", format!("no container instance {ec2_instance_id}"));
        };
        if !self.instances[i].spec.spot || self.instances[i].status == InstanceStatus::Inactive {
            return self.log("action", "SpotInterruption", format!("{ec2_instance_id} is not a running Spot instance"));
        }
        let draining = self.instances[i].spec.agent.spot_draining;
        self.log("instance", ec2_instance_id.to_string(), if draining { "Spot interruption notice: the agent sets DRAINING (ECS_ENABLE_SPOT_INSTANCE_DRAINING)" } else { "Spot interruption notice: the instance terminates in two minutes (Spot draining is off)" });
        if draining {
            self.instances[i].status = InstanceStatus::Draining;
            self.reconcile_all();
        }
        self.schedule(self.now + NOTICE_MS, Wake::SpotTerminate(i));
    }

    pub(super) fn spot_terminate(&mut self, i: usize) {
        let reason = format!("Host EC2 (instance {}) terminated.", self.instances[i].spec.ec2_instance_id);
        for t in self.instances[i].tasks.clone() {
            self.kill_task(t, &reason);
            self.tasks[t].stopped_reason = Some(reason.clone());
            self.tasks[t].stop_code = Some("TerminationNotice".into());
        }
        self.instances[i].status = InstanceStatus::Inactive;
        self.instances[i].terminated_at = Some(self.now);
        self.asg_instance_gone(i);
        let id = self.instances[i].spec.ec2_instance_id.clone();
        self.log("instance", id, "Spot instance terminated (INACTIVE)");
        self.reconcile_all();
    }
}

impl Sim {
    /// Seeded random interruptions: each minute, each pool is hit with probability rate / 60.
    pub(super) fn random_spot_interruptions(&mut self) {
        for (pool, per_hour) in self.scenario.spot_rates.clone() {
            let roll = self.rng.next_u64() as f64 / u64::MAX as f64;
            if roll >= per_hour / 60.0 {
                continue;
            }
            match pool {
                crate::scenario::SpotPool::FargateSpot => self.spot_interruption(None, None, 1),
                other => {
                    let candidates: Vec<usize> = (0..self.instances.len())
                        .filter(|&i| {
                            let inst = &self.instances[i];
                            inst.spec.spot && inst.status == InstanceStatus::Active && match &other {
                                crate::scenario::SpotPool::Provider(cp) => inst.spec.capacity_provider.as_deref() == Some(cp.as_str()),
                                _ => true,
                            }
                        })
                        .collect();
                    if candidates.is_empty() {
                        continue;
                    }
                    let i = candidates[(self.rng.next_u64() % candidates.len() as u64) as usize];
                    let id = self.instances[i].spec.ec2_instance_id.clone();
                    self.spot_notice(&id);
                }
            }
        }
    }
}
