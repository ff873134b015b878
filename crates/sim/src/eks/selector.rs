//! Label selectors (`matchLabels` + `matchExpressions`) and node selector requirements, with
//! the API's matching rules: everything in a selector is ANDed; an empty selector matches all.

use crate::eks::manifest::read::{self, key_path};
use crate::error::Errors;
use serde_json::Value;
use std::collections::BTreeMap;

pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    /// Node selectors only: the label parsed as an integer is greater / less than the value.
    Gt,
    Lt,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub key: String,
    pub op: Op,
    pub values: Vec<String>,
}

impl Requirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        let v = labels.get(&self.key);
        match self.op {
            Op::In => v.is_some_and(|v| self.values.contains(v)),
            Op::NotIn => !v.is_some_and(|v| self.values.contains(v)),
            Op::Exists => v.is_some(),
            Op::DoesNotExist => v.is_none(),
            Op::Gt | Op::Lt => {
                let (Some(have), Some(want)) = (v.and_then(|v| v.parse::<i64>().ok()), self.values.first().and_then(|w| w.parse::<i64>().ok())) else {
                    return false;
                };
                if self.op == Op::Gt { have > want } else { have < want }
            }
        }
    }
}

/// `metav1.LabelSelector`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    pub match_labels: Labels,
    pub match_expressions: Vec<Requirement>,
}

impl LabelSelector {
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| r.matches(labels))
    }
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }
}

/// Parses one requirement list (`matchExpressions` or `matchFields`-free node terms).
/// `node` allows `Gt`/`Lt`, which label selectors reject.
pub fn requirements(v: &Value, key: &str, path: &str, node: bool, e: &mut Errors) -> Vec<Requirement> {
    let mut out = Vec::new();
    for (p, x) in read::list(v, key, path, e) {
        let k = read::string(x, "key", &p, e);
        if k.as_deref().is_none_or(str::is_empty) && read::field(x, "key").is_none() {
            e.push(key_path(&p, "key"), "is required");
        }
        let values = read::strings(x, "values", &p, e);
        let op = match read::string(x, "operator", &p, e).as_deref() {
            Some("In") => Some(Op::In),
            Some("NotIn") => Some(Op::NotIn),
            Some("Exists") => Some(Op::Exists),
            Some("DoesNotExist") => Some(Op::DoesNotExist),
            Some("Gt") if node => Some(Op::Gt),
            Some("Lt") if node => Some(Op::Lt),
            Some(other) => {
                let allowed = if node { "In, NotIn, Exists, DoesNotExist, Gt or Lt" } else { "In, NotIn, Exists or DoesNotExist" };
                e.push(key_path(&p, "operator"), format!("\"{other}\" is not an operator; use {allowed}"));
                None
            }
            None => {
                e.push(key_path(&p, "operator"), "is required");
                None
            }
        };
        let vp = key_path(&p, "values");
        match op {
            Some(Op::In | Op::NotIn) if values.is_empty() => e.push(vp, "must not be empty for In and NotIn"),
            Some(Op::Exists | Op::DoesNotExist) if !values.is_empty() => e.push(vp, "must be empty for Exists and DoesNotExist"),
            Some(Op::Gt | Op::Lt) if values.len() != 1 || values[0].parse::<i64>().is_err() => {
                e.push(vp, "must hold exactly one integer for Gt and Lt")
            }
            _ => {}
        }
        if let (Some(key), Some(op)) = (k, op) {
            out.push(Requirement { key, op, values });
        }
    }
    out
}

/// A `LabelSelector` object at `key`, or None when absent.
pub fn label_selector(v: &Value, key: &str, path: &str, e: &mut Errors) -> Option<LabelSelector> {
    let (p, obj) = read::object(v, key, path, e)?;
    Some(LabelSelector {
        match_labels: read::string_map(obj, "matchLabels", &p, e),
        match_expressions: requirements(obj, "matchExpressions", &p, false, e),
    })
}
