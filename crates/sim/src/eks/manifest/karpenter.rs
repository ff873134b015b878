//! Karpenter `karpenter.sh/v1` `NodePool` and `karpenter.k8s.aws/v1` `EC2NodeClass`
//! (KARP website/content/en/docs/concepts/nodepools.md, disruption.md, nodeclasses.md).

use super::pod_spec::taints;
use super::read::{self, key_path};
use crate::eks::karpenter::{cron, Budget, ConsolidationPolicy, Disruption, Ec2NodeClass, NodePool, Nodes, Reason, DEFAULT_EXPIRE_AFTER_MS};
use crate::eks::karpenter::drift::{canonical, class_hash};
use crate::eks::selector;
use crate::error::Errors;
use serde_json::Value;

/// Requirements + labels combined may not exceed 100 (nodepools.md).
const MAX_REQUIREMENTS: usize = 100;

/// A duration (`720h`, `30s`) or `Never` (None); absent gives `default`.
fn duration_or_never(v: &Value, key: &str, path: &str, default: Option<u64>, e: &mut Errors) -> Option<u64> {
    match read::string(v, key, path, e).as_deref() {
        None => default,
        Some("Never") => None,
        Some(d) => match crate::time::parse_duration_ms(d) {
            Ok(ms) => Some(ms),
            Err(m) => {
                e.push(key_path(path, key), format!("{m}, or Never"));
                default
            }
        },
    }
}

// Two callers (a document, a timeline `apply`): one copy in the wasm.
#[inline(never)]
pub fn node_pool(doc: &Value, path: &str, name: String, e: &mut Errors) -> Option<NodePool> {
    let Some((sp, s)) = read::object(doc, "spec", path, e) else {
        e.push(key_path(path, "spec"), "is required");
        return None;
    };
    let Some((tp, t)) = read::object(s, "template", &sp, e) else {
        e.push(key_path(&sp, "template"), "is required");
        return None;
    };
    let labels = read::object(t, "metadata", &tp, e).map(|(mp, m)| read::string_map(m, "labels", &mp, e)).unwrap_or_default();
    let (tsp, ts) = read::object(t, "spec", &tp, e).unwrap_or_else(|| {
        e.push(key_path(&tp, "spec"), "is required");
        (key_path(&tp, "spec"), &Value::Null)
    });
    let node_class = match read::object(ts, "nodeClassRef", &tsp, e) {
        Some((rp, r)) => {
            let n = read::string(r, "name", &rp, e).unwrap_or_default();
            if n.is_empty() {
                e.push(key_path(&rp, "name"), "is required");
            }
            if let Some(k) = read::string(r, "kind", &rp, e).filter(|k| k != "EC2NodeClass") {
                e.push(key_path(&rp, "kind"), format!("{k:?} must be EC2NodeClass (the AWS provider's node class)"));
            }
            if let Some(g) = read::string(r, "group", &rp, e).filter(|g| g != "karpenter.k8s.aws") {
                e.push(key_path(&rp, "group"), format!("{g:?} must be karpenter.k8s.aws"));
            }
            n
        }
        None => {
            if !ts.is_null() {
                e.push(key_path(&tsp, "nodeClassRef"), "is required");
            }
            String::new()
        }
    };
    let requirements = selector::requirements(ts, "requirements", &tsp, true, e);
    if requirements.len() + labels.len() > MAX_REQUIREMENTS {
        e.push(key_path(&tsp, "requirements"), format!("requirements and labels together may not exceed {MAX_REQUIREMENTS}"));
    }
    let expire_after_ms = duration_or_never(ts, "expireAfter", &tsp, Some(DEFAULT_EXPIRE_AFTER_MS), e);
    let termination_grace_period_ms = duration_or_never(ts, "terminationGracePeriod", &tsp, None, e);
    let disruption = read::object(s, "disruption", &sp, e).map(|(dp, d)| disruption(d, &dp, e)).unwrap_or_default();
    let (mut limit_cpu_m, mut limit_memory) = (None, None);
    if let Some((lp, l)) = read::object(s, "limits", &sp, e) {
        if let Some(x) = read::field(l, "cpu") {
            limit_cpu_m = read::quantity(x, &key_path(&lp, "cpu"), e).map(|q| q.millis());
        }
        if let Some(x) = read::field(l, "memory") {
            limit_memory = read::quantity(x, &key_path(&lp, "memory"), e).map(|q| q.value());
        }
    }
    let weight = read::int(s, "weight", &sp, 1, 100, e).unwrap_or(0);
    Some(NodePool {
        name,
        labels,
        taints: taints(ts, "taints", &tsp, e),
        startup_taints: taints(ts, "startupTaints", &tsp, e),
        node_class,
        requirements,
        expire_after_ms,
        termination_grace_period_ms,
        disruption,
        limit_cpu_m,
        limit_memory,
        weight,
        hash: crate::eks::karpenter::drift::pool_hash(t),
    })
}

