//! Designs side by side: a scenario's `variants` are JSON Patches (RFC 6902, `crate::patch`)
//! over the base scenario's JSON. `compare` runs the base and every variant to the same time
//! and summarises each run the same way (`summary`).
//!
//! Variants share the base's seed and traffic: a patch may not touch `/seed` or the traffic
//! curves (`/traffic/targetGroups`), so every run sees the same requests per second. (Traffic
//! `noise` draws from each run's own seeded stream, so with noise > 0 the jitter differs.)

pub mod summary;
pub mod table;

use crate::error::{Errors, ValidationError};
use crate::time::SimTime;
use crate::{load, Scenario, Sim};
use serde_json::{Map, Value};
pub use summary::Summary;

/// The base run's name in a comparison.
pub const BASE: &str = "base";

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub patch: Value,
}

/// Reads and checks `variants`: each has a unique name and a patch that applies to the base.
/// Called by the scenario loader, so a bad patch is an error at its path like any other.
pub fn variants(root: &Map<String, Value>, errors: &mut Errors) -> Vec<Variant> {
    let Some(v) = root.get("variants") else { return vec![] };
    let Value::Array(items) = v else {
        errors.push("$.variants", "a list: [{\"name\": \"Spot\", \"patch\": [ JSON Patch operations ]}]");
        return vec![];
    };
    let base = base_document(root);
    let mut out: Vec<Variant> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("$.variants[{i}]");
        let name = match item.get("name") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => {
                errors.push(format!("{at}.name"), "a variant needs a name (a non-empty string)");
                continue;
            }
        };
        if name == BASE || out.iter().any(|o| o.name == name) {
            errors.push(format!("{at}.name"), format!("`{name}` is taken: variant names are unique and `{BASE}` is the base scenario"));
        }
        let patch = item.get("patch").cloned().unwrap_or(Value::Null);
        if let Err(e) = check_shared(&patch, &format!("{at}.patch")) {
            errors.list.push(e);
            continue;
        }
        match crate::patch::apply(&mut base.clone(), &patch, &format!("{at}.patch")) {
            Ok(()) => out.push(Variant { name, patch }),
            Err(e) => errors.list.push(e),
        }
    }
    out
}

/// The base scenario as a variant patches it: the document without its `variants`.
fn base_document(root: &Map<String, Value>) -> Value {
    let mut base = root.clone();
    base.remove("variants");
    Value::Object(base)
}

/// Variants share the seed and the traffic curves.
fn check_shared(patch: &Value, at: &str) -> Result<(), ValidationError> {
    let Value::Array(ops) = patch else { return Ok(()) };
    for (k, op) in ops.iter().enumerate() {
        for key in ["path", "from"] {
            let Some(p) = op.get(key).and_then(Value::as_str) else { continue };
            let shared = p.is_empty() || p == "/seed" || p == "/traffic" || p == "/traffic/targetGroups" || p.starts_with("/seed/") || p.starts_with("/traffic/targetGroups/");
            if shared && !(key == "from" && op.get("op").and_then(Value::as_str) == Some("copy")) {
                return Err(ValidationError { path: format!("{at}[{k}].{key}"), message: format!("`{p}`: variants share the base's seed and traffic, so a patch cannot change them") });
            }
        }
    }
    Ok(())
}

/// The base and each variant, loaded: `[("base", scenario), (variant name, scenario), ...]`.
/// A variant whose patched scenario does not validate gives its errors under `$.variants[i]`.
pub fn scenarios(text: &str) -> Result<Vec<(String, Scenario)>, Vec<ValidationError>> {
    let base = load(text)?;
    let root: Map<String, Value> = serde_json::from_str(text).map_err(|e| vec![ValidationError { path: "$".into(), message: e.to_string() }])?;
    let mut errors = Errors::default();
    let list = variants(&root, &mut errors);
    let doc = base_document(&root);
    let mut out = vec![(BASE.to_string(), base)];
    for (i, v) in list.iter().enumerate() {
        let mut patched = doc.clone();
        if let Err(e) = crate::patch::apply(&mut patched, &v.patch, &format!("$.variants[{i}].patch")) {
            errors.list.push(e);
            continue;
        }
        match load(&patched.to_string()) {
            Ok(s) => out.push((v.name.clone(), s)),
            Err(es) => errors.list.extend(es.into_iter().map(|e| ValidationError { path: format!("$.variants[{i}]"), message: format!("the patched scenario is invalid at {}: {}", e.path, e.message) })),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.list)
    }
}

/// Runs each scenario to `until` (default: the base's duration) and summarises it.
pub fn compare(text: &str, until: Option<SimTime>) -> Result<Vec<Summary>, Vec<ValidationError>> {
    let runs = scenarios(text)?;
    let until = until.unwrap_or(runs[0].1.duration);
    Ok(runs
        .into_iter()
        .map(|(name, scenario)| {
            let mut sim = Sim::new(scenario);
            sim.explain_full = false;
            sim.advance_to(until);
            Summary::of(&name, &sim)
        })
        .collect())
}
