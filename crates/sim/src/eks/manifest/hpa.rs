//! `autoscaling/v2` `HorizontalPodAutoscaler` → `eks::hpa::Hpa`, with the API server's
//! defaults (`SetDefaults_HorizontalPodAutoscaler`: minReplicas 1, cpu 80 % when `metrics` is
//! empty, `GenerateHPAScale{Up,Down}Rules`) and validation (`ValidateHorizontalPodAutoscaler`).

use super::read::{self, key_path};
use crate::eks::hpa::{Behavior, Hpa, MetricSpec, Policy, PolicyType, ResourceName, Rules, SelectPolicy, Target, DEFAULT_CPU_UTILIZATION};
use crate::eks::selector;
use crate::error::Errors;
use serde_json::Value;

pub fn hpa(s: &Value, sp: &str, name: String, namespace: String, e: &mut Errors) -> Option<Hpa> {
    let (target_kind, target_name, target_api_version) = match read::object(s, "scaleTargetRef", sp, e) {
        Some((rp, r)) => {
            let kind = read::string(r, "kind", &rp, e).unwrap_or_default();
            let n = read::string(r, "name", &rp, e).unwrap_or_default();
            if kind.is_empty() {
                e.push(key_path(&rp, "kind"), "is required");
            }
            if n.is_empty() {
                e.push(key_path(&rp, "name"), "is required");
            }
            (kind, n, read::string(r, "apiVersion", &rp, e).unwrap_or_default())
        }
        None => {
            e.push(key_path(sp, "scaleTargetRef"), "is required");
            (String::new(), String::new(), String::new())
        }
    };
    let min_replicas = read::int(s, "minReplicas", sp, i64::MIN, i64::MAX, e);
    if min_replicas.is_some_and(|m| m < 1) {
        // minReplicas 0 needs the alpha HPAScaleToZero gate, off on EKS.
        e.push(key_path(sp, "minReplicas"), "must be greater than or equal to 1");
    }
    let min_replicas = min_replicas.unwrap_or(1);
    let max_replicas = match read::int(s, "maxReplicas", sp, i64::MIN, i64::MAX, e) {
        None => {
            if read::field(s, "maxReplicas").is_none() {
                e.push(key_path(sp, "maxReplicas"), "is required");
            }
            1
        }
        Some(m) if m < 1 => {
            e.push(key_path(sp, "maxReplicas"), "must be greater than 0");
            1
        }
        Some(m) => {
            if m < min_replicas {
                e.push(key_path(sp, "maxReplicas"), "must be greater than or equal to `minReplicas`");
            }
            m
        }
    };
    let mut metrics: Vec<MetricSpec> = read::list(s, "metrics", sp, e).into_iter().filter_map(|(p, m)| metric(m, &p, e)).collect();
    // Absent or an empty list: the API default, cpu at 80 % of request.
    let none_given = match read::field(s, "metrics") {
        None => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    };
    if none_given {
        metrics.push(MetricSpec::Resource { name: ResourceName::Cpu, container: None, target: Target::Utilization(DEFAULT_CPU_UTILIZATION) });
    }
    let behavior = read::object(s, "behavior", sp, e).map(|(bp, b)| Behavior {
        scale_up: rules(b, "scaleUp", &bp, Rules::default_scale_up(), e),
        scale_down: rules(b, "scaleDown", &bp, Rules::default_scale_down(), e),
    });
    Some(Hpa { name, namespace, target_kind, target_name, target_api_version, min_replicas, max_replicas, metrics, behavior })
}

const TYPES: &[(&str, &str)] = &[("Resource", "resource"), ("ContainerResource", "containerResource"), ("Pods", "pods"), ("Object", "object"), ("External", "external")];

