//! CreateService and RunTask bodies → `ServiceDef` / `RunTaskDef`, with the rules of
//! aws-semantics §1, §3.1, §5.1 and §6.1.

use super::infrastructure::find_target_group;
use super::refs::task_definition_ref;
use super::task_definitions::{constraints, MAX_CONSTRAINTS};
use super::types::*;
use super::{duration_input, list, valid_name, Scenario};
use crate::error::Errors;
use crate::model::*;
use serde_json::{Map, Value};

/// Strategy rules per service or task (BOTO-ECS).
const MAX_STRATEGIES: usize = 5;
/// Capacity providers per strategy: 20 in the current API model (6 in the 2023 guide).
const MAX_PROVIDERS: usize = 20;
/// RunTask launches at most 10 tasks per call (aws-semantics §10).
const MAX_RUN_TASK_COUNT: i64 = 10;

pub fn load(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    if let Some(cluster) = root.get("cluster") {
        if let Some(items) = cluster.get("defaultCapacityProviderStrategy").filter(|v| !v.is_null()) {
            if let Some(items) = super::typed::<Vec<CapacityProviderStrategyItem>>("$.cluster.defaultCapacityProviderStrategy", items, errors) {
                s.default_strategy = provider_strategy("$.cluster.defaultCapacityProviderStrategy", &items, s, errors);
            }
        }
    }
    let inputs: Vec<(String, CreateService)> = list(root, "services", errors);
    for (path, input) in inputs {
        if let Some(service) = service(&path, &input, s, errors) {
            if s.services.iter().any(|x| x.name == service.name) {
                errors.push(format!("{path}.serviceName"), format!("a service named `{}` already exists in the cluster", service.name));
            }
            s.services.push(service);
        }
    }
    let inputs: Vec<(String, RunTask)> = list(root, "tasks", errors);
    for (path, input) in inputs {
        if let Some(t) = run_task(&path, &input, s, errors) {
            s.run_tasks.push(t);
        }
    }
}

pub fn resolve_task_definition(path: &str, reference: Option<&str>, s: &Scenario, errors: &mut Errors) -> Option<usize> {
    let Some(reference) = reference else {
        errors.push(path.to_string(), "required: a task definition family, family:revision or ARN");
        return None;
    };
    let (family, revision) = task_definition_ref(reference);
    let found = s.task_defs.iter().enumerate().filter(|(_, t)| t.family == family && revision.is_none_or(|r| t.revision == r)).map(|(i, _)| i).last();
    if found.is_none() {
        errors.push(path.to_string(), format!("task definition `{reference}` is not registered in taskDefinitions"));
    }
    found
}

