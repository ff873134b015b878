//! `apps/v1` DaemonSet: `selector`, `template`, `updateStrategy` (RollingUpdate with
//! `maxUnavailable`, default 1, or `maxSurge` with maxUnavailable 0; or OnDelete),
//! `minReadySeconds`, with the API server's messages
//! (apps validation `ValidateDaemonSetSpec` / `ValidateRollingUpdateDaemonSet`).

use super::read::{self, key_path};
use crate::eks::fenceposts::IntOrPercent;
use crate::eks::objects::PodTemplate;
use crate::eks::selector::{self, LabelSelector, Labels};
use crate::error::Errors;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct DaemonSet {
    pub name: String,
    pub namespace: String,
    pub labels: Labels,
    pub selector: LabelSelector,
    pub template: PodTemplate,
    /// `updateStrategy.type: OnDelete`: a template change reaches a node only when its pod is deleted.
    pub on_delete: bool,
    /// `updateStrategy.rollingUpdate.maxUnavailable` (default 1; a percentage rounds up).
    pub max_unavailable: IntOrPercent,
    /// `updateStrategy.rollingUpdate.maxSurge` (default 0; a percentage rounds up): new pods
    /// start beside the old ones, which go once the new pod is available.
    pub max_surge: IntOrPercent,
    pub min_ready_seconds: i64,
}

pub fn daemon_set(s: &Value, sp: &str, name: String, namespace: String, labels: Labels, e: &mut Errors) -> Option<DaemonSet> {
    let selector = selector::label_selector(s, "selector", sp, e);
    if selector.is_none() && read::field(s, "selector").is_none() {
        e.push(key_path(sp, "selector"), "is required in apps/v1");
    }
    let min_ready_seconds = read::int(s, "minReadySeconds", sp, 0, i32::MAX as i64, e).unwrap_or(0);
    let (on_delete, max_unavailable, max_surge) = update_strategy(s, sp, e);
    let template = super::pod_template(s, sp, e)?;
    let selector = selector?;
    if selector.is_empty() {
        e.push(key_path(sp, "selector"), "must not be empty in apps/v1");
    } else if !selector.matches(&template.labels) {
        e.push(key_path(sp, "selector"), "does not match the template's labels (spec.template.metadata.labels)");
    }
    Some(DaemonSet { name, namespace, labels, selector, template, on_delete, max_unavailable, max_surge, min_ready_seconds })
}

fn update_strategy(s: &Value, sp: &str, e: &mut Errors) -> (bool, IntOrPercent, IntOrPercent) {
    let default = IntOrPercent::Int(1);
    let no_surge = IntOrPercent::Int(0);
    let Some((up, u)) = read::object(s, "updateStrategy", sp, e) else { return (false, default, no_surge) };
    let on_delete = match read::string(u, "type", &up, e).as_deref() {
        None | Some("RollingUpdate") => false,
        Some("OnDelete") => true,
        Some(other) => {
            e.push(key_path(&up, "type"), format!("Unsupported value: {other:?}: supported values: \"OnDelete\", \"RollingUpdate\""));
            false
        }
    };
    let Some((rp, r)) = read::object(u, "rollingUpdate", &up, e) else { return (on_delete, default, no_surge) };
    let pick = |key: &str, e: &mut Errors| -> Option<IntOrPercent> {
        let v = read::field(r, key)?;
        let parsed = match v {
            Value::String(x) => IntOrPercent::parse(x),
            Value::Number(_) => v.as_i64().filter(|i| *i >= 0).map(IntOrPercent::Int).ok_or_else(|| format!("{v} must be a non-negative integer")),
            other => Err(format!("must be an integer or a percentage, not {}", read::type_name(other))),
        };
        parsed.map_err(|m| e.push(key_path(&rp, key), m)).ok()
    };
    let unavailable = pick("maxUnavailable", e).unwrap_or(default);
    let surge = pick("maxSurge", e).unwrap_or(IntOrPercent::Int(0));
    for (key, v) in [("maxUnavailable", unavailable), ("maxSurge", surge)] {
        if let IntOrPercent::Percent(p) = v {
            if p > 100 {
                e.push(key_path(&rp, key), format!("\"{p}%\" must not be greater than 100%"));
            }
        }
    }
    // ValidateRollingUpdateDaemonSet: exactly one of the two is non-zero.
    match (unavailable.is_zero(), surge.is_zero()) {
        (false, false) => e.push(key_path(&rp, "maxSurge"), "may not be set when maxUnavailable is non-zero (set maxUnavailable: 0 to surge)"),
        (true, true) => e.push(key_path(&rp, "maxUnavailable"), "cannot be 0 when maxSurge is 0"),
        _ => {}
    }
    (on_delete, unavailable, surge)
}
