//! FIS experiment targets: `resourceType`, `resourceArns`, `resourceTags`, `filters`,
//! `selectionMode` and (tasks) `parameters` (https://docs.aws.amazon.com/fis/latest/userguide/targets.html).

use crate::sort::SortSmall;
use super::fault_types::FisTarget;
use super::Scenario;
use crate::error::Errors;
use crate::model::faults::*;

/// The scenario's Availability Zones: its subnets' and its Auto Scaling groups'.
pub fn known_zone(zone: &str, s: &Scenario) -> Result<(), String> {
    let mut zones: Vec<&str> = s.subnets.iter().map(|n| n.availability_zone.as_str()).collect();
    zones.extend(s.auto_scaling_groups.iter().flat_map(|g| g.zones.iter().map(String::as_str)));
    zones.sort_small();
    zones.dedup();
    if zones.contains(&zone) {
        Ok(())
    } else {
        Err(format!("no Availability Zone `{zone}` in this scenario (zones: {})", zones.join(", ")))
    }
}

/// `ALL`, `COUNT(n)`, `PERCENT(n)`.
fn selection(path: &str, mode: Option<&str>, errors: &mut Errors) -> Option<Selection> {
    let Some(mode) = mode else {
        errors.push(path.to_string(), "required: ALL, COUNT(n) or PERCENT(n)");
        return None;
    };
    let inner = |prefix: &str| mode.strip_prefix(prefix).and_then(|r| r.strip_suffix(')')).map(|n| n.trim().parse::<u32>());
    match (mode, inner("COUNT("), inner("PERCENT(")) {
        ("ALL", _, _) => Some(Selection::All),
        (_, Some(Ok(n)), _) if n >= 1 => Some(Selection::Count(n)),
        (_, _, Some(Ok(n))) if (1..=100).contains(&n) => Some(Selection::Percent(n)),
        (_, _, Some(_)) => {
            errors.push(path.to_string(), format!("`{mode}`: PERCENT(n) takes a percentage from 1 to 100"));
            None
        }
        _ => {
            errors.push(path.to_string(), format!("`{mode}` is not ALL, COUNT(n) (n ≥ 1) or PERCENT(n) (1-100)"));
            None
        }
    }
}

/// The id an ARN names: the part after the resource type's `/` (or the text itself).
fn id_of(reference: &str) -> String {
    match reference.starts_with("arn:") {
        true => reference.rsplit('/').next().unwrap_or(reference).to_string(),
        false => reference.to_string(),
    }
}

fn filter_path(kind: ResourceType, path: &str) -> Option<FilterPath> {
    match (kind, path) {
        (ResourceType::Instance, "Placement.AvailabilityZone") => Some(FilterPath::AvailabilityZone),
        (ResourceType::Instance | ResourceType::Subnet, "SubnetId") => Some(FilterPath::SubnetId),
        (ResourceType::Instance, "InstanceType") => Some(FilterPath::InstanceType),
        (ResourceType::Instance, "State.Name") => Some(FilterPath::StateName),
        (ResourceType::Subnet | ResourceType::Task, "AvailabilityZone") => Some(FilterPath::AvailabilityZone),
        _ => None,
    }
}

fn filter_paths(kind: ResourceType) -> &'static str {
    match kind {
        ResourceType::Instance => "Placement.AvailabilityZone, SubnetId, InstanceType, State.Name",
        ResourceType::Subnet => "AvailabilityZone, SubnetId",
        ResourceType::Task => "AvailabilityZone",
        _ => "none",
    }
}

pub fn target(tp: &str, kind: ResourceType, t: &FisTarget, s: &Scenario, errors: &mut Errors) -> Option<FaultTarget> {
    let before = errors.list.len();
    if let Some(rt) = &t.resource_type {
        if rt != kind.as_str() {
            errors.push(format!("{tp}.resourceType"), format!("`{rt}`: this action's target is {}", kind.as_str()));
        }
    }
    let selection = selection(&format!("{tp}.selectionMode"), t.selection_mode.as_deref(), errors);
    if t.resource_arns.is_some() && t.resource_tags.is_some() {
        errors.push(tp.to_string(), "give resourceArns or resourceTags, not both");
    }
    let ids: Vec<String> = t.resource_arns.iter().flatten().map(|a| id_of(a)).collect();
    for (k, id) in ids.iter().enumerate() {
        let path = format!("{tp}.resourceArns[{k}]");
        let known = match kind {
            ResourceType::Subnet => s.subnets.iter().any(|n| &n.id == id),
            ResourceType::Cluster => *id == s.arns.cluster,
            ResourceType::AutoScalingGroup => s.auto_scaling_groups.iter().any(|g| &g.name == id),
            ResourceType::Instance => id.starts_with("i-"),
            ResourceType::Task => !id.is_empty(),
        };
        if !known {
            errors.push(path, format!("`{id}` names no {} in this scenario", kind.as_str()));
        }
    }
    let tags: Vec<(String, String)> = t.resource_tags.clone().unwrap_or_default().into_iter().collect();
    if !tags.is_empty() && kind != ResourceType::Instance {
        errors.push(format!("{tp}.resourceTags"), format!("Stevedore selects {} by resourceArns or filters, not tags", kind.as_str()));
    }
    let mut filters = Vec::new();
    for (k, f) in t.filters.iter().flatten().enumerate() {
        let fp = format!("{tp}.filters[{k}]");
        let path = f.path.clone().unwrap_or_default();
        let Some(p) = filter_path(kind, &path) else {
            errors.push(format!("{fp}.path"), format!("`{path}`: filters on {} take {}", kind.as_str(), filter_paths(kind)));
            continue;
        };
        let values = f.values.clone().unwrap_or_default();
        if values.is_empty() {
            errors.push(format!("{fp}.values"), "a filter needs at least one value");
        }
        if p == FilterPath::AvailabilityZone {
            for (j, z) in values.iter().enumerate() {
                if let Err(m) = known_zone(z, s) {
                    errors.push(format!("{fp}.values[{j}]"), m);
                }
            }
        }
        filters.push((p, values));
    }
    let mut service = None;
    for (key, value) in t.parameters.clone().unwrap_or_default() {
        match (kind, key.as_str()) {
            (ResourceType::Task, "cluster") if super::name_of(&value) == s.arns.cluster => {}
            (ResourceType::Task, "cluster") => errors.push(format!("{tp}.parameters.cluster"), format!("`{value}` is not this scenario's cluster `{}`", s.arns.cluster)),
            (ResourceType::Task, "service") if s.services.iter().any(|x| x.name == super::name_of(&value)) => service = Some(super::name_of(&value).to_string()),
            (ResourceType::Task, "service") => errors.push(format!("{tp}.parameters.service"), format!("no service `{value}`")),
            _ => errors.push(format!("{tp}.parameters.{key}"), format!("{} targets take {}", kind.as_str(), if kind == ResourceType::Task { "parameters cluster and service" } else { "no parameters" })),
        }
    }
    let cluster_implied = kind == ResourceType::Cluster;
    if ids.is_empty() && tags.is_empty() && filters.is_empty() && service.is_none() && !cluster_implied {
        errors.push(tp.to_string(), "a target needs resourceArns, resourceTags or filters to select resources");
    }
    if errors.list.len() > before {
        return None;
    }
    Some(FaultTarget { resource_type: kind, ids, tags, filters, selection: selection?, service })
}
