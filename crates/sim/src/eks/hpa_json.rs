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
    if milli % 1000 == 0 { (milli / 1000).to_string() } else { format!("{milli}m") }
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

fn metric_json(m: &MetricSpec) -> Value {
    let target = target_json(m.target(), is_memory(m));
    match m {
        MetricSpec::Resource { name, container: None, .. } => json!({"type": "Resource", "resource": {"name": name.as_str(), "target": target}}),
        MetricSpec::Resource { name, container: Some(c), .. } => json!({"type": "ContainerResource", "containerResource": {"name": name.as_str(), "container": c, "target": target}}),
        MetricSpec::Pods { metric, .. } => json!({"type": "Pods", "pods": {"metric": {"name": metric}, "target": target}}),
        MetricSpec::Object { kind, object_name, api_version, metric, .. } => json!({"type": "Object", "object": {"describedObject": {"apiVersion": api_version, "kind": kind, "name": object_name}, "metric": {"name": metric}, "target": target}}),
        MetricSpec::External { metric, .. } => json!({"type": "External", "external": {"metric": {"name": metric}, "target": target}}),
    }
}

/// `status.currentMetrics[i]`; a metric that failed is the controller's empty `{"type": ""}`.
fn current_json(m: &MetricSpec, cur: Option<i64>, avg: Option<i64>) -> Value {
    let Some(v) = cur else { return json!({"type": ""}) };
    let mem = is_memory(m);
    let current = match m.target() {
        Target::Utilization(_) => json!({"averageUtilization": v, "averageValue": quantity(avg.unwrap_or(0), mem)}),
        Target::AverageValue(_) => json!({"averageValue": quantity(v, mem)}),
        Target::Value(_) => json!({"value": quantity(v, mem)}),
    };
    match m {
        MetricSpec::Resource { name, container: None, .. } => json!({"type": "Resource", "resource": {"name": name.as_str(), "current": current}}),
        MetricSpec::Resource { name, container: Some(c), .. } => json!({"type": "ContainerResource", "containerResource": {"name": name.as_str(), "container": c, "current": current}}),
        MetricSpec::Pods { metric, .. } => json!({"type": "Pods", "pods": {"metric": {"name": metric}, "current": current}}),
        MetricSpec::Object { metric, .. } => json!({"type": "Object", "object": {"metric": {"name": metric}, "current": current}}),
        MetricSpec::External { metric, .. } => json!({"type": "External", "external": {"metric": {"name": metric}, "current": current}}),
    }
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
            (text(&c["averageValue"]), if kind == "External" { format!("{v} (avg)") } else { v })
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
