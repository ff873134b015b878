//! HorizontalPodAutoscalers as `kubectl get hpa -o json` prints them (`autoscaling/v2`), and
//! the `kubectl get hpa` row's TARGETS text.

use super::engine::hpa_sync::HpaState;
use super::hpa::{MetricSpec, Target};
use crate::time::format_iso;
use serde_json::{json, Value};

/// A milli-unit value as a Kubernetes quantity: `250m`, `2`, memory in `Mi`/`Gi`/`Ki` when exact.
pub fn quantity(milli: i64, memory: bool) -> String {
    if memory && milli % 1000 == 0 {
        let b = milli / 1000;
        for (unit, size) in [("Gi", 1_i64 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
            if b != 0 && b % size == 0 {
                return format!("{}{unit}", b / size);
            }
        }
        return b.to_string();
    }
    if milli % 1000 != 0 {
        return format!("{milli}m");
    }
    // DecimalSI's canonical form: the largest power-of-1000 suffix that keeps an integer.
    let units = milli / 1000;
    for (suffix, size) in [("E", 1_000_000_000_000_000_000_i64), ("P", 1_000_000_000_000_000), ("T", 1_000_000_000_000), ("G", 1_000_000_000), ("M", 1_000_000), ("k", 1000)] {
        if units != 0 && units % size == 0 {
            return format!("{}{suffix}", units / size);
        }
    }
    units.to_string()
}

fn is_memory(m: &MetricSpec) -> bool {
    matches!(m, MetricSpec::Resource { name: super::hpa::ResourceName::Memory, .. })
}

fn target_json(t: Target, memory: bool) -> Value {
    match t {
        Target::Utilization(u) => json!({"type": "Utilization", "averageUtilization": u}),
        Target::AverageValue(v) => json!({"type": "AverageValue", "averageValue": quantity(v, memory)}),
        Target::Value(v) => json!({"type": "Value", "value": quantity(v, memory)}),
    }
}

/// A `metav1.LabelSelector` as the API prints it (empty parts left out).
fn selector_json(s: &crate::eks::selector::LabelSelector) -> Value {
    let mut o = serde_json::Map::new();
    if !s.match_labels.is_empty() {
        o.insert("matchLabels".into(), json!(s.match_labels));
    }
    if !s.match_expressions.is_empty() {
        let exprs: Vec<Value> = s.match_expressions.iter().map(|r| json!({"key": r.key, "operator": format!("{:?}", r.op), "values": r.values})).collect();
        o.insert("matchExpressions".into(), json!(exprs));
    }
    Value::Object(o)
}

/// `MetricIdentifier`: the name, and the selector when the spec gives one.
fn identifier(metric: &str, selector: &Option<crate::eks::selector::LabelSelector>) -> Value {
    let mut id = json!({"name": metric});
    if let Some(s) = selector {
        id["selector"] = selector_json(s);
    }
    id
}

/// The metric's source object with `target` or `current` (`key`) set to `body`.
fn source_json(m: &MetricSpec, key: &str, body: Value) -> Value {
    match m {
        MetricSpec::Resource { name, container: None, .. } => json!({"type": "Resource", "resource": {"name": name.as_str(), key: body}}),
        MetricSpec::Resource { name, container: Some(c), .. } => json!({"type": "ContainerResource", "containerResource": {"name": name.as_str(), "container": c, key: body}}),
        MetricSpec::Pods { metric, selector, .. } => json!({"type": "Pods", "pods": {"metric": identifier(metric, selector), key: body}}),
        MetricSpec::Object { kind, object_name, api_version, metric, selector, .. } => {
            json!({"type": "Object", "object": {"describedObject": {"apiVersion": api_version, "kind": kind, "name": object_name}, "metric": identifier(metric, selector), key: body}})
        }
        MetricSpec::External { metric, selector, .. } => json!({"type": "External", "external": {"metric": identifier(metric, selector), key: body}}),
    }
}

fn metric_json(m: &MetricSpec) -> Value {
    source_json(m, "target", target_json(m.target(), is_memory(m)))
}

/// `status.currentMetrics[i]` (`MetricStatus`); a metric that failed is the controller's empty
/// `{"type": ""}`.
fn current_json(m: &MetricSpec, cur: Option<i64>, avg: Option<i64>) -> Value {
    let Some(v) = cur else { return json!({"type": ""}) };
    let mem = is_memory(m);
    let current = match m.target() {
        Target::Utilization(_) => json!({"averageUtilization": v, "averageValue": quantity(avg.unwrap_or(0), mem)}),
        Target::AverageValue(_) => json!({"averageValue": quantity(v, mem)}),
        Target::Value(_) => json!({"value": quantity(v, mem)}),
    };
    source_json(m, "current", current)
}

pub fn hpa_json(st: &HpaState, start: i64) -> Value {
    let h = &st.hpa;
    let created = format_iso(start);
    let mut spec = json!({
        "scaleTargetRef": {"apiVersion": h.target_api_version, "kind": h.target_kind, "name": h.target_name},
        "minReplicas": h.min_replicas, "maxReplicas": h.max_replicas,
        "metrics": h.metrics.iter().map(metric_json).collect::<Vec<_>>(),
    });
    if h.behavior.is_none() {
        spec.as_object_mut().map(|o| o.remove("behavior"));
    }
    let mut status = json!({"currentReplicas": st.current_replicas, "desiredReplicas": st.desired_replicas});
    if st.target_found {
        status["currentMetrics"] = h.metrics.iter().enumerate().map(|(i, m)| current_json(m, st.current_metrics.get(i).copied().flatten(), st.current_average.get(i).copied().flatten())).collect();
    }
    if let Some(t) = st.last_scale_s {
        status["lastScaleTime"] = json!(format_iso(start + t));
    }
    let conditions: Vec<Value> = st
        .controller
        .conditions
        .iter()
        .map(|c| json!({"type": c.kind.as_str(), "status": if c.status { "True" } else { "False" }, "reason": c.reason, "message": c.message, "lastTransitionTime": format_iso(start + (c.last_transition_ms / 1000) as i64)}))
        .collect();
    if !conditions.is_empty() {
        status["conditions"] = json!(conditions);
    }
    json!({
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": h.name, "namespace": h.namespace, "creationTimestamp": created},
        "spec": spec, "status": status,
    })
}

/// kubectl's TARGETS for one HPA object: `cpu: 45%/50%`, `memory: 100Mi/200Mi`,
/// `<unknown>` for a metric with no current value; two metrics, then ` + N more...`.
pub fn targets(item: &Value) -> String {
    let specs = item["spec"]["metrics"].as_array().cloned().unwrap_or_default();
    let cur = item["status"]["currentMetrics"].as_array().cloned().unwrap_or_default();
    let mut parts = Vec::new();
    for (i, m) in specs.iter().enumerate().take(2) {
        let kind = m["type"].as_str().unwrap_or("");
        let key = match kind {
            "Resource" => "resource",
            "ContainerResource" => "containerResource",
            "Pods" => "pods",
            "Object" => "object",
            _ => "external",
        };
        let t = &m[key]["target"];
        let c = &cur.get(i).cloned().unwrap_or(Value::Null)[key]["current"];
        let text = |v: &Value| v.as_str().map(str::to_string);
        let (now, want) = if let Some(u) = t["averageUtilization"].as_i64() {
            (c["averageUtilization"].as_i64().map(|x| format!("{x}%")), format!("{u}%"))
        } else if let Some(v) = text(&t["averageValue"]) {
            (text(&c["averageValue"]), if kind == "External" || kind == "Object" { format!("{v} (avg)") } else { v })
        } else {
            (text(&c["value"]), text(&t["value"]).unwrap_or_default())
        };
        let body = format!("{}/{want}", now.unwrap_or_else(|| "<unknown>".into()));
        parts.push(match kind {
            "Resource" | "ContainerResource" => format!("{}: {body}", m[key]["name"].as_str().unwrap_or("")),
            _ => body,
        });
    }
    let mut s = if parts.is_empty() { "<none>".to_string() } else { parts.join(", ") };
    if specs.len() > 2 {
        s.push_str(&format!(" + {} more...", specs.len() - 2));
    }
    s
}
