//! Error wording for people writing JSON: serde's and serde_json's messages speak Rust
//! ("expected i64", "found sequence", "untagged enum StringOrNumber"); these say the same in the
//! words of a JSON document (a whole number, a list, an object). The JSON path is not touched.

/// Rewrites one serde type-error message.
pub(crate) fn type_error(message: &str) -> String {
    if let Some(name) = message.strip_prefix("data did not match any variant of untagged enum ") {
        return format!("expected {}", untagged(name.trim()));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("wrong type: found {}, expected {}", found_words(found), expected_words(expected));
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!("wrong value: found {}, expected {}", found_words(found), expected_words(expected));
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        if let Some((n, expected)) = rest.split_once(", expected ") {
            return format!("a list of {n} entries, expected {}", expected_words(expected));
        }
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("missing key {field}");
    }
    message.to_string()
}

/// The shapes our untagged enums accept (types.rs, platform.rs).
fn untagged(name: &str) -> &'static str {
    match name {
        "StringOrNumber" => "a number or a string such as \"256\" or \"1 vCPU\"",
        "DurationInput" => "a number of seconds or a string such as \"90s\", \"15m\", \"2h\"",
        "OneOrMany" => "an object or a list of objects",
        _ => "a value of another shape (see docs/scenario-format.md)",
    }
}

/// serde's `Unexpected` display: `string "x"`, `integer `5``, `floating point `1.5``,
/// `boolean `true``, `sequence`, `map`, `null`, `unit value`, `newtype struct`...
fn found_words(found: &str) -> String {
    let value = |prefix: &str| found.strip_prefix(prefix).map(|v| v.trim_matches('`').to_string());
    if let Some(s) = found.strip_prefix("string ") {
        return format!("the text {s}");
    }
    if let Some(v) = value("integer ").or_else(|| value("floating point ")) {
        return format!("the number {v}");
    }
    if let Some(v) = value("boolean ") {
        return v;
    }
    match found {
        "sequence" => "a list".into(),
        "map" => "an object".into(),
        "null" | "unit value" | "unit" => "null".into(),
        other => other.to_string(),
    }
}

/// serde's `expected` side: primitive type names or an `expecting` phrase.
fn expected_words(expected: &str) -> String {
    let e = expected.trim();
    let words = match e {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" | "bool" => "true or false",
        "a string" | "string" | "a borrowed string" | "char" | "a character" => "a string (text in double quotes)",
        "a sequence" | "sequence" => "a list [...]",
        "a map" | "map" => "an object {...}",
        "unit" => "null",
        _ => {
            if e.starts_with("struct ") || e.starts_with("a map") {
                return "an object {...}".into();
            }
            if e.starts_with("tuple") {
                return "a list [...]".into();
            }
            return e.to_string();
        }
    };
    words.to_string()
}

/// serde_json's syntax message without its trailing " at line L column C", and in plainer words.
pub(crate) fn syntax_error(message: &str) -> String {
    let bare = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    match bare {
        "EOF while parsing an object" => "the text ends before this object's closing `}`".into(),
        "EOF while parsing a list" => "the text ends before this list's closing `]`".into(),
        "EOF while parsing a string" => "the text ends inside a string (a missing closing `\"`)".into(),
        "EOF while parsing a value" => "the text ends where a value was expected".into(),
        "key must be a string" => "expected a key in double quotes (a trailing comma before `}`?)".into(),
        "trailing comma" => "a comma with nothing after it".into(),
        "expected `,` or `}`" => "expected `,` or `}` (a missing comma between keys?)".into(),
        "expected `,` or `]`" => "expected `,` or `]` (a missing comma between entries?)".into(),
        "expected value" => "expected a value (a string, number, true/false, null, list or object)".into(),
        "expected ident" => "expected true, false or null (strings need double quotes)".into(),
        "control character (\\u0000-\\u001F) found while parsing a string" => "a line break or control character inside a string (write it as \\n)".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_type_words_become_json_words() {
        assert_eq!(type_error("invalid type: string \"two\", expected i64"), "wrong type: found the text \"two\", expected a whole number");
        assert_eq!(type_error("invalid type: sequence, expected u32"), "wrong type: found a list, expected a whole number, 0 or more");
        assert_eq!(type_error("invalid type: integer `5`, expected a string"), "wrong type: found the number 5, expected a string (text in double quotes)");
        assert_eq!(type_error("invalid type: boolean `true`, expected a sequence"), "wrong type: found true, expected a list [...]");
        assert_eq!(type_error("invalid type: map, expected a boolean"), "wrong type: found an object, expected true or false");
        assert_eq!(type_error("invalid type: floating point `1.5`, expected struct CreateService"), "wrong type: found the number 1.5, expected an object {...}");
        assert_eq!(type_error("invalid value: integer `-1`, expected u32"), "wrong value: found the number -1, expected a whole number, 0 or more");
        assert_eq!(type_error("invalid type: null, expected f64"), "wrong type: found null, expected a number");
        assert_eq!(type_error("data did not match any variant of untagged enum StringOrNumber"), "expected a number or a string such as \"256\" or \"1 vCPU\"");
        assert_eq!(type_error("missing field `family`"), "missing key `family`");
    }

    #[test]
    fn no_rust_type_names_survive() {
        for t in ["u8", "u16", "u32", "u64", "i32", "i64", "f32", "f64", "usize"] {
            let out = type_error(&format!("invalid type: string \"x\", expected {t}"));
            assert!(!out.contains(t), "{out}");
        }
    }

    #[test]
    fn syntax_errors_drop_serde_jsons_own_position() {
        assert_eq!(syntax_error("key must be a string at line 3 column 12"), "expected a key in double quotes (a trailing comma before `}`?)");
        assert_eq!(syntax_error("something new at line 1 column 2"), "something new");
    }
}
