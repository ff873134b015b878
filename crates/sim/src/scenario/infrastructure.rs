//! Subnets, container instances, Auto Scaling groups, capacity providers, target groups and
//! load balancers.

use super::refs::hex_id;
use super::types::*;
use super::{list, valid_name, AutoScalingGroupDef, CapacityProviderDef, Scenario};
use crate::catalog::{eni, instance_types};
use crate::error::Errors;
use crate::model::*;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// ECS service quota: container instances per cluster (aws-semantics §10).
pub const MAX_INSTANCES: usize = 5000;
/// The agent's default reserved TCP ports on Linux (aws-semantics §5.2).
pub const DEFAULT_RESERVED_PORTS: [u16; 5] = [22, 2375, 2376, 51678, 51679];
/// The kernel's default `ip_local_port_range`, which the agent reads when
/// `ECS_DYNAMIC_HOST_PORT_RANGE` is unset (the guide's "32768 to 61000" example).
pub const DEFAULT_DYNAMIC_RANGE: (u16, u16) = (32768, 60999);

pub fn load(root: &Map<String, Value>, cluster: &CreateCluster, s: &mut Scenario, errors: &mut Errors) {
    let instance_inputs: Vec<(String, ContainerInstanceInput)> = list(root, "containerInstances", errors);
    let asg_inputs: Vec<(String, AutoScalingGroupInput)> = list(root, "autoScalingGroups", errors);
    let subnet_inputs: Vec<(String, SubnetInput)> = list(root, "subnets", errors);

    // Zones named by timeline registrations get default subnets too.
    let later_zones: Vec<String> = root
        .get("timeline")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| e.get("action").and_then(Value::as_str) == Some("RegisterContainerInstance"))
        .filter_map(|e| e.pointer("/input/availabilityZone").and_then(Value::as_str).map(str::to_string))
        .collect();
    load_subnets(&subnet_inputs, &instance_inputs, &asg_inputs, &later_zones, s, errors);
    load_asgs(&asg_inputs, s, errors);
    load_capacity_providers(root, cluster, s, errors);
    s.instances.reserve(instance_inputs.len());
    for (path, input) in &instance_inputs {
        let start = s.instances.len();
        let specs = instances(path, input, None, start, s, errors);
        s.instances.extend(specs);
    }
    launch_asg_instances(s, errors);
    if s.instances.len() > MAX_INSTANCES {
        errors.push("$.containerInstances", format!("{} container instances exceed the ECS quota of {MAX_INSTANCES} per cluster", s.instances.len()));
    }
    load_target_groups(root, s, errors);
    load_load_balancers(root, s, errors);
}

fn load_subnets(inputs: &[(String, SubnetInput)], instances: &[(String, ContainerInstanceInput)], asgs: &[(String, AutoScalingGroupInput)], later_zones: &[String], s: &mut Scenario, errors: &mut Errors) {
    for (i, (path, input)) in inputs.iter().enumerate() {
        let id = input.subnet_id.clone().unwrap_or_else(|| format!("subnet-{}", hex_id(&format!("subnet{i}"), 17)));
        let Some(az) = input.availability_zone.clone() else {
            errors.push(format!("{path}.AvailabilityZone"), "a subnet needs an AvailabilityZone");
            continue;
        };
        let cidr = input.cidr_block.clone().unwrap_or_else(|| format!("10.0.{}.0/24", i % 256));
        match parse_cidr(&cidr) {
            Ok((first_host, usable)) => s.subnets.push(Subnet { id, availability_zone: az, cidr, first_host, usable }),
            Err(m) => errors.push(format!("{path}.CidrBlock"), m),
        }
    }
    if !inputs.is_empty() {
        return;
    }
    // No `subnets` key: one default subnet per Availability Zone in use, like a default VPC.
    let mut zones: BTreeSet<String> = instances.iter().filter_map(|(_, i)| i.availability_zone.clone()).collect();
    zones.extend(asgs.iter().flat_map(|(_, a)| a.availability_zones.clone().unwrap_or_default()));
    zones.extend(later_zones.iter().cloned());
    if zones.is_empty() {
        zones.extend(["a", "b", "c"].map(|z| format!("{}{z}", s.arns.region)));
    }
    for (k, az) in zones.into_iter().enumerate() {
        let cidr = format!("172.31.{}.0/20", (k * 16) % 256);
        if let Ok((first_host, usable)) = parse_cidr(&cidr) {
            s.subnets.push(Subnet { id: format!("subnet-{az}"), availability_zone: az, cidr, first_host, usable });
        }
    }
}

