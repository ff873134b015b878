//! FIS's scenario library: "AZ Availability: Power Interruption"
//! (https://docs.aws.amazon.com/fis/latest/userguide/az-availability-scenario.html). For one
//! Availability Zone and a duration (default 30 minutes, as the scenario's): stop every
//! instance in the zone and start it again afterwards (Stop-Instances), no new EC2 capacity in
//! the zone for the Auto Scaling groups (Pause-ASG-Scaling), the zone's subnets cut off
//! (Pause-network-connectivity) and the zone's remaining ECS tasks stopped.
//!
//! AWS's template selects instances by the tag `AzImpairmentPower`; Stevedore's expansion
//! selects by zone instead (every instance and task there), which is what the tag marks in a
//! typical account. The scenario's extra recovery half hour is not modelled.

use super::{Scenario, fault_targets::known_zone};
use crate::error::Errors;
use crate::model::faults::*;
use crate::model::{Action, TimedAction};
use crate::time::SimTime;
use std::collections::BTreeMap;

const DEFAULT_DURATION_MS: SimTime = 30 * 60_000;

pub fn expand(ip: &str, parameters: Option<&BTreeMap<String, String>>, at: SimTime, experiment: &str, s: &Scenario, errors: &mut Errors) -> Vec<TimedAction> {
    let params = parameters.cloned().unwrap_or_default();
    for k in params.keys().filter(|k| !["availabilityZone", "duration"].contains(&k.as_str())) {
        errors.push(format!("{ip}.parameters.{k}"), format!("{} takes availabilityZone and duration", super::faults::POWER_INTERRUPTION));
    }
    let Some(zone) = params.get("availabilityZone") else {
        errors.push(format!("{ip}.parameters.availabilityZone"), "required: the Availability Zone to interrupt (e.g. \"us-east-1a\")");
        return vec![];
    };
    if let Err(m) = known_zone(zone, s) {
        errors.push(format!("{ip}.parameters.availabilityZone"), m);
        return vec![];
    }
    let duration_ms = match params.get("duration") {
        None => DEFAULT_DURATION_MS,
        Some(text) => match super::faults::iso_duration_ms(text) {
            Some(ms) if (60_000..=12 * 3_600_000).contains(&ms) => ms,
            _ => {
                errors.push(format!("{ip}.parameters.duration"), format!("`{text}`: an ISO 8601 duration from PT1M to PT12H, such as PT30M"));
                return vec![];
            }
        },
    };
    let in_zone = |kind: ResourceType| FaultTarget { resource_type: kind, ids: vec![], tags: vec![], filters: vec![(FilterPath::AvailabilityZone, vec![zone.clone()])], selection: Selection::All, service: None };
    let fault = |name: &str, action_id: &'static str, kind: FaultKind, target: FaultTarget| TimedAction {
        at,
        name: action_id.to_string(),
        action: Action::Fault(Fault { experiment: experiment.to_string(), name: name.to_string(), action_id, kind, target: Some(target) }),
    };
    let mut out = Vec::new();
    // Capacity and connectivity go first, so the replacements that follow avoid the zone.
    if !s.auto_scaling_groups.is_empty() {
        let groups = FaultTarget { resource_type: ResourceType::AutoScalingGroup, ids: s.auto_scaling_groups.iter().map(|g| g.name.clone()).collect(), tags: vec![], filters: vec![], selection: Selection::All, service: None };
        out.push(fault("Pause-ASG-Scaling", "aws:ec2:asg-insufficient-instance-capacity-error", FaultKind::InsufficientCapacity { zones: vec![zone.clone()], percentage: 100, duration_ms }, groups));
    }
    out.push(fault("Pause-network-connectivity", "aws:network:disrupt-connectivity", FaultKind::DisruptConnectivity { scope_all: true, duration_ms }, in_zone(ResourceType::Subnet)));
    out.push(fault("Stop-Instances", "aws:ec2:stop-instances", FaultKind::StopInstances { restart_after_ms: Some(duration_ms) }, in_zone(ResourceType::Instance)));
    out.push(fault("Stop-Tasks", "aws:ecs:stop-task", FaultKind::StopTasks, in_zone(ResourceType::Task)));
    out
}
