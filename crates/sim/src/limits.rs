//! What one run may ask for: a shared link or an imported file is untrusted input, and a valid
//! scenario can still be too big to run in a browser tab (every quota at its maximum: 5,000
//! services of 5,000 tasks). Checked after validation, against the worst case the run could
//! reach, with the error at the JSON path that crosses the bound.
//!
//! Time needs no bound: what a run keeps is bounded by AWS's retention (`engine/retention.rs`),
//! and the app advances the sim within a per-frame budget, so a ten-year run is slow, not fatal.

use crate::error::Errors;
use crate::scenario::Scenario;

/// Tasks alive at once, at most (our bound: about 1 KB each with its placement record, plus
/// their share of metrics, keeps the worst case near 100 MB of wasm memory).
pub const MAX_TASKS: u64 = 50_000;

/// Adds an error if the scenario could run more than `MAX_TASKS` tasks at once: every replica
/// service at the larger of its desiredCount and its scalable target's MaxCapacity, every
/// daemon service on every instance (Auto Scaling groups at their MaxSize), every RunTask and
/// schedule at once.
pub fn check(s: &Scenario, errors: &mut Errors) {
    let instances = s.instances.len() as u64 + s.auto_scaling_groups.iter().map(|g| g.max_size as u64).sum::<u64>();
    let mut total = 0u64;
    for (k, def) in s.services.iter().enumerate() {
        let scaled = s.scalable_targets.iter().filter(|t| t.service == k).map(|t| t.max as u64).max().unwrap_or(0);
        let most = if def.daemon { instances } else { (def.desired_count as u64).max(scaled) };
        total += most;
        if total > MAX_TASKS {
            let key = if def.daemon { "schedulingStrategy" } else { "desiredCount" };
            errors.push(format!("$.services[{k}].{key}"), too_many(total, "the services up to here"));
            return;
        }
    }
    let timeline = s.timeline.iter().filter_map(|a| match &a.action {
        crate::model::Action::RunTask(r) => Some(r.count as u64),
        _ => None,
    });
    let batch: u64 = s.run_tasks.iter().map(|r| r.count as u64).chain(timeline).chain(s.schedules.iter().map(|d| d.run.count as u64)).sum();
    if total + batch > MAX_TASKS {
        errors.push("$.timeline", too_many(total + batch, "the services, RunTask calls and schedules"));
    }
}

fn too_many(n: u64, what: &str) -> String {
    format!("{what} could run {n} tasks at once: Stevedore runs at most {MAX_TASKS} (a bigger run would exhaust a browser tab's memory); lower desiredCount or MaxCapacity")
}
