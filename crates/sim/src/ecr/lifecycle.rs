//! ECR lifecycle policies (aws-semantics §8.1): the PutLifecyclePolicy text, its documented
//! validation rules, and the evaluation that GetLifecyclePolicyPreview shows.
//!
//! Evaluation, in AWS's words: all rules are evaluated at the same time, then applied in
//! priority order; an image is expired by exactly one or zero rules; an image that matches the
//! tagging requirements of a rule can't be expired by a rule of lower priority; rules still
//! *count* images that higher-priority rules marked; expiry is oldest first by pushedAt.

use crate::sort::SortSmall;
use super::Image;
use crate::error::Errors;
use serde_json::Value;

/// Policy text limits (BOTO-ECR `lifecyclePolicyText` min 100, max 30,720) and rule quota.
pub const MIN_TEXT: usize = 100;
pub const MAX_TEXT: usize = 30_720;
pub const MAX_RULES: usize = 50;
/// A tagPatternList entry may hold at most four `*` wildcards.
pub const MAX_WILDCARDS: usize = 4;

#[derive(Debug, Clone, PartialEq)]
pub enum TagSelection {
    Tagged { prefixes: Vec<String>, patterns: Vec<String> },
    Untagged,
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Count {
    /// Keep the `n` youngest matching images, expire the rest.
    MoreThan(u32),
    /// Expire matching images pushed more than `n` days ago.
    SincePushedDays(u32),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub priority: i64,
    pub description: String,
    pub selection: TagSelection,
    pub count: Count,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LifecyclePolicy {
    /// Sorted by priority, lowest (applied first) first.
    pub rules: Vec<Rule>,
    /// The policy as the user wrote it, for display and GetLifecyclePolicy.
    pub text: String,
}

/// One GetLifecyclePolicyPreview result: an image that would expire and the rule that expires it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewResult {
    pub image_digest: String,
    pub image_tags: Vec<String>,
    pub image_pushed_at: String,
    pub action: PreviewAction,
    pub applied_rule_priority: i64,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PreviewAction {
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// Parses a policy given as the JSON text AWS takes (or as an object), reporting each
/// documented violation at its path. `path` is where the policy sits in the scenario.
pub fn parse(path: &str, value: &Value, errors: &mut Errors) -> Option<LifecyclePolicy> {
    let (text, doc) = match value {
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(v) => (s.clone(), v),
            Err(e) => {
                errors.push(path, format!("Lifecycle policy validation failure: the policy text is not valid JSON ({e})"));
                return None;
            }
        },
        Value::Object(_) => (value.to_string(), value.clone()),
        _ => {
            errors.push(path, "a lifecycle policy is the JSON text PutLifecyclePolicy takes (a string) or the same JSON as an object");
            return None;
        }
    };
    let before = errors.list.len();
    if text.len() < MIN_TEXT || text.len() > MAX_TEXT {
        errors.push(path, format!("Lifecycle policy validation failure: lifecyclePolicyText is {} characters; it must be {MIN_TEXT}-{MAX_TEXT}", text.len()));
    }
    let Some(list) = doc.get("rules").and_then(Value::as_array) else {
        errors.push(format!("{path}.rules"), "Lifecycle policy validation failure: object has missing required properties ([\"rules\"])");
        return None;
    };
    if list.is_empty() {
        errors.push(format!("{path}.rules"), "Lifecycle policy validation failure: a policy needs at least one rule");
    }
    if list.len() > MAX_RULES {
        errors.push(format!("{path}.rules"), format!("Lifecycle policy validation failure: {} rules; a policy holds at most {MAX_RULES}", list.len()));
    }
    let mut rules = Vec::new();
    for (i, r) in list.iter().enumerate() {
        if let Some(rule) = parse_rule(&format!("{path}.rules[{i}]"), r, errors) {
            rules.push((i, rule));
        }
    }
    check_across_rules(path, &rules, errors);
    if errors.list.len() > before {
        return None;
    }
    let mut rules: Vec<Rule> = rules.into_iter().map(|(_, r)| r).collect();
    rules.sort_small_by_key(|r| r.priority);
    Some(LifecyclePolicy { rules, text })
}

fn parse_rule(path: &str, r: &Value, errors: &mut Errors) -> Option<Rule> {
    let fail = |errors: &mut Errors, at: &str, msg: &str| errors.push(format!("{path}{at}"), format!("Lifecycle policy validation failure: {msg}"));
    let before = errors.list.len();
    let priority = match r.get("rulePriority") {
        Some(v) => match v.as_i64() {
            Some(p) if p >= 1 => p,
            _ => {
                fail(errors, ".rulePriority", "rulePriority is an integer of 1 or more");
                0
            }
        },
        None => {
            fail(errors, ".rulePriority", "object has missing required properties ([\"rulePriority\"])");
            0
        }
    };
    let description = r.get("description").and_then(Value::as_str).unwrap_or_default().to_string();
    let Some(sel) = r.get("selection") else {
        fail(errors, ".selection", "object has missing required properties ([\"selection\"])");
        return None;
    };
    let strings = |key: &str, errors: &mut Errors| -> Option<Vec<String>> {
        let v = sel.get(key)?;
        match v.as_array().map(|a| a.iter().map(|s| s.as_str().map(str::to_string)).collect::<Option<Vec<_>>>()) {
            Some(Some(list)) => Some(list),
            _ => {
                fail(errors, &format!(".selection.{key}"), &format!("{key} is a list of strings"));
                None
            }
        }
    };
    let prefixes = strings("tagPrefixList", errors);
    let patterns = strings("tagPatternList", errors);
    let selection = match sel.get("tagStatus").and_then(Value::as_str) {
        Some("tagged") => {
            if prefixes.is_some() && patterns.is_some() {
                fail(errors, ".selection", "tagPrefixList and tagPatternList can't be used in the same rule");
            }
            let (prefixes, patterns) = (prefixes.unwrap_or_default(), patterns.unwrap_or_default());
            if prefixes.is_empty() && patterns.is_empty() {
                fail(errors, ".selection.tagStatus", "a rule with tagStatus tagged must specify a non-empty tagPrefixList or tagPatternList");
            }
            for (k, p) in patterns.iter().enumerate() {
                if p.matches('*').count() > MAX_WILDCARDS {
                    fail(errors, &format!(".selection.tagPatternList[{k}]"), &format!("`{p}` has more than {MAX_WILDCARDS} wildcards (*)"));
                }
            }
            for (k, p) in prefixes.iter().chain(&patterns).enumerate() {
                if p.is_empty() {
                    fail(errors, &format!(".selection[{k}]"), "a tag prefix or pattern can't be empty");
                }
            }
            TagSelection::Tagged { prefixes, patterns }
        }
        Some(status @ ("untagged" | "any")) => {
            if prefixes.is_some() || patterns.is_some() {
                fail(errors, ".selection", &format!("a rule with tagStatus {status} must omit tagPrefixList and tagPatternList"));
            }
            if status == "untagged" {
                TagSelection::Untagged
            } else {
                TagSelection::Any
            }
        }
        Some(other) => {
            fail(errors, ".selection.tagStatus", &format!("`{other}` is not one of tagged, untagged, any"));
            TagSelection::Any
        }
        None => {
            fail(errors, ".selection.tagStatus", "object has missing required properties ([\"tagStatus\"])");
            TagSelection::Any
        }
    };
    let number = match sel.get("countNumber").map(Value::as_i64) {
        Some(Some(n)) if n >= 1 && n <= u32::MAX as i64 => n as u32,
        Some(_) => {
            fail(errors, ".selection.countNumber", "countNumber is a positive integer (0 is not accepted)");
            1
        }
        None => {
            fail(errors, ".selection.countNumber", "object has missing required properties ([\"countNumber\"])");
            1
        }
    };
    let unit = sel.get("countUnit").map(|u| u.as_str().unwrap_or("?"));
    let count = match sel.get("countType").and_then(Value::as_str) {
        Some("imageCountMoreThan") => {
            if unit.is_some() {
                fail(errors, ".selection.countUnit", "countUnit can't be used with countType imageCountMoreThan");
            }
            Count::MoreThan(number)
        }
        Some("sinceImagePushed") => {
            match unit {
                Some("days") => {}
                Some(u) => fail(errors, ".selection.countUnit", &format!("`{u}` is not a count unit: the only unit is days")),
                None => fail(errors, ".selection.countUnit", "countType sinceImagePushed needs countUnit days"),
            }
            Count::SincePushedDays(number)
        }
        Some(t @ ("sinceImagePulled" | "sinceImageTransitioned")) => {
            fail(errors, ".selection.countType", &format!("{t} applies to archived images, which Stevedore does not model"));
            Count::MoreThan(number)
        }
        Some(t) => {
            fail(errors, ".selection.countType", &format!("`{t}` is not one of imageCountMoreThan, sinceImagePushed"));
            Count::MoreThan(number)
        }
        None => {
            fail(errors, ".selection.countType", "object has missing required properties ([\"countType\"])");
            Count::MoreThan(number)
        }
    };
    match r.get("action").and_then(|a| a.get("type")).and_then(Value::as_str) {
        Some("expire") => {}
        Some("transition") => fail(errors, ".action.type", "transition (to the archive storage class) is not modelled; use expire"),
        Some(t) => fail(errors, ".action.type", &format!("`{t}` is not an action type: expire")),
        None => fail(errors, ".action", "object has missing required properties ([\"action\"]) with type expire"),
    }
    (errors.list.len() == before).then_some(Rule { priority, description, selection, count })
}

/// Rules that involve several rules: unique priorities, `any` last, one untagged rule,
/// tag prefixes unique across rules.
fn check_across_rules(path: &str, rules: &[(usize, Rule)], errors: &mut Errors) {
    let at = |i: usize| format!("{path}.rules[{i}]");
    for (k, (i, r)) in rules.iter().enumerate() {
        if let Some((j, _)) = rules[..k].iter().find(|(_, o)| o.priority == r.priority) {
            errors.push(format!("{}.rulePriority", at(*i)), format!("Lifecycle policy validation failure: rulePriority {} is also used by rules[{j}]; priorities must be unique", r.priority));
        }
    }
    let max = rules.iter().map(|(_, r)| r.priority).max().unwrap_or(0);
    for (i, r) in rules {
        if r.selection == TagSelection::Any && r.priority != max {
            errors.push(format!("{}.rulePriority", at(*i)), "Lifecycle policy validation failure: a rule with tagStatus any must have the highest rulePriority (it is evaluated last)");
        }
    }
    let untagged: Vec<usize> = rules.iter().filter(|(_, r)| r.selection == TagSelection::Untagged).map(|(i, _)| *i).collect();
    if untagged.len() > 1 {
        errors.push(format!("{}.selection.tagStatus", at(untagged[1])), format!("Lifecycle policy validation failure: only one rule may select untagged images (rules[{}] already does)", untagged[0]));
    }
    let mut seen: Vec<(&str, usize)> = Vec::new();
    for (i, r) in rules {
        if let TagSelection::Tagged { prefixes, patterns } = &r.selection {
            for p in prefixes.iter().chain(patterns) {
                if let Some((_, j)) = seen.iter().find(|(q, j)| *q == p.as_str() && j != i) {
                    errors.push(format!("{}.selection", at(*i)), format!("Lifecycle policy validation failure: the tag prefix `{p}` is also used by rules[{j}]; tag prefixes must be unique across rules"));
                }
                seen.push((p, *i));
            }
        }
    }
}

/// `*` matches any run of characters (including none); everything else matches itself.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    crate::wildcard::matches(pattern, text, false)
}

impl TagSelection {
    /// Whether an image meets this selection's tagging requirements. With several prefixes or
    /// patterns, every one of them must match some tag of the image.
    pub fn matches(&self, tags: &[String]) -> bool {
        match self {
            TagSelection::Any => true,
            TagSelection::Untagged => tags.is_empty(),
            TagSelection::Tagged { prefixes, patterns } => {
                !tags.is_empty()
                    && prefixes.iter().all(|p| tags.iter().any(|t| t.starts_with(p.as_str())))
                    && patterns.iter().all(|p| tags.iter().any(|t| wildcard_match(p, t)))
            }
        }
    }
}

impl LifecyclePolicy {
    /// Which images expire at `now_unix_s` and by which rule, oldest first: what
    /// GetLifecyclePolicyPreview lists and what the sim applies.
    pub fn preview(&self, images: &[Image], now_unix_s: i64) -> Vec<(usize, i64)> {
        // Each rule identifies its candidates on the whole repository, as if nothing expired.
        let identified: Vec<Vec<usize>> = self.rules.iter().map(|r| candidates(r, images, now_unix_s)).collect();
        let mut expired_by: Vec<Option<i64>> = vec![None; images.len()];
        for (k, rule) in self.rules.iter().enumerate() {
            for &i in &identified[k] {
                let protected = self.rules[..k].iter().any(|higher| higher.selection.matches(&images[i].tags));
                if expired_by[i].is_none() && !protected {
                    expired_by[i] = Some(rule.priority);
                }
            }
        }
        let mut out: Vec<(usize, i64)> = expired_by.iter().enumerate().filter_map(|(i, p)| p.map(|p| (i, p))).collect();
        out.sort_small_by_key(|&(i, _)| (images[i].pushed_at_unix_s, i));
        out
    }
}

/// The images one rule would expire, ignoring other rules.
fn candidates(rule: &Rule, images: &[Image], now_unix_s: i64) -> Vec<usize> {
    let mut matching: Vec<usize> = (0..images.len()).filter(|&i| rule.selection.matches(&images[i].tags)).collect();
    // Youngest first; ties by position so the order is stable.
    matching.sort_small_by_key(|&i| (std::cmp::Reverse(images[i].pushed_at_unix_s), i));
    match rule.count {
        Count::MoreThan(n) => matching.into_iter().skip(n as usize).collect(),
        Count::SincePushedDays(d) => matching.into_iter().filter(|&i| now_unix_s - images[i].pushed_at_unix_s > d as i64 * 86_400).collect(),
    }
}
