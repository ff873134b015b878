//! Reading typed scenario entries from a parsed `serde_json::Value` (`#[derive(FromJson)]`,
//! `stevedore-derive`). It keeps the rules and the messages of serde's derived `Deserialize`
//! over serde_json's `&Value` (`invalid type: string "x", expected u32`, `missing field `x``,
//! `unknown field `x`, expected one of ...`), which `scenario/wording.rs` then puts into the
//! words of a JSON document, and the path of the innermost key or index an error passed
//! through. Written instead of serde's visitors because those, instantiated per type, were the
//! largest part of the shipped wasm's loading code (issue 13); here each type's reader is one
//! loop over its keys calling one small function per field type.
//!
//! One difference from serde, chosen: serde also reads a struct from a list of its fields in
//! declaration order (`[1, "a"]`); here a struct is read only from an object, so a list where an
//! object belongs is a type error ("found a list, expected an object").

mod primitives;

use serde_json::{Map, Value};

/// One step of the path an error passed through, innermost first.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

/// serde's error message and where, inside the value read, it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    message: String,
    /// Innermost first: pushed as the error travels out.
    path: Vec<Segment>,
}

impl JsonError {
    pub fn new(message: impl Into<String>) -> Self {
        JsonError { message: message.into(), path: Vec::new() }
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    #[inline(never)]
    pub fn at_key(mut self, key: &str) -> Self {
        self.path.push(Segment::Key(key.to_string()));
        self
    }

    #[inline(never)]
    pub fn at_index(mut self, index: usize) -> Self {
        self.path.push(Segment::Index(index));
        self
    }

    /// `a.b[2].c` (serde_path_to_error's notation), or `.` when the error is at the value itself.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for s in self.path.iter().rev() {
            match s {
                Segment::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        if out.is_empty() {
            ".".into()
        } else {
            out
        }
    }
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A type read from a JSON value.
pub trait FromJson: Sized {
    fn from_json(v: &Value) -> Result<Self, JsonError>;
}

/// `T` from `value`, or serde's message with the path inside `value` where it happened.
pub fn read<T: FromJson>(value: &Value) -> Result<T, JsonError> {
    T::from_json(value)
}

/// A struct's field: its value read, an error labelled with its key.
pub fn field<T: FromJson>(key: &str, value: &Value) -> Result<T, JsonError> {
    T::from_json(value).map_err(|e| e.at_key(key))
}

/// serde's `Unexpected` display for a value: `string "x"`, `integer `5``, `sequence`...
#[inline(never)]
pub fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "unit value".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => format!("integer `{u}`"),
            (_, Some(i)) => format!("integer `{i}`"),
            _ => float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// serde shows a whole float with its decimal point: `floating point `2.0``.
pub(crate) fn float(f: f64) -> String {
    let text = f.to_string();
    if f.is_finite() && !text.contains(['.', 'e', 'E']) {
        format!("floating point `{text}.0`")
    } else {
        format!("floating point `{text}`")
    }
}

#[inline(never)]
pub fn invalid_type(v: &Value, expected: &str) -> JsonError {
    JsonError::new(format!("invalid type: {}, expected {expected}", unexpected(v)))
}

#[inline(never)]
pub fn invalid_value(found: &str, expected: &str) -> JsonError {
    JsonError::new(format!("invalid value: {found}, expected {expected}"))
}

/// The object a struct is read from.
#[inline(never)]
pub fn object<'v>(v: &'v Value, expecting: &str) -> Result<&'v Map<String, Value>, JsonError> {
    match v {
        Value::Object(map) => Ok(map),
        other => Err(invalid_type(other, expecting)),
    }
}

#[inline(never)]
pub fn missing(key: &str) -> JsonError {
    JsonError::new(format!("missing field `{key}`"))
}

/// serde's wording: "expected `a`", "expected `a` or `b`", "expected one of `a`, `b`, `c`".
#[inline(never)]
pub fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.len() {
        1 => quoted[0].clone(),
        2 => format!("{} or {}", quoted[0], quoted[1]),
        _ => format!("one of {}", quoted.join(", ")),
    }
}

/// An unknown key, reported at the key itself.
#[inline(never)]
pub fn unknown_field(key: &str, names: &[&str]) -> JsonError {
    let message = if names.is_empty() { format!("unknown field `{key}`, there are no fields") } else { format!("unknown field `{key}`, expected {}", one_of(names)) };
    JsonError::new(message).at_key(key)
}

#[inline(never)]
pub fn unknown_variant(variant: &str, names: &[&str]) -> JsonError {
    let message = if names.is_empty() { format!("unknown variant `{variant}`, there are no variants") } else { format!("unknown variant `{variant}`, expected {}", one_of(names)) };
    JsonError::new(message)
}

/// What serde says when no variant of an untagged enum takes the value.
#[inline(never)]
pub fn no_variant(name: &str) -> JsonError {
    JsonError::new(format!("data did not match any variant of untagged enum {name}"))
}

#[cfg(test)]
mod tests;