fn service(path: &str, input: &CreateService, s: &Scenario, errors: &mut Errors) -> Option<ServiceDef> {
    let before = errors.list.len();
    let name = input.service_name.clone().unwrap_or_default();
    if !valid_name(&name, 255) {
        errors.push(format!("{path}.serviceName"), "required: up to 255 letters, numbers, hyphens and underscores");
    }
    let td_index = resolve_task_definition(&format!("{path}.taskDefinition"), input.task_definition.as_deref(), s, errors);
    let daemon = match input.scheduling_strategy.as_deref() {
        None | Some("REPLICA") => false,
        Some("DAEMON") => true,
        Some(o) => {
            errors.push(format!("{path}.schedulingStrategy"), format!("`{o}` is not REPLICA or DAEMON"));
            false
        }
    };
    let desired_count = match (input.desired_count, daemon) {
        (Some(_), true) => {
            errors.push(format!("{path}.desiredCount"), "a DAEMON service places one task per instance: don't set desiredCount");
            0
        }
        (None, true) => 0,
        (None, false) => {
            errors.push(format!("{path}.desiredCount"), "required for a REPLICA service");
            0
        }
        (Some(n), false) if (0..=5000).contains(&n) => n as u32,
        (Some(n), false) => {
            errors.push(format!("{path}.desiredCount"), format!("{n}: desiredCount is 0-5000 (tasks per service quota)"));
            0
        }
    };
    let launch = launch(path, input.launch_type.as_deref(), input.capacity_provider_strategy.as_deref(), s, errors);
    let td = td_index.map(|i| &s.task_defs[i]);
    let placement = placement(path, input.placement_constraints.as_deref(), input.placement_strategy.as_deref(), td, &launch, s, errors);
    if daemon {
        if launch == Launch::Fargate || matches!(&launch, Launch::Providers(p) if p.iter().any(|x| x.name.starts_with("FARGATE"))) {
            errors.push(format!("{path}.schedulingStrategy"), "the DAEMON scheduling strategy isn't supported on Fargate");
        }
        if input.placement_strategy.as_ref().is_some_and(|p| !p.is_empty()) {
            errors.push(format!("{path}.placementStrategy"), "DAEMON services don't take placement strategies");
        }
    }
    let subnets = network(path, input.network_configuration.as_ref(), td, s, errors);
    let (minimum_healthy_percent, maximum_percent) = deployment(path, input.deployment_configuration.as_ref(), daemon, errors);
    let load_balancers = load_balancers(path, input.load_balancers.as_deref().unwrap_or(&[]), td, s, errors);
    let grace = input.health_check_grace_period_seconds.unwrap_or(0);
    if !(0..=2_147_483_647).contains(&grace) {
        errors.push(format!("{path}.healthCheckGracePeriodSeconds"), "0-2147483647 seconds");
    }
    let platform_version = input.platform_version.clone().unwrap_or_else(|| "LATEST".into());
    if !["LATEST", "1.4.0", "1.3.0"].contains(&platform_version.as_str()) {
        errors.push(format!("{path}.platformVersion"), format!("`{platform_version}` is not LATEST, 1.4.0 or 1.3.0 (1.0.0-1.2.0 are retired)"));
    }
    if errors.list.len() > before {
        return None;
    }
    let mut def = ServiceDef {
        arn: s.arns.service(&name),
        name,
        task_def: td_index?,
        desired_count,
        daemon,
        launch,
        placement,
        subnets,
        load_balancers,
        minimum_healthy_percent,
        maximum_percent,
        health_check_grace_period_s: grace.max(0) as u32,
        platform_version,
        circuit_breaker: circuit_breaker(path, input.deployment_configuration.as_ref(), errors),
        az_rebalancing: false,
    };
    def.az_rebalancing = az_rebalancing(&format!("{path}.availabilityZoneRebalancing"), input.availability_zone_rebalancing.as_deref(), &def, errors);
    Some(def)
}

pub use super::rebalancing::resolve as az_rebalancing;

pub(super) fn run_task(path: &str, input: &RunTask, s: &Scenario, errors: &mut Errors) -> Option<RunTaskDef> {
    let before = errors.list.len();
    let at = input.at.as_ref().map_or(Some(0), |a| duration_input(&format!("{path}.at"), a, errors));
    let td_index = resolve_task_definition(&format!("{path}.taskDefinition"), input.task_definition.as_deref(), s, errors);
    let count = input.count.unwrap_or(1);
    if !(1..=MAX_RUN_TASK_COUNT).contains(&count) {
        errors.push(format!("{path}.count"), format!("{count}: RunTask starts 1-{MAX_RUN_TASK_COUNT} tasks per call"));
    }
    let launch = launch(path, input.launch_type.as_deref(), input.capacity_provider_strategy.as_deref(), s, errors);
    let td = td_index.map(|i| &s.task_defs[i]);
    let placement = placement(path, input.placement_constraints.as_deref(), input.placement_strategy.as_deref(), td, &launch, s, errors);
    let subnets = network(path, input.network_configuration.as_ref(), td, s, errors);
    // Standalone tasks default to the group `family:<family>` (aws-semantics §1.3).
    let group = input.group.clone().unwrap_or_else(|| td.map(|t| format!("family:{}", t.family)).unwrap_or_default());
    if group.len() > 255 {
        errors.push(format!("{path}.group"), "a task group name is at most 255 characters");
    }
    if errors.list.len() > before {
        return None;
    }
    Some(RunTaskDef { at: at?, task_def: td_index?, count: count as u32, group, launch, placement, subnets, started_by: input.started_by.clone() })
}

