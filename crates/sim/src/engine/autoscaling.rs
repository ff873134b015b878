//! Application Auto Scaling for ECS services (aws-semantics §7): target tracking, step scaling,
//! cooldowns, min/max clamping, and scaling activities in DescribeScalingActivities' words.

use crate::sort::SortSmall;
use super::{Sim, TaskStatus};
use crate::model::scaling::{AdjustmentType, PolicyKind, StepAdjustment};
use crate::time::SimTime;

/// Target tracking's managed alarms (a user report, aws-semantics §11.3): scale out after 3 of 3
/// one-minute datapoints above the target, scale in after 15 of 15 more than 10 % below it.
const SCALE_OUT_DATAPOINTS: u64 = 3;
const SCALE_IN_DATAPOINTS: u64 = 15;
const SCALE_IN_MARGIN: f64 = 0.9;

#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalingActivity {
    pub activity_id: String,
    pub service_namespace: &'static str,
    pub resource_id: String,
    pub scalable_dimension: &'static str,
    pub description: String,
    pub cause: String,
    #[serde(skip)]
    pub at: SimTime,
    pub status_code: &'static str,
    pub status_message: String,
}

/// A step policy's wish, collected while alarms are evaluated and applied together.
#[derive(Debug, Clone)]
pub struct StepProposal {
    pub target: usize,
    pub wanted: i64,
    pub cause: String,
    pub slot: usize,
    pub record: (SimTime, i64),
}

/// Per scalable target: when it last scaled each way, and to what.
#[derive(Debug, Clone, Default)]
pub struct ScalingState {
    pub last_out: Option<(SimTime, u32)>,
    pub last_in: Option<SimTime>,
    /// Per step policy: the last adjustment and when (for the cooldown rule).
    pub step_last: Vec<Option<(SimTime, i64)>>,
    /// The desired count the last scaling activity set (the invariant holds it inside the bounds
    /// while no one else has changed the count since).
    pub last_set: Option<u32>,
}

/// `PercentChangeInCapacity` rounding (aws-semantics §7.3): above 1 round down, between 0 and 1
/// use 1, between 0 and -1 use -1, below -1 round toward zero; then `MinAdjustmentMagnitude`.
pub fn percent_adjustment(current: u32, percent: i64, min_magnitude: Option<i64>) -> i64 {
    let raw = current as f64 * percent as f64 / 100.0;
    let rounded = if raw > 1.0 {
        raw.floor()
    } else if raw > 0.0 {
        1.0
    } else if raw < -1.0 {
        raw.ceil()
    } else if raw < 0.0 {
        -1.0
    } else {
        0.0
    } as i64;
    match min_magnitude {
        Some(m) if rounded != 0 && rounded.abs() < m => rounded.signum() * m,
        _ => rounded,
    }
}

/// The step whose interval holds `delta` (metric − threshold). Above the threshold the lower bound
/// is inclusive and the upper exclusive; below it the reverse (aws-semantics §7.3).
pub fn find_step(steps: &[StepAdjustment], delta: f64) -> Option<&StepAdjustment> {
    steps.iter().find(|s| {
        if delta >= 0.0 {
            s.lower.is_none_or(|l| delta >= l) && s.upper.is_none_or(|u| delta < u)
        } else {
            s.lower.is_none_or(|l| delta > l) && s.upper.is_none_or(|u| delta <= u)
        }
    })
}

/// Where a dynamic scaling policy starts when the desired count lies outside [min, max]
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-auto-scaling.html,
/// "Considerations"): below the minimum a scale-out first raises the count to the minimum and then
/// continues from there, while a scale-in "does not adjust the desired count"; above the maximum
/// the mirror image. `None` means the policy does nothing; `Some(base)` replaces the starting
/// capacity (inside the range the caller's own starting point, the RUNNING count, stands).
pub fn out_of_range_base(desired: u32, min: u32, max: u32, scale_out: bool) -> Option<Option<u32>> {
    match (desired < min, desired > max, scale_out) {
        (true, _, true) => Some(Some(min)),
        (true, _, false) | (_, true, true) => None,
        (_, true, false) => Some(Some(max)),
        _ => Some(None),
    }
}