pub use crate::substrate::vpc::parse_cidr;

fn load_asgs(inputs: &[(String, AutoScalingGroupInput)], s: &mut Scenario, errors: &mut Errors) {
    for (path, a) in inputs {
        let Some(name) = a.auto_scaling_group_name.clone() else {
            errors.push(format!("{path}.AutoScalingGroupName"), "required");
            continue;
        };
        let min = a.min_size.unwrap_or(0);
        let max = a.max_size.unwrap_or(0);
        let desired = a.desired_capacity.unwrap_or(min);
        if min < 0 || max < min || desired < min || desired > max {
            errors.push(path.clone(), format!("MinSize ≤ DesiredCapacity ≤ MaxSize must hold (got {min} ≤ {desired} ≤ {max})"));
        }
        // The group's instances join one cluster, so its size is bounded by the cluster's
        // container-instance quota; checked here, before any instance is built from it.
        if max > MAX_INSTANCES as i64 {
            errors.push(format!("{path}.MaxSize"), format!("{max}: an Auto Scaling group registering into one cluster holds at most {MAX_INSTANCES} instances (the ECS quota of container instances per cluster)"));
        }
        let (min, max, desired) = (min.clamp(0, MAX_INSTANCES as i64), max.clamp(0, MAX_INSTANCES as i64), desired.clamp(0, MAX_INSTANCES as i64));
        let instance_type = a.instance_type.clone().unwrap_or_else(|| "m5.large".into());
        if instance_types::lookup(&instance_type).is_none() {
            errors.push(format!("{path}.InstanceType"), format!("unknown instance type `{instance_type}`"));
        }
        let zones = a.availability_zones.clone().unwrap_or_else(|| s.subnets.iter().map(|n| n.availability_zone.clone()).collect());
        let spot = match a.purchase_option.as_deref() {
            None | Some("on-demand") => false,
            Some("spot") => true,
            Some(o) => {
                errors.push(format!("{path}.purchaseOption"), format!("`{o}` is not on-demand or spot"));
                false
            }
        };
        s.auto_scaling_groups.push(AutoScalingGroupDef {
            name,
            min_size: min.max(0) as u32,
            max_size: max.max(0) as u32,
            desired_capacity: desired.max(0) as u32,
            instance_type,
            zones,
            spot,
            protect_from_scale_in: a.new_instances_protected_from_scale_in.unwrap_or(false),
            templates: vec![],
            iam_instance_profile: a.iam_instance_profile.clone(),
            ecs_config: a.ecs_config.clone(),
            tags: a.tags.clone(),
        });
    }
}

