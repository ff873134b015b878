//! Tokens of the cluster query language, each with its 1-based column.

use super::QueryError;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Word(String),
    Quoted(String),
    Sym(&'static str),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

const SYMBOLS: &[&str] = &["==", "!=", ">=", "<=", "=~", "!~", "&&", "||", ">", "<", "!"];

fn ends_word(c: char) -> bool {
    c.is_whitespace() || "()[],'\"=!<>&|".contains(c)
}

pub fn lex(text: &str) -> Result<Vec<(Tok, usize)>, QueryError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if expects_pattern(out.last()) && c != '\'' && c != '"' {
            let start = i;
            i = scan_pattern(&chars, i);
            out.push((Tok::Word(chars[start..i].iter().collect()), column));
            continue;
        }
        let single = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            ',' => Some(Tok::Comma),
            _ => None,
        };
        if let Some(tok) = single {
            out.push((tok, column));
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            let close = chars[i + 1..].iter().position(|&d| d == c).ok_or_else(|| QueryError {
                column,
                message: format!("unterminated quoted value (missing closing {c})"),
            })?;
            out.push((Tok::Quoted(chars[i + 1..i + 1 + close].iter().collect()), column));
            i += close + 2;
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if let Some(sym) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            out.push((Tok::Sym(sym), column));
            i += sym.chars().count();
            continue;
        }
        if "=&|".contains(c) {
            return Err(QueryError { column, message: format!("unexpected `{c}` (operators are ==, !=, >, >=, <, <=, =~, !~, &&, ||, !)") });
        }
        let start = i;
        while i < chars.len() && !ends_word(chars[i]) {
            i += 1;
        }
        out.push((Tok::Word(chars[start..i].iter().collect()), column));
    }
    Ok(out)
}

fn expects_pattern(last: Option<&(Tok, usize)>) -> bool {
    match last {
        Some((Tok::Sym(s), _)) => *s == "=~" || *s == "!~",
        Some((Tok::Word(w), _)) => w == "matches" || w == "not_matches",
        _ => false,
    }
}

/// A regular expression runs to the first whitespace or unmatched `)` outside its own
/// parentheses and brackets, so `(m5|c5).*` and `t[23].*` need no quotes.
fn scan_pattern(chars: &[char], mut i: usize) -> usize {
    let (mut parens, mut in_class) = (0i32, false);
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                i += 2;
                continue;
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => parens += 1,
            ')' if !in_class => {
                if parens == 0 {
                    break;
                }
                parens -= 1;
            }
            c if c.is_whitespace() && parens == 0 && !in_class => break,
            _ => {}
        }
        i += 1;
    }
    i.min(chars.len())
}
