//! What a metrics adapter (Prometheus adapter, KEDA, a CloudWatch adapter) would serve the HPA
//! through `custom.metrics.k8s.io` and `external.metrics.k8s.io`, set on the Scenario timeline in
//! `SetPodUsage`'s `{at, action, input}` shape:
//! - `SetPodMetric` `{selector, namespace, metric, value}`: a per-pod value (Pods metrics);
//! - `SetObjectMetric` `{describedObject: {apiVersion, kind, name}, namespace, metric, value}`:
//!   one object's value (Object metrics);
//! - `SetExternalMetric` `{namespace, metric, labels, value}`: one series (External metrics; an
//!   HPA sums the series its `metric.selector` matches — e.g. an SQS queue's depth).
//!
//! Values are Kubernetes quantities (`"120"`, `500m`, `1.5k`), ≥ 0. A later entry for the same
//! pod / object / series replaces an earlier one from its `at` on.

use super::read::{self, key_path};
use crate::eks::selector::{label_selector, LabelSelector, Labels};
use crate::error::Errors;
use crate::sort::SortSmall;
use serde_json::Value;

pub const ACTIONS: &[&str] = &["SetPodMetric", "SetObjectMetric", "SetExternalMetric"];

#[derive(Debug, Clone, PartialEq)]
pub struct PodMetric {
    pub at_s: i64,
    pub namespace: String,
    pub selector: LabelSelector,
    pub metric: String,
    /// Milli-units (`MilliValue`).
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObjectMetric {
    pub at_s: i64,
    pub namespace: String,
    pub kind: String,
    pub name: String,
    pub metric: String,
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExternalMetric {
    pub at_s: i64,
    pub namespace: String,
    pub metric: String,
    /// The series' labels (an HPA's `metric.selector` picks series by them).
    pub labels: Labels,
    pub value: i64,
}

/// Every metric-source entry of the timeline, each list sorted by time (file order within one).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricSources {
    pub pods: Vec<PodMetric>,
    pub objects: Vec<ObjectMetric>,
    pub external: Vec<ExternalMetric>,
}

impl MetricSources {
    pub fn is_empty(&self) -> bool {
        self.pods.is_empty() && self.objects.is_empty() && self.external.is_empty()
    }
}

fn unknown_keys(input: &Value, ip: &str, allowed: &[&str], e: &mut Errors) {
    for k in input.as_object().into_iter().flat_map(|o| o.keys()) {
        if !allowed.contains(&k.as_str()) {
            e.push(key_path(ip, k), format!("is not a key here; keys are {}", allowed.join(", ")));
        }
    }
}

/// A required, non-negative quantity at `input.value`, in milli-units.
fn value(input: &Value, ip: &str, e: &mut Errors) -> Option<i64> {
    let Some(x) = read::field(input, "value") else {
        e.push(key_path(ip, "value"), "is required: a quantity such as \"30\", 500m or 1.5k");
        return None;
    };
    let q = read::quantity(x, &key_path(ip, "value"), e)?;
    if q.millis() < 0 {
        e.push(key_path(ip, "value"), "must not be negative");
        return None;
    }
    Some(q.millis())
}

fn metric_name(input: &Value, ip: &str, e: &mut Errors) -> Option<String> {
    let m = read::string(input, "metric", ip, e);
    if read::field(input, "metric").is_none() {
        e.push(key_path(ip, "metric"), "is required: the metric's name, as the HPA's `metric.name` gives it");
    }
    m.filter(|m| !m.is_empty())
}

pub fn metric_sources(s: &Value, sp: &str, e: &mut Errors) -> MetricSources {
    let mut out = MetricSources::default();
    let need = |action: &str| match action {
        "SetPodMetric" => "{selector, namespace, metric, value}",
        "SetObjectMetric" => "{describedObject: {kind, name}, namespace, metric, value}",
        _ => "{namespace, metric, labels, value}",
    };
    for entry in super::timeline::action_entries(s, sp, ACTIONS, need, e) {
        let (action, at, ip, input) = (entry.action, entry.at, entry.input_path, entry.input);
        let namespace = read::string(input, "namespace", &ip, e).unwrap_or_else(|| "default".into());
        let metric = metric_name(input, &ip, e);
        match action {
            "SetPodMetric" => {
                unknown_keys(input, &ip, &["selector", "namespace", "metric", "value"], e);
                let selector = label_selector(input, "selector", &ip, e);
                if read::field(input, "selector").is_none() {
                    e.push(key_path(&ip, "selector"), "is required (a label selector: {matchLabels: {app: web}})");
                }
                if let (Some(at_s), Some(selector), Some(metric), Some(value)) = (at, selector, metric, value(input, &ip, e)) {
                    out.pods.push(PodMetric { at_s, namespace, selector, metric, value });
                }
            }
            "SetObjectMetric" => {
                unknown_keys(input, &ip, &["describedObject", "namespace", "metric", "value"], e);
                let object = read::object(input, "describedObject", &ip, e);
                if read::field(input, "describedObject").is_none() {
                    e.push(key_path(&ip, "describedObject"), "is required: {apiVersion, kind, name} of the object the metric describes");
                }
                let (kind, name) = match &object {
                    Some((op, o)) => {
                        let kind = read::string(o, "kind", op, e);
                        let name = read::string(o, "name", op, e);
                        let _ = read::string(o, "apiVersion", op, e);
                        for (key, v) in [("kind", &kind), ("name", &name)] {
                            if v.is_none() && read::field(o, key).is_none() {
                                e.push(key_path(op, key), "is required");
                            }
                        }
                        (kind, name)
                    }
                    None => (None, None),
                };
                if let (Some(at_s), Some(kind), Some(name), Some(metric), Some(value)) = (at, kind, name, metric, value(input, &ip, e)) {
                    out.objects.push(ObjectMetric { at_s, namespace, kind, name, metric, value });
                }
            }
            _ => {
                unknown_keys(input, &ip, &["namespace", "metric", "labels", "value"], e);
                let labels = read::string_map(input, "labels", &ip, e);
                if let (Some(at_s), Some(metric), Some(value)) = (at, metric, value(input, &ip, e)) {
                    out.external.push(ExternalMetric { at_s, namespace, metric, labels, value });
                }
            }
        }
    }
    out.pods.sort_small_by_key(|m| m.at_s);
    out.objects.sort_small_by_key(|m| m.at_s);
    out.external.sort_small_by_key(|m| m.at_s);
    out
}