fn load_capacity_providers(root: &Map<String, Value>, cluster: &CreateCluster, s: &mut Scenario, errors: &mut Errors) {
    let inputs: Vec<(String, CapacityProviderInput)> = list(root, "capacityProviders", errors);
    for name in ["FARGATE", "FARGATE_SPOT"] {
        s.capacity_providers.push(CapacityProviderDef { name: name.into(), asg: None, managed: None, managed_termination_protection: false });
    }
    for (path, cp) in inputs {
        let Some(name) = cp.name.clone() else {
            errors.push(format!("{path}.name"), "required");
            continue;
        };
        let lower = name.to_ascii_lowercase();
        if ["aws", "ecs", "fargate"].iter().any(|p| lower.starts_with(p)) {
            errors.push(format!("{path}.name"), "a capacity provider name can't be prefixed with \"aws\", \"ecs\", or \"fargate\"");
        }
        if !valid_name(&name, 255) {
            errors.push(format!("{path}.name"), "up to 255 letters, numbers, underscores and hyphens");
        }
        let asg_ref = cp.auto_scaling_group_provider.as_ref().and_then(|p| p.auto_scaling_group_arn.clone());
        let Some(asg_ref) = asg_ref else {
            errors.push(format!("{path}.autoScalingGroupProvider.autoScalingGroupArn"), "required");
            continue;
        };
        let asg_name = asg_ref.rsplit("autoScalingGroupName/").next().unwrap_or(&asg_ref);
        let provider = cp.auto_scaling_group_provider.as_ref();
        let managed = provider.and_then(|p| p.managed_scaling.as_ref()).and_then(|m| managed_scaling(&format!("{path}.autoScalingGroupProvider.managedScaling"), m, errors));
        let protection = match provider.and_then(|p| p.managed_termination_protection.as_deref()) {
            None | Some("DISABLED") => false,
            Some("ENABLED") => true,
            Some(o) => {
                errors.push(format!("{path}.autoScalingGroupProvider.managedTerminationProtection"), format!("`{o}` is not ENABLED or DISABLED"));
                false
            }
        };
        match s.auto_scaling_groups.iter().position(|a| a.name == asg_name) {
            Some(i) => {
                if protection && (managed.is_none() || !s.auto_scaling_groups[i].protect_from_scale_in) {
                    errors.push(format!("{path}.autoScalingGroupProvider.managedTerminationProtection"), "managed termination protection needs managed scaling and an Auto Scaling group with NewInstancesProtectedFromScaleIn");
                }
                s.capacity_providers.push(CapacityProviderDef { name, asg: Some(i), managed, managed_termination_protection: protection })
            }
            None => errors.push(format!("{path}.autoScalingGroupProvider.autoScalingGroupArn"), format!("no Auto Scaling group named `{asg_name}` in autoScalingGroups")),
        }
    }
    if let Some(names) = &cluster.capacity_providers {
        for (i, n) in names.iter().enumerate() {
            if !s.capacity_providers.iter().any(|c| &c.name == n) {
                errors.push(format!("$.cluster.capacityProviders[{i}]"), format!("capacity provider `{n}` is not defined (FARGATE, FARGATE_SPOT or one in capacityProviders)"));
            }
        }
        // Only associated providers may be used; FARGATE/FARGATE_SPOT must be listed too.
        s.capacity_providers.retain(|c| names.contains(&c.name));
    }
}

