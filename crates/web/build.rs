//! Embeds the built-in ECS lessons minified (issue 13: the shipped size): whitespace outside
//! strings is dropped here and `scenarios::pretty` puts the 2-space layout back for the editor,
//! byte for byte (a test compares it with `www/scenarios/`).
use std::{env, fs, path::Path};

fn main() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/scenarios");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("lessons");
    fs::create_dir_all(&out).unwrap();
    println!("cargo:rerun-if-changed={}", src.display());
    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            println!("cargo:rerun-if-changed={}", path.display());
            let text = fs::read_to_string(&path).unwrap();
            fs::write(out.join(path.file_name().unwrap()), minify(&text)).unwrap();
        }
    }
}

/// Drops whitespace outside strings, except a trailing newline (kept, so the editor's text
/// ends as the file does).
fn minify(text: &str) -> String {
    let body = text.trim_end();
    let (mut out, mut in_string, mut escaped) = (String::with_capacity(body.len()), false, false);
    for ch in body.chars() {
        if in_string {
            out.push(ch);
            match ch {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if !ch.is_whitespace() {
            in_string = ch == '"';
            out.push(ch);
        }
    }
    out.push_str(&text[body.len()..]);
    out
}
