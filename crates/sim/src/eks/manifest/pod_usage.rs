//! `SetPodUsage` on the Scenario timeline: what metrics-server reports for the matching pods
//! from that instant on, in the ECS timeline's shape:
//! `{"at": "2m", "action": "SetPodUsage", "input": {"selector": {"matchLabels": {"app": "web"}},
//! "namespace": "default", "cpu": "400m", "memory": "300Mi"}}`.

use crate::sort::SortSmall;
use super::read::{self, key_path};
use crate::eks::selector::{label_selector, LabelSelector};
use crate::error::Errors;
use serde_json::Value;

/// The timeline actions other than kubectl words.
pub const ACTIONS: &str = "`SetPodUsage`, `SetPodMetric`, `SetObjectMetric`, `SetExternalMetric`, `SpotInterruption`, `RebalanceRecommendation`, `CallAwsApi`";

#[derive(Debug, Clone, PartialEq)]
pub struct PodUsage {
    pub at_s: i64,
    pub namespace: String,
    pub selector: LabelSelector,
    /// Per-pod usage: millicores, and memory in milli-bytes (the HPA's `MilliValue`); None
    /// leaves that resource as an earlier entry set it.
    pub cpu_m: Option<i64>,
    pub memory_milli: Option<i64>,
    /// `cpuTotal`: millicores of load shared evenly by the Running pods the entry matches at
    /// each sample (traffic spread over the replicas, as ECS's request-cost model spreads it
    /// over the tasks); replaces `cpu` for those pods.
    pub cpu_total_m: Option<i64>,
}

/// Every `spec.timeline[]` entry with an `action`, sorted by time (file order within one).
pub fn pod_usage(s: &Value, sp: &str, e: &mut Errors) -> Vec<PodUsage> {
    let mut out = Vec::new();
    let Some(Value::Array(items)) = read::field(s, "timeline") else { return out };
    for (j, item) in items.iter().enumerate() {
        let p = format!("{}.timeline[{j}]", sp);
        let Some(action) = read::field(item, "action") else { continue };
        if action.as_str().is_some_and(|a| super::aws_actions::ACTIONS.contains(&a) || super::metric_sources::ACTIONS.contains(&a)) {
            continue; // read by `aws_actions` / `metric_sources`
        }
        if action.as_str() != Some("SetPodUsage") {
            e.push(key_path(&p, "action"), format!("{action} is not an action; actions are {ACTIONS} (or give `kubectl` words)"));
            continue;
        }
        let at = super::timeline::action_at(item, &p, e);
        let Some((ip, input)) = read::object(item, "input", &p, e) else {
            if read::field(item, "input").is_none() {
                e.push(key_path(&p, "input"), "is required: {selector, namespace, cpu, memory}");
            }
            continue;
        };
        let selector = label_selector(input, "selector", &ip, e);
        if selector.is_none() && read::field(input, "selector").is_none() {
            e.push(key_path(&ip, "selector"), "is required (a label selector: {matchLabels: {app: web}})");
        }
        let namespace = read::string(input, "namespace", &ip, e).unwrap_or_else(|| "default".into());
        let q = |key: &str, e: &mut Errors| read::field(input, key).and_then(|x| read::quantity(x, &key_path(&ip, key), e));
        let cpu_m = q("cpu", e).map(|x| x.millis());
        let cpu_total_m = q("cpuTotal", e).map(|x| x.millis());
        if cpu_m.is_some() && cpu_total_m.is_some() {
            e.push(key_path(&ip, "cpuTotal"), "give `cpu` (per pod) or `cpuTotal` (shared by the pods), not both");
        }
        let memory_milli = q("memory", e).map(|x| x.value().saturating_mul(1000));
        if read::field(input, "cpu").is_none() && read::field(input, "memory").is_none() && read::field(input, "cpuTotal").is_none() {
            e.push(key_path(&ip, "cpu"), "SetPodUsage needs `cpu`, `cpuTotal` or `memory` (per pod, e.g. \"250m\", \"300Mi\")");
        }
        if let (Some(at_s), Some(selector)) = (at, selector) {
            out.push(PodUsage { at_s, namespace, selector, cpu_m: cpu_m.filter(|_| cpu_total_m.is_none()), memory_milli, cpu_total_m });
        }
    }
    out.sort_small_by_key(|u| u.at_s);
    out
}