fn metric(m: &Value, p: &str, e: &mut Errors) -> Option<MetricSpec> {
    let ty = read::string(m, "type", p, e);
    let Some(ty) = ty else {
        e.push(key_path(p, "type"), "must specify a metric source type");
        return None;
    };
    let Some(&(_, field)) = TYPES.iter().find(|t| t.0 == ty) else {
        e.push(key_path(p, "type"), format!("{ty:?} must be one of Resource, ContainerResource, Pods, Object, External"));
        return None;
    };
    for &(other_ty, other) in TYPES {
        if other != field && read::field(m, other).is_some() {
            e.push(key_path(p, other), format!("must populate the given metric source only (type is {ty}, not {other_ty})"));
        }
    }
    let Some((sp, src)) = read::object(m, field, p, e) else {
        e.push(key_path(p, field), "must populate information for the given metric source");
        return None;
    };
    match ty.as_str() {
        "Resource" | "ContainerResource" => {
            let name = match read::string(src, "name", &sp, e).as_deref() {
                Some("cpu") => Some(ResourceName::Cpu),
                Some("memory") => Some(ResourceName::Memory),
                Some(other) => {
                    e.push(key_path(&sp, "name"), format!("{other:?} must be cpu or memory (Metrics Server reports only these)"));
                    None
                }
                None => {
                    e.push(key_path(&sp, "name"), "must specify a resource name");
                    None
                }
            };
            let container = if ty == "ContainerResource" {
                let c = read::string(src, "container", &sp, e);
                if c.as_deref().is_none_or(str::is_empty) {
                    e.push(key_path(&sp, "container"), "must specify a container");
                }
                c
            } else {
                None
            };
            let target = target(src, &sp, &["Utilization", "AverageValue"], e)?;
            Some(MetricSpec::Resource { name: name?, container, target })
        }
        "Pods" => {
            let (metric, selector) = metric_id(src, &sp, e);
            let target = target(src, &sp, &["AverageValue"], e)?;
            Some(MetricSpec::Pods { metric, selector, target })
        }
        "Object" => {
            let (dp, d) = read::object(src, "describedObject", &sp, e).unwrap_or_else(|| {
                e.push(key_path(&sp, "describedObject"), "is required");
                (key_path(&sp, "describedObject"), &Value::Null)
            });
            let kind = read::string(d, "kind", &dp, e).unwrap_or_default();
            let object_name = read::string(d, "name", &dp, e).unwrap_or_default();
            if !d.is_null() && kind.is_empty() {
                e.push(key_path(&dp, "kind"), "is required");
            }
            if !d.is_null() && object_name.is_empty() {
                e.push(key_path(&dp, "name"), "is required");
            }
            let api_version = read::string(d, "apiVersion", &dp, e).unwrap_or_default();
            let (metric, selector) = metric_id(src, &sp, e);
            let target = target(src, &sp, &["Value", "AverageValue"], e)?;
            Some(MetricSpec::Object { kind, object_name, api_version, metric, selector, target })
        }
        _ => {
            let (metric, selector) = metric_id(src, &sp, e);
            let target = target(src, &sp, &["Value", "AverageValue"], e)?;
            Some(MetricSpec::External { metric, selector, target })
        }
    }
}

/// `metric.{name, selector}`.
fn metric_id(src: &Value, sp: &str, e: &mut Errors) -> (String, Option<selector::LabelSelector>) {
    let Some((mp, m)) = read::object(src, "metric", sp, e) else {
        e.push(key_path(sp, "metric"), "is required");
        return (String::new(), None);
    };
    let name = read::string(m, "name", &mp, e).unwrap_or_default();
    if name.is_empty() {
        e.push(key_path(&mp, "name"), "must specify a metric name");
    }
    (name, selector::label_selector(m, "selector", &mp, e))
}

