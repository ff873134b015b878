//! JSON Patch (RFC 6902) over JSON Pointers (RFC 6901): how a scenario's `variants` say "the
//! same cluster, but ...". All six operations; a patch applies whole or not at all, and an
//! error names the operation's JSON path (`$.variants[1].patch[0].path`) and what is wrong.

use crate::error::ValidationError;
use serde_json::Value;

/// Applies `ops` (the patch, a JSON array) to `doc`. `at` is the patch's own JSON path, for
/// errors: `$.variants[1].patch`. On error `doc` is unchanged.
pub fn apply(doc: &mut Value, ops: &Value, at: &str) -> Result<(), ValidationError> {
    let Value::Array(ops) = ops else {
        return Err(err(at, "a patch is a list of operations: [{\"op\": \"replace\", \"path\": \"/seed\", \"value\": 2}]"));
    };
    let mut work = doc.clone();
    for (i, op) in ops.iter().enumerate() {
        apply_one(&mut work, op, &format!("{at}[{i}]"))?;
    }
    *doc = work;
    Ok(())
}

fn err(path: &str, message: impl Into<String>) -> ValidationError {
    ValidationError { path: path.to_string(), message: message.into() }
}

fn apply_one(doc: &mut Value, op: &Value, at: &str) -> Result<(), ValidationError> {
    let Value::Object(o) = op else { return Err(err(at, "an operation is an object with `op` and `path`")) };
    let name = match o.get("op") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(err(&format!("{at}.op"), "must be a string")),
        None => return Err(err(&format!("{at}.op"), "missing: one of add, remove, replace, move, copy, test")),
    };
    let pointer = |key: &str| -> Result<Vec<String>, ValidationError> {
        let p = format!("{at}.{key}");
        match o.get(key) {
            Some(Value::String(s)) => parse_pointer(s).map_err(|m| err(&p, m)),
            Some(_) => Err(err(&p, "a JSON Pointer is a string such as \"/services/0/desiredCount\"")),
            None => Err(err(&p, format!("missing: `{name}` needs `{key}`"))),
        }
    };
    let value = || o.get("value").cloned().ok_or_else(|| err(&format!("{at}.value"), format!("missing: `{name}` needs `value`")));
    let path_at = format!("{at}.path");
    match name {
        "add" => add(doc, &pointer("path")?, value()?, &path_at),
        "remove" => remove(doc, &pointer("path")?, &path_at).map(drop),
        "replace" => {
            let path = pointer("path")?;
            let v = value()?;
            *get_mut(doc, &path, &path_at)? = v;
            Ok(())
        }
        "move" => {
            let (from, path) = (pointer("from")?, pointer("path")?);
            if path.len() > from.len() && path[..from.len()] == from[..] {
                return Err(err(&path_at, format!("{} is inside {}: a value cannot move into itself", render(&path), render(&from))));
            }
            let v = remove(doc, &from, &format!("{at}.from"))?;
            add(doc, &path, v, &path_at)
        }
        "copy" => {
            let v = get(doc, &pointer("from")?, &format!("{at}.from"))?.clone();
            add(doc, &pointer("path")?, v, &path_at)
        }
        "test" => {
            let path = pointer("path")?;
            let expected = value()?;
            let actual = get(doc, &path, &path_at)?;
            if json_equal(actual, &expected) {
                Ok(())
            } else {
                Err(err(&format!("{at}.value"), format!("test failed: {} is {actual}, not {expected}", render(&path))))
            }
        }
        other => Err(err(&format!("{at}.op"), format!("unknown op `{other}` (the operations are add, remove, replace, move, copy, test)"))),
    }
}

/// RFC 6901: "" is the whole document; otherwise "/"-separated tokens with `~1` for "/" and
/// `~0` for "~".
pub fn parse_pointer(s: &str) -> Result<Vec<String>, String> {
    if s.is_empty() {
        return Ok(vec![]);
    }
    let Some(rest) = s.strip_prefix('/') else {
        return Err(format!("`{s}` is not a JSON Pointer: it must be empty or start with /"));
    };
    rest.split('/')
        .map(|t| {
            let mut out = String::with_capacity(t.len());
            let mut chars = t.chars();
            while let Some(c) = chars.next() {
                if c != '~' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('0') => out.push('~'),
                    Some('1') => out.push('/'),
                    _ => return Err(format!("`{s}`: ~ must be followed by 0 or 1")),
                }
            }
            Ok(out)
        })
        .collect()
}

fn render(tokens: &[String]) -> String {
    tokens.iter().map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1"))).collect()
}

/// An array index: digits without leading zeros (RFC 6901 §4).
fn index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    (digits && (token == "0" || !token.starts_with('0'))).then(|| token.parse().ok()).flatten()
}

fn missing(tokens: &[String]) -> String {
    format!("{} does not exist", render(tokens))
}

fn get<'a>(doc: &'a Value, tokens: &[String], at: &str) -> Result<&'a Value, ValidationError> {
    let mut cur = doc;
    for (k, t) in tokens.iter().enumerate() {
        let next = match cur {
            Value::Object(m) => m.get(t),
            Value::Array(a) => index(t).and_then(|i| a.get(i)),
            _ => None,
        };
        cur = next.ok_or_else(|| err(at, missing(&tokens[..=k])))?;
    }
    Ok(cur)
}

fn get_mut<'a>(doc: &'a mut Value, tokens: &[String], at: &str) -> Result<&'a mut Value, ValidationError> {
    let mut cur = doc;
    for (k, t) in tokens.iter().enumerate() {
        let next = match cur {
            Value::Object(m) => m.get_mut(t),
            Value::Array(a) => index(t).and_then(|i| a.get_mut(i)),
            _ => None,
        };
        cur = next.ok_or_else(|| err(at, missing(&tokens[..=k])))?;
    }
    Ok(cur)
}

fn add(doc: &mut Value, tokens: &[String], value: Value, at: &str) -> Result<(), ValidationError> {
    let Some((last, parent)) = tokens.split_last() else {
        *doc = value;
        return Ok(());
    };
    match get_mut(doc, parent, at)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let i = if last == "-" { a.len() } else { index(last).ok_or_else(|| err(at, format!("`{last}` is not an array index (0, 1, ... or - to append)")))? };
            if i > a.len() {
                return Err(err(at, format!("{} is past the end of {} ({} items)", render(tokens), render(parent), a.len())));
            }
            a.insert(i, value);
            Ok(())
        }
        _ => Err(err(at, format!("{} is neither an object nor an array", render(parent)))),
    }
}

fn remove(doc: &mut Value, tokens: &[String], at: &str) -> Result<Value, ValidationError> {
    let Some((last, parent)) = tokens.split_last() else {
        return Err(err(at, "cannot remove the whole document"));
    };
    let removed = match get_mut(doc, parent, at)? {
        Value::Object(m) => m.remove(last),
        Value::Array(a) => index(last).filter(|&i| i < a.len()).map(|i| a.remove(i)),
        _ => None,
    };
    removed.ok_or_else(|| err(at, missing(tokens)))
}

/// RFC 6902 §4.6 equality: numbers by value (1 equals 1.0), objects ignoring member order.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w))),
        _ => a == b,
    }
}
