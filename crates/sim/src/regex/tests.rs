use super::{Regex, RegexError};

fn is_match(pattern: &str, text: &str) -> bool {
    Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern:?}: {e}")).is_match(text)
}

/// Asserts `pattern` matches each of `yes` and none of `no`.
fn check(pattern: &str, yes: &[&str], no: &[&str]) {
    for text in yes {
        assert!(is_match(pattern, text), "{pattern:?} should match {text:?}");
    }
    for text in no {
        assert!(!is_match(pattern, text), "{pattern:?} should not match {text:?}");
    }
}

fn error(pattern: &str) -> String {
    match Regex::new(pattern) {
        Ok(_) => panic!("{pattern:?} should be rejected"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn literals_match_anywhere_unless_anchored() {
    check("abc", &["abc", "xxabcxx"], &["ab", "abx", "ABC", ""]);
    check("", &["", "anything"], &[]);
    check("^abc$", &["abc"], &["abcd", "xabc", "ab"]);
    check("^abc", &["abcd"], &["xabc"]);
    check("abc$", &["xabc"], &["abcd"]);
    check("^$", &[""], &["a"]);
    check("a$b", &[], &["ab", "a$b"]);
    check(r"\Aab\z", &["ab"], &["ab\n", "xab"]);
}

#[test]
fn dot_matches_any_char_but_newline() {
    check("^a.c$", &["abc", "a.c", "a☃c"], &["ac", "a\nc", "abbc"]);
    check("(?s)^a.c$", &["a\nc"], &[]);
}

#[test]
fn alternation_binds_loosest() {
    check("^ab|cd$", &["abx", "xcd"], &["xab", "cdx"]);
    check("^(?:ab|cd)$", &["ab", "cd"], &["abd", "acd", "ad", "abcd"]);
    check("^(?:a|)$", &["a", ""], &["b"]);
    check("^(?:|a|bc)$", &["", "a", "bc"], &["b"]);
}

#[test]
fn groups_nest() {
    check("^((a|b)(c|d))+$", &["ac", "acbd", "bdbcad"], &["", "acb", "ab"]);
    check("^(?:(?:(?:x)))$", &["x"], &["xx"]);
    check("^(?P<name>a)(?<other>b)$", &["ab"], &["a"]);
    check("^()$", &[""], &["a"]);
}

#[test]
fn star_plus_and_question() {
    check("^ab*c$", &["ac", "abc", "abbbc"], &["abdc"]);
    check("^ab+c$", &["abc", "abbbc"], &["ac"]);
    check("^ab?c$", &["ac", "abc"], &["abbc"]);
    // Lazy forms accept the same strings.
    check("^ab*?c$", &["ac", "abbc"], &["abdc"]);
    check("^ab+?c$", &["abc"], &["ac"]);
    check("^ab??c$", &["ac", "abc"], &["abbc"]);
    // Stacked quantifiers nest, as in Rust's regex.
    check("^(?:a**)$", &["", "aaa"], &["b"]);
    check("^a{2}*$", &["", "aa", "aaaa"], &["a", "aaa"]);
}

#[test]
fn counted_repetition() {
    check("^a{3}$", &["aaa"], &["aa", "aaaa"]);
    check("^a{2,}$", &["aa", "aaaaa"], &["a"]);
    check("^a{2,4}$", &["aa", "aaa", "aaaa"], &["a", "aaaaa"]);
    check("^a{0}b$", &["b"], &["ab"]);
    check("^a{0,1}b$", &["b", "ab"], &["aab"]);
    check("^(?:ab){2}$", &["abab"], &["ab", "aba"]);
    check("^(?:a|bc){1,2}$", &["a", "bca", "bcbc"], &["", "abca"]);
    check("^a{2,3}?$", &["aa", "aaa"], &["a"]);
    check("^x{1000}$", &[&"x".repeat(1000)], &[&"x".repeat(999)]);
}

#[test]
fn classes_ranges_and_negation() {
    check("^[abc]+$", &["a", "cab"], &["", "abd"]);
    check("^[a-cx-z0-9]$", &["b", "y", "5"], &["d", "w", "-"]);
    check("^[^a-c]$", &["d", "\n", "☃"], &["a", "b", ""]);
    check("^[]a]$", &["]", "a"], &["b"]);
    check("^[^]a]$", &["b"], &["]", "a"]);
    check("^[a-]$", &["a", "-"], &["b"]);
    check("^[-a]$", &["a", "-"], &["b"]);
    check(r"^[\]\-\\]$", &["]", "-", "\\"], &["a"]);
    check("^[.*+?(){}|^$]+$", &[".*+?(){}|^$"], &["a"]);
    check(r"^[\d\s]+$", &["1 2\t3"], &["1a"]);
    check(r"^[\D]$", &["a", "-"], &["5"]);
    check(r"^[^\W_]+$", &["abc123"], &["a_b", "a-b"]);
    check("^[[:alpha:]_]+$", &["ab_C"], &["a1"]);
    check("^[[:^digit:]]+$", &["ab"], &["a1"]);
    check("^[[]$", &["["], &["]"]);
    check(r"^[\x41-\x{43}]$", &["A", "C"], &["D"]);
}

#[test]
fn perl_classes() {
    check(r"^\d+$", &["0123456789"], &["12a", ""]);
    check(r"^\D$", &["a"], &["1"]);
    check(r"^\w+$", &["az_AZ09"], &["a-b", "é"]);
    check(r"^\W$", &["-", "é"], &["a", "_"]);
    check(r"^\s+$", &[" \t\n\r\x0B\x0C"], &["a"]);
    check(r"^\S$", &["a"], &[" "]);
}

#[test]
fn escapes() {
    check(r"^\.\\\-\*\+\?\(\)\[\]\{\}\|\^\$\/$", &[r".\-*+?()[]{}|^$/"], &["a"]);
    check(r"^\n\t$", &["\n\t"], &["nt"]);
    check(r"^a\.b$", &["a.b"], &["axb"]);
    check(r"^\x41\x{263A}$", &["A☺"], &["A"]);
}

#[test]
fn word_boundaries() {
    check(r"\bspot\b", &["spot", "eks-spot-pool", "a spot"], &["spotty", "despot"]);
    check(r"\Bpot", &["spot"], &["pot", "a-pot"]);
}

#[test]
fn unicode_chars_are_single_chars() {
    check("^é+$", &["é", "ééé"], &["e", "é "]);
    check("^[α-ω]{3}$", &["αβγ"], &["abc", "αβ"]);
    check("^.{2}$", &["☃☃", "日本"], &["日本語"]);
    check("^日本$", &["日本"], &["日本語"]);
}

#[test]
fn flags() {
    check("(?i)^spot$", &["spot", "SPOT", "SpOt"], &["spots"]);
    check("(?i)^[a-c]+$", &["AbC"], &["d"]);
    check("(?i)^[^a]$", &["b"], &["a", "A"]);
    check("^(?i:a)b$", &["ab", "Ab"], &["AB"]);
    check("^(?i)a(?-i)b$", &["Ab"], &["AB"]);
    check("^(?:(?i)a)a$", &["Aa"], &["AA"]);
    check("(?i)^é$", &["É"], &[]);
    check("(?m)^b$", &["a\nb\nc"], &["abc"]);
    check("^b$", &[], &["a\nb\nc"]);
    check("(?U)^a+$", &["aa"], &[]);
}

#[test]
fn pathological_patterns_finish() {
    let long = "a".repeat(20_000);
    assert!(!is_match("(a*)*b", &long));
    assert!(!is_match("^(a|a)*b$", &long));
    assert!(!is_match("(a|aa)+$b", &long));
    assert!(!is_match("(x+x+)+y", &"x".repeat(20_000)));
    assert!(is_match("(a*)*", &long));
    assert!(is_match("^(?:)*(?:^)*$", ""));
}

#[test]
fn error_messages() {
    for (pattern, message) in [
        ("(a", "unclosed group"),
        ("(?i", "unclosed group"),
        ("a)", "unopened group: `)` without a matching `(`"),
        ("[a", "unclosed character class"),
        ("[]", "unclosed character class"),
        ("[a-", "unclosed character class"),
        ("[z-a]", "invalid character class range z-a"),
        (r"[a-\d]", "invalid character class range a-: a range must end in a single character"),
        (r"[\b]", r"assertions (\b, \B, \A, \z) are not allowed in a character class"),
        ("[[:bogus:]]", "unknown character class [:bogus:]"),
        ("*a", "repetition operator missing expression"),
        ("a|+", "repetition operator missing expression"),
        ("(?i)*", "repetition operator missing expression"),
        ("{2}", "repetition operator missing expression"),
        ("a{2", "unclosed counted repetition"),
        ("a{", "unclosed counted repetition"),
        ("a{x}", "invalid repetition count: expected {n}, {n,} or {n,m}"),
        ("a{,2}", "invalid repetition count: expected {n}, {n,} or {n,m}"),
        ("a{3,2}", "invalid repetition count {3,2}: the minimum exceeds the maximum"),
        ("a{1001}", "invalid repetition count 1001: the limit is 1000"),
        ("a{1,1001}", "invalid repetition count 1001: the limit is 1000"),
        (r"\q", r"invalid escape sequence \q"),
        (r"\é", r"invalid escape sequence \é"),
        (r"\xZ", r"invalid hex escape: expected \xHH or \x{H...}"),
        (r"\x{110000}", r"invalid hex escape: expected \xHH or \x{H...}"),
        ("a\\", "trailing backslash at end of pattern"),
        (r"(a)\1", r"backreferences (\1) are not supported"),
        (r"\pL", r"Unicode classes (\p, \P) are not supported"),
        ("(?=a)", "look-around assertions are not supported"),
        ("(?<!a)", "look-around assertions are not supported"),
        ("(?x)a", "unknown flag `x`: the supported flags are i, m, s and U"),
        ("(?)", "empty flag group `(?)`"),
        ("(?P<>a)", "invalid capture group name"),
        ("(?P=a)", "invalid capture group name"),
        ("(?<a-b>x)", "invalid capture group name"),
    ] {
        assert_eq!(error(pattern), message, "{pattern:?}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
    assert!(Regex::new(&depth(100)).is_ok());
    assert_eq!(Regex::new(&depth(101)).unwrap_err(), RegexError::TooDeep);
    assert_eq!(error(&"(".repeat(1_000_000)), "groups or repetitions nested deeper than 100 levels");
    assert_eq!(Regex::new(&format!("a{}", "*".repeat(1_000_000))).unwrap_err(), RegexError::TooDeep);
}

#[test]
fn huge_programs_are_errors() {
    assert_eq!(Regex::new("a{99999999999999999999}").unwrap_err(), RegexError::RepeatTooLarge(u32::MAX));
    assert_eq!(error("(?:a{1000}){1000}"), "pattern too large: it compiles to more than 10000 instructions");
    assert_eq!(Regex::new("((a{1000}){1000}){1000}").unwrap_err(), RegexError::TooBig);
    assert_eq!(Regex::new(&"a".repeat(20_000)).unwrap_err(), RegexError::TooBig);
    // Repeating an empty match costs nothing, however often.
    assert!(is_match("^((){1000}){1000}$", ""));
}

#[test]
fn arbitrary_patterns_never_panic() {
    let alphabet: Vec<char> = r"a(|)*+?{}[]^$\.-1,:P<=i".chars().collect();
    let mut patterns = vec![String::new()];
    for _ in 0..3 {
        let longer: Vec<String> = patterns.iter().flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}"))).collect();
        patterns.extend(longer);
        patterns.dedup();
    }
    for pattern in &patterns {
        if let Ok(re) = Regex::new(pattern) {
            for text in ["", "a", "a1-", "(a)", "\n"] {
                re.is_match(text);
            }
        }
    }
}

#[test]
fn debug_shows_the_pattern() {
    assert_eq!(format!("{:?}", Regex::new("a+").unwrap()), r#"Regex("a+")"#);
}
