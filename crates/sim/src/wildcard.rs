//! Wildcard matching shared by ECR tag patterns (`*` only) and IAM actions and resources (`*`
//! and `?`): greedy, backtracking to the last `*`; linear in practice, no recursion.

/// Whether `text` matches `pattern`, where `*` matches any run of characters (including none)
/// and, when `any_char`, `?` matches exactly one.
pub fn matches(pattern: &str, text: &str, any_char: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && (p[pi] == t[ti] || (any_char && p[pi] == '?')) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}
