//! JSON Patch as RFC 6902 specifies it: its Appendix A examples, as a table, and errors at
//! the operation's JSON path.

use serde_json::{json, Value};
use stevedore_sim::patch::apply;

/// (document, patch, expected result or the error `path: message` it must give).
fn check(doc: Value, patch: Value, expected: Result<Value, &str>) {
    let mut d = doc.clone();
    match (apply(&mut d, &patch, "$.patch"), expected) {
        (Ok(()), Ok(want)) => assert_eq!(d, want, "patch {patch}"),
        (Err(e), Err(want)) => {
            assert_eq!(e.to_string(), want, "patch {patch}");
            assert_eq!(d, doc, "a failed patch leaves the document as it was");
        }
        (got, want) => panic!("patch {patch}: got {got:?} / {d}, want {want:?}"),
    }
}

#[test]
fn rfc_6902_appendix_a() {
    // A.1 adding an object member
    check(json!({"foo": "bar"}), json!([{"op": "add", "path": "/baz", "value": "qux"}]), Ok(json!({"baz": "qux", "foo": "bar"})));
    // A.2 adding an array element
    check(json!({"foo": ["bar", "baz"]}), json!([{"op": "add", "path": "/foo/1", "value": "qux"}]), Ok(json!({"foo": ["bar", "qux", "baz"]})));
    // A.3 removing an object member
    check(json!({"baz": "qux", "foo": "bar"}), json!([{"op": "remove", "path": "/baz"}]), Ok(json!({"foo": "bar"})));
    // A.4 removing an array element
    check(json!({"foo": ["bar", "qux", "baz"]}), json!([{"op": "remove", "path": "/foo/1"}]), Ok(json!({"foo": ["bar", "baz"]})));
    // A.5 replacing a value
    check(json!({"baz": "qux", "foo": "bar"}), json!([{"op": "replace", "path": "/baz", "value": "boo"}]), Ok(json!({"baz": "boo", "foo": "bar"})));
    // A.6 moving a value
    check(
        json!({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}),
        json!([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}]),
        Ok(json!({"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}})),
    );
    // A.7 moving an array element
    check(json!({"foo": ["all", "grass", "cows", "eat"]}), json!([{"op": "move", "from": "/foo/1", "path": "/foo/3"}]), Ok(json!({"foo": ["all", "cows", "eat", "grass"]})));
    // A.8 testing a value: success
    check(json!({"baz": "qux", "foo": ["a", 2, "c"]}), json!([{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}]), Ok(json!({"baz": "qux", "foo": ["a", 2, "c"]})));
    // A.9 testing a value: error
    check(json!({"baz": "qux"}), json!([{"op": "test", "path": "/baz", "value": "bar"}]), Err("$.patch[0].value: test failed: /baz is \"qux\", not \"bar\""));
    // A.10 adding a nested member object
    check(json!({"foo": "bar"}), json!([{"op": "add", "path": "/child", "value": {"grandchild": {}}}]), Ok(json!({"foo": "bar", "child": {"grandchild": {}}})));
    // A.11 ignoring unrecognized elements
    check(json!({"foo": "bar"}), json!([{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}]), Ok(json!({"foo": "bar", "baz": "qux"})));
    // A.12 adding to a nonexistent target
    check(json!({"foo": "bar"}), json!([{"op": "add", "path": "/baz/bat", "value": "qux"}]), Err("$.patch[0].path: /baz does not exist"));
    // A.14 ~ escape ordering
    check(json!({"/": 9, "~1": 10}), json!([{"op": "test", "path": "/~01", "value": 10}]), Ok(json!({"/": 9, "~1": 10})));
    // A.15 comparing strings and numbers
    check(json!({"/": 9, "~1": 10}), json!([{"op": "test", "path": "/~01", "value": "10"}]), Err("$.patch[0].value: test failed: /~01 is 10, not \"10\""));
    // A.16 adding an array value
    check(json!({"foo": ["bar"]}), json!([{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}]), Ok(json!({"foo": ["bar", ["abc", "def"]]})));
}

#[test]
fn copy_whole_document_and_number_equality() {
    check(json!({"a": {"b": 1}}), json!([{"op": "copy", "from": "/a", "path": "/c"}]), Ok(json!({"a": {"b": 1}, "c": {"b": 1}})));
    check(json!({"a": 1}), json!([{"op": "replace", "path": "", "value": [1]}]), Ok(json!([1])));
    check(json!({"a": 1}), json!([{"op": "test", "path": "/a", "value": 1.0}]), Ok(json!({"a": 1})));
    check(json!({"a": {"x": 1, "y": [2]}}), json!([{"op": "test", "path": "/a", "value": {"y": [2.0], "x": 1}}]), Ok(json!({"a": {"x": 1, "y": [2]}})));
}

#[test]
fn errors_name_the_operation_and_the_rule() {
    let services = json!({"services": [{"serviceName": "a"}, {"serviceName": "b"}]});
    check(services.clone(), json!([{"op": "replace", "path": "/services/3", "value": {}}]), Err("$.patch[0].path: /services/3 does not exist"));
    check(services.clone(), json!([{"op": "remove", "path": "/services/2"}]), Err("$.patch[0].path: /services/2 does not exist"));
    check(services.clone(), json!([{"op": "add", "path": "/services/3", "value": {}}]), Err("$.patch[0].path: /services/3 is past the end of /services (2 items)"));
    check(services.clone(), json!([{"op": "add", "path": "/services/01", "value": {}}]), Err("$.patch[0].path: `01` is not an array index (0, 1, ... or - to append)"));
    check(services.clone(), json!([{"op": "frob", "path": "/services"}]), Err("$.patch[0].op: unknown op `frob` (the operations are add, remove, replace, move, copy, test)"));
    check(services.clone(), json!([{"path": "/services"}]), Err("$.patch[0].op: missing: one of add, remove, replace, move, copy, test"));
    check(services.clone(), json!([{"op": "replace", "path": "/services/0"}]), Err("$.patch[0].value: missing: `replace` needs `value`"));
    check(services.clone(), json!([{"op": "move", "path": "/x"}]), Err("$.patch[0].from: missing: `move` needs `from`"));
    check(services.clone(), json!([{"op": "move", "from": "/services", "path": "/services/0/x"}]), Err("$.patch[0].path: /services/0/x is inside /services: a value cannot move into itself"));
    check(services.clone(), json!([{"op": "replace", "path": "services", "value": 1}]), Err("$.patch[0].path: `services` is not a JSON Pointer: it must be empty or start with /"));
    check(services.clone(), json!([{"op": "test", "path": "/a~2", "value": 1}]), Err("$.patch[0].path: `/a~2`: ~ must be followed by 0 or 1"));
    check(services.clone(), json!({"op": "add"}), Err("$.patch: a patch is a list of operations: [{\"op\": \"replace\", \"path\": \"/seed\", \"value\": 2}]"));
    // The second operation fails: the first is undone too.
    check(services, json!([{"op": "remove", "path": "/services/0"}, {"op": "remove", "path": "/nope"}]), Err("$.patch[1].path: /nope does not exist"));
}

#[test]
fn the_loader_checks_variants_with_every_other_error() {
    let doc = json!({"seed": 3, "oops": 1, "variants": [{"patch": []}, {"name": "x", "patch": {"op": "add"}}, {"name": "y", "patch": [{"op": "copy", "from": "/seed", "path": "/name"}]}]});
    let errors: Vec<String> = stevedore_sim::load(&doc.to_string()).unwrap_err().iter().map(|e| e.to_string()).collect();
    assert!(errors.iter().any(|e| e.starts_with("$.oops: unknown key")), "{errors:?}");
    assert!(errors.contains(&"$.variants[0].name: a variant needs a name (a non-empty string)".to_string()), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("$.variants[1].patch: a patch is a list")), "{errors:?}");
    assert_eq!(errors.len(), 3, "copying from /seed is allowed: {errors:?}");
    let not_a_list = stevedore_sim::load(&json!({"variants": {}}).to_string()).unwrap_err();
    assert_eq!(not_a_list[0].path, "$.variants");
}
