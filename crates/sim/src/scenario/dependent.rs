//! One error per cause. A service whose `desiredCount` is "two" fails to load, and then every
//! reference to it ("no service `web`" in scalableTargets, traffic, timeline...) fails too:
//! those are consequences, not causes. An unresolved reference is dropped when the scenario
//! *does* define an object of that name and that object has an error of its own (or its whole
//! list is malformed, or a failed entry's own name is unusable, so it may be the one meant):
//! fixing that error fixes the reference. References to names defined nowhere else are kept.

use super::refs::{name_of, task_definition_ref};
use crate::error::ValidationError;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// A kind of referenced object: where its definitions live, and how an error names a reference.
struct Kind {
    list: &'static str,
    name_key: &'static str,
    /// Texts that precede the backquoted reference in an unresolved-reference error.
    prefixes: &'static [&'static str],
}

const KINDS: &[Kind] = &[
    Kind { list: "services", name_key: "serviceName", prefixes: &["no service `"] },
    Kind { list: "taskDefinitions", name_key: "family", prefixes: &["task definition `"] },
    Kind { list: "targetGroups", name_key: "Name", prefixes: &["no target group `"] },
    Kind { list: "capacityProviders", name_key: "name", prefixes: &["capacity provider `", "`"] },
    Kind { list: "autoScalingGroups", name_key: "AutoScalingGroupName", prefixes: &["no Auto Scaling group named `"] },
    Kind { list: "scalingPolicies", name_key: "PolicyName", prefixes: &["no scaling policy `"] },
    Kind { list: "subnets", name_key: "SubnetId", prefixes: &["no subnet `"] },
    Kind { list: "roles", name_key: "RoleName", prefixes: &["role `"] },
];

/// The message's unresolved reference for `kind`, if it is one.
fn reference<'m>(kind: &Kind, message: &'m str) -> Option<&'m str> {
    kind.prefixes.iter().find_map(|p| {
        let rest = message.strip_prefix(p)?;
        let (name, tail) = rest.split_once('`')?;
        // The bare "`X` ..." form only for "is not a capacity provider ...".
        (*p != "`" || tail.contains("capacity provider")).then_some(name)
    })
}

/// The names `reference` (a name, `family:rev`, or an ARN) may denote: itself, its family, and
/// each `/`-separated part of an ARN (`targetgroup/web-tg/0123…`, `role/app`).
fn candidates(reference: &str) -> Vec<String> {
    let mut out = vec![reference.to_string(), name_of(reference).to_string(), task_definition_ref(reference).0];
    out.extend(reference.split('/').skip(1).map(str::to_string));
    out
}

#[cfg(test)]
fn refers_to(reference: &str, name: &str) -> bool {
    candidates(reference).iter().any(|c| c == name)
}

/// The entry index an error path falls under in `$.<list>[i]...`, if it does.
fn entry_index(path: &str, list: &str) -> Option<usize> {
    let rest = path.strip_prefix("$.")?.strip_prefix(list)?.strip_prefix('[')?;
    let (n, tail) = rest.split_once(']')?;
    (tail.is_empty() || tail.starts_with('.') || tail.starts_with('[')).then_some(())?;
    n.parse().ok()
}

/// Names of `kind` whose definition has an error; `None` inside means the list itself is bad,
/// or an entry with an error has no usable name (it may be the one a reference meant).
/// One pass over the errors: a pasted file with thousands of bad entries stays fast.
fn failed(kind: &Kind, root: &Map<String, Value>, errors: &[ValidationError]) -> Vec<Option<String>> {
    let list_path = format!("$.{}", kind.list);
    if errors.iter().any(|e| e.path == list_path) {
        return vec![None];
    }
    let Some(Value::Array(items)) = root.get(kind.list) else { return vec![] };
    let bad: BTreeSet<usize> = errors.iter().filter_map(|e| entry_index(&e.path, kind.list)).collect();
    bad.into_iter()
        .filter_map(|i| items.get(i))
        // A broken name (`"family": 7`) could have been any name: treat it like a broken list.
        .map(|item| match item.get(kind.name_key) {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// Drops the errors that only follow from another error in the list.
pub(crate) fn drop_consequences(root: &Map<String, Value>, errors: Vec<ValidationError>) -> Vec<ValidationError> {
    // Per kind: (every name counts, the failed names).
    let failures: Vec<(&Kind, bool, BTreeSet<String>)> = KINDS
        .iter()
        .filter_map(|kind| {
            let names = failed(kind, root, &errors);
            (!names.is_empty()).then(|| (kind, names.iter().any(Option::is_none), names.into_iter().flatten().collect()))
        })
        .collect();
    if failures.is_empty() {
        return errors;
    }
    let consequence = |e: &ValidationError| {
        failures.iter().any(|(kind, any, names)| reference(kind, &e.message).is_some_and(|r| *any || candidates(r).iter().any(|c| names.contains(c))))
    };
    let kept: Vec<ValidationError> = errors.iter().filter(|e| !consequence(e)).cloned().collect();
    // Never hide everything: a consequence with no cause left would leave the user nothing.
    if kept.is_empty() {
        errors
    } else {
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_from_each_kind_of_message() {
        assert_eq!(reference(&KINDS[0], "no service `web` in the cluster"), Some("web"));
        assert_eq!(reference(&KINDS[1], "task definition `web:3` is not registered in taskDefinitions"), Some("web:3"));
        assert_eq!(reference(&KINDS[3], "`spot` is not a capacity provider associated with the cluster"), Some("spot"));
        assert_eq!(reference(&KINDS[3], "`x` is not REPLICA or DAEMON"), None);
        assert!(refers_to("web:3", "web"));
        assert!(refers_to("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-tg/0123", "web-tg"));
        assert!(refers_to("arn:aws:iam::1:role/app", "app"));
        assert!(!refers_to("api", "web"));
        assert_eq!(entry_index("$.services[12].desiredCount", "services"), Some(12));
        assert_eq!(entry_index("$.services[3]", "services"), Some(3));
        assert_eq!(entry_index("$.servicesX[3]", "services"), None);
        assert_eq!(entry_index("$.services", "services"), None);
    }
}