pub(super) fn instances(path: &str, input: &ContainerInstanceInput, provider: Option<&str>, first_index: usize, s: &Scenario, errors: &mut Errors) -> Vec<InstanceSpec> {
    let count = input.count.unwrap_or(1);
    if !(1..=MAX_INSTANCES as i64).contains(&count) {
        errors.push(format!("{path}.count"), format!("count must be between 1 and {MAX_INSTANCES}"));
        return vec![];
    }
    if count > 1 && input.ec2_instance_id.is_some() {
        errors.push(format!("{path}.ec2InstanceId"), "an ec2InstanceId names one instance; drop it or use count 1");
    }
    let Some(instance_type) = input.instance_type.clone() else {
        errors.push(format!("{path}.instanceType"), "required (e.g. \"m5.large\")");
        return vec![];
    };
    let Some(catalog) = instance_types::lookup(&instance_type) else {
        errors.push(format!("{path}.instanceType"), format!("unknown instance type `{instance_type}` (known families include t3, m5, c6g, r6i; see docs/scenario-format.md)"));
        return vec![];
    };
    let subnet = match (&input.subnet_id, &input.availability_zone) {
        (Some(id), _) => s.subnets.iter().find(|n| &n.id == id).or_else(|| {
            errors.push(format!("{path}.subnetId"), format!("no subnet `{id}`"));
            None
        }),
        (None, Some(az)) => s.subnets.iter().find(|n| &n.availability_zone == az).or_else(|| {
            errors.push(format!("{path}.availabilityZone"), format!("no subnet in `{az}`"));
            None
        }),
        (None, None) => {
            errors.push(format!("{path}.availabilityZone"), "a container instance needs an availabilityZone or a subnetId");
            None
        }
    };
    let Some(subnet) = subnet else { return vec![] };
    let spot = match input.purchase_option.as_deref() {
        None | Some("on-demand") => false,
        Some("spot") => true,
        Some(o) => {
            errors.push(format!("{path}.purchaseOption"), format!("`{o}` is not `on-demand` or `spot`"));
            false
        }
    };
    let attributes = custom_attributes(path, input.attributes.as_deref().unwrap_or(&[]), errors);
    let agent = super::agent_config::settings(path, input, catalog.registered_memory_mib(), &s.arns.cluster, errors);
    let trunking = input.awsvpc_trunking.unwrap_or(false);
    if trunking && !eni::supports_trunking(&instance_type) {
        errors.push(format!("{path}.awsvpcTrunking"), format!("{instance_type} does not support ENI trunking"));
    }
    let registered_at_unix_s = match &input.registered_at {
        None => s.start_unix_s,
        Some(t) => crate::time::parse_iso_seconds(t).unwrap_or_else(|m| {
            errors.push(format!("{path}.registeredAt"), m);
            0
        }),
    };
    let tags = match input.tags.as_deref() {
        None | Some([]) => vec![],
        Some(list) => super::faults::tags(&format!("{path}.tags"), list, errors),
    };
    let one = |k: usize, attributes, agent, tags| InstanceSpec {
        ec2_instance_id: input.ec2_instance_id.clone().unwrap_or_else(|| crate::substrate::ec2::instance_id(&format!("{}#{}", s.arns.cluster, first_index + k))),
        instance_type: catalog.name.to_string(),
        availability_zone: subnet.availability_zone.clone(),
        subnet_id: subnet.id.clone(),
        spot,
        attributes,
        agent_version: input.agent_version.clone().unwrap_or_else(|| "1.89.0".into()),
        registered_at_unix_s,
        ami_id: input.ami_id.clone().unwrap_or_else(|| "ami-0ecs0optimized0".into()),
        awsvpc_trunking: trunking,
        agent,
        capacity_provider: provider.map(str::to_string),
        iam_instance_profile: input.iam_instance_profile.as_deref().map(|p| super::name_of(p).to_string()),
        tags,
        auto_scaling_group: None,
    };
    // The last instance takes the entry's attributes, agent settings and tags; the others copy
    // them (most entries are one instance: loading 5,000 of them copies nothing).
    let last = count as usize - 1;
    let mut out: Vec<InstanceSpec> = (0..last).map(|k| one(k, attributes.clone(), agent.clone(), tags.clone())).collect();
    out.push(one(last, attributes, agent, tags));
    out
}

/// Instances an Auto Scaling group starts with (DesiredCapacity), balanced across its zones,
/// and a template per zone for the instances cluster auto scaling launches later.
fn launch_asg_instances(s: &mut Scenario, errors: &mut Errors) {
    for (gi, g) in s.auto_scaling_groups.clone().iter().enumerate() {
        let provider = s.capacity_providers.iter().find(|c| c.asg == Some(gi)).map(|c| c.name.clone());
        // What the group's launch template makes in one zone.
        let input = |az: &String| ContainerInstanceInput {
            instance_type: Some(g.instance_type.clone()),
            availability_zone: Some(az.clone()),
            purchase_option: Some(if g.spot { "spot" } else { "on-demand" }.into()),
            iam_instance_profile: g.iam_instance_profile.clone(),
            tags: g.tags.clone(),
            ..Default::default()
        };
        // The launch template's ecs.config, read once for the group (each zone's template and
        // each instance carry it) so a bad line is reported once, at the group.
        let agent = g.ecs_config.as_ref().map(|text| {
            let with_config = ContainerInstanceInput { ecs_config: Some(text.clone()), ..input(&String::new()) };
            let memory = instance_types::lookup(&g.instance_type).map_or(u32::MAX, |c| c.registered_memory_mib());
            super::agent_config::settings(&format!("$.autoScalingGroups[{gi}]"), &with_config, memory, &s.arns.cluster, errors)
        });
        let apply = |specs: &mut Vec<InstanceSpec>| {
            if let Some(a) = &agent {
                specs.iter_mut().for_each(|spec| spec.agent = a.clone());
            }
        };
        // The group owns what it launches, and tags it as EC2 Auto Scaling does.
        let owned = |mut specs: Vec<InstanceSpec>| {
            for spec in &mut specs {
                spec.auto_scaling_group = Some(gi);
                spec.tags.push(("aws:autoscaling:groupName".into(), g.name.clone()));
            }
            specs
        };
        let mut templates = Vec::new();
        for az in &g.zones {
            let input = input(az);
            let mut specs = owned(instances(&format!("$.autoScalingGroups[{gi}].AvailabilityZones"), &input, provider.as_deref(), 0, s, errors));
            apply(&mut specs);
            templates.extend(specs);
        }
        s.auto_scaling_groups[gi].templates = templates;
        for k in 0..g.desired_capacity as usize {
            let Some(az) = g.zones.get(k % g.zones.len().max(1)) else { break };
            let input = input(az);
            let path = format!("$.autoScalingGroups[{gi}]");
            let start = s.instances.len();
            let mut specs = owned(instances(&path, &input, provider.as_deref(), start, s, errors));
            apply(&mut specs);
            s.instances.extend(specs);
        }
    }
}