impl Sim {
    fn running_count(&self, service: usize) -> u32 {
        self.services[service].tasks.iter().filter(|&&t| self.tasks[t].desired_running && self.tasks[t].last_status == TaskStatus::Running).count() as u32
    }

    /// Sets a scalable target's desired count (clamped to min/max) and records the activity.
    fn scale_to(&mut self, target: usize, wanted: i64, cause: String) -> bool {
        let t = self.scenario.scalable_targets[target].clone();
        let (min, max) = self.bounds[target];
        let new = wanted.clamp(min as i64, max as i64) as u32;
        let old = self.services[t.service].desired_count;
        if new == old {
            return false;
        }
        let scale_out = new > old;
        let scheduled = cause.starts_with("scheduled action");
        if !scheduled && ((scale_out && t.scale_out_suspended) || (!scale_out && t.scale_in_suspended)) {
            return false;
        }
        if scale_out {
            self.scaling[target].last_out = Some((self.now, new));
        } else {
            self.scaling[target].last_in = Some(self.now);
        }
        self.services[t.service].desired_count = new;
        self.services[t.service].steady = false;
        self.scaling[target].last_set = Some(new);
        let activity = ScalingActivity {
            activity_id: crate::scenario::hex_id(&format!("{}#{}", t.resource_id, self.activities_recorded), 32),
            service_namespace: "ecs",
            resource_id: t.resource_id.clone(),
            scalable_dimension: crate::scenario::scaling::ECS_DIMENSION,
            description: format!("Setting desired count to {new}."),
            cause,
            at: self.now,
            status_code: "Successful",
            status_message: format!("Successfully set desired count to {new}. Change successfully fulfilled by ecs."),
        };
        self.log("scaling", t.resource_id.clone(), format!("{} {}", activity.description, activity.cause));
        self.record_activity(activity);
        self.reconcile_soon(t.service);
        true
    }

    /// When scheduled action `k` next fires strictly after `after` (Unix seconds), in sim time.
    fn next_firing(&self, k: usize, after: i64) -> Option<SimTime> {
        let a = &self.scenario.scheduled_actions[k];
        let next = a.schedule.next_after(after, a.zone, a.start_unix_s, false)?;
        if a.end_unix_s.is_some_and(|end| next > end) || next < self.scenario.start_unix_s {
            return None;
        }
        Some(((next - self.scenario.start_unix_s) * 1000) as SimTime)
    }

    /// Queues the first firing of scheduled action `k` (one due at second 0 counts).
    pub(super) fn schedule_next_action(&mut self, k: usize) {
        if let Some(at) = self.next_firing(k, self.scenario.start_unix_s - 1) {
            self.schedule(at, super::Wake::Scheduled(k));
        }
    }

    /// A scheduled action sets new bounds; capacity outside them moves inside
    /// (aws-semantics §7.4). Scheduled actions ignore cooldowns.
    pub(super) fn run_scheduled_action(&mut self, k: usize) {
        let a = self.scenario.scheduled_actions[k].clone();
        let t = self.scenario.scalable_targets[a.target].clone();
        if !t.scheduled_suspended {
            let (min, max) = self.bounds[a.target];
            let bounds = (a.min.unwrap_or(min), a.max.unwrap_or(max));
            self.bounds[a.target] = (bounds.0, bounds.1.max(bounds.0));
            self.log("scaling", t.resource_id.clone(), format!("scheduled action {} set MinCapacity {} MaxCapacity {}", a.name, bounds.0, bounds.1));
            let desired = self.services[t.service].desired_count;
            let wanted = desired.clamp(bounds.0, bounds.1.max(bounds.0));
            if wanted != desired {
                self.scale_to(a.target, wanted as i64, format!("scheduled action name {} was triggered", a.name));
            }
        }
        let now_unix = self.scenario.start_unix_s + (self.now / 1000) as i64;
        if let Some(at) = self.next_firing(k, now_unix) {
            self.schedule(at.max(self.now + 1), super::Wake::Scheduled(k));
        }
    }

