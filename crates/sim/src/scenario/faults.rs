//! AWS Fault Injection Service on the timeline: one FIS action (`"action": "aws:ec2:stop-instances"`),
//! an experiment template (`StartExperiment`), or the scenario library's AZ Availability: Power
//! Interruption. Action ids, parameter names and target fields are FIS's
//! (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html,
//! https://docs.aws.amazon.com/fis/latest/userguide/targets.html).

use super::fault_params::Params;
pub use super::fault_params::iso_duration_ms;
use super::fault_types::*;
use super::{hex_id, typed, Scenario};
use crate::error::Errors;
use crate::model::faults::*;
use crate::model::{Action, TimedAction};
use crate::time::SimTime;
use serde_json::Value;
use std::collections::BTreeMap;

/// Every FIS action Stevedore runs: (action id, its target key, the resource type it takes).
pub const FIS_ACTIONS: &[(&str, &str, ResourceType)] = &[
    ("aws:ec2:stop-instances", "Instances", ResourceType::Instance),
    ("aws:ec2:terminate-instances", "Instances", ResourceType::Instance),
    ("aws:ecs:stop-task", "Tasks", ResourceType::Task),
    ("aws:ecs:drain-container-instances", "Clusters", ResourceType::Cluster),
    ("aws:network:disrupt-connectivity", "Subnets", ResourceType::Subnet),
    ("aws:ec2:asg-insufficient-instance-capacity-error", "AutoScalingGroups", ResourceType::AutoScalingGroup),
];

pub const POWER_INTERRUPTION: &str = "AZ Availability: Power Interruption";

pub fn is_fis_action(name: &str) -> bool {
    FIS_ACTIONS.iter().any(|(id, _, _)| *id == name)
}

/// `[{"Key", "Value"}]` → pairs; a tag needs a key.
pub fn tags(path: &str, tags: &[super::types::Tag], errors: &mut Errors) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, t) in tags.iter().enumerate() {
        match &t.key {
            Some(key) if !key.is_empty() && key.len() <= 128 => out.push((key.clone(), t.value.clone().unwrap_or_default())),
            _ => errors.push(format!("{path}[{k}].Key"), "a tag needs a Key of 1-128 characters"),
        }
    }
    out
}

fn experiment_id(s: &Scenario, index: usize) -> String {
    format!("EXP{}", hex_id(&format!("{}/experiment/{index}", s.arns.cluster), 17).to_uppercase())
}

/// A timeline entry naming one FIS action: `input` is the action (`parameters`, and `targets`
/// holding the target objects themselves).
pub fn single(ip: &str, action_id: &str, input: &Value, at: SimTime, index: usize, s: &Scenario, errors: &mut Errors) -> Vec<TimedAction> {
    let Some(a) = typed::<FisAction>(ip, input, errors) else { return vec![] };
    let mut targets = BTreeMap::new();
    for (key, value) in a.targets.clone().unwrap_or_default() {
        let path = format!("{ip}.targets.{key}");
        if let Some(t) = typed::<FisTarget>(&path, &value, errors) {
            targets.insert(key, (path, t));
        }
    }
    let experiment = experiment_id(s, index);
    match fault(ip, action_id, action_id, &a, &targets, &experiment, s, errors) {
        Some(f) => vec![TimedAction { at, action: Action::Fault(f), name: action_id.to_string() }],
        None => vec![],
    }
}

