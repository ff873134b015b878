//! Elastic Load Balancing target groups (aws-semantics §6.5): a target's health states, the
//! health check's first verdict, slow start, deregistration (draining) and which targets get
//! requests. The orchestrator registers and deregisters; these are the load balancer's rules.

use crate::model::TargetGroup;
use crate::time::SimTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetState {
    Initial,
    Healthy,
    Unhealthy,
    Draining,
}

#[derive(Debug, Clone)]
pub struct Target {
    /// What the orchestrator registered: an ECS task's index (a pod's, for EKS).
    pub task: usize,
    /// EC2 instance id (instance targets) or the task's IP (ip targets).
    pub id: String,
    pub port: u16,
    pub state: TargetState,
    pub since: SimTime,
}

impl Target {
    /// Whether the load balancer sends this target requests: healthy targets do; with none
    /// healthy it fails open and routes to every registered target that isn't draining.
    pub fn routed(&self, any_healthy: bool) -> bool {
        if any_healthy {
            self.state == TargetState::Healthy
        } else {
            self.state != TargetState::Draining
        }
    }

    pub fn reason(&self) -> Option<(&'static str, &'static str)> {
        match self.state {
            TargetState::Initial => Some(("Elb.InitialHealthChecking", "Initial health checks in progress")),
            TargetState::Healthy => None,
            TargetState::Unhealthy => Some(("Target.FailedHealthChecks", "Health checks failed")),
            TargetState::Draining => Some(("Target.DeregistrationInProgress", "Target deregistration is in progress")),
        }
    }
}

/// When a new target's first verdict comes: one passing check makes it healthy; a failing
/// one fails `UnhealthyThresholdCount` checks in a row first (aws-semantics §6.5).
pub fn first_verdict_ms(tg: &TargetGroup, fails: bool) -> u64 {
    let interval = tg.interval_s as u64 * 1000;
    if fails {
        interval * tg.unhealthy_threshold as u64
    } else {
        interval
    }
}

/// A target's routing weight: 1, or under slow start a linear ramp from 0 after it turns
/// healthy (only while another healthy target is not ramping, `any_full`, as the ALB does).
pub fn slow_start_weight(tg: &TargetGroup, target: &Target, any_full: bool, now: SimTime) -> f64 {
    let ramp = tg.slow_start_s as u64 * 1000;
    if ramp == 0 || !any_full || target.state != TargetState::Healthy {
        return 1.0;
    }
    ((now.saturating_sub(target.since)) as f64 / ramp as f64).clamp(0.0, 1.0)
}

/// Deregisters `owner`'s targets: each not already draining starts draining now. Returns
/// whether any did, and how many of them were healthy.
pub fn drain(targets: &mut [Target], owner: usize, now: SimTime) -> (bool, u8) {
    let mut hit = false;
    let mut was_healthy = 0;
    for t in targets.iter_mut().filter(|t| t.task == owner && t.state != TargetState::Draining) {
        was_healthy += u8::from(t.state == TargetState::Healthy);
        t.state = TargetState::Draining;
        t.since = now;
        hit = true;
    }
    (hit, was_healthy)
}

/// The deregistration delay is over: `owner`'s draining targets leave the group.
pub fn remove_drained(targets: &mut Vec<Target>, owner: usize) {
    targets.retain(|t| !(t.task == owner && t.state == TargetState::Draining));
}

/// Targets in service.
pub fn healthy_count(targets: &[Target]) -> usize {
    targets.iter().filter(|t| t.state == TargetState::Healthy).count()
}
