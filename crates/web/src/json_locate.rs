//! Where a validation error is in the text: the line of the value at a JSON path such as
//! `$.services[0].loadBalancers[1].containerPort`, found by one scan of the text (serde_json
//! keeps no positions). A path that goes deeper than the text (a missing key) stops at the
//! deepest part that exists; a syntax error's own "line L, column C" is read from its message.

/// 1-based line of the value at `path` in `text`, or of its deepest existing ancestor.
pub fn line_of(text: &str, path: &str, message: &str) -> Option<usize> {
    if path == "$" {
        return syntax_line(message);
    }
    let want = parse_path(path)?;
    let mut scan = Scanner { b: text.as_bytes(), i: 0, line: 1 };
    let mut best = None;
    scan.value(&mut Vec::new(), &want, &mut best, 0);
    best.map(|(_, line)| line)
}

/// "… at line 3, column 12 …" → 3.
fn syntax_line(message: &str) -> Option<usize> {
    let rest = &message[message.find("line ")? + 5..];
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// One step of a validation path: `.key` / `["key"]` or `[index]`.
#[derive(Debug, PartialEq)]
pub(crate) enum Part {
    Key(String),
    Index(usize),
}

/// `$.a[2]["b c"].d` → its steps; None if it is not such a path. Shared with `yaml_locate`.
pub(crate) fn parse_path(path: &str) -> Option<Vec<Part>> {
    let mut rest = path.strip_prefix('$')?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("[\"") {
            let (k, r) = r.split_once("\"]")?;
            out.push(Part::Key(k.to_string()));
            rest = r;
        } else if let Some(r) = rest.strip_prefix('[') {
            let (n, r) = r.split_once(']')?;
            out.push(Part::Index(n.parse().ok()?));
            rest = r;
        } else if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            out.push(Part::Key(r[..end].to_string()));
            rest = &r[end..];
        } else {
            return None;
        }
    }
    Some(out)
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
    line: usize,
}

/// Nesting deeper than this is not scanned (a hostile text must not exhaust the stack).
const MAX_DEPTH: usize = 128;

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.i += 1;
        }
    }

    fn string(&mut self) -> String {
        let start = self.i + 1;
        self.i += 1;
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\\' => self.i += 1,
                b'"' => break,
                b'\n' => self.line += 1,
                _ => {}
            }
            self.i += 1;
        }
        let s = String::from_utf8_lossy(&self.b[start.min(self.b.len())..self.i.min(self.b.len())]).into_owned();
        self.i += 1;
        s
    }

    /// Scans one value at `at`; records in `best` the deepest prefix of `want` reached.
    fn value(&mut self, at: &mut Vec<Part>, want: &[Part], best: &mut Option<(usize, usize)>, depth: usize) {
        self.skip_ws();
        let on_path = at.len() <= want.len() && at.iter().zip(want).all(|(a, w)| a == w);
        if on_path && best.is_none_or(|(d, _)| at.len() > d) {
            *best = Some((at.len(), self.line));
        }
        match self.b.get(self.i) {
            Some(b'{') if depth < MAX_DEPTH => {
                self.i += 1;
                loop {
                    self.skip_ws();
                    match self.b.get(self.i) {
                        Some(b'"') => {
                            let key = self.string();
                            self.skip_ws();
                            if self.b.get(self.i) == Some(&b':') {
                                self.i += 1;
                            }
                            at.push(Part::Key(key));
                            self.value(at, want, best, depth + 1);
                            at.pop();
                        }
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return;
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') if depth < MAX_DEPTH => {
                self.i += 1;
                let mut k = 0;
                loop {
                    self.skip_ws();
                    match self.b.get(self.i) {
                        Some(b']') => {
                            self.i += 1;
                            return;
                        }
                        Some(b',') => {
                            self.i += 1;
                            k += 1;
                        }
                        Some(_) => {
                            at.push(Part::Index(k));
                            let before = self.i;
                            self.value(at, want, best, depth + 1);
                            at.pop();
                            if self.i == before {
                                return;
                            }
                        }
                        None => return,
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while let Some(&c) = self.b.get(self.i) {
                    if matches!(c, b',' | b'}' | b']') || c.is_ascii_whitespace() {
                        break;
                    }
                    self.i += 1;
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"name\": \"x\",\n  \"services\": [\n    {\"serviceName\": \"a\"},\n    {\n      \"serviceName\": \"web\",\n      \"desiredCount\": \"two\",\n      \"loadBalancers\": [{\"containerPort\": 80}, {\n        \"containerPort\": 81}]\n    }\n  ]\n}";

    #[test]
    fn finds_the_line_of_a_value_at_a_path() {
        assert_eq!(line_of(TEXT, "$.name", ""), Some(2));
        assert_eq!(line_of(TEXT, "$.services[0]", ""), Some(4));
        assert_eq!(line_of(TEXT, "$.services[1].desiredCount", ""), Some(7));
        assert_eq!(line_of(TEXT, "$.services[1].loadBalancers[1].containerPort", ""), Some(9));
    }

    #[test]
    fn a_missing_key_points_at_its_parent() {
        assert_eq!(line_of(TEXT, "$.services[1].taskDefinition", ""), Some(5));
        assert_eq!(line_of(TEXT, "$.targetGroups[0]", ""), Some(1));
    }

    #[test]
    fn syntax_errors_use_their_own_line_and_junk_never_panics() {
        assert_eq!(line_of("{", "$", "not valid JSON at line 3, column 12: x"), Some(3));
        for junk in ["", "{", "[[[", "{\"a\": [1, {\"b\": \"\\", "\"", &"[".repeat(10_000)] {
            let _ = line_of(junk, "$.a[0].b", "");
        }
        assert_eq!(line_of(TEXT, "not a path", ""), None);
    }
}