/// `StartExperiment`: `{"experimentTemplate": {targets, actions}}` or
/// `{"scenario": "AZ Availability: Power Interruption", "parameters": {availabilityZone, duration}}`.
pub fn start_experiment(ip: &str, input: &Value, at: SimTime, index: usize, s: &Scenario, errors: &mut Errors) -> Vec<TimedAction> {
    let Some(i) = typed::<StartExperimentInput>(ip, input, errors) else { return vec![] };
    let experiment = experiment_id(s, index);
    match (&i.experiment_template, &i.scenario) {
        (Some(_), Some(_)) => {
            errors.push(ip.to_string(), "give experimentTemplate or scenario, not both");
            vec![]
        }
        (None, None) => {
            errors.push(ip.to_string(), format!("give experimentTemplate ({{\"targets\", \"actions\"}}) or scenario (\"{POWER_INTERRUPTION}\")"));
            vec![]
        }
        (Some(t), None) => template(&format!("{ip}.experimentTemplate"), t, at, &experiment, s, errors),
        (None, Some(name)) if name == POWER_INTERRUPTION => super::power_interruption::expand(ip, i.parameters.as_ref(), at, &experiment, s, errors),
        (None, Some(other)) => {
            errors.push(format!("{ip}.scenario"), format!("unknown scenario `{other}` (known: {POWER_INTERRUPTION})"));
            vec![]
        }
    }
}

fn template(tp: &str, t: &ExperimentTemplate, at: SimTime, experiment: &str, s: &Scenario, errors: &mut Errors) -> Vec<TimedAction> {
    let declared: BTreeMap<String, FisTarget> = t.targets.clone().unwrap_or_default();
    let actions = t.actions.clone().unwrap_or_default();
    if actions.is_empty() {
        errors.push(format!("{tp}.actions"), "an experiment template needs at least one action");
    }
    let mut built: Vec<(String, Fault)> = Vec::new();
    let before = errors.list.len();
    for (name, a) in &actions {
        let ap = format!("{tp}.actions.{name}");
        let mut targets = BTreeMap::new();
        for (key, value) in a.targets.clone().unwrap_or_default() {
            let path = format!("{ap}.targets.{key}");
            match value.as_str().and_then(|n| declared.get(n).map(|t| (n, t))) {
                Some((n, t)) => {
                    targets.insert(key, (format!("{tp}.targets.{n}"), t.clone()));
                }
                None => errors.push(path, format!("names no target of this template (targets: {})", declared.keys().cloned().collect::<Vec<_>>().join(", "))),
            }
        }
        let Some(id) = a.action_id.as_deref() else {
            errors.push(format!("{ap}.actionId"), format!("required (known: {})", FIS_ACTIONS.iter().map(|a| a.0).collect::<Vec<_>>().join(", ")));
            continue;
        };
        if let Some(f) = fault(&ap, id, name, a, &targets, experiment, s, errors) {
            built.push((name.clone(), f));
        }
    }
    if errors.list.len() > before {
        return vec![];
    }
    let Some(offsets) = start_offsets(tp, &actions, &built, errors) else { return vec![] };
    built.into_iter().map(|(name, f)| TimedAction { at: at + offsets[&name], name: f.action_id.to_string(), action: Action::Fault(f) }).collect()
}

/// When each action starts: at once, or when every action it `startAfter`s has ended.
fn start_offsets(tp: &str, actions: &BTreeMap<String, FisAction>, built: &[(String, Fault)], errors: &mut Errors) -> Option<BTreeMap<String, SimTime>> {
    let length: BTreeMap<&str, SimTime> = built.iter().map(|(n, f)| (n.as_str(), f.kind.duration_ms())).collect();
    for (name, a) in actions {
        for (k, after) in a.start_after.iter().flatten().enumerate() {
            if !actions.contains_key(after) {
                errors.push(format!("{tp}.actions.{name}.startAfter[{k}]"), format!("names no action of this template: `{after}`"));
                return None;
            }
        }
    }
    let mut offsets: BTreeMap<String, SimTime> = BTreeMap::new();
    // Each pass settles at least one action unless there is a cycle: at most n passes.
    for _ in 0..=actions.len() {
        for (name, a) in actions {
            if offsets.contains_key(name) {
                continue;
            }
            let deps = a.start_after.clone().unwrap_or_default();
            if deps.iter().all(|d| offsets.contains_key(d)) {
                let start = deps.iter().map(|d| offsets[d] + length.get(d.as_str()).copied().unwrap_or(0)).max().unwrap_or(0);
                offsets.insert(name.clone(), start);
            }
        }
    }
    if offsets.len() < actions.len() {
        let stuck: Vec<&String> = actions.keys().filter(|n| !offsets.contains_key(*n)).collect();
        errors.push(format!("{tp}.actions.{}.startAfter", stuck[0]), "startAfter makes a cycle: these actions wait for each other");
        return None;
    }
    Some(offsets)
}

