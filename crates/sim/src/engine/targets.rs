//! Load balancer target registration (aws-semantics §6.5): a new target is `initial` until it
//! passes one health check, `draining` for the deregistration delay after it is deregistered.

use super::{Sim, Wake};
use crate::substrate::elb;

pub use crate::substrate::elb::{Target, TargetState};

impl Sim {
    /// Whether the target group's health check fails for this task: an application that fails
    /// its container health check also fails an HTTP check; a TCP check only sees the port open.
    /// A subnet cut off by fault injection fails every check (they time out).
    fn target_fails_checks(&self, tg: usize, task: usize) -> bool {
        self.task_cut_off(task) || (self.scenario.target_groups[tg].health_check_protocol != "TCP" && self.scenario.task_defs[self.tasks[task].task_def].failing_health_check().is_some())
    }

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
            self.aws.elb.register(link.target_group, task, id, port, self.now);
            self.tasks[task].registrations += 1;
            let tg = &self.scenario.target_groups[link.target_group];
            let arn = tg.arn.clone();
            let wait = elb::first_verdict_ms(tg, self.target_fails_checks(link.target_group, task));
            let name = self.services[s].def.name.clone();
            self.service_event(s, format!("(service {name}) registered 1 targets in (target-group {arn})"));
            self.schedule(self.now + wait, Wake::TargetHealthy { target_group: link.target_group, task });
        }
    }

    /// The health check verdict for a target in `initial`: healthy, or (a failing app)
    /// unhealthy, after which ECS replaces the task once its grace period is over.
    pub(super) fn target_healthy(&mut self, tg: usize, task: usize) {
        let now = self.now;
        let fails = self.target_fails_checks(tg, task);
        let Some((id, port)) = self.aws.elb.first_verdict(tg, task, fails, now) else { return };
        if !fails {
            self.tasks[task].healthy_registrations += 1;
        }
        let group = self.scenario.target_groups[tg].clone();
        self.log("targetGroup", group.name.clone(), format!("target {id}:{port} is {}", if fails { "unhealthy (Target.FailedHealthChecks)" } else { "healthy" }));
        if !fails {
            // A healthy target may let a deployment or draining move on.
            if let Some(s) = self.tasks[task].service {
                self.reconcile_soon(s);
            }
            return;
        }
        let Some(s) = self.tasks[task].service else { return };
        let grace_end = self.tasks[task].started_at.unwrap_or(now) + self.services[s].def.health_check_grace_period_s as u64 * 1000;
        if now < grace_end {
            // healthCheckGracePeriodSeconds: ECS ignores ELB health checks until it ends.
            self.schedule(grace_end, Wake::TargetUnhealthyVerdict { target_group: tg, task });
            return;
        }
        self.replace_unhealthy_target(tg, task);
    }

    pub(super) fn replace_unhealthy_target(&mut self, tg: usize, task: usize) {
        if !self.tasks[task].desired_running || !self.aws.elb[tg].iter().any(|t| t.task == task && t.state == TargetState::Unhealthy) {
            return;
        }
        let arn = self.scenario.target_groups[tg].arn.clone();
        if let Some(s) = self.tasks[task].service {
            let name = self.services[s].def.name.clone();
            self.service_event(s, format!("(service {name}) (task {}) failed ELB health checks in (target-group {arn})", self.tasks[task].id));
        }
        self.stop_task(task, &format!("Task failed ELB health checks in (target-group {arn})"), "ServiceSchedulerInitiated");
        // The scheduler replaces it now: a stopping task no longer counts toward desired.
        if let Some(s) = self.tasks[task].service {
            self.reconcile_soon(s);
        }
        if let (Some(s), Some(d)) = (self.tasks[task].service, self.tasks[task].deployment) {
            self.count_failure(s, d);
        }
    }

    /// A target's weight for routing: 1, or under slow start a linear ramp from 0 after it
    /// turns healthy (only while another healthy target is not ramping, as the ALB does).
    pub(super) fn routing_weight(&self, tg: usize, target: &Target, any_full: bool) -> f64 {
        elb::slow_start_weight(&self.scenario.target_groups[tg], target, any_full, self.now)
    }

    /// Slow start as the canvas shows it: while `target` ramps, the share of a full target's
    /// traffic it gets now and the ms left in its window; None when it is not ramping (slow
    /// start off, not healthy, window over, or no other healthy target at full weight).
    /// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#slow-start-mode
    pub fn slow_start_ramp(&self, tg: usize, target: &Target) -> Option<(f64, u64)> {
        let ramp = self.scenario.target_groups.get(tg)?.slow_start_s as u64 * 1000;
        if ramp == 0 || target.state != TargetState::Healthy || self.now >= target.since + ramp {
            return None;
        }
        let any_full = self.aws.elb[tg].iter().any(|t| t.state == TargetState::Healthy && self.now >= t.since + ramp);
        any_full.then(|| (self.routing_weight(tg, target, true), target.since + ramp - self.now))
    }

    /// Whether the target group's traffic crosses zones: its own
    /// `load_balancing.cross_zone.enabled`, else its load balancer's (an ALB's is always on).
    /// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-cross-zone.html
    pub fn cross_zone(&self, tg: usize) -> bool {
        let lb = self.scenario.load_balancers.iter().find(|lb| lb.listeners.iter().any(|(_, _, t)| *t == Some(tg)));
        self.scenario.target_groups.get(tg).and_then(|g| g.cross_zone).unwrap_or(lb.is_none_or(|lb| lb.cross_zone))
    }

    /// The share of the target group's requests each of its targets gets now (parallel to
    /// `targets[tg]`, summing to 1 when any is routed): even over routed targets, a slow-start
    /// target's weight ramped. With cross-zone load balancing off each zone's load balancer
    /// node gets an equal share of clients (DNS) and splits it over its own zone's targets only.
    pub fn target_shares(&self, tg: usize) -> Vec<f64> {
        self.target_weights(tg).into_iter().map(|(w, total)| if total > 0.0 { w / total } else { 0.0 }).collect()
    }

    /// Each target's (weight, the total it is divided by) for `target_shares`; the metrics
    /// divide in the same order so the numbers are exactly the same as they always were.
    pub(super) fn target_weights(&self, tg: usize) -> Vec<(f64, f64)> {
        let targets = &self.aws.elb[tg];
        let any_healthy = targets.iter().any(|t| t.state == TargetState::Healthy);
        let weights: Vec<f64> = targets.iter().map(|t| if t.routed(any_healthy) { self.slow_start_ramp(tg, t).map_or(1.0, |(w, _)| w) } else { 0.0 }).collect();
        let zone = |k: usize| self.tasks[targets[k].task].availability_zone.as_str();
        if self.cross_zone(tg) {
            let total: f64 = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
            return weights.iter().map(|&w| (w, total)).collect();
        }
        // Each zone's routed weight, summed in target order (a BTreeMap: no hash order).
        let mut in_zone: std::collections::BTreeMap<&str, f64> = std::collections::BTreeMap::new();
        for k in (0..targets.len()).filter(|&k| weights[k] > 0.0) {
            *in_zone.entry(zone(k)).or_default() += weights[k];
        }
        let zones = in_zone.len() as f64;
        (0..targets.len()).map(|k| (weights[k], (in_zone.get(zone(k)).copied().unwrap_or(0.0) * zones).max(f64::MIN_POSITIVE))).collect()
    }

    /// Starts draining every target of the task; true if it had any.
    pub(super) fn deregister_targets(&mut self, task: usize) -> bool {
        let mut any = false;
        // Only the target groups of the task's service can hold it.
        let groups: Vec<usize> = self.tasks[task].service.map(|s| self.services[s].def.load_balancers.iter().map(|l| l.target_group).collect()).unwrap_or_default();
        for tg in groups {
            let now = self.now;
            let (hit, was_healthy) = self.aws.elb.drain(tg, task, now);
            self.tasks[task].healthy_registrations -= was_healthy;
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
        self.aws.elb.remove_drained(tg, task);
    }

    /// Targets currently in service.
    pub fn healthy_targets(&self, tg: usize) -> usize {
        self.aws.elb.healthy(tg)
    }
}
