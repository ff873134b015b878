//! Loading a scenario file: JSON text → validated, resolved model. Every violation is
//! collected with its JSON path; nothing here panics on any input.

mod agent_config;
pub use agent_config::AgentSettings;
mod dependent;
mod fault_params;
mod fault_targets;
mod fault_types;
mod faults;
mod power_interruption;
mod infrastructure;
mod log_configuration;
pub mod platform;
mod rebalancing;
mod refs;
pub mod scaling;
pub mod scaling_types;
mod services;
pub mod target_groups;
mod task_definitions;
mod timeline;
pub mod types;
mod wording;

pub use refs::{hex_id, name_of, task_definition_ref, Arns};

use crate::sort::SortSmall;
use crate::error::{Errors, ValidationError};
use crate::model::*;
use crate::time::{parse_duration_ms, parse_iso_seconds, SimTime};
use crate::json::FromJson;
use serde_json::{Map, Value};
use types::*;

const TOP_LEVEL_KEYS: &[&str] = &[
    "stevedore", "name", "description", "seed", "region", "start", "duration", "cluster",
    "containerInstances", "subnets", "autoScalingGroups", "capacityProviders", "taskDefinitions",
    "services", "tasks", "targetGroups", "loadBalancers", "timeline", "narrative", "traffic",
    "scalableTargets", "scalingPolicies", "scheduledActions", "alarms", "spotInterruptions",
    "repositories", "roles", "ssmParameters", "secretsManagerSecrets", "namespaces",
    "discoveryServices", "schedules", "serviceCalls", "variants",
];

/// A lesson's step: what to say at a moment of the run (shown by the app, stepped by a teacher).
#[derive(Debug, Clone, PartialEq)]
pub struct NarrativeStep {
    pub at: SimTime,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct CapacityProviderDef {
    pub name: String,
    /// Index into `Scenario::auto_scaling_groups`; `None` for FARGATE / FARGATE_SPOT.
    pub asg: Option<usize>,
    /// Cluster auto scaling (managedScaling ENABLED).
    pub managed: Option<ManagedScalingDef>,
    pub managed_termination_protection: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ManagedScalingDef {
    pub target_capacity: u32,
    pub min_step: u32,
    pub max_step: u32,
    pub warmup_s: u32,
}

#[derive(Debug, Clone)]
pub struct AutoScalingGroupDef {
    pub name: String,
    pub min_size: u32,
    pub max_size: u32,
    pub desired_capacity: u32,
    pub instance_type: String,
    pub zones: Vec<String>,
    pub spot: bool,
    pub protect_from_scale_in: bool,
    /// One instance spec per zone, to launch more instances at run time.
    pub templates: Vec<crate::model::InstanceSpec>,
    pub iam_instance_profile: Option<String>,
    pub ecs_config: Option<String>,
    /// `Tags` the group puts on its instances.
    pub tags: Option<Vec<types::Tag>>,
}

/// A validated scenario, ready for `Sim::new`.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub start_unix_s: i64,
    pub duration: SimTime,
    pub arns: Arns,
    pub instances: Vec<InstanceSpec>,
    pub subnets: Vec<Subnet>,
    pub auto_scaling_groups: Vec<AutoScalingGroupDef>,
    pub capacity_providers: Vec<CapacityProviderDef>,
    pub default_strategy: Option<Vec<ProviderShare>>,
    pub task_defs: Vec<TaskDef>,
    pub services: Vec<ServiceDef>,
    pub run_tasks: Vec<RunTaskDef>,
    pub target_groups: Vec<TargetGroup>,
    pub load_balancers: Vec<LoadBalancer>,
    pub timeline: Vec<TimedAction>,
    pub narrative: Vec<NarrativeStep>,
    pub traffic: Vec<crate::model::scaling::TargetGroupTraffic>,
    /// Per service index: what a request costs its tasks.
    pub service_load: std::collections::BTreeMap<usize, crate::model::scaling::ServiceLoad>,
    pub scalable_targets: Vec<crate::model::scaling::ScalableTarget>,
    pub policies: Vec<crate::model::scaling::ScalingPolicy>,
    pub alarms: Vec<crate::model::scaling::Alarm>,
    pub scheduled_actions: Vec<crate::model::scaling::ScheduledAction>,
    /// Seeded random Spot interruptions: (who, expected interruptions per hour).
    pub spot_rates: Vec<(SpotPool, f64)>,
    pub repositories: Vec<crate::ecr::Repository>,
    /// `repositories` given: ECR-hosted images must exist in them.
    pub ecr_modelled: bool,
    /// `roles` given: IAM decides what tasks and the agent may do. `None`: everything is allowed.
    pub roles: Option<Vec<crate::iam::Role>>,
    /// SSM parameter names, when `ssmParameters` is given (else every parameter exists).
    pub ssm_parameters: Option<Vec<String>>,
    pub secrets_manager: Option<Vec<crate::model::platform::SecretDef>>,
    pub namespaces: Vec<crate::model::platform::Namespace>,
    pub discovery_services: Vec<crate::model::platform::DiscoveryService>,
    pub registrations: Vec<crate::model::platform::Registration>,
    /// (service, namespace): services with Service Connect enabled, clients included.
    pub service_connect_members: Vec<(usize, usize)>,
    pub schedules: Vec<crate::model::platform::ScheduleDef>,
    pub service_calls: Vec<crate::model::platform::ServiceCall>,
}

/// Whose capacity a random Spot interruption takes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpotPool {
    FargateSpot,
    /// EC2 Spot instances launched by this capacity provider's Auto Scaling group.
    Provider(String),
    /// Every EC2 Spot container instance.
    AllSpotInstances,
}

