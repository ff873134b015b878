//! Pure: the line of a manifest path (`$[3].spec.containers[0].resources.requests.cpu`) in a
//! block-style YAML stream, so the editor can mark EKS errors as it marks ECS JSON ones. It reads
//! indentation only (the sim already parsed the file); where a key is missing (`is required`)
//! or a value is written inline (`{cpu: 1GB}`), the deepest line found stands for it.

use crate::json_locate::{parse_path, Part};

/// A content line: 1-based number, indentation, text after it.
#[derive(Clone, Copy)]
struct Line<'a> {
    no: usize,
    indent: usize,
    text: &'a str,
}

fn documents(text: &str) -> Vec<Vec<Line<'_>>> {
    let mut docs: Vec<Vec<Line>> = vec![Vec::new()];
    for (k, raw) in text.lines().enumerate() {
        let t = raw.trim_start();
        if raw.starts_with("---") {
            if docs.last().is_some_and(|d| !d.is_empty()) {
                docs.push(Vec::new());
            }
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(d) = docs.last_mut() {
            d.push(Line { no: k + 1, indent: raw.len() - t.len(), text: t });
        }
    }
    docs
}

fn has_key(text: &str, key: &str) -> bool {
    [format!("{key}:"), format!("\"{key}\":"), format!("'{key}':")].iter().any(|p| text.starts_with(p.as_str()))
}

/// The lines under `lines[at]` (more indented than it).
fn children<'a>(lines: &[Line<'a>], at: usize) -> Vec<Line<'a>> {
    lines[at + 1..].iter().take_while(|l| l.indent > lines[at].indent).copied().collect()
}

fn walk(lines: &[Line], parts: &[Part], best: usize) -> usize {
    let (Some(part), Some(first)) = (parts.first(), lines.first()) else { return best };
    let indent = first.indent;
    match part {
        Part::Key(k) => {
            let Some(at) = lines.iter().position(|l| l.indent == indent && has_key(l.text, k)) else { return best };
            walk(&children(lines, at), &parts[1..], lines[at].no)
        }
        Part::Index(n) => {
            let items: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].indent == indent && (lines[i].text == "-" || lines[i].text.starts_with("- "))).collect();
            let Some(&at) = items.get(*n) else { return best };
            // The item's own line holds its first key, two columns in.
            let l = lines[at];
            let mut sub = Vec::new();
            let inner = l.text[1..].trim_start();
            if !inner.is_empty() {
                sub.push(Line { no: l.no, indent: l.indent + (l.text.len() - inner.len()), text: inner });
            }
            sub.extend(children(lines, at));
            walk(&sub, &parts[1..], l.no)
        }
    }
}

pub fn line_of(text: &str, path: &str) -> Option<usize> {
    let parts = parse_path(path)?;
    let Some(Part::Index(d)) = parts.first() else { return None };
    let docs = documents(text);
    let doc = docs.get(*d)?;
    let first = doc.first()?.no;
    Some(walk(doc, &parts[1..], first))
}

#[cfg(test)]
mod tests {
    use super::line_of;

    const TEXT: &str = "# a comment\napiVersion: v1\nkind: Pod\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      nodeSelector:\n        \"kubernetes.io/arch\": arm\n      containers:\n        - name: a\n          image: x\n        - name: b\n          resources:\n            requests: {cpu: 1GB}\n            limits:\n              memory: 1Gi\n";

    #[test]
    fn paths_find_their_lines_across_documents_and_list_items() {
        assert_eq!(line_of(TEXT, "$[0].kind"), Some(3));
        assert_eq!(line_of(TEXT, "$[1].kind"), Some(6));
        assert_eq!(line_of(TEXT, "$[1].spec.template.spec.containers[0].image"), Some(14));
        assert_eq!(line_of(TEXT, "$[1].spec.template.spec.containers[1].name"), Some(15));
        assert_eq!(line_of(TEXT, "$[1].spec.template.spec.containers[1].resources.limits.memory"), Some(19));
        assert_eq!(line_of(TEXT, "$[1].spec.template.spec.nodeSelector[\"kubernetes.io/arch\"]"), Some(11));
    }

    #[test]
    fn inline_values_and_missing_keys_point_at_the_deepest_line_found() {
        assert_eq!(line_of(TEXT, "$[1].spec.template.spec.containers[1].resources.requests.cpu"), Some(17));
        assert_eq!(line_of(TEXT, "$[1].spec.template.spec.containers[0].resources"), Some(13));
        assert_eq!(line_of(TEXT, "$[1].metadata"), Some(5));
        assert_eq!(line_of(TEXT, "$[7].kind"), None);
        assert_eq!(line_of(TEXT, "nonsense"), None);
    }
}
