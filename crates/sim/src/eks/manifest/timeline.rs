//! `stevedore.dev/v1` Scenario `spec.timeline[]`: what happens to Deployments over sim time, in
//! kubectl's own words: `{"at": "2m", "kubectl": "set image deployment/web web=nginx:1.27"}`.

use crate::sort::SortSmall;
use super::read::{self, key_path};
use crate::eks::rollout::{Action, Target};
use crate::error::Errors;
use serde_json::Value;

/// One timeline entry, resolved: at `at_s` sim seconds, do `action` to Deployment `deployment`
/// (empty for node and pod actions, whose target is inside the action).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub at_s: i64,
    pub namespace: String,
    pub deployment: String,
    pub action: Action,
    /// `$[i].spec.timeline[j]`, for errors found later (unknown Deployment).
    pub path: String,
}

const VERBS: &str = "`set image deployment/NAME|daemonset/NAME CONTAINER=IMAGE…`, `scale deployment/NAME|replicaset/NAME --replicas=N`, `rollout undo deployment/NAME [--to-revision=N]`, `rollout pause|resume deployment/NAME`, `cordon NODE|-l K=V`, `uncordon NODE|-l K=V`, `drain NODE|-l K=V [--ignore-daemonsets] [--force] [--grace-period=N]`, `delete pod NAME|-l K=V` (each may end with `-n NAMESPACE`)";

/// The head every `{at, action, input}` entry shares (SetPodUsage, SpotInterruption,
/// CallAwsApi): not also `kubectl`, and a required `at` duration, in whole seconds.
pub(super) fn action_at(item: &Value, p: &str, e: &mut Errors) -> Option<i64> {
    if read::field(item, "kubectl").is_some() {
        e.push(key_path(p, "kubectl"), "an entry has `kubectl` or `action`, not both");
    }
    entry_at(item, p, e)
}

/// One `{at, action, input}` entry whose `action` is one of a reader's own.
pub(super) struct ActionEntry<'a> {
    pub path: String,
    pub action: &'a str,
    pub at: Option<i64>,
    pub input_path: String,
    pub input: &'a Value,
}

/// The `spec.timeline[]` entries whose `action` is in `actions`, in file order, with their
/// shared head read (`action_at`) and their `input` object: a missing one is an error naming
/// what it needs (`need(action)`), and that entry is left out.
pub(super) fn action_entries<'a>(s: &'a Value, sp: &str, actions: &[&str], need: fn(&str) -> &'static str, e: &mut Errors) -> Vec<ActionEntry<'a>> {
    let mut out = Vec::new();
    let Some(Value::Array(items)) = read::field(s, "timeline") else { return out };
    for (j, item) in items.iter().enumerate() {
        let path = format!("{sp}.timeline[{j}]");
        let Some(action) = read::field(item, "action").and_then(Value::as_str).filter(|a| actions.contains(a)) else { continue };
        let at = action_at(item, &path, e);
        let Some((input_path, input)) = read::object(item, "input", &path, e) else {
            if read::field(item, "input").is_none() {
                e.push(key_path(&path, "input"), format!("is required: {}", need(action)));
            }
            continue;
        };
        out.push(ActionEntry { path, action, at, input_path, input });
    }
    out
}

/// An entry's required `at` duration, in whole seconds: one error when it is missing, one when it
/// is not a string (not also "is required"), one when it is not a duration.
pub(super) fn entry_at(item: &Value, p: &str, e: &mut Errors) -> Option<i64> {
    if read::field(item, "at").is_none() {
        e.push(key_path(p, "at"), "is required (a duration from the start, e.g. \"2m\")");
        return None;
    }
    let a = read::string(item, "at", p, e)?;
    crate::time::parse_duration_ms(&a).map(|ms| (ms / 1000) as i64).map_err(|m| e.push(key_path(p, "at"), m)).ok()
}

pub fn timeline(s: &Value, sp: &str, e: &mut Errors) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    for (p, item) in read::list(s, "timeline", sp, e) {
        // `{at, action, input}` entries (SetPodUsage) are read by `pod_usage`, `{at, apply}`
        // entries by `karpenter_apply`.
        if read::field(item, "action").is_some() || read::field(item, "apply").is_some() {
            continue;
        }
        let at = entry_at(item, &p, e);
        let Some(words) = read::string(item, "kubectl", &p, e) else {
            if read::field(item, "kubectl").is_none() {
                e.push(key_path(&p, "kubectl"), format!("is required: one of {VERBS}"));
            }
            continue;
        };
        match command(&words) {
            Ok((namespace, deployment, action)) => {
                if let Some(at_s) = at {
                    out.push(TimelineEntry { at_s, namespace, deployment, action, path: p });
                }
            }
            Err(m) => e.push(key_path(&p, "kubectl"), format!("{words:?}: {m}")),
        }
    }
    // Stable: entries at the same instant keep their file order.
    out.sort_small_by_key(|t| t.at_s);
    out
}

