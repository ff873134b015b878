//! The reader's rules and messages, compared with what serde's derived `Deserialize` gives for
//! the same JSON (the messages `scenario/wording.rs` rewrites).

use super::*;
use serde_json::json;
use stevedore_derive::FromJson;

#[derive(Debug, PartialEq, FromJson)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Outer {
    name: String,
    #[serde(default)]
    items: Vec<Inner>,
    max_count: Option<u8>,
    #[serde(rename = "TTL", alias = "ttl")]
    ttl: Option<i64>,
}

#[derive(Debug, PartialEq, FromJson)]
#[serde(rename_all = "PascalCase")]
struct Inner {
    count_of_things: u32,
    weight: Option<f64>,
}

fn err(v: Value) -> (String, String) {
    let e = read::<Outer>(&v).unwrap_err();
    (e.path(), e.message().to_string())
}

#[test]
fn objects_read_with_renames_aliases_defaults_and_options() {
    let v = json!({"name": "a", "items": [{"CountOfThings": 1, "Weight": 2}, {"CountOfThings": 2, "Other": true}], "ttl": 5});
    let o = read::<Outer>(&v).unwrap();
    assert_eq!(o.items, vec![Inner { count_of_things: 1, weight: Some(2.0) }, Inner { count_of_things: 2, weight: None }]);
    assert_eq!((o.max_count, o.ttl), (None, Some(5)));
    let o = read::<Outer>(&json!({"name": "b", "maxCount": null, "TTL": -3})).unwrap();
    assert_eq!((o.items.len(), o.max_count, o.ttl), (0, None, Some(-3)));
}

#[test]
fn errors_name_the_innermost_path_with_serdes_wording() {
    assert_eq!(err(json!({"name": "a", "items": [{"CountOfThings": 1}, {"CountOfThings": "x"}]})), ("items[1].CountOfThings".into(), "invalid type: string \"x\", expected u32".into()));
    assert_eq!(err(json!({"name": "a", "itemz": []})), ("itemz".into(), "unknown field `itemz`, expected one of `name`, `items`, `maxCount`, `TTL`, `ttl`".into()));
    assert_eq!(err(json!({"items": []})), (".".into(), "missing field `name`".into()));
    assert_eq!(err(json!({"name": "a", "maxCount": 300})), ("maxCount".into(), "invalid value: integer `300`, expected u8".into()));
    assert_eq!(err(json!({"name": "a", "maxCount": -1})), ("maxCount".into(), "invalid value: integer `-1`, expected u8".into()));
    assert_eq!(err(json!({"name": "a", "maxCount": 1.5})), ("maxCount".into(), "invalid type: floating point `1.5`, expected u8".into()));
    assert_eq!(err(json!({"name": "a", "maxCount": 2.0})).1, "invalid type: floating point `2.0`, expected u8");
    assert_eq!(err(json!("x")), (".".into(), "invalid type: string \"x\", expected struct Outer".into()));
    assert_eq!(err(json!([1])), (".".into(), "invalid type: sequence, expected struct Outer".into()));
    assert_eq!(err(json!({"name": 7})), ("name".into(), "invalid type: integer `7`, expected a string".into()));
    assert_eq!(err(json!({"name": null})), ("name".into(), "invalid type: unit value, expected a string".into()));
    assert_eq!(err(json!({"name": "a", "items": {"CountOfThings": 1}})), ("items".into(), "invalid type: map, expected a sequence".into()));
    assert_eq!(err(json!({"name": "a", "TTL": true})), ("TTL".into(), "invalid type: boolean `true`, expected i64".into()));
    assert_eq!(err(json!({"name": "a", "TTL": 18446744073709551615u64})).1, "invalid value: integer `18446744073709551615`, expected i64");
}

#[test]
fn the_first_error_in_key_order_is_the_one_reported() {
    // serde_json's objects iterate in key order; serde stops at the first error it meets.
    assert_eq!(err(json!({"name": 1, "items": 2})).0, "items");
    assert_eq!(err(json!({"zzz": 1, "name": 2})).0, "name");
}

#[test]
fn unknown_names_list_what_is_expected_as_serde_does() {
    assert_eq!(unknown_field("x", &[]).message(), "unknown field `x`, there are no fields");
    assert_eq!(unknown_field("x", &["a"]).message(), "unknown field `x`, expected `a`");
    assert_eq!(unknown_variant("x", &["a", "b"]).message(), "unknown variant `x`, expected `a` or `b`");
    assert_eq!(no_variant("StringOrNumber").message(), "data did not match any variant of untagged enum StringOrNumber");
}

#[test]
fn lists_and_maps_label_their_entries() {
    let e = read::<Vec<Vec<u32>>>(&json!([[1], [2, "3"]])).unwrap_err();
    assert_eq!((e.path(), e.message()), ("[1][1]".to_string(), "invalid type: string \"3\", expected u32"));
    let e = read::<std::collections::BTreeMap<String, bool>>(&json!({"a": true, "b": 0})).unwrap_err();
    assert_eq!(e.path(), "b");
    assert_eq!(read::<Option<String>>(&json!(null)).unwrap(), None);
    assert_eq!(read::<Value>(&json!({"k": [1]})).unwrap(), json!({"k": [1]}));
}