/// `target.{type, averageUtilization, averageValue, value}`; quantities in milli-units.
fn target(src: &Value, sp: &str, allowed: &[&str], e: &mut Errors) -> Option<Target> {
    let Some((tp, t)) = read::object(src, "target", sp, e) else {
        e.push(key_path(sp, "target"), "is required");
        return None;
    };
    let ty = read::string(t, "type", &tp, e);
    let Some(ty) = ty else {
        e.push(key_path(&tp, "type"), "must specify a metric target type");
        return None;
    };
    if !["Utilization", "Value", "AverageValue"].contains(&ty.as_str()) {
        e.push(key_path(&tp, "type"), format!("{ty:?} must be either Utilization, Value, or AverageValue"));
        return None;
    }
    if !allowed.contains(&ty.as_str()) {
        e.push(key_path(&tp, "type"), format!("{ty:?} is not allowed for this metric source; use {}", allowed.join(" or ")));
        return None;
    }
    let qty = |key: &str, e: &mut Errors| -> Option<i64> {
        let x = read::field(t, key)?;
        let q = read::quantity(x, &key_path(&tp, key), e)?;
        if q.milli <= 0 {
            e.push(key_path(&tp, key), "must be positive");
            return None;
        }
        Some(q.millis())
    };
    let missing = |key: &str, e: &mut Errors| e.push(key_path(&tp, key), format!("is required when type is {ty}"));
    match ty.as_str() {
        "Utilization" => match read::int(t, "averageUtilization", &tp, 1, i32::MAX as i64, e) {
            Some(u) => Some(Target::Utilization(u)),
            None => {
                if read::field(t, "averageUtilization").is_none() {
                    missing("averageUtilization", e);
                }
                None
            }
        },
        "AverageValue" => qty("averageValue", e).map(Target::AverageValue).or_else(|| {
            if read::field(t, "averageValue").is_none() {
                missing("averageValue", e);
            }
            None
        }),
        _ => qty("value", e).map(Target::Value).or_else(|| {
            if read::field(t, "value").is_none() {
                missing("value", e);
            }
            None
        }),
    }
}

/// One direction of `behavior`, unset fields from the defaults (`copyHPAScalingRules`).
fn rules(b: &Value, key: &str, bp: &str, default: Rules, e: &mut Errors) -> Rules {
    let Some((rp, r)) = read::object(b, key, bp, e) else { return default };
    let mut out = default;
    if let Some(w) = read::int(r, "stabilizationWindowSeconds", &rp, 0, 3600, e) {
        out.stabilization_window_s = w;
    }
    match read::string(r, "selectPolicy", &rp, e).as_deref() {
        None => {}
        Some("Max") => out.select = SelectPolicy::Max,
        Some("Min") => out.select = SelectPolicy::Min,
        Some("Disabled") => out.select = SelectPolicy::Disabled,
        Some(other) => e.push(key_path(&rp, "selectPolicy"), format!("{other:?} must be one of Max, Min, Disabled")),
    }
    if let Some(x) = read::field(r, "tolerance") {
        if let Some(q) = read::quantity(x, &key_path(&rp, "tolerance"), e) {
            out.tolerance = q.milli as f64 / 1000.0;
        }
    }
    if read::field(r, "policies").is_some() {
        let items = read::list(r, "policies", &rp, e);
        if items.is_empty() && matches!(read::field(r, "policies"), Some(Value::Array(_))) {
            e.push(key_path(&rp, "policies"), "must specify at least one Policy");
        }
        let mut policies = Vec::new();
        for (pp, p) in items {
            let kind = match read::string(p, "type", &pp, e).as_deref() {
                Some("Pods") => Some(PolicyType::Pods),
                Some("Percent") => Some(PolicyType::Percent),
                Some(other) => {
                    e.push(key_path(&pp, "type"), format!("{other:?} must be Pods or Percent"));
                    None
                }
                None => {
                    e.push(key_path(&pp, "type"), "is required");
                    None
                }
            };
            let value = read::int(p, "value", &pp, 1, i32::MAX as i64, e);
            if read::field(p, "value").is_none() {
                e.push(key_path(&pp, "value"), "must be greater than zero");
            }
            let period = read::int(p, "periodSeconds", &pp, 1, 1800, e);
            if read::field(p, "periodSeconds").is_none() {
                e.push(key_path(&pp, "periodSeconds"), "must be greater than zero and less than or equal to 1800");
            }
            if let (Some(kind), Some(value), Some(period_s)) = (kind, value, period) {
                policies.push(Policy { kind, value, period_s });
            }
        }
        if !policies.is_empty() {
            out.policies = policies;
        }
    }
    out
}