fn custom_attributes(path: &str, attrs: &[KeyValue], errors: &mut Errors) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, kv) in attrs.iter().enumerate() {
        let p = format!("{path}.attributes[{i}]");
        let name = kv.name.clone().unwrap_or_default();
        let value = kv.value.clone().unwrap_or_default();
        let name_ok = (1..=128).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_/\\.".contains(c));
        if !name_ok {
            errors.push(format!("{p}.name"), "an attribute name is 1-128 letters, numbers, hyphens, underscores, slashes, backslashes or periods");
        }
        let value_ok = (1..=128).contains(&value.len())
            && value.trim() == value
            && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.@/\\: ".contains(c));
        if !value_ok {
            errors.push(format!("{p}.value"), "an attribute value is 1-128 letters, numbers, hyphens, underscores, periods, @, /, \\, colons or spaces, with no leading or trailing space");
        }
        if name.starts_with("ecs.") {
            errors.push(format!("{p}.name"), "the ecs. prefix is reserved for built-in attributes");
        }
        out.push((name, value));
    }
    out
}

pub fn parse_port_range(text: &str) -> Result<(u16, u16), String> {
    let bad = || format!("`{text}` is not a port range such as 100-200");
    let (a, b) = text.split_once('-').ok_or_else(bad)?;
    let (a, b): (u16, u16) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
    if a == 0 || a > b {
        return Err(bad());
    }
    Ok((a, b))
}