/// One action: its parameters and its one target, checked against what the action takes.
#[allow(clippy::too_many_arguments)]
fn fault(ap: &str, id: &str, name: &str, a: &FisAction, targets: &BTreeMap<String, (String, FisTarget)>, experiment: &str, s: &Scenario, errors: &mut Errors) -> Option<Fault> {
    let Some(&(action_id, key, kind)) = FIS_ACTIONS.iter().find(|(x, _, _)| *x == id) else {
        errors.push(format!("{ap}.actionId"), format!("unknown FIS action `{id}` (Stevedore runs: {})", FIS_ACTIONS.iter().map(|a| a.0).collect::<Vec<_>>().join(", ")));
        return None;
    };
    for other in targets.keys().filter(|k| k.as_str() != key) {
        errors.push(format!("{ap}.targets.{other}"), format!("{action_id} takes one target, \"{key}\""));
    }
    let target = match targets.get(key) {
        Some((path, t)) => super::fault_targets::target(path, kind, t, s, errors),
        None => {
            errors.push(format!("{ap}.targets"), format!("{action_id} needs a target: {{\"{key}\": …}} ({})", kind.as_str()));
            None
        }
    };
    let params = Params { path: format!("{ap}.parameters"), map: a.parameters.clone().unwrap_or_default() };
    let before = errors.list.len();
    let kind = match action_id {
        "aws:ec2:stop-instances" => {
            params.only(action_id, &["startInstancesAfterDuration", "completeIfInstancesTerminated"], errors);
            FaultKind::StopInstances { restart_after_ms: params.duration("startInstancesAfterDuration", false, errors) }
        }
        "aws:ec2:terminate-instances" => {
            params.only(action_id, &[], errors);
            FaultKind::TerminateInstances
        }
        "aws:ecs:stop-task" => {
            params.only(action_id, &[], errors);
            FaultKind::StopTasks
        }
        "aws:ecs:drain-container-instances" => {
            params.only(action_id, &["drainagePercentage", "duration"], errors);
            let percentage = params.percentage("drainagePercentage", None, errors).unwrap_or(0);
            FaultKind::DrainContainerInstances { percentage, duration_ms: params.duration("duration", true, errors).unwrap_or(0) }
        }
        "aws:network:disrupt-connectivity" => {
            params.only(action_id, &["duration", "scope"], errors);
            let scope_all = match params.text("scope").as_deref() {
                None | Some("all") => true,
                Some("availability-zone") => false,
                Some(o) => {
                    errors.push(format!("{}.scope", params.path), format!("`{o}`: Stevedore models scope all and availability-zone (s3, dynamodb and prefix-list reach no part of the cluster)"));
                    true
                }
            };
            FaultKind::DisruptConnectivity { scope_all, duration_ms: params.duration("duration", true, errors).unwrap_or(0) }
        }
        _ => {
            params.only(action_id, &["availabilityZoneIdentifiers", "duration", "percentage"], errors);
            let zones = params.zones("availabilityZoneIdentifiers", s, errors);
            let percentage = params.percentage("percentage", Some(100), errors).unwrap_or(100);
            FaultKind::InsufficientCapacity { zones, percentage, duration_ms: params.duration("duration", true, errors).unwrap_or(0) }
        }
    };
    if errors.list.len() > before {
        return None;
    }
    Some(Fault { experiment: experiment.to_string(), name: name.to_string(), action_id, kind, target: Some(target?) })
}
