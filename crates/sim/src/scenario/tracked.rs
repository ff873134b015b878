//! Deserialises a typed entry from a parsed `serde_json::Value`, recording the path (`a.b[2].c`)
//! at which an error happened. It behaves like `serde_json`'s own `&Value` deserializer (same
//! visitor calls, same error messages), with the path kept the way `serde_path_to_error`
//! keeps it (the innermost map key, list index or enum variant an error passes through).
//! Written here rather than wrapping every visitor in a generic adapter: each scenario type's
//! derived code is instantiated once, for this deserializer alone, which keeps the wasm small.

use serde::de::{self, value::BorrowedStrDeserializer, DeserializeSeed, Error as _, IntoDeserializer, Unexpected, Visitor};
use serde::Deserialize;
use serde_json::{Error, Map, Value};
use std::cell::RefCell;

/// Where the deserializer is: a linked list from the innermost segment up to the root.
#[derive(Clone, Copy)]
enum Chain<'a> {
    Root,
    Key(&'a Chain<'a>, &'a str),
    Index(&'a Chain<'a>, usize),
}

impl Chain<'_> {
    /// `serde_path_to_error`'s notation: keys joined by `.`, indices as `[i]`, `.` for the root.
    fn render(&self) -> String {
        let mut segments = Vec::new();
        let mut c = self;
        loop {
            match c {
                Chain::Root => break,
                Chain::Key(parent, k) => {
                    segments.push(k.to_string());
                    c = parent;
                }
                Chain::Index(parent, i) => {
                    segments.push(format!("[{i}]"));
                    c = parent;
                }
            }
        }
        if segments.is_empty() {
            return ".".into();
        }
        let mut out = String::new();
        for s in segments.iter().rev() {
            if !out.is_empty() && !s.starts_with('[') {
                out.push('.');
            }
            out.push_str(s);
        }
        out
    }
}

/// The first (innermost) path an error passed through.
type Track = RefCell<Option<String>>;

fn trigger(track: &Track, chain: &Chain, e: Error) -> Error {
    let mut t = track.borrow_mut();
    if t.is_none() {
        *t = Some(chain.render());
    }
    e
}

/// `T` from `value`, or the error's message with the path inside `value` where it happened
/// (`.` when at `value` itself).
pub fn deserialize<'de, T: Deserialize<'de>>(value: &'de Value) -> Result<T, (String, Error)> {
    let track = Track::default();
    T::deserialize(Tracked { value, chain: Chain::Root, track: &track }).map_err(|e| (track.take().unwrap_or_else(|| ".".into()), e))
}

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (_, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

struct Tracked<'de, 'a> {
    value: &'de Value,
    chain: Chain<'a>,
    track: &'a Track,
}

impl<'de, 'a> Tracked<'de, 'a> {
    fn any<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => number(n, visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => self.seq(items, visitor),
            Value::Object(map) => entries(map, &self.chain, self.track, visitor),
        }
    }

    fn seq<V: Visitor<'de>>(&self, items: &'de [Value], visitor: V) -> Result<V::Value, Error> {
        let mut seq = Seq { items: items.iter(), index: 0, chain: &self.chain, track: self.track };
        let out = visitor.visit_seq(&mut seq)?;
        if seq.items.len() == 0 {
            Ok(out)
        } else {
            Err(Error::invalid_length(items.len(), &"fewer elements in array"))
        }
    }

    fn enumeration<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, Error> {
        let (variant, value) = match self.value {
            Value::String(s) => (s.as_str(), None),
            Value::Object(map) if map.len() == 1 => match map.iter().next() {
                Some((k, v)) => (k.as_str(), Some(v)),
                None => return Err(Error::invalid_value(Unexpected::Map, &"map with a single key")),
            },
            Value::Object(_) => return Err(Error::invalid_value(Unexpected::Map, &"map with a single key")),
            other => return Err(Error::invalid_type(unexpected(other), &"string or map")),
        };
        visitor.visit_enum(Variant { variant, value, chain: &self.chain, track: self.track })
    }
}

fn number<'de, V: Visitor<'de>>(n: &serde_json::Number, visitor: V) -> Result<V::Value, Error> {
    match (n.as_u64(), n.as_i64()) {
        (Some(u), _) => visitor.visit_u64(u),
        (_, Some(i)) => visitor.visit_i64(i),
        _ => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
    }
}

fn entries<'de, V: Visitor<'de>>(map: &'de Map<String, Value>, chain: &Chain, track: &Track, visitor: V) -> Result<V::Value, Error> {
    let mut access = Entries { iter: map.iter(), value: None, chain, track };
    let out = visitor.visit_map(&mut access)?;
    if access.iter.len() == 0 {
        Ok(out)
    } else {
        Err(Error::invalid_length(map.len(), &"fewer elements in map"))
    }
}

