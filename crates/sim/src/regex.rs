//! A small regular-expression matcher for the cluster query language's `=~`/`!~` and the Cluster
//! Autoscaler priority expander, in place of a regex crate (smaller wasm).
//!
//! Syntax: the RE2/Go subset people write there — literals, `.`, `^`, `$`, groups (`( )`,
//! `(?: )`, `(?P<name> )`, `(?<name> )`), `|`, `* + ? {n} {n,} {n,m}` and their lazy forms,
//! bracket classes with ranges, negation and `[:alpha:]`-style ASCII classes, the Perl classes
//! `\d \D \w \W \s \S` (ASCII), `\b \B \A \z`, character escapes (`\n \t \r \f \v \a`, `\x7F`,
//! `\x{263A}`, any escaped ASCII punctuation) and the flags `i m s U` (`(?i)`, `(?i:...)`,
//! `(?-i)`). Not supported, and rejected with an error: backreferences, look-around, Unicode
//! classes (`\pL`), `\Q...\E`.
//!
//! `is_match` searches unanchored (like Go's `MatchString`): anchor with `^`/`$`. It runs a
//! Thompson/Pike simulation of a compiled program, so it is linear in the text whatever the
//! pattern. Patterns are untrusted input: parsing never panics or recurses without bound, and
//! counts, nesting and program size are limited.

mod class;
mod compile;
mod parse;
#[cfg(test)]
mod tests;
mod vm;

/// Deepest nesting of groups and stacked repetitions (bounds parser and compiler recursion).
const MAX_DEPTH: usize = 100;
/// Largest count in `{n}`, `{n,}`, `{n,m}`.
const MAX_REPEAT: u32 = 1000;
/// Largest compiled program, in instructions (bounds memory and matching work).
const MAX_INSTS: usize = 10_000;

#[derive(Clone)]
pub struct Regex {
    pattern: String,
    program: compile::Program,
}

impl Regex {
    pub fn new(pattern: &str) -> Result<Regex, RegexError> {
        let node = parse::parse(pattern)?;
        let program = compile::compile(node)?;
        Ok(Regex { pattern: pattern.to_string(), program })
    }

    /// Whether the pattern matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        vm::is_match(&self.program, text)
    }
}

impl std::fmt::Debug for Regex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Regex").field(&self.pattern).finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegexError {
    UnclosedGroup,
    UnopenedGroup,
    UnclosedClass,
    InvalidClassRange(char, char),
    RangeEndNotChar(char),
    ClassAssertion,
    UnknownAsciiClass(String),
    MissingRepeatExpr,
    UnclosedRepeat,
    InvalidRepeatCount,
    RepeatRangeReversed(u32, u32),
    RepeatTooLarge(u32),
    InvalidEscape(char),
    InvalidHexEscape,
    TrailingBackslash,
    Backreference(char),
    UnicodeClass,
    LookAround,
    UnknownFlag(char),
    EmptyFlags,
    InvalidGroupName,
    TooDeep,
    TooBig,
}

impl std::fmt::Display for RegexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use RegexError::*;
        match self {
            UnclosedGroup => write!(f, "unclosed group"),
            UnopenedGroup => write!(f, "unopened group: `)` without a matching `(`"),
            UnclosedClass => write!(f, "unclosed character class"),
            InvalidClassRange(lo, hi) => write!(f, "invalid character class range {lo}-{hi}"),
            RangeEndNotChar(lo) => write!(f, "invalid character class range {lo}-: a range must end in a single character"),
            ClassAssertion => write!(f, "assertions (\\b, \\B, \\A, \\z) are not allowed in a character class"),
            UnknownAsciiClass(name) => write!(f, "unknown character class [:{name}:]"),
            MissingRepeatExpr => write!(f, "repetition operator missing expression"),
            UnclosedRepeat => write!(f, "unclosed counted repetition"),
            InvalidRepeatCount => write!(f, "invalid repetition count: expected {{n}}, {{n,}} or {{n,m}}"),
            RepeatRangeReversed(n, m) => write!(f, "invalid repetition count {{{n},{m}}}: the minimum exceeds the maximum"),
            RepeatTooLarge(n) => write!(f, "invalid repetition count {n}: the limit is {MAX_REPEAT}"),
            InvalidEscape(c) => write!(f, "invalid escape sequence \\{c}"),
            InvalidHexEscape => write!(f, "invalid hex escape: expected \\xHH or \\x{{H...}}"),
            TrailingBackslash => write!(f, "trailing backslash at end of pattern"),
            Backreference(c) => write!(f, "backreferences (\\{c}) are not supported"),
            UnicodeClass => write!(f, "Unicode classes (\\p, \\P) are not supported"),
            LookAround => write!(f, "look-around assertions are not supported"),
            UnknownFlag(c) => write!(f, "unknown flag `{c}`: the supported flags are i, m, s and U"),
            EmptyFlags => write!(f, "empty flag group `(?)`"),
            InvalidGroupName => write!(f, "invalid capture group name"),
            TooDeep => write!(f, "groups or repetitions nested deeper than {MAX_DEPTH} levels"),
            TooBig => write!(f, "pattern too large: it compiles to more than {MAX_INSTS} instructions"),
        }
    }
}

impl std::error::Error for RegexError {}