fn load_target_groups(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    let inputs: Vec<(String, CreateTargetGroup)> = list(root, "targetGroups", errors);
    for (path, tg) in inputs {
        let Some(name) = tg.name.clone() else {
            errors.push(format!("{path}.Name"), "required");
            continue;
        };
        if name.is_empty() || name.len() > 32 || name.starts_with('-') || name.ends_with('-') || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            errors.push(format!("{path}.Name"), "a target group name is 1-32 letters, numbers and hyphens, not starting or ending with a hyphen");
        }
        let target_type_ip = match tg.target_type.as_deref() {
            None | Some("instance") => false,
            Some("ip") => true,
            Some(t) => {
                errors.push(format!("{path}.TargetType"), format!("`{t}` is not one of instance, ip (lambda and alb targets are not modelled)"));
                false
            }
        };
        let protocol = tg.protocol.clone().unwrap_or_else(|| "HTTP".into());
        if !["HTTP", "HTTPS", "TCP", "UDP", "TLS", "TCP_UDP"].contains(&protocol.as_str()) {
            errors.push(format!("{path}.Protocol"), format!("`{protocol}` is not one of HTTP, HTTPS, TCP, UDP, TLS, TCP_UDP"));
        }
        let port = ranged(&format!("{path}.Port"), tg.port, 80, 1, 65535, errors) as u16;
        let health_check = super::target_groups::health_check(&path, &tg, &protocol, errors);
        let (mut deregistration_delay_s, mut slow_start_s, mut least_outstanding_requests, mut cross_zone) = (300, 0, false, None);
        for (i, a) in tg.attributes.iter().flatten().enumerate() {
            let value = a.value.as_deref().unwrap_or_default();
            let vp = format!("{path}.Attributes[{i}].Value");
            match a.key.as_deref() {
                Some("deregistration_delay.timeout_seconds") => match value.parse::<u32>() {
                    Ok(v) if v <= 3600 => deregistration_delay_s = v,
                    _ => errors.push(vp, "deregistration_delay.timeout_seconds is 0-3600"),
                },
                Some("slow_start.duration_seconds") => match value.parse::<u32>() {
                    Ok(v) if v == 0 || (30..=900).contains(&v) => slow_start_s = v,
                    _ => errors.push(vp, "slow_start.duration_seconds is 30-900, or 0 to turn it off"),
                },
                // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/disable-cross-zone.html
                Some("load_balancing.cross_zone.enabled") => match value {
                    "true" => cross_zone = Some(true),
                    "false" => cross_zone = Some(false),
                    "use_load_balancer_configuration" => cross_zone = None,
                    _ => errors.push(vp, "load_balancing.cross_zone.enabled is true, false or use_load_balancer_configuration"),
                },
                Some("load_balancing.algorithm.type") => match value {
                    "round_robin" => least_outstanding_requests = false,
                    "least_outstanding_requests" => least_outstanding_requests = true,
                    "weighted_random" => {}
                    _ => errors.push(vp, "load_balancing.algorithm.type is round_robin, least_outstanding_requests or weighted_random"),
                },
                _ => {}
            }
        }
        let tcp_family = super::target_groups::network_protocol(&protocol);
        if tcp_family && (slow_start_s > 0 || least_outstanding_requests) {
            errors.push(format!("{path}.Attributes"), "slow start and the least outstanding requests algorithm are Application Load Balancer features; network load balancers route by flow hash");
        }
        if slow_start_s > 0 && least_outstanding_requests {
            errors.push(format!("{path}.Attributes"), "slow start can't be combined with the least outstanding requests algorithm");
        }
        let arn = s.arns.target_group(&name);
        s.target_groups.push(TargetGroup {
            name,
            arn,
            protocol,
            port,
            target_type_ip,
            interval_s: health_check.interval_s,
            healthy_threshold: health_check.healthy_threshold,
            unhealthy_threshold: health_check.unhealthy_threshold,
            deregistration_delay_s,
            slow_start_s,
            least_outstanding_requests,
            cross_zone,
            health_check_path: health_check.path.clone().unwrap_or_default(),
            health_check_protocol: health_check.protocol.clone(),
            health_check,
        });
    }
}

fn managed_scaling(path: &str, m: &ManagedScaling, errors: &mut Errors) -> Option<super::ManagedScalingDef> {
    match m.status.as_deref() {
        Some("ENABLED") => {}
        None | Some("DISABLED") => return None,
        Some(o) => {
            errors.push(format!("{path}.status"), format!("`{o}` is not ENABLED or DISABLED"));
            return None;
        }
    }
    let def = super::ManagedScalingDef {
        target_capacity: ranged(&format!("{path}.targetCapacity"), m.target_capacity, 100, 1, 100, errors),
        min_step: ranged(&format!("{path}.minimumScalingStepSize"), m.minimum_scaling_step_size, 1, 1, 10_000, errors),
        max_step: ranged(&format!("{path}.maximumScalingStepSize"), m.maximum_scaling_step_size, 10_000, 1, 10_000, errors),
        warmup_s: ranged(&format!("{path}.instanceWarmupPeriod"), m.instance_warmup_period, 300, 0, 10_000, errors),
    };
    if def.min_step > def.max_step {
        errors.push(format!("{path}.minimumScalingStepSize"), "can't exceed maximumScalingStepSize");
    }
    Some(def)
}

pub(crate) fn ranged(path: &str, value: Option<i64>, default: u32, min: u32, max: u32, errors: &mut Errors) -> u32 {
    match value {
        None => default,
        Some(v) if (i64::from(min)..=i64::from(max)).contains(&v) => v as u32,
        Some(v) => {
            errors.push(path.to_string(), format!("{v} is outside the allowed range {min}-{max}"));
            default
        }
    }
}