    /// Step scaling, invoked by an alarm in ALARM with `delta` = metric − threshold.
    pub(super) fn run_step_policy(&mut self, p: usize, delta: f64, alarm: &str) {
        let policy = self.scenario.policies[p].clone();
        let PolicyKind::Step { adjustment_type, steps, min_adjustment_magnitude, cooldown_s } = &policy.kind else { return };
        let Some(step) = find_step(steps, delta) else { return };
        let target = policy.target;
        let service = self.scenario.scalable_targets[target].service;
        let running = self.running_count(service);
        let change_from = |current: u32| match adjustment_type {
            AdjustmentType::ChangeInCapacity => step.adjustment,
            AdjustmentType::ExactCapacity => step.adjustment - current as i64,
            AdjustmentType::PercentChangeInCapacity => percent_adjustment(current, step.adjustment, *min_adjustment_magnitude),
        };
        let change = change_from(running);
        if change == 0 {
            return;
        }
        let (min, max) = self.bounds[target];
        let Some(base) = out_of_range_base(self.services[service].desired_count, min, max, change > 0) else { return };
        let (current, change) = match base {
            Some(b) => (b, change_from(b)),
            None => (running, change),
        };
        let slot = self.step_slot(target, p);
        let cooldown_ms = *cooldown_s as u64 * 1000;
        let last = self.scaling[target].step_last[slot].filter(|(at, _)| self.now < at + cooldown_ms);
        let cause = format!("monitor alarm {alarm} in state ALARM triggered policy {}", policy.name);
        let proposal = match last {
            // During a scale-out cooldown a larger step adds only the difference: "+2, then +3
            // during the cooldown, adds only 1". The cooldown keeps its start.
            Some((at, previous)) if change > 0 && previous > 0 => {
                (change > previous).then(|| (self.services[service].desired_count as i64 + change - previous, (at, change)))
            }
            // Scale-in waits for any cooldown of this policy to end.
            Some(_) if change < 0 => None,
            _ => Some((current as i64 + change, (self.now, change))),
        };
        if let Some((wanted, record)) = proposal {
            self.step_proposals.push(StepProposal { target, wanted, cause, slot, record });
        }
    }

    /// Applies this minute's step-scaling proposals: per target the one giving the largest
    /// capacity wins ("+3" vs "+200 percent" at 10 gives 30, aws-semantics §7.2).
    pub(super) fn apply_step_proposals(&mut self) {
        let mut proposals = std::mem::take(&mut self.step_proposals);
        proposals.sort_small_by_key(|p| (p.target, std::cmp::Reverse(p.wanted)));
        proposals.dedup_by_key(|p| p.target);
        for p in proposals {
            if self.scale_to(p.target, p.wanted, p.cause) {
                self.scaling[p.target].step_last[p.slot] = Some(p.record);
            }
        }
    }

    fn step_slot(&mut self, target: usize, policy: usize) -> usize {
        let slots = &mut self.scaling[target].step_last;
        if slots.len() <= policy {
            slots.resize(policy + 1, None);
        }
        policy
    }