/// Parses and validates a scenario document. On failure returns *every* violation found.
pub fn load(text: &str) -> Result<Scenario, Vec<ValidationError>> {
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Err(vec![ValidationError {
                path: "$".into(),
                message: format!("not valid JSON at line {}, column {}: {}", e.line(), e.column(), wording::syntax_error(&e.to_string())),
            }])
        }
    };
    let Value::Object(root) = root else {
        return Err(vec![ValidationError { path: "$".into(), message: "a scenario must be a JSON object".into() }]);
    };
    let mut errors = Errors::default();
    let scenario = build(&root, &mut errors);
    if errors.is_empty() {
        crate::limits::check(&scenario, &mut errors);
    }
    if errors.is_empty() {
        Ok(scenario)
    } else {
        Err(dependent::drop_consequences(&root, errors.list))
    }
}

fn build(root: &Map<String, Value>, errors: &mut Errors) -> Scenario {
    for key in root.keys() {
        if !TOP_LEVEL_KEYS.contains(&key.as_str()) {
            errors.push(format!("$.{key}"), format!("unknown key `{key}` (the scenario's keys are: {})", TOP_LEVEL_KEYS.join(", ")));
        }
    }
    match root.get("stevedore") {
        None => {}
        Some(Value::Number(n)) if n.as_u64() == Some(FORMAT_VERSION as u64) => {}
        Some(other) => errors.push("$.stevedore", format!("unsupported format version {other}: this build reads version {FORMAT_VERSION}")),
    }
    let name = string_field(root, "name", errors).unwrap_or_else(|| "Untitled scenario".into());
    let description = string_field(root, "description", errors).unwrap_or_default();
    let seed = match root.get("seed") {
        None => 1,
        Some(v) => v.as_u64().unwrap_or_else(|| {
            errors.push("$.seed", "the seed must be a non-negative integer");
            1
        }),
    };
    let region = string_field(root, "region", errors).unwrap_or_else(|| "us-east-1".into());
    let start_unix_s = match string_field(root, "start", errors) {
        None => 1_704_067_200, // 2024-01-01T00:00:00Z
        Some(s) => parse_iso_seconds(&s).unwrap_or_else(|m| {
            errors.push("$.start", m);
            0
        }),
    };
    let duration = match root.get("duration") {
        None => 3_600_000,
        Some(v) => duration_value("$.duration", v, errors).unwrap_or(0),
    };
    let cluster: CreateCluster = one(root, "cluster", errors).unwrap_or_default();
    let cluster_name = cluster.cluster_name.clone().unwrap_or_else(|| "default".into());
    if !valid_name(&cluster_name, 255) {
        errors.push("$.cluster.clusterName", "a cluster name is 1-255 letters, numbers, hyphens and underscores");
    }
    let arns = Arns::new(&region, &cluster_name);

    let mut scenario = Scenario {
        name,
        description,
        seed,
        start_unix_s,
        duration,
        arns,
        instances: vec![],
        subnets: vec![],
        auto_scaling_groups: vec![],
        capacity_providers: vec![],
        default_strategy: None,
        task_defs: vec![],
        services: vec![],
        run_tasks: vec![],
        target_groups: vec![],
        load_balancers: vec![],
        timeline: vec![],
        narrative: vec![],
        traffic: vec![],
        service_load: Default::default(),
        scalable_targets: vec![],
        policies: vec![],
        alarms: vec![],
        scheduled_actions: vec![],
        spot_rates: vec![],
        repositories: vec![],
        ecr_modelled: false,
        roles: None,
        ssm_parameters: None,
        secrets_manager: None,
        namespaces: vec![],
        discovery_services: vec![],
        registrations: vec![],
        service_connect_members: vec![],
        schedules: vec![],
        service_calls: vec![],
    };
    infrastructure::load(root, &cluster, &mut scenario, errors);
    task_definitions::load(root, &mut scenario, errors);
    services::load(root, &mut scenario, errors);
    scaling::load(root, &mut scenario, errors);
    platform::load(root, &mut scenario, errors);
    timeline::load(root, &mut scenario, errors);
    scenario.narrative = narrative(root, errors);
    scenario.spot_rates = spot_rates(root, &scenario, errors);
    crate::compare::variants(root, errors);
    scenario
}