/// Resolves a target group by ARN or name.
pub fn find_target_group(groups: &[TargetGroup], reference: &str) -> Option<usize> {
    groups.iter().position(|g| g.arn == reference || g.name == reference || reference.contains(&format!("targetgroup/{}/", g.name)))
}

fn load_load_balancers(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    let inputs: Vec<(String, CreateLoadBalancer)> = list(root, "loadBalancers", errors);
    for (path, lb) in inputs {
        let Some(name) = lb.name.clone() else {
            errors.push(format!("{path}.Name"), "required");
            continue;
        };
        let kind = lb.kind.clone().unwrap_or_else(|| "application".into());
        if !["application", "network"].contains(&kind.as_str()) {
            errors.push(format!("{path}.Type"), format!("`{kind}` is not application or network"));
        }
        let network = kind == "network";
        let mut listeners = Vec::new();
        for (i, l) in lb.listeners.iter().flatten().enumerate() {
            let lp = format!("{path}.Listeners[{i}]");
            let port = ranged(&format!("{lp}.Port"), l.port, 80, 1, 65535, errors) as u16;
            let protocol = l.protocol.clone().unwrap_or_else(|| if network { "TCP" } else { "HTTP" }.into());
            // ELBv2: an ALB listens on HTTP/HTTPS, an NLB on TCP/UDP/TLS/TCP_UDP.
            let allowed: &[&str] = if network { &["TCP", "UDP", "TLS", "TCP_UDP"] } else { &["HTTP", "HTTPS"] };
            if !allowed.contains(&protocol.as_str()) {
                errors.push(format!("{lp}.Protocol"), format!("`{protocol}`: a{} load balancer's listeners use {}", if network { " network" } else { "n application" }, allowed.join(", ")));
            }
            let tg = l.default_actions.iter().flatten().find_map(|a| a.target_group_arn.clone());
            let tg_index = tg.as_deref().and_then(|r| {
                let found = find_target_group(&s.target_groups, r);
                if found.is_none() {
                    errors.push(format!("{lp}.DefaultActions"), format!("no target group `{r}`"));
                }
                found
            });
            if let Some(g) = tg_index.map(|t| &s.target_groups[t]) {
                let tcp_family = ["TCP", "UDP", "TLS", "TCP_UDP"].contains(&g.protocol.as_str());
                if tcp_family != network {
                    errors.push(format!("{lp}.DefaultActions"), format!("target group {} uses {}: {} target groups belong to {} load balancers", g.name, g.protocol, g.protocol, if tcp_family { "network" } else { "application" }));
                } else if network && protocol != g.protocol && !(protocol == "TLS" && g.protocol == "TCP") {
                    errors.push(format!("{lp}.Protocol"), format!("a {protocol} listener forwards to a {protocol} target group, not {}", g.protocol));
                }
            }
            listeners.push((protocol, port, tg_index));
        }
        // "With Application Load Balancers, cross-zone load balancing is always turned on at the
        // load balancer level, and cannot be turned off"; "With Network Load Balancers,
        // cross-zone load balancing is off by default at the load balancer level".
        // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-cross-zone.html
        let mut cross_zone = !network;
        for (i, a) in lb.attributes.iter().flatten().enumerate() {
            let vp = format!("{path}.Attributes[{i}].Value");
            match (a.key.as_deref(), a.value.as_deref().unwrap_or_default()) {
                (Some("load_balancing.cross_zone.enabled"), "true") => cross_zone = true,
                (Some("load_balancing.cross_zone.enabled"), "false") if network => cross_zone = false,
                (Some("load_balancing.cross_zone.enabled"), "false") => errors.push(vp, "an Application Load Balancer always has cross-zone load balancing on; turn it off on a target group instead"),
                (Some("load_balancing.cross_zone.enabled"), _) => errors.push(vp, "load_balancing.cross_zone.enabled is true or false"),
                (key, _) => errors.push(format!("{path}.Attributes[{i}].Key"), format!("`{}` is not a load balancer attribute Stevedore models (load_balancing.cross_zone.enabled)", key.unwrap_or_default())),
            }
        }
        let arn = s.arns.load_balancer(&name, network);
        s.load_balancers.push(LoadBalancer { name, arn, kind, listeners, cross_zone });
    }
}