pub fn launch(path: &str, launch_type: Option<&str>, strategy: Option<&[CapacityProviderStrategyItem]>, s: &Scenario, errors: &mut Errors) -> Launch {
    match (launch_type, strategy) {
        (Some(_), Some(items)) if !items.is_empty() => {
            errors.push(format!("{path}.launchType"), "launchType and capacityProviderStrategy are mutually exclusive");
            Launch::Ec2
        }
        (Some("EC2"), _) => Launch::Ec2,
        (Some("FARGATE"), _) => Launch::Fargate,
        (Some(o), _) => {
            errors.push(format!("{path}.launchType"), format!("`{o}` is not EC2 or FARGATE (EXTERNAL is not modelled)"));
            Launch::Ec2
        }
        (None, Some(items)) if !items.is_empty() => {
            provider_strategy(&format!("{path}.capacityProviderStrategy"), items, s, errors).map_or(Launch::Ec2, Launch::Providers)
        }
        // Neither: the cluster's default capacity provider strategy, else the EC2 launch type.
        (None, _) => s.default_strategy.clone().map_or(Launch::Ec2, Launch::Providers),
    }
}

/// Validates a capacity provider strategy (aws-semantics §3.1).
pub fn provider_strategy(path: &str, items: &[CapacityProviderStrategyItem], s: &Scenario, errors: &mut Errors) -> Option<Vec<ProviderShare>> {
    let before = errors.list.len();
    if items.len() > MAX_PROVIDERS {
        errors.push(path.to_string(), format!("{} providers: a strategy holds at most {MAX_PROVIDERS}", items.len()));
    }
    let mut shares = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if !s.capacity_providers.iter().any(|c| c.name == item.capacity_provider) {
            errors.push(format!("{p}.capacityProvider"), format!("`{}` is not a capacity provider associated with the cluster", item.capacity_provider));
        }
        let weight = item.weight.unwrap_or(0); // API/CLI default 0 (the console's is 1)
        if !(0..=1000).contains(&weight) {
            errors.push(format!("{p}.weight"), format!("{weight}: weight is 0-1000"));
        }
        let base = item.base.unwrap_or(0);
        if !(0..=100_000).contains(&base) {
            errors.push(format!("{p}.base"), format!("{base}: base is 0-100000"));
        }
        if shares.iter().any(|x: &ProviderShare| x.name == item.capacity_provider) {
            errors.push(format!("{p}.capacityProvider"), "a capacity provider appears twice in the strategy");
        }
        shares.push(ProviderShare { name: item.capacity_provider.clone(), weight: weight.clamp(0, 1000) as u32, base: base.clamp(0, 100_000) as u32 });
    }
    if items.iter().filter(|i| i.base.unwrap_or(0) > 0).count() > 1 {
        errors.push(path.to_string(), "only one capacity provider in a strategy can have a base defined");
    }
    if !shares.is_empty() && shares.iter().all(|x| x.weight == 0) {
        errors.push(path.to_string(), "at least one capacity provider must have a weight greater than zero");
    }
    let fargate = shares.iter().filter(|x| x.name.starts_with("FARGATE")).count();
    if fargate > 0 && fargate < shares.len() {
        errors.push(path.to_string(), "a capacity provider strategy can contain Auto Scaling group or Fargate capacity providers, but not both");
    }
    (errors.list.len() == before).then_some(shares)
}

pub fn is_fargate(launch: &Launch) -> bool {
    match launch {
        Launch::Fargate => true,
        Launch::Ec2 => false,
        Launch::Providers(p) => p.iter().any(|x| x.name.starts_with("FARGATE")),
    }
}