/// `"spotInterruptions": {"FARGATE_SPOT": {"perHour": 2}, "<provider>": {...}, "spot-instances": {...}}`
fn spot_rates(root: &Map<String, Value>, s: &Scenario, errors: &mut Errors) -> Vec<(SpotPool, f64)> {
    let Some(v) = root.get("spotInterruptions") else { return vec![] };
    let Some(map) = v.as_object() else {
        errors.push("$.spotInterruptions", "an object: {\"FARGATE_SPOT\": {\"perHour\": 2}, ...}");
        return vec![];
    };
    let mut out = Vec::new();
    for (name, rate) in map {
        let path = format!("$.spotInterruptions.{name}");
        let pool = match name.as_str() {
            "FARGATE_SPOT" => SpotPool::FargateSpot,
            "spot-instances" => SpotPool::AllSpotInstances,
            n if s.capacity_providers.iter().any(|c| c.name == n && c.asg.is_some()) => SpotPool::Provider(n.to_string()),
            n => {
                errors.push(path, format!("`{n}` is not FARGATE_SPOT, spot-instances or an Auto Scaling group capacity provider"));
                continue;
            }
        };
        match rate.get("perHour").and_then(Value::as_f64) {
            Some(r) if (0.0..=60.0).contains(&r) => out.push((pool, r)),
            _ => errors.push(format!("{path}.perHour"), "expected interruptions per hour, 0-60"),
        }
    }
    out
}

fn narrative(root: &Map<String, Value>, errors: &mut Errors) -> Vec<NarrativeStep> {
    let steps: Vec<(String, NarrativeInput)> = list(root, "narrative", errors);
    let mut out: Vec<NarrativeStep> = steps
        .into_iter()
        .filter_map(|(path, step)| {
            let at = duration_input(&format!("{path}.at"), &step.at, errors)?;
            if step.text.trim().is_empty() {
                errors.push(format!("{path}.text"), "a narrative step needs text");
            }
            Some(NarrativeStep { at, title: step.title.unwrap_or_default(), text: step.text })
        })
        .collect();
    out.sort_small_by_key(|s| s.at);
    out
}

fn string_field(root: &Map<String, Value>, key: &str, errors: &mut Errors) -> Option<String> {
    match root.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        _ => {
            errors.push(format!("$.{key}"), "must be a string");
            None
        }
    }
}

pub(crate) fn duration_value(path: &str, v: &Value, errors: &mut Errors) -> Option<SimTime> {
    let parsed = match v {
        Value::Number(n) => n.as_f64().map(|s| parse_duration_ms(&s.to_string())).unwrap_or(Err("not a number".into())),
        Value::String(s) => parse_duration_ms(s),
        _ => Err("a duration is a number of seconds or a string such as \"90s\", \"15m\", \"2h\"".into()),
    };
    parsed.map_err(|m| errors.push(path, m)).ok()
}

pub(crate) fn duration_input(path: &str, d: &DurationInput, errors: &mut Errors) -> Option<SimTime> {
    let v = match d {
        DurationInput::Seconds(s) => serde_json::json!(s),
        DurationInput::Text(t) => Value::String(t.clone()),
    };
    duration_value(path, &v, errors)
}

/// Deserializes one object-valued key, reporting type errors with their JSON path.
fn one<T: FromJson>(root: &Map<String, Value>, key: &str, errors: &mut Errors) -> Option<T> {
    let value = root.get(key)?;
    if value.is_null() {
        return None;
    }
    typed(&key_path(key), value, errors)
}

/// Deserializes each entry of a list-valued key on its own, so one bad entry doesn't hide
/// the errors of the others. Returns `(path, entry)` pairs.
fn list<T: FromJson>(root: &Map<String, Value>, key: &str, errors: &mut Errors) -> Vec<(String, T)> {
    list_at(root, "$", key, errors)
}

/// `list` for a key of an object at `prefix` (an EKS Scenario's `spec`, say).
pub(crate) fn list_at<T: FromJson>(root: &Map<String, Value>, prefix: &str, key: &str, errors: &mut Errors) -> Vec<(String, T)> {
    match root.get(key) {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let path = format!("{prefix}.{key}[{i}]");
                typed(&path, item, errors).map(|t| (path, t))
            })
            .collect(),
        Some(_) => {
            errors.push(format!("{prefix}.{key}"), "must be a list");
            vec![]
        }
    }
}

pub(crate) fn typed<T: FromJson>(path: &str, value: &Value, errors: &mut Errors) -> Option<T> {
    match crate::json::read::<T>(value) {
        Ok(t) => Some(t),
        Err(e) => {
            type_error_at(path, &e, errors);
            None
        }
    }
}

// Out of line, not generic: one copy of the path and wording code for every entry type.
#[inline(never)]
fn type_error_at(path: &str, e: &crate::json::JsonError, errors: &mut Errors) {
    let inner = e.path();
    let full = if inner == "." { path.to_string() } else if inner.starts_with('[') { format!("{path}{inner}") } else { format!("{path}.{inner}") };
    errors.push(full, wording::type_error(e.message()));
}

#[inline(never)]
fn key_path(key: &str) -> String {
    format!("$.{key}")
}

#[inline(never)]
/// Letters, numbers, hyphens and underscores, 1..=max characters: the rule for cluster,
/// service, family and target group names.
pub(crate) fn valid_name(name: &str, max: usize) -> bool {
    !name.is_empty() && name.len() <= max && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}