    /// Target tracking: every policy votes; scale out if any wants to (the largest wins), scale
    /// in only if every policy that may scale in agrees (aws-semantics §7.2).
    pub(super) fn evaluate_target_tracking(&mut self, minute: u64) {
        for target in 0..self.scenario.scalable_targets.len() {
            let service = self.scenario.scalable_targets[target].service;
            let running = self.running_count(service);
            let mut out: Option<(i64, String)> = None;
            let mut ins: Vec<(i64, String)> = Vec::new();
            let mut voters = 0;
            for &p in &self.tracking[target] {
                let policy = &self.scenario.policies[p];
                let PolicyKind::TargetTracking { target: value, metric, statistic, disable_scale_in, .. } = &policy.kind else { continue };
                let Some(id) = self.metrics.id(metric) else { continue }; // no datapoints yet
                let point = |k: u64| minute.checked_sub(k).and_then(|m| self.metric_value_by_id(id, *statistic, m, m + 1));
                let Some(latest) = point(1) else { continue }; // insufficient data: no action
                let proportional = if running == 0 { 1 } else { (running as f64 * latest / value).ceil() as i64 };
                // Read only as many datapoints as the decision needs.
                let high = latest > *value && (2..=SCALE_OUT_DATAPOINTS).all(|k| point(k).is_some_and(|v| v > *value));
                let desired = self.services[service].desired_count;
                let (min, max) = self.bounds[target];
                // Outside [min, max] only the direction toward the range acts (out_of_range_base);
                // the proportional capacity then applies, clamped into the range by scale_to.
                if high && proportional > running as i64 && out_of_range_base(desired, min, max, true).is_some() {
                    let cause = format!("monitor alarm TargetTracking-{}-AlarmHigh in state ALARM triggered policy {}", self.scenario.scalable_targets[target].resource_id, policy.name);
                    if out.as_ref().is_none_or(|(n, _)| proportional > *n) {
                        out = Some((proportional, cause));
                    }
                }
                if !disable_scale_in {
                    voters += 1;
                    let low = latest < value * SCALE_IN_MARGIN && (2..=SCALE_IN_DATAPOINTS).all(|k| point(k).is_some_and(|v| v < value * SCALE_IN_MARGIN));
                    if low && proportional < running as i64 && out_of_range_base(desired, min, max, false).is_some() {
                        ins.push((proportional.max(1), format!("monitor alarm TargetTracking-{}-AlarmLow in state ALARM triggered policy {}", self.scenario.scalable_targets[target].resource_id, policy.name)));
                    }
                }
            }
            let cooldowns = self.target_cooldowns(target);
            if let Some((wanted, cause)) = out {
                // During the scale-out cooldown the capacity it added counts: only go higher.
                let blocked = self.scaling[target].last_out.is_some_and(|(at, to)| self.now < at + cooldowns.0 && wanted <= to as i64);
                if !blocked {
                    self.scale_to(target, wanted, cause);
                }
            } else if voters > 0 && ins.len() == voters {
                let (wanted, cause) = ins.into_iter().max_by_key(|(n, _)| *n).expect("voters > 0");
                let last = self.scaling[target].last_in.into_iter().chain(self.scaling[target].last_out.map(|(at, _)| at)).max();
                if last.is_none_or(|at| self.now >= at + cooldowns.1) {
                    self.scale_to(target, wanted, cause);
                }
            }
        }
    }

    /// The longest scale-out and scale-in cooldowns among the target's tracking policies, in ms.
    fn target_cooldowns(&self, target: usize) -> (u64, u64) {
        self.scenario.policies.iter().filter(|p| p.target == target).fold((0, 0), |(o, i), p| match p.kind {
            PolicyKind::TargetTracking { scale_out_cooldown_s, scale_in_cooldown_s, .. } => (o.max(scale_out_cooldown_s as u64 * 1000), i.max(scale_in_cooldown_s as u64 * 1000)),
            _ => (o, i),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_percent_rounding() {
        assert_eq!(percent_adjustment(10, 10, None), 1); // 10 + 10% = 11
        assert_eq!(percent_adjustment(100, 127, None) , 127);
        assert_eq!(percent_adjustment(10, 127, None), 12); // 12.7 → 12
        assert_eq!(percent_adjustment(3, 22, None), 1); // .66 → 1
        assert_eq!(percent_adjustment(2, -29, None), -1); // -.58 → -1
        assert_eq!(percent_adjustment(23, -29, None), -6); // -6.67 → -6
        assert_eq!(percent_adjustment(4, 25, Some(2)), 2); // 25% of 4 = 1, but at least 2
    }

    #[test]
    fn step_bounds_are_inclusive_on_the_threshold_side() {
        let steps = vec![
            StepAdjustment { lower: Some(0.0), upper: Some(10.0), adjustment: 0 },
            StepAdjustment { lower: Some(10.0), upper: Some(20.0), adjustment: 10 },
            StepAdjustment { lower: Some(20.0), upper: None, adjustment: 30 },
            StepAdjustment { lower: Some(-10.0), upper: Some(0.0), adjustment: 0 },
            StepAdjustment { lower: Some(-20.0), upper: Some(-10.0), adjustment: -10 },
            StepAdjustment { lower: None, upper: Some(-20.0), adjustment: -30 },
        ];
        let adj = |d: f64| find_step(&steps, d).map(|s| s.adjustment);
        assert_eq!(adj(10.0), Some(10));
        assert_eq!(adj(20.0), Some(30));
        assert_eq!(adj(9.99), Some(0));
        assert_eq!(adj(-10.0), Some(-10));
        assert_eq!(adj(-20.0), Some(-30));
        assert_eq!(adj(-5.0), Some(0));
    }
}