fn placement(path: &str, constraints_in: Option<&[PlacementConstraint]>, strategies: Option<&[PlacementStrategy]>, td: Option<&TaskDef>, launch: &Launch, _s: &Scenario, errors: &mut Errors) -> Placement {
    let constraints_in = constraints_in.unwrap_or(&[]);
    let strategies_in = strategies.unwrap_or(&[]);
    if is_fargate(launch) {
        if !constraints_in.is_empty() {
            errors.push(format!("{path}.placementConstraints"), "task placement constraints aren't supported for tasks on Fargate");
        }
        if !strategies_in.is_empty() {
            errors.push(format!("{path}.placementStrategy"), "task placement strategies aren't supported for tasks on Fargate");
        }
        if td.is_some_and(|t| t.network_mode != NetworkMode::Awsvpc) {
            errors.push(format!("{path}.taskDefinition"), "Fargate tasks need a task definition with networkMode awsvpc");
        }
    } else if td.is_some_and(|t| t.requires_fargate && !t.source.get("requiresCompatibilities").and_then(Value::as_array).is_some_and(|c| c.iter().any(|x| x == "EC2"))) {
        errors.push(format!("{path}.taskDefinition"), "this task definition requires FARGATE compatibility but the launch is EC2");
    }
    let mut all = td.map(|t| t.constraints.clone()).unwrap_or_default();
    all.extend(constraints(&format!("{path}.placementConstraints"), constraints_in, false, errors));
    if all.len() > MAX_CONSTRAINTS {
        errors.push(format!("{path}.placementConstraints"), format!("{} constraints including the task definition's: at most {MAX_CONSTRAINTS} per task", all.len()));
    }
    if strategies_in.len() > MAX_STRATEGIES {
        errors.push(format!("{path}.placementStrategy"), format!("{} rules: at most {MAX_STRATEGIES} strategy rules", strategies_in.len()));
    }
    let mut strategies = Vec::new();
    for (i, st) in strategies_in.iter().enumerate() {
        let p = format!("{path}.placementStrategy[{i}]");
        match (st.kind.as_deref(), st.field.as_deref()) {
            (Some("binpack"), Some(f)) if f.eq_ignore_ascii_case("cpu") => strategies.push(Strategy::Binpack(Resource::Cpu)),
            (Some("binpack"), Some(f)) if f.eq_ignore_ascii_case("memory") => strategies.push(Strategy::Binpack(Resource::Memory)),
            (Some("binpack"), f) => errors.push(format!("{p}.field"), format!("binpack takes field cpu or memory, got {}", f.map_or("nothing".into(), |f| format!("`{f}`")))),
            (Some("spread"), Some("instanceId" | "host")) => strategies.push(Strategy::Spread(SpreadField::InstanceId)),
            (Some("spread"), Some(f)) if f.starts_with("attribute:") && f.len() > 10 => strategies.push(Strategy::Spread(SpreadField::Attribute(f[10..].to_string()))),
            (Some("spread"), f) => errors.push(format!("{p}.field"), format!("spread takes instanceId, host or attribute:NAME, got {}", f.map_or("nothing".into(), |f| format!("`{f}`")))),
            (Some("random"), None) => strategies.push(Strategy::Random),
            (Some("random"), Some(_)) => errors.push(format!("{p}.field"), "random takes no field"),
            (Some(o), _) => errors.push(format!("{p}.type"), format!("`{o}` is not random, spread or binpack")),
            (None, _) => errors.push(format!("{p}.type"), "required: random, spread or binpack"),
        }
    }
    if strategies_in.is_empty() {
        strategies = Strategy::service_default();
    }
    Placement { constraints: all, strategies }
}

fn network(path: &str, config: Option<&NetworkConfiguration>, td: Option<&TaskDef>, s: &Scenario, errors: &mut Errors) -> Vec<String> {
    let awsvpc = td.is_some_and(|t| t.network_mode == NetworkMode::Awsvpc);
    let vpc = config.and_then(|c| c.awsvpc_configuration.as_ref());
    let p = format!("{path}.networkConfiguration.awsvpcConfiguration");
    match (awsvpc, vpc) {
        (true, None) => {
            errors.push(format!("{path}.networkConfiguration"), "task definitions with networkMode awsvpc need networkConfiguration.awsvpcConfiguration");
            vec![]
        }
        (false, Some(_)) => {
            errors.push(format!("{path}.networkConfiguration"), "networkConfiguration is only for task definitions with networkMode awsvpc");
            vec![]
        }
        (false, None) => vec![],
        (true, Some(vpc)) => {
            let subnets = vpc.subnets.clone().unwrap_or_default();
            if subnets.is_empty() || subnets.len() > 16 {
                errors.push(format!("{p}.subnets"), "1-16 subnets");
            }
            for (i, id) in subnets.iter().enumerate() {
                if !s.subnets.iter().any(|n| &n.id == id) {
                    let known: Vec<&str> = s.subnets.iter().map(|n| n.id.as_str()).collect();
                    errors.push(format!("{p}.subnets[{i}]"), format!("no subnet `{id}` (known: {})", known.join(", ")));
                }
            }
            if vpc.security_groups.as_ref().is_some_and(|g| g.len() > 5) {
                errors.push(format!("{p}.securityGroups"), "at most 5 security groups");
            }
            if let Some(ip) = vpc.assign_public_ip.as_deref() {
                if !["ENABLED", "DISABLED"].contains(&ip) {
                    errors.push(format!("{p}.assignPublicIp"), "ENABLED or DISABLED");
                }
            }
            subnets
        }
    }
}

