//! eksctl `ClusterConfig` (`eksctl.io/v1alpha5`): the cluster and its node groups.

use super::pod_spec::taints;
use super::read::{self, key_path};
use crate::catalog::instance_types;
use crate::eks::objects::{ClusterConfig, NodeGroup};
use crate::error::Errors;
use serde_json::Value;

/// eksctl's `DefaultNodeType` and `DefaultNodeCount` (eks-semantics §11.2).
const DEFAULT_NODE_TYPE: &str = "m5.large";
const DEFAULT_NODE_COUNT: i64 = 2;
/// eksctl's default root volume (GiB).
const DEFAULT_VOLUME_GIB: i64 = 80;

pub fn cluster_config(v: &Value, path: &str, e: &mut Errors) -> ClusterConfig {
    let meta = read::object(v, "metadata", path, e);
    let (mp, m) = meta.unwrap_or_else(|| (key_path(path, "metadata"), &Value::Null));
    let name = read::string(m, "name", &mp, e).unwrap_or_default();
    if name.is_empty() {
        e.push(key_path(&mp, "name"), "is required: the cluster's name");
    }
    let region = read::string(m, "region", &mp, e).unwrap_or_default();
    if region.is_empty() {
        e.push(key_path(&mp, "region"), "is required, e.g. us-west-2");
    }
    let availability_zones = zones(v, path, &region, e);
    let mut node_groups = Vec::new();
    for (key, managed) in [("managedNodeGroups", true), ("nodeGroups", false)] {
        for (p, g) in read::list(v, key, path, e) {
            node_groups.push(node_group(g, &p, managed, e));
        }
    }
    for (i, g) in node_groups.iter().enumerate() {
        if node_groups[..i].iter().any(|o| o.name == g.name) {
            e.push(path, format!("node group name \"{}\" is used twice", g.name));
        }
    }
    let subnets = super::vpc::subnets(v, path, &region, e);
    let mut availability_zones = availability_zones;
    if availability_zones.is_empty() {
        // eksctl takes the zones from the subnets when the config names none.
        availability_zones = subnets.iter().map(|s| s.availability_zone.clone()).collect();
    }
    if !subnets.is_empty() {
        // Every zone a node group launches in needs a subnet there.
        for (key, _) in [("managedNodeGroups", true), ("nodeGroups", false)] {
            for (p, g) in read::list(v, key, path, &mut Errors::default()) {
                let mut zones = read::strings(g, "availabilityZones", &p, &mut Errors::default());
                if zones.is_empty() {
                    zones = availability_zones.clone();
                }
                for z in zones.iter().filter(|z| !subnets.iter().any(|s| s.availability_zone == **z)) {
                    e.push(p.clone(), format!("no subnet in {z}: add one under vpc.subnets.private"));
                }
            }
        }
    }
    let prefix_delegation = prefix_delegation(v, path, e);
    ClusterConfig { name, region, availability_zones, node_groups, subnets, prefix_delegation }
}

/// `addons[]`: the `vpc-cni` addon's `configurationValues` (a JSON or YAML string, as the EKS
/// API takes it) may set `env.ENABLE_PREFIX_DELEGATION: "true"`; other addons and keys are
/// accepted and not modelled.
fn prefix_delegation(v: &Value, path: &str, e: &mut Errors) -> bool {
    let mut on = false;
    for (p, a) in read::list(v, "addons", path, e) {
        if read::string(a, "name", &p, e).as_deref() != Some("vpc-cni") {
            continue;
        }
        let Some(text) = read::string(a, "configurationValues", &p, e) else { continue };
        let cp = key_path(&p, "configurationValues");
        match super::yaml::documents(&text).map(|d| d.into_iter().next()) {
            Ok(Some(cfg)) => {
                let flag = cfg.get("env").and_then(|x| x.get("ENABLE_PREFIX_DELEGATION"));
                match flag {
                    None => {}
                    Some(Value::String(s)) if s == "true" => on = true,
                    Some(Value::String(s)) if s == "false" => {}
                    Some(other) => e.push(cp, format!("env.ENABLE_PREFIX_DELEGATION must be the string \"true\" or \"false\", not {other}")),
                }
            }
            Ok(None) => {}
            Err(err) => e.push(cp, format!("is not JSON or YAML: {}", err.message)),
        }
    }
    on
}

fn zones(v: &Value, path: &str, region: &str, e: &mut Errors) -> Vec<String> {
    let zones = read::strings(v, "availabilityZones", path, e);
    for (i, z) in zones.iter().enumerate() {
        if !region.is_empty() && !(z.starts_with(region) && z.len() > region.len()) {
            e.push(format!("{}[{i}]", key_path(path, "availabilityZones")), format!("\"{z}\" is not a zone of region {region}"));
        }
    }
    zones
}

fn node_group(g: &Value, p: &str, managed: bool, e: &mut Errors) -> NodeGroup {
    let name = read::string(g, "name", p, e).unwrap_or_default();
    if name.is_empty() {
        e.push(key_path(p, "name"), "is required");
    }
    let mut instance_types: Vec<String> = read::string(g, "instanceType", p, e).into_iter().collect();
    let list_key = "instanceTypes";
    let listed = read::strings(g, list_key, p, e);
    if !instance_types.is_empty() && !listed.is_empty() {
        e.push(key_path(p, list_key), "set instanceType or instanceTypes, not both");
    }
    for (i, t) in listed.iter().enumerate() {
        check_type(t, &format!("{}[{i}]", key_path(p, list_key)), e);
    }
    if let Some(t) = instance_types.first() {
        check_type(t, &key_path(p, "instanceType"), e);
    }
    instance_types.extend(listed);
    if instance_types.is_empty() {
        instance_types.push(DEFAULT_NODE_TYPE.into());
    }
    let desired = read::int(g, "desiredCapacity", p, 0, 10_000, e);
    let min = read::int(g, "minSize", p, 0, 10_000, e);
    let max = read::int(g, "maxSize", p, 0, 10_000, e);
    // eksctl: min and max default to desired; desired defaults to 2 (or to min when only min is set).
    let desired_v = desired.or(min).unwrap_or(DEFAULT_NODE_COUNT);
    let min_v = min.unwrap_or(desired_v);
    let max_v = max.unwrap_or(desired_v.max(min_v));
    if min_v > desired_v || desired_v > max_v {
        e.push(key_path(p, "desiredCapacity"), format!("must be between minSize ({min_v}) and maxSize ({max_v}), not {desired_v}"));
    }
    NodeGroup {
        name,
        managed,
        instance_types,
        desired: desired_v,
        min: min_v,
        max: max_v,
        spot: read::boolean(g, "spot", p, e).unwrap_or(false),
        labels: read::string_map(g, "labels", p, e),
        taints: taints(g, "taints", p, e),
        max_pods_per_node: read::int(g, "maxPodsPerNode", p, 1, 737, e),
        availability_zones: read::strings(g, "availabilityZones", p, e),
        volume_size_gib: read::int(g, "volumeSize", p, 1, 16_384, e).unwrap_or(DEFAULT_VOLUME_GIB),
    }
}

fn check_type(t: &str, p: &str, e: &mut Errors) {
    if instance_types::lookup(t).is_none() {
        e.push(p, format!("\"{t}\" is not an instance type the simulator knows (e.g. m5.large, c6g.xlarge, t3.medium)"));
    }
}
