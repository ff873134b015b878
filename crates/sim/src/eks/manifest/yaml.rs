//! YAML or JSON text → one JSON value per document, so the readers work on a single tree type.
//!
//! Parser: `saphyr-parser`, a maintained, serde-free YAML 1.2 event parser (the successor of
//! yaml-rust). Building the tree ourselves from its events lets us cap alias expansion: every
//! node an alias would copy counts toward `MAX_NODES`, so an "alias bomb" stops at the cap.
//! Plain scalars resolve by the YAML 1.2 core schema (null, true/false, ints, floats); quoted
//! scalars stay strings. Tags are ignored; `<<` merge keys are ordinary keys (and so ignored).

use crate::error::ValidationError;
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Number, Value};

/// Total nodes (after alias expansion) one file may produce: far above any real manifest.
pub const MAX_NODES: usize = 1_000_000;
/// Nesting depth cap, so a deep file cannot exhaust the stack of later readers.
pub const MAX_DEPTH: usize = 128;

fn err(message: String) -> ValidationError {
    ValidationError { path: "$".into(), message }
}

/// Parses a manifest file into its documents. A file whose first character is `[` is a JSON
/// array of objects; anything else is YAML (one or more `---`-separated documents).
pub fn documents(text: &str) -> Result<Vec<Value>, ValidationError> {
    if text.trim_start().starts_with('[') {
        return match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => Ok(items),
            Ok(_) => Err(err("a JSON manifest must be an array of objects".into())),
            Err(e) => Err(err(format!("JSON syntax error at line {} column {}: {e}", e.line(), e.column()))),
        };
    }
    if let Some((line, col)) = tab_in_indentation(text) {
        return Err(err(format!(
            "line {line} column {col}: a tab character in indentation; YAML indents with spaces only"
        )));
    }
    let mut b = Builder { stack: Vec::new(), anchors: Vec::new(), nodes: 0, docs: Vec::new() };
    for next in Parser::new_from_str(text) {
        let (event, span) = next.map_err(|e| {
            err(format!(
                "YAML syntax error at line {} column {}: {}",
                e.marker().line(),
                e.marker().col() + 1,
                e.info()
            ))
        })?;
        b.event(event).map_err(|m| err(format!("line {}: {m}", span.start.line())))?;
    }
    Ok(b.docs)
}

/// First tab found before a line's first non-blank character, as (line, column), both from 1.
fn tab_in_indentation(text: &str) -> Option<(usize, usize)> {
    for (i, line) in text.lines().enumerate() {
        for (j, c) in line.chars().enumerate() {
            match c {
                '\t' => return Some((i + 1, j + 1)),
                ' ' => continue,
                _ => break,
            }
        }
    }
    None
}

enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<String>, usize),
}

struct Builder {
    stack: Vec<Frame>,
    /// Anchored values by anchor id, with their node counts.
    anchors: Vec<Option<(Value, usize)>>,
    nodes: usize,
    docs: Vec<Value>,
}

impl Builder {
    fn count(&mut self, n: usize) -> Result<(), String> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(format!(
                "the file expands to more than {MAX_NODES} YAML nodes (anchors and aliases are \
                 capped so a small file cannot expand into a huge one)"
            ));
        }
        Ok(())
    }

    fn event(&mut self, event: Event) -> Result<(), String> {
        match event {
            Event::Scalar(text, style, anchor, _) => {
                self.count(1)?;
                let v = if style == ScalarStyle::Plain { resolve_plain(&text) } else { Value::String(text.into_owned()) };
                self.anchor(anchor, &v, 1);
                self.push(v, 1)
            }
            Event::SequenceStart(anchor, _) => self.open(Frame::Seq(Vec::new(), anchor)),
            Event::MappingStart(anchor, _) => self.open(Frame::Map(Map::new(), None, anchor)),
            Event::SequenceEnd | Event::MappingEnd => {
                let (v, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(items, a)) => (Value::Array(items), a),
                    Some(Frame::Map(map, _, a)) => (Value::Object(map), a),
                    None => return Err("unbalanced YAML collection".into()),
                };
                let size = node_count(&v);
                self.anchor(anchor, &v, size);
                self.push(v, size)
            }
            Event::Alias(id) => {
                let Some(Some((v, size))) = self.anchors.get(id).cloned() else {
                    return Err("an alias refers to an unknown anchor".into());
                };
                self.count(size)?;
                self.push(v, size)
            }
            Event::DocumentEnd | Event::DocumentStart(_) | Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
        }
    }

    fn open(&mut self, frame: Frame) -> Result<(), String> {
        self.count(1)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(format!("YAML nested deeper than {MAX_DEPTH} levels"));
        }
        self.stack.push(frame);
        Ok(())
    }

    fn anchor(&mut self, id: usize, v: &Value, size: usize) {
        if id == 0 {
            return;
        }
        if self.anchors.len() <= id {
            self.anchors.resize(id + 1, None);
        }
        self.anchors[id] = Some((v.clone(), size));
    }

    fn push(&mut self, v: Value, _size: usize) -> Result<(), String> {
        match self.stack.last_mut() {
            None => self.docs.push(v),
            Some(Frame::Seq(items, _)) => items.push(v),
            Some(Frame::Map(map, key, _)) => match key.take() {
                Some(k) => {
                    // Kubernetes' strict YAML decoding rejects a key given twice in one mapping.
                    if map.contains_key(&k) {
                        return Err(format!("key \"{k}\" appears twice in one mapping"));
                    }
                    map.insert(k, v);
                }
                None => {
                    *key = Some(match v {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => "null".into(),
                        _ => return Err("a mapping key must be a scalar".into()),
                    })
                }
            },
        }
        Ok(())
    }
}

fn node_count(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(node_count).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(|x| 1 + node_count(x)).sum::<usize>(),
        _ => 1,
    }
}

/// YAML 1.2 core schema for plain scalars.
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = s.parse::<i64>() {
            return Value::Number(i.into());
        }
    }
    if let Some(hex) = s.strip_prefix("0x") {
        if let Ok(i) = i64::from_str_radix(hex, 16) {
            return Value::Number(i.into());
        }
    }
    if let Some(oct) = s.strip_prefix("0o") {
        if let Ok(i) = i64::from_str_radix(oct, 8) {
            return Value::Number(i.into());
        }
    }
    let float_like = unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && unsigned.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if float_like {
        if let Some(n) = s.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(s.to_string())
}