/// Methods that visit the value only if it is of the kind given, else a type error. Each
/// visits its kind directly (the visit `any` would make for it), so a visitor's code for the
/// other kinds is not instantiated for every typed request.
macro_rules! strict {
    ($($method:ident: $kind:pat => |$this:ident, $visitor:ident| $visit:expr),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let $this = &self;
            let $visitor = visitor;
            match self.value {
                $kind => $visit,
                other => Err(Error::invalid_type(unexpected(other), &$visitor)),
            }
            .map_err(|e| trigger(self.track, &self.chain, e))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Tracked<'de, '_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.any(visitor).map_err(|e| trigger(self.track, &self.chain, e))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let (track, chain) = (self.track, self.chain);
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
        .map_err(|e| trigger(track, &chain, e))
    }

    fn deserialize_enum<V: Visitor<'de>>(self, _name: &'static str, _variants: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        self.enumeration(visitor).map_err(|e| trigger(self.track, &self.chain, e))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        let (track, chain) = (self.track, self.chain);
        visitor.visit_newtype_struct(self).map_err(|e| trigger(track, &chain, e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    // Like serde_json's `&Value`: a typed request takes only its own kind of value (a number
    // where a string is wanted is an error, not a variant index).
    strict! {
        deserialize_bool: Value::Bool(b) => |_t, v| v.visit_bool(*b),
        deserialize_i8: Value::Number(n) => |_t, v| number(n, v), deserialize_i16: Value::Number(n) => |_t, v| number(n, v),
        deserialize_i32: Value::Number(n) => |_t, v| number(n, v), deserialize_i64: Value::Number(n) => |_t, v| number(n, v),
        deserialize_i128: Value::Number(n) => |_t, v| number(n, v),
        deserialize_u8: Value::Number(n) => |_t, v| number(n, v), deserialize_u16: Value::Number(n) => |_t, v| number(n, v),
        deserialize_u32: Value::Number(n) => |_t, v| number(n, v), deserialize_u64: Value::Number(n) => |_t, v| number(n, v),
        deserialize_u128: Value::Number(n) => |_t, v| number(n, v),
        deserialize_f32: Value::Number(n) => |_t, v| number(n, v), deserialize_f64: Value::Number(n) => |_t, v| number(n, v),
        deserialize_char: Value::String(s) => |_t, v| v.visit_borrowed_str(s), deserialize_str: Value::String(s) => |_t, v| v.visit_borrowed_str(s),
        deserialize_string: Value::String(s) => |_t, v| v.visit_borrowed_str(s), deserialize_identifier: Value::String(s) => |_t, v| v.visit_borrowed_str(s),
        deserialize_bytes: Value::String(_) | Value::Array(_) => |t, v| t.any(v), deserialize_byte_buf: Value::String(_) | Value::Array(_) => |t, v| t.any(v),
        deserialize_unit: Value::Null => |_t, v| v.visit_unit(), deserialize_seq: Value::Array(items) => |t, v| t.seq(items, v),
        deserialize_map: Value::Object(map) => |t, v| entries(map, &t.chain, t.track, v),
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _name: &'static str, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Array(_) | Value::Object(_) => self.any(visitor),
            other => Err(Error::invalid_type(unexpected(other), &visitor)),
        }
        .map_err(|e| trigger(self.track, &self.chain, e))
    }
}

struct Seq<'de, 'a> {
    items: std::slice::Iter<'de, Value>,
    index: usize,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

impl<'de> de::SeqAccess<'de> for Seq<'de, '_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.items.next() else { return Ok(None) };
        let chain = Chain::Index(self.chain, self.index);
        self.index += 1;
        // Errors raised after the value's own calls (an untagged enum matching no variant) are
        // still the value's.
        seed.deserialize(Tracked { value, chain, track: self.track }).map(Some).map_err(|e| trigger(self.track, &chain, e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Entries<'de, 'a> {
    iter: serde_json::map::Iter<'de>,
    value: Option<(&'de str, &'de Value)>,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

impl<'de> de::MapAccess<'de> for Entries<'de, '_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else { return Ok(None) };
        self.value = Some((key, value));
        // An unknown or misspelt key is reported at the key itself.
        seed.deserialize(BorrowedStrDeserializer::new(key)).map(Some).map_err(|e| trigger(self.track, &Chain::Key(self.chain, key), e))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some((key, value)) = self.value.take() else { return Err(Error::custom("value is missing")) };
        let chain = Chain::Key(self.chain, key);
        seed.deserialize(Tracked { value, chain, track: self.track }).map_err(|e| trigger(self.track, &chain, e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Variant<'de, 'a> {
    variant: &'de str,
    value: Option<&'de Value>,
    chain: &'a Chain<'a>,
    track: &'a Track,
}

impl<'de, 'a> de::EnumAccess<'de> for Variant<'de, 'a> {
    type Error = Error;
    type Variant = Variant<'de, 'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let name: de::value::StrDeserializer<'_, Error> = self.variant.into_deserializer();
        seed.deserialize(name).map(|v| (v, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'de, '_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        let chain = Chain::Key(self.chain, self.variant);
        match self.value {
            Some(value) => <()>::deserialize(value).map_err(|e| trigger(self.track, &chain, e)),
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let chain = Chain::Key(self.chain, self.variant);
        match self.value {
            Some(value) => seed.deserialize(Tracked { value, chain, track: self.track }),
            None => Err(Error::invalid_type(Unexpected::UnitVariant, &"newtype variant")),
        }
        .map_err(|e| trigger(self.track, &chain, e))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        let chain = Chain::Key(self.chain, self.variant);
        match self.value {
            Some(Value::Array(v)) if v.is_empty() => visitor.visit_unit(),
            Some(value @ Value::Array(_)) => Tracked { value, chain, track: self.track }.any(visitor),
            Some(other) => Err(Error::invalid_type(unexpected(other), &"tuple variant")),
            None => Err(Error::invalid_type(Unexpected::UnitVariant, &"tuple variant")),
        }
        .map_err(|e| trigger(self.track, &chain, e))
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        let chain = Chain::Key(self.chain, self.variant);
        match self.value {
            Some(Value::Object(map)) => entries(map, &chain, self.track, visitor),
            Some(other) => Err(Error::invalid_type(unexpected(other), &"struct variant")),
            None => Err(Error::invalid_type(Unexpected::UnitVariant, &"struct variant")),
        }
        .map_err(|e| trigger(self.track, &chain, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Outer {
        name: String,
        #[serde(default)]
        items: Vec<Inner>,
        mode: Option<Mode>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        count: u32,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum Mode {
        Fast,
        Slow { by: u8 },
    }

    fn err(v: Value) -> (String, String) {
        let (path, e) = deserialize::<Outer>(&v).unwrap_err();
        (path, e.to_string())
    }

    #[test]
    fn values_deserialise_like_serde_json_does() {
        let v = json!({"name": "a", "items": [{"count": 1}, {"count": 2}], "mode": {"Slow": {"by": 3}}});
        assert_eq!(deserialize::<Outer>(&v).unwrap(), serde_json::from_value::<Outer>(v.clone()).unwrap());
        assert_eq!(deserialize::<Outer>(&json!({"name": "b", "mode": "Fast"})).unwrap().mode, Some(Mode::Fast));
    }

    #[test]
    fn errors_name_the_innermost_path_and_keep_serde_json_wording() {
        assert_eq!(err(json!({"name": "a", "items": [{"count": 1}, {"count": "x"}]})), ("items[1].count".into(), "invalid type: string \"x\", expected u32".into()));
        assert_eq!(err(json!({"name": "a", "itemz": []})).0, "itemz");
        assert!(err(json!({"name": "a", "itemz": []})).1.starts_with("unknown field `itemz`, expected one of"));
        assert_eq!(err(json!({"items": []})), (".".into(), "missing field `name`".into()));
        assert_eq!(err(json!({"name": "a", "mode": {"Slow": {"by": 300}}})), ("mode.Slow.by".into(), "invalid value: integer `300`, expected u8".into()));
        assert_eq!(err(json!({"name": "a", "mode": "Medium"})), ("mode".into(), "unknown variant `Medium`, expected `Fast` or `Slow`".into()));
        assert_eq!(err(json!({"name": "a", "mode": {"Fast": 1, "Slow": 2}})), ("mode".into(), "invalid value: map, expected map with a single key".into()));
        assert_eq!(err(json!("x")), (".".into(), "invalid type: string \"x\", expected struct Outer".into()));
        // A struct may be written as a list of its fields (serde's rule); errors then name the index.
        assert_eq!(err(json!([1])).0, "[0]");
        // A number is no variant name (serde would otherwise take it as a variant's index).
        assert_eq!(err(json!({"name": "a", "mode": {"1": {}}})).1, "unknown variant `1`, expected `Fast` or `Slow`");
        assert_eq!(err(json!({"name": 7})), ("name".into(), "invalid type: integer `7`, expected a string".into()));
    }

    #[test]
    fn the_same_errors_as_the_generic_path_tracker_gave() {
        // The messages serde_json's own `&Value` deserializer gives, for comparison.
        for v in [json!({"name": 1}), json!({"name": "a", "items": {"count": 1}}), json!({"name": "a", "items": [{"count": -1}]}), json!({"name": "a", "mode": 5})] {
            let plain = serde_json::from_value::<Outer>(v.clone()).unwrap_err().to_string();
            assert_eq!(err(v).1, plain);
        }
    }
}