fn disruption(d: &Value, dp: &str, e: &mut Errors) -> Disruption {
    let mut out = Disruption::default();
    match read::string(d, "consolidationPolicy", dp, e).as_deref() {
        None | Some("WhenEmptyOrUnderutilized") => {}
        Some("WhenEmpty") => out.policy = ConsolidationPolicy::WhenEmpty,
        Some(other) => e.push(key_path(dp, "consolidationPolicy"), format!("{other:?} must be WhenEmptyOrUnderutilized or WhenEmpty")),
    }
    out.consolidate_after_ms = duration_or_never(d, "consolidateAfter", dp, Some(0), e);
    if read::field(d, "budgets").is_some() {
        out.budgets = read::list(d, "budgets", dp, e).into_iter().filter_map(|(bp, b)| budget(b, &bp, e)).collect();
    }
    out
}

fn budget(b: &Value, bp: &str, e: &mut Errors) -> Option<Budget> {
    let nodes_text = match read::field(b, "nodes") {
        Some(Value::Number(n)) => n.to_string(),
        _ => read::string(b, "nodes", bp, e).unwrap_or_else(|| "10%".into()),
    };
    let nodes = match nodes_text.strip_suffix('%') {
        Some(p) => p.parse::<i64>().ok().filter(|p| (0..=100).contains(p)).map(Nodes::Percent),
        None => nodes_text.parse::<i64>().ok().filter(|n| *n >= 0).map(Nodes::Count),
    };
    let Some(nodes) = nodes else {
        e.push(key_path(bp, "nodes"), format!("{nodes_text:?} must be a whole number of nodes or a percentage such as 10%"));
        return None;
    };
    let mut reasons = Vec::new();
    for (rp, r) in read::list(b, "reasons", bp, e) {
        match r.as_str() {
            Some("Empty") => reasons.push(Reason::Empty),
            Some("Drifted") => reasons.push(Reason::Drifted),
            Some("Underutilized") => reasons.push(Reason::Underutilized),
            _ => e.push(rp, "must be Empty, Drifted or Underutilized"),
        }
    }
    let schedule = read::string(b, "schedule", bp, e);
    if let Some(s) = &schedule {
        if let Err(m) = cron::parse(s) {
            e.push(key_path(bp, "schedule"), m);
        }
    }
    let duration_ms = read::string(b, "duration", bp, e).and_then(|d| crate::time::parse_duration_ms(&d).map_err(|m| e.push(key_path(bp, "duration"), m)).ok());
    if schedule.is_some() != read::field(b, "duration").is_some() {
        e.push(bp, "schedule and duration must be set together");
    }
    Some(Budget { nodes, reasons, schedule, duration_ms })
}

#[inline(never)]
pub fn node_class(doc: &Value, path: &str, name: String, e: &mut Errors) -> Ec2NodeClass {
    let (sp, s) = read::object(doc, "spec", path, e).unwrap_or_else(|| {
        e.push(key_path(path, "spec"), "is required");
        (key_path(path, "spec"), &Value::Null)
    });
    let role = read::string(s, "role", &sp, e).unwrap_or_default();
    let profile = read::string(s, "instanceProfile", &sp, e);
    if !s.is_null() && role.is_empty() && profile.is_none() {
        e.push(key_path(&sp, "role"), "is required (or instanceProfile)");
    }
    let amis = read::list(s, "amiSelectorTerms", &sp, e);
    let ami_alias = amis.first().and_then(|(_, a)| a.get("alias")).and_then(Value::as_str).unwrap_or_default().to_string();
    if !s.is_null() && amis.is_empty() {
        e.push(key_path(&sp, "amiSelectorTerms"), "is required, e.g. [{alias: al2023@latest}]");
    }
    let terms = |key: &str, e: &mut Errors| -> Vec<String> { read::list(s, key, &sp, e).into_iter().map(|(_, t)| canonical(t)).collect() };
    let ami_terms: Vec<String> = amis.iter().map(|(_, t)| canonical(t)).collect();
    let subnet_terms = terms("subnetSelectorTerms", e);
    let security_group_terms = terms("securityGroupSelectorTerms", e);
    let (subnets, sgs) = (subnet_terms.len(), security_group_terms.len());
    if !s.is_null() && subnets == 0 {
        e.push(key_path(&sp, "subnetSelectorTerms"), "is required");
    }
    if !s.is_null() && sgs == 0 {
        e.push(key_path(&sp, "securityGroupSelectorTerms"), "is required");
    }
    Ec2NodeClass { name, role, ami_alias, subnet_selector_terms: subnets, security_group_selector_terms: sgs, ami_terms, subnet_terms, security_group_terms, hash: class_hash(s) }
}
