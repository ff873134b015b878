//! `FromJson` for the field types entries use: numbers with serde's range rules, strings,
//! booleans, `Option`, `Vec`, maps and `Value` itself.

use super::{invalid_type, invalid_value, FromJson, JsonError};
use serde_json::Value;
use std::collections::BTreeMap;

/// An integer type: serde takes a JSON integer that fits, and calls a float a wrong type.
macro_rules! integer {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(v: &Value) -> Result<Self, JsonError> {
                integer(v, stringify!($t), <$t>::MIN as i128, <$t>::MAX as i128).map(|i| i as $t)
            }
        }
    )*};
}
integer!(u8, u16, u32, u64, usize, i8, i16, i32, i64);

#[inline(never)]
fn integer(v: &Value, name: &str, min: i128, max: i128) -> Result<i128, JsonError> {
    let Value::Number(n) = v else { return Err(invalid_type(v, name)) };
    let (found, i) = match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => (format!("integer `{u}`"), u as i128),
        (_, Some(i)) => (format!("integer `{i}`"), i as i128),
        _ => return Err(invalid_type(v, name)),
    };
    if i < min || i > max {
        return Err(invalid_value(&found, name));
    }
    Ok(i)
}

impl FromJson for f64 {
    fn from_json(v: &Value) -> Result<Self, JsonError> {
        match v {
            Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
            other => Err(invalid_type(other, "f64")),
        }
    }
}

impl FromJson for f32 {
    fn from_json(v: &Value) -> Result<Self, JsonError> {
        match v {
            Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN) as f32),
            other => Err(invalid_type(other, "f32")),
        }
    }
}

impl FromJson for bool {
    fn from_json(v: &Value) -> Result<Self, JsonError> {
        match v {
            Value::Bool(b) => Ok(*b),
            other => Err(invalid_type(other, "a boolean")),
        }
    }
}

impl FromJson for String {
    fn from_json(v: &Value) -> Result<Self, JsonError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            other => Err(invalid_type(other, "a string")),
        }
    }
}

impl FromJson for Value {
    fn from_json(v: &Value) -> Result<Self, JsonError> {
        Ok(v.clone())
    }
}

/// `null` is `None`, like serde's `Option`.
impl<T: FromJson> FromJson for Option<T> {
    fn from_json(v: &Value) -> Result<Self, JsonError> {
        match v {
            Value::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Value) -> Result<Self, JsonError> {
        let Value::Array(items) = v else { return Err(invalid_type(v, "a sequence")) };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            out.push(T::from_json(item).map_err(|e| e.at_index(i))?);
        }
        Ok(out)
    }
}

impl<T: FromJson> FromJson for BTreeMap<String, T> {
    fn from_json(v: &Value) -> Result<Self, JsonError> {
        let Value::Object(map) = v else { return Err(invalid_type(v, "a map")) };
        let mut out = BTreeMap::new();
        for (k, item) in map {
            out.insert(k.clone(), super::field(k, item)?);
        }
        Ok(out)
    }
}

impl FromJson for serde_json::Map<String, Value> {
    fn from_json(v: &Value) -> Result<Self, JsonError> {
        super::object(v, "a map").cloned()
    }
}