fn circuit_breaker(path: &str, config: Option<&DeploymentConfiguration>, errors: &mut Errors) -> Option<bool> {
    let cb = config?.deployment_circuit_breaker.as_ref()?;
    match (cb.enable, cb.rollback) {
        (Some(enable), Some(rollback)) => enable.then_some(rollback),
        _ => {
            errors.push(format!("{path}.deploymentConfiguration.deploymentCircuitBreaker"), "enable and rollback are both required");
            None
        }
    }
}

fn deployment(path: &str, config: Option<&DeploymentConfiguration>, daemon: bool, errors: &mut Errors) -> (u32, u32) {
    let (default_min, default_max) = if daemon { (0, 100) } else { (100, 200) };
    let min = config.and_then(|c| c.minimum_healthy_percent).unwrap_or(default_min);
    let max = config.and_then(|c| c.maximum_percent).unwrap_or(default_max);
    let p = format!("{path}.deploymentConfiguration");
    if !(0..=100).contains(&min) {
        errors.push(format!("{p}.minimumHealthyPercent"), format!("{min}: 0-100"));
    }
    if !(100..=200).contains(&max) && !daemon {
        errors.push(format!("{p}.maximumPercent"), format!("{max}: 100-200 for a REPLICA service (must be at least 100 so a deployment can proceed)"));
    }
    if daemon && max != 100 {
        errors.push(format!("{p}.maximumPercent"), "a DAEMON service's maximumPercent must be 100");
    }
    (min.clamp(0, 100) as u32, max.clamp(0, 200) as u32)
}

fn load_balancers(path: &str, items: &[LoadBalancerRef], td: Option<&TaskDef>, s: &Scenario, errors: &mut Errors) -> Vec<LoadBalancerLink> {
    if items.len() > 5 {
        errors.push(format!("{path}.loadBalancers"), "a service can use at most 5 target groups");
    }
    let mut out = Vec::new();
    for (i, lb) in items.iter().enumerate() {
        let p = format!("{path}.loadBalancers[{i}]");
        let Some(tg_ref) = lb.target_group_arn.as_deref() else {
            errors.push(format!("{p}.targetGroupArn"), "required");
            continue;
        };
        let Some(tg) = find_target_group(&s.target_groups, tg_ref) else {
            errors.push(format!("{p}.targetGroupArn"), format!("no target group `{tg_ref}` in targetGroups"));
            continue;
        };
        let name = lb.container_name.clone().unwrap_or_default();
        let port = lb.container_port.and_then(|p| u16::try_from(p).ok()).unwrap_or(0);
        if let Some(td) = td {
            if !td.ports().any(|(c, pm)| c.name == name && pm.container_port == port) {
                errors.push(format!("{p}.containerPort"), format!("container `{name}` in {} has no port mapping for container port {port}", td.family_revision()));
            }
            let ip = td.network_mode == NetworkMode::Awsvpc;
            if ip != s.target_groups[tg].target_type_ip {
                errors.push(format!("{p}.targetGroupArn"), if ip { "awsvpc tasks register by IP: the target group's TargetType must be ip" } else { "bridge and host tasks register by instance: the target group's TargetType must be instance" });
            }
        }
        out.push(LoadBalancerLink { target_group: tg, container_name: name, container_port: port });
    }
    out
}
