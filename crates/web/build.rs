//! Embeds the built-in ECS lessons minified (issue 13: the shipped size): whitespace outside
//! strings is dropped here and `scenarios::pretty` puts the 2-space layout back for the editor,
//! byte for byte (a test compares it with `www/scenarios/`).
use std::{env, fs, path::Path};

#[path = "src/json_strings.rs"]
mod json_strings;

fn main() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/scenarios");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("lessons");
    fs::create_dir_all(&out).unwrap();
    println!("cargo:rerun-if-changed={}", src.display());
    println!("cargo:rerun-if-changed=src/json_strings.rs");
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
    let mut out = String::with_capacity(body.len());
    let mut strings = json_strings::Strings::default();
    for ch in body.chars() {
        if strings.step(ch) || !ch.is_whitespace() {
            out.push(ch);
        }
    }
    out.push_str(&text[body.len()..]);
    out
}
