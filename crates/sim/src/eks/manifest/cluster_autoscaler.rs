//! `stevedore.dev/v1` `ClusterAutoscaler`: Cluster Autoscaler's command-line flags as a
//! document (spec keys are the flags in camelCase: `--scale-down-unneeded-time` →
//! `scaleDownUnneededTime`), plus the priority expander's ConfigMap `priorities`.

use crate::sort::SortSmall;
use super::read::{self, key_path};
use crate::eks::autoscaler::{Expander, Options};
use crate::error::Errors;
use serde_json::Value;

pub fn cluster_autoscaler(s: &Value, sp: &str, e: &mut Errors) -> Options {
    let mut o = Options::default();
    let dur = |key: &str, e: &mut Errors| -> Option<u64> {
        let text = read::string(s, key, sp, e)?;
        crate::time::parse_duration_ms(&text).map_err(|m| e.push(key_path(sp, key), m)).ok()
    };
    if let Some(v) = dur("scanInterval", e) {
        if v == 0 {
            e.push(key_path(sp, "scanInterval"), "must be more than 0s");
        } else {
            o.scan_interval_ms = v;
        }
    }
    for (key, slot) in [
        ("scaleDownUnneededTime", &mut o.scale_down_unneeded_time_ms),
        ("scaleDownDelayAfterAdd", &mut o.scale_down_delay_after_add_ms),
        ("scaleDownDelayAfterDelete", &mut o.scale_down_delay_after_delete_ms),
        ("scaleDownDelayAfterFailure", &mut o.scale_down_delay_after_failure_ms),
        ("maxNodeProvisionTime", &mut o.max_node_provision_time_ms),
    ] {
        if let Some(v) = dur(key, e) {
            *slot = v;
        }
    }
    for (key, slot) in [
        ("scaleDownEnabled", &mut o.scale_down_enabled),
        ("skipNodesWithSystemPods", &mut o.skip_nodes_with_system_pods),
        ("skipNodesWithLocalStorage", &mut o.skip_nodes_with_local_storage),
        ("ignoreDaemonsetsUtilization", &mut o.ignore_daemonsets_utilization),
    ] {
        if let Some(v) = read::boolean(s, key, sp, e) {
            *slot = v;
        }
    }
    if let Some(x) = read::field(s, "scaleDownUtilizationThreshold") {
        match x.as_f64() {
            Some(t) if (0.0..=1.0).contains(&t) => o.scale_down_utilization_threshold = t,
            _ => e.push(key_path(sp, "scaleDownUtilizationThreshold"), "must be a number from 0 to 1, e.g. 0.5"),
        }
    }
    for (key, slot) in [("maxScaleDownParallelism", &mut o.max_scale_down_parallelism), ("maxDrainParallelism", &mut o.max_drain_parallelism), ("scaleDownNonEmptyCandidatesCount", &mut o.scale_down_non_empty_candidates_count)] {
        if let Some(v) = read::int(s, key, sp, 1, 10_000, e) {
            *slot = v as usize;
        }
    }
    if let Some(v) = read::int(s, "maxNodesTotal", sp, 0, 1_000_000, e) {
        o.max_nodes_total = v;
    }
    let priorities = priorities(s, sp, e);
    if let Some(list) = read::string(s, "expander", sp, e) {
        let mut ex = Vec::new();
        for name in list.split(',').map(str::trim) {
            match name {
                "random" => ex.push(Expander::Random),
                "most-pods" => ex.push(Expander::MostPods),
                "least-waste" => ex.push(Expander::LeastWaste),
                "least-nodes" => ex.push(Expander::LeastNodes),
                "priority" => {
                    if priorities.is_empty() {
                        e.push(key_path(sp, "priorities"), "is required with the priority expander (the cluster-autoscaler-priority-expander ConfigMap)");
                    }
                    ex.push(Expander::Priority(priorities.clone()));
                }
                "price" => e.push(key_path(sp, "expander"), "price is not available on AWS: the AWS cloud provider has no pricing model, so Cluster Autoscaler will not start with it; use least-waste or priority"),
                "grpc" => e.push(key_path(sp, "expander"), "grpc needs an external expander service, which the simulator does not run"),
                other => e.push(key_path(sp, "expander"), format!("{other:?} must be one of random, most-pods, least-waste, least-nodes, priority")),
            }
        }
        if !ex.is_empty() {
            o.expanders = ex;
        }
    }
    o
}

/// `priorities: {"10": [".*spot.*"], "1": [".*"]}`: priority → group-name regexes.
fn priorities(s: &Value, sp: &str, e: &mut Errors) -> Vec<(i64, Vec<String>)> {
    let Some((pp, p)) = read::object(s, "priorities", sp, e) else { return Vec::new() };
    let mut out = Vec::new();
    for (k, _) in p.as_object().into_iter().flatten() {
        let Ok(prio) = k.parse::<i64>() else {
            e.push(key_path(&pp, k), "a priority must be an integer");
            continue;
        };
        let res = read::strings(p, k, &pp, e);
        for (i, r) in res.iter().enumerate() {
            if let Err(err) = crate::regex::Regex::new(r) {
                e.push(format!("{}[{i}]", key_path(&pp, k)), format!("{r:?} is not a regular expression: {err}"));
            }
        }
        out.push((prio, res));
    }
    out.sort_small_by_key(|x| std::cmp::Reverse(x.0));
    out
}
