//! `policy/v1` PodDisruptionBudget: `spec.selector` plus `minAvailable` or `maxUnavailable`
//! (an int or a percentage), validated as the API server does (`ValidatePodDisruptionBudgetSpec`).

use super::read::{self, key_path};
use crate::eks::fenceposts::IntOrPercent;
use crate::eks::objects::PodDisruptionBudget;
use crate::eks::selector;
use crate::error::Errors;
use serde_json::Value;

fn int_or_percent(s: &Value, key: &str, sp: &str, e: &mut Errors) -> Option<IntOrPercent> {
    let v = read::field(s, key)?;
    let parsed = match v {
        Value::String(x) => IntOrPercent::parse(x),
        Value::Number(_) => v.as_i64().filter(|i| *i >= 0).map(IntOrPercent::Int).ok_or_else(|| format!("{v} must be a non-negative integer")),
        other => Err(format!("must be an integer or a percentage, not {}", read::type_name(other))),
    };
    match parsed {
        Ok(IntOrPercent::Percent(p)) if p > 100 => {
            e.push(key_path(sp, key), format!("\"{p}%\" must not be greater than 100%"));
            None
        }
        Ok(x) => Some(x),
        Err(m) => {
            e.push(key_path(sp, key), m);
            None
        }
    }
}

pub fn pdb(s: &Value, sp: &str, name: String, namespace: String, e: &mut Errors) -> PodDisruptionBudget {
    let selector = selector::label_selector(s, "selector", sp, e).unwrap_or_default();
    let min_available = int_or_percent(s, "minAvailable", sp, e);
    let max_unavailable = int_or_percent(s, "maxUnavailable", sp, e);
    if read::field(s, "minAvailable").is_some() && read::field(s, "maxUnavailable").is_some() {
        e.push(key_path(sp, "minAvailable"), "minAvailable and maxUnavailable cannot be both set");
    }
    if let Some(policy) = read::string(s, "unhealthyPodEvictionPolicy", sp, e) {
        if !matches!(policy.as_str(), "IfHealthyBudget" | "AlwaysAllow") {
            e.push(key_path(sp, "unhealthyPodEvictionPolicy"), format!("{policy:?} must be IfHealthyBudget or AlwaysAllow"));
        }
    }
    PodDisruptionBudget { name, namespace, selector, min_available, max_unavailable }
}
