//! Typed reads from a JSON tree at a path, collecting every error. Unknown keys are never
//! looked at, so `status`, `managedFields` and friends in a pasted manifest are ignored.

use crate::eks::quantity;
use crate::error::Errors;
use serde_json::Value;
use std::collections::BTreeMap;

/// A value and where it sits, e.g. `$[3].spec.template`.
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub v: &'a Value,
    pub path: &'a str,
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

pub fn key_path(path: &str, key: &str) -> String {
    if key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{key:?}]")
    }
}

/// The child at `key` of an object, or None when absent or null.
pub fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| !x.is_null())
}

pub fn string(v: &Value, key: &str, path: &str, e: &mut Errors) -> Option<String> {
    match field(v, key)? {
        Value::String(s) => Some(s.clone()),
        other => {
            e.push(key_path(path, key), format!("must be a string, not {}", type_name(other)));
            None
        }
    }
}

pub fn boolean(v: &Value, key: &str, path: &str, e: &mut Errors) -> Option<bool> {
    match field(v, key)? {
        Value::Bool(b) => Some(*b),
        other => {
            e.push(key_path(path, key), format!("must be true or false, not {}", type_name(other)));
            None
        }
    }
}

/// An integer within `[min, max]`.
pub fn int(v: &Value, key: &str, path: &str, min: i64, max: i64, e: &mut Errors) -> Option<i64> {
    let x = field(v, key)?;
    match x.as_i64() {
        Some(i) if (min..=max).contains(&i) => Some(i),
        Some(i) => {
            e.push(key_path(path, key), format!("must be between {min} and {max}, not {i}"));
            None
        }
        None => {
            e.push(key_path(path, key), format!("must be an integer, not {}", type_name(x)));
            None
        }
    }
}

/// A list at `key` (absent → empty), each item with its path.
pub fn list<'a>(v: &'a Value, key: &str, path: &str, e: &mut Errors) -> Vec<(String, &'a Value)> {
    match field(v, key) {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            let p = key_path(path, key);
            items.iter().enumerate().map(|(i, x)| (format!("{p}[{i}]"), x)).collect()
        }
        Some(other) => {
            e.push(key_path(path, key), format!("must be a list, not {}", type_name(other)));
            Vec::new()
        }
    }
}

/// An object at `key`, or None (error if present but not an object).
pub fn object<'a>(v: &'a Value, key: &str, path: &str, e: &mut Errors) -> Option<(String, &'a Value)> {
    match field(v, key)? {
        x @ Value::Object(_) => Some((key_path(path, key), x)),
        other => {
            e.push(key_path(path, key), format!("must be an object, not {}", type_name(other)));
            None
        }
    }
}

/// A list of strings.
pub fn strings(v: &Value, key: &str, path: &str, e: &mut Errors) -> Vec<String> {
    let mut out = Vec::new();
    for (p, x) in list(v, key, path, e) {
        match x {
            Value::String(s) => out.push(s.clone()),
            other => e.push(p, format!("must be a string, not {}", type_name(other))),
        }
    }
    out
}

/// A string→string map such as `labels` or `nodeSelector`. Numbers and booleans are rejected
/// as Kubernetes rejects them (`version: 2` must be quoted).
pub fn string_map(v: &Value, key: &str, path: &str, e: &mut Errors) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some((p, obj)) = object(v, key, path, e) else { return out };
    for (k, x) in obj.as_object().into_iter().flatten() {
        match x {
            Value::String(s) => {
                out.insert(k.clone(), s.clone());
            }
            other => e.push(key_path(&p, k), format!("must be a string (quote it), not {}", type_name(other))),
        }
    }
    out
}

/// A resource quantity: a string like `500m`/`1Gi`, or a bare number (`1.5`, `128974848`).
pub fn quantity(x: &Value, path: &str, e: &mut Errors) -> Option<quantity::Quantity> {
    let text = match x {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => {
            e.push(path, format!("must be a quantity such as 500m or 1Gi, not {}", type_name(other)));
            return None;
        }
    };
    match quantity::parse(&text) {
        Ok(q) if q.milli < 0 => {
            e.push(path, format!("\"{text}\" must not be negative"));
            None
        }
        Ok(q) => Some(q),
        Err(m) => {
            e.push(path, m);
            None
        }
    }
}