/// kubectl's words → (namespace, deployment, action).
fn command(words: &str) -> Result<(String, String, Action), String> {
    let mut w: Vec<&str> = words.split_whitespace().collect();
    let mut namespace = "default".to_string();
    if let Some(i) = w.iter().position(|x| *x == "-n" || *x == "--namespace") {
        namespace = w.get(i + 1).ok_or("-n needs a namespace")?.to_string();
        w.drain(i..i + 2);
    }
    let target = |t: &str| -> Result<String, String> {
        match t.split_once('/') {
            Some(("deployment" | "deployments" | "deploy", n)) if !n.is_empty() => Ok(n.to_string()),
            _ => Err(format!("{t:?} must be deployment/NAME (or daemonset/NAME for set image)")),
        }
    };
    if let Some(a) = node_or_pod(&w)? {
        return Ok((namespace, String::new(), a));
    }
    let action = match w.as_slice() {
        ["set", "image", t, pairs @ ..] if !pairs.is_empty() => {
            let mut v = Vec::new();
            for p in pairs {
                match p.split_once('=') {
                    Some((c, i)) if !c.is_empty() && !i.is_empty() => v.push((c.to_string(), i.to_string())),
                    _ => return Err(format!("{p:?} must be CONTAINER=IMAGE")),
                }
            }
            match t.split_once('/') {
                Some(("daemonset" | "daemonsets" | "ds", n)) if !n.is_empty() => (n.to_string(), Action::SetDaemonSetImage(v)),
                _ => (target(t)?, Action::SetImage(v)),
            }
        }
        ["scale", t, r] => match r.strip_prefix("--replicas=").and_then(|n| n.parse::<i64>().ok()) {
            Some(n) if (0..=100_000).contains(&n) => match t.split_once('/') {
                Some(("replicaset" | "replicasets" | "rs", name)) if !name.is_empty() => (name.to_string(), Action::ScaleReplicaSet(n)),
                _ => (target(t)?, Action::Scale(n)),
            },
            _ => return Err(format!("{r:?} must be --replicas=N with N from 0 to 100000")),
        },
        ["rollout", "undo", t] => (target(t)?, Action::Undo(None)),
        ["rollout", "pause", t] => (target(t)?, Action::Pause(true)),
        ["rollout", "resume", t] => (target(t)?, Action::Pause(false)),
        ["rollout", "undo", t, r] => match r.strip_prefix("--to-revision=").and_then(|n| n.parse::<i64>().ok()) {
            Some(n) if n >= 0 => (target(t)?, Action::Undo(if n == 0 { None } else { Some(n) })),
            _ => return Err(format!("{r:?} must be --to-revision=N")),
        },
        _ => return Err(format!("not understood; timeline commands are {VERBS}")),
    };
    Ok((namespace, action.0, action.1))
}

/// `-l a=b,c=d` (equality only, as the sim's timeline needs) or a name.
fn target(words: &[&str], what: &str) -> Result<(Target, usize), String> {
    match words {
        ["-l" | "--selector", sel, ..] => {
            let mut labels = crate::eks::selector::Labels::new();
            for kv in sel.split(',') {
                match kv.split_once('=') {
                    Some((k, v)) if !k.is_empty() && !k.ends_with('!') => labels.insert(k.to_string(), v.trim_start_matches('=').to_string()),
                    _ => return Err(format!("selector {kv:?} must be KEY=VALUE")),
                };
            }
            Ok((Target::Selector(labels), 2))
        }
        [name, ..] if !name.starts_with('-') => Ok((Target::Name(name.to_string()), 1)),
        _ => Err(format!("needs a {what} name or -l KEY=VALUE")),
    }
}

/// The node and pod verbs; None for the Deployment verbs.
fn node_or_pod(w: &[&str]) -> Result<Option<Action>, String> {
    let (verb, rest) = match w {
        ["cordon" | "uncordon" | "drain", rest @ ..] => (w[0], rest),
        ["delete", "pod" | "pods" | "po", rest @ ..] => ("delete", rest),
        ["delete", one, rest @ ..] if one.starts_with("pod/") || one.starts_with("pods/") => {
            let name = one.split_once('/').map(|x| x.1).unwrap_or_default();
            if name.is_empty() || !rest.is_empty() {
                return Err(format!("{one:?} must be pod/NAME"));
            }
            return Ok(Some(Action::DeletePod(Target::Name(name.to_string()))));
        }
        _ => return Ok(None),
    };
    let (t, used) = target(rest, if verb == "delete" { "pod" } else { "node" })?;
    let flags = &rest[used..];
    let (mut ignore_daemonsets, mut force, mut grace_period_s) = (false, false, None);
    for f in flags {
        match (*f, verb) {
            ("--ignore-daemonsets", "drain") => ignore_daemonsets = true,
            ("--force", "drain") => force = true,
            ("--delete-emptydir-data", "drain") => {}
            (g, "drain" | "delete") if g.starts_with("--grace-period=") => match g["--grace-period=".len()..].parse::<i64>() {
                Ok(n) if n >= -1 => grace_period_s = (n >= 0).then_some(n),
                _ => return Err(format!("{g:?} must be --grace-period=N")),
            },
            (other, _) => return Err(format!("{other:?} is not a flag of kubectl {verb} that the sim reads")),
        }
    }
    Ok(Some(match verb {
        "cordon" => Action::Cordon(t),
        "uncordon" => Action::Uncordon(t),
        "drain" => Action::Drain { target: t, ignore_daemonsets, force, grace_period_s },
        _ => Action::DeletePod(t),
    }))
}
