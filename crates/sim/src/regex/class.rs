//! Character classes: bracket expressions, the Perl and ASCII classes, and testing one char.

use super::parse::{Escape, Parser};
use super::RegexError;

type Ranges = &'static [(u32, u32)];

const fn r(lo: char, hi: char) -> (u32, u32) {
    (lo as u32, hi as u32)
}

const DIGIT: Ranges = &[r('0', '9')];
const SPACE: Ranges = &[r('\t', '\r'), r(' ', ' ')]; // \t \n \v \f \r and space
const WORD: Ranges = &[r('0', '9'), r('A', 'Z'), r('_', '_'), r('a', 'z')];

/// `[:name:]` classes, ASCII only (as in RE2).
const ASCII_CLASSES: &[(&str, Ranges)] = &[
    ("alnum", &[r('0', '9'), r('A', 'Z'), r('a', 'z')]),
    ("alpha", &[r('A', 'Z'), r('a', 'z')]),
    ("ascii", &[r('\0', '\x7F')]),
    ("blank", &[r('\t', '\t'), r(' ', ' ')]),
    ("cntrl", &[r('\0', '\x1F'), r('\x7F', '\x7F')]),
    ("digit", DIGIT),
    ("graph", &[r('!', '~')]),
    ("lower", &[r('a', 'z')]),
    ("print", &[r(' ', '~')]),
    ("punct", &[r('!', '/'), r(':', '@'), r('[', '`'), r('{', '~')]),
    ("space", SPACE),
    ("upper", &[r('A', 'Z')]),
    ("word", WORD),
    ("xdigit", &[r('0', '9'), r('A', 'F'), r('a', 'f')]),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Class {
    /// Inclusive code-point ranges.
    ranges: Vec<(u32, u32)>,
    negated: bool,
    /// Case-insensitive: a char also matches through its simple case variants.
    fold: bool,
}

impl Class {
    pub fn single(c: char) -> Class {
        Class { ranges: vec![(c as u32, c as u32)], negated: false, fold: false }
    }

    /// `.`: anything but `\n`, or anything at all with the `s` flag.
    pub fn dot(dot_nl: bool) -> Class {
        let ranges = if dot_nl { Vec::new() } else { vec![r('\n', '\n')] };
        Class { ranges, negated: true, fold: false }
    }

    /// `\d \D \w \W \s \S` (ASCII, as in RE2): the capital letter negates.
    pub fn perl(letter: char) -> Class {
        let ranges = match letter.to_ascii_lowercase() {
            'd' => DIGIT,
            's' => SPACE,
            _ => WORD,
        };
        Class { ranges: ranges.to_vec(), negated: letter.is_ascii_uppercase(), fold: false }
    }

    pub fn with_fold(mut self, fold: bool) -> Class {
        self.fold = fold;
        self
    }

    pub fn has_case(c: char) -> bool {
        case_variants(c).iter().any(|&v| v != c)
    }

    pub fn matches(&self, c: char) -> bool {
        let hit = if self.fold { case_variants(c).iter().any(|&v| self.contains(v)) } else { self.contains(c) };
        hit != self.negated
    }

    fn contains(&self, c: char) -> bool {
        let c = c as u32;
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi)
    }

    /// The ranges matched, negation applied: how `\D` or `[:^alpha:]` joins a bracket class.
    fn into_positive_ranges(self) -> Vec<(u32, u32)> {
        if self.negated {
            complement(self.ranges)
        } else {
            self.ranges
        }
    }
}

/// Every code point not in `ranges`.
fn complement(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out = Vec::new();
    let mut next = 0; // lowest code point not yet covered
    for (lo, hi) in ranges {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = next.max(hi + 1);
    }
    if next <= char::MAX as u32 {
        out.push((next, char::MAX as u32));
    }
    out
}

/// `c` and its one-char lower, upper and upper-then-lower forms (so `ſ` meets `s` via `S`).
fn case_variants(c: char) -> [char; 4] {
    fn one(mut it: impl Iterator<Item = char>, or: char) -> char {
        match (it.next(), it.next()) {
            (Some(v), None) => v,
            _ => or,
        }
    }
    let upper = one(c.to_uppercase(), c);
    [c, one(c.to_lowercase(), c), upper, one(upper.to_lowercase(), upper)]
}

impl Parser {
    /// After `[`: `[abc]`, `[^a-z]`, `[]a]` (a leading `]` is literal), `[\d_]`, `[[:alpha:]]`.
    pub fn bracket_class(&mut self) -> Result<Class, RegexError> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            match self.bump().ok_or(RegexError::UnclosedClass)? {
                ']' if !first => break,
                '[' if self.peek() == Some(':') => match self.ascii_class()? {
                    Some(class) => ranges.extend(class.into_positive_ranges()),
                    None => self.range_from('[', &mut ranges)?,
                },
                '\\' => match self.escape()? {
                    Escape::Char(lo) => self.range_from(lo, &mut ranges)?,
                    Escape::Class(class) => ranges.extend(class.into_positive_ranges()),
                    Escape::Look(_) => return Err(RegexError::ClassAssertion),
                },
                c => self.range_from(c, &mut ranges)?,
            }
            first = false;
        }
        Ok(Class { ranges, negated, fold: self.flags.fold })
    }

    /// `lo` alone, or `lo-hi` when `-` and something other than `]` follow.
    fn range_from(&mut self, lo: char, ranges: &mut Vec<(u32, u32)>) -> Result<(), RegexError> {
        let mut hi = lo;
        if self.peek() == Some('-') && !matches!(self.peek_at(1), None | Some(']')) {
            self.bump();
            hi = match self.bump() {
                Some('\\') => match self.escape()? {
                    Escape::Char(c) => c,
                    _ => return Err(RegexError::RangeEndNotChar(lo)),
                },
                Some(c) => c,
                None => return Err(RegexError::UnclosedClass),
            };
            if hi < lo {
                return Err(RegexError::InvalidClassRange(lo, hi));
            }
        }
        ranges.push((lo as u32, hi as u32));
        Ok(())
    }

    /// After `[` with `:` next: `[:name:]` or `[:^name:]`; `None`, consuming nothing, if the
    /// text is not of that form (the `[` is then a literal, as in RE2).
    fn ascii_class(&mut self) -> Result<Option<Class>, RegexError> {
        let mark = self.mark();
        self.bump();
        let negated = self.eat('^');
        let mut name = String::new();
        while let Some(c) = self.peek().filter(char::is_ascii_lowercase) {
            name.push(c);
            self.bump();
        }
        if !(self.eat(':') && self.eat(']')) {
            self.reset(mark);
            return Ok(None);
        }
        let ranges = ASCII_CLASSES.iter().find(|(n, _)| *n == name).map(|(_, ranges)| *ranges);
        let ranges = ranges.ok_or(RegexError::UnknownAsciiClass(name))?;
        Ok(Some(Class { ranges: ranges.to_vec(), negated, fold: false }))
    }
}
