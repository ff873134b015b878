//! Evaluates a parsed expression against one container instance.

use super::{Argument, Expr, Op, Subject};
use crate::time::parse_iso_seconds;
use std::cmp::Ordering;

/// What the query language can see of a container instance.
pub trait QueryTarget {
    fn attribute(&self, name: &str) -> Option<&str>;
    fn task_groups(&self) -> Vec<&str>;
    fn agent_connected(&self) -> bool;
    fn agent_version(&self) -> &str;
    fn ec2_instance_id(&self) -> &str;
    fn registered_at_s(&self) -> i64;
    fn running_tasks_count(&self) -> u32;
}

pub fn eval(expr: &Expr, t: &dyn QueryTarget) -> bool {
    match expr {
        Expr::Not(e) => !eval(e, t),
        Expr::And(a, b) => eval(a, t) && eval(b, t),
        Expr::Or(a, b) => eval(a, t) || eval(b, t),
        Expr::Compare { subject, op, arg } => compare(subject, *op, arg, t),
    }
}

fn compare(subject: &Subject, op: Op, arg: &Argument, t: &dyn QueryTarget) -> bool {
    match subject {
        Subject::Attribute(name) => match (t.attribute(name), op) {
            (None, Op::NotExists) => true,
            (None, _) => false,
            (Some(_), Op::Exists) => true,
            (Some(_), Op::NotExists) => false,
            (Some(value), _) => test_value(value, op, arg, compare_loose),
        },
        Subject::TaskGroup => {
            let groups = t.task_groups();
            match op {
                Op::Exists => !groups.is_empty(),
                Op::NotExists => groups.is_empty(),
                Op::Ne | Op::NotIn | Op::NotMatches => {
                    let positive = negate(op);
                    !groups.iter().any(|g| test_value(g, positive, arg, compare_loose))
                }
                _ => groups.iter().any(|g| test_value(g, op, arg, compare_loose)),
            }
        }
        Subject::AgentConnected => test_value(if t.agent_connected() { "true" } else { "false" }, op, arg, compare_loose),
        Subject::Ec2InstanceId => test_value(t.ec2_instance_id(), op, arg, compare_loose),
        Subject::AgentVersion => test_value(t.agent_version(), op, arg, compare_versions),
        Subject::RunningTasksCount => test_value(&t.running_tasks_count().to_string(), op, arg, compare_loose),
        Subject::RegisteredAt => {
            let Argument::Value(v) = arg else { return false };
            let Ok(when) = parse_iso_seconds(v) else { return false };
            ordering_holds(t.registered_at_s().cmp(&when), op)
        }
    }
}

fn negate(op: Op) -> Op {
    match op {
        Op::Ne => Op::Eq,
        Op::NotIn => Op::In,
        Op::NotMatches => Op::Matches,
        other => other,
    }
}

fn test_value(value: &str, op: Op, arg: &Argument, cmp: fn(&str, &str) -> Ordering) -> bool {
    match (op, arg) {
        (Op::In, Argument::List(items)) => items.iter().any(|i| i == value),
        (Op::NotIn, Argument::List(items)) => !items.iter().any(|i| i == value),
        (Op::Matches, Argument::Pattern(re)) => re.is_match(value),
        (Op::NotMatches, Argument::Pattern(re)) => !re.is_match(value),
        (Op::Eq, Argument::Value(v)) => value == v,
        (Op::Ne, Argument::Value(v)) => value != v,
        (Op::Gt | Op::Ge | Op::Lt | Op::Le, Argument::Value(v)) => ordering_holds(cmp(value, v), op),
        _ => false,
    }
}

fn ordering_holds(ord: Ordering, op: Op) -> bool {
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        _ => false,
    }
}

/// Numbers compare as numbers, anything else as text.
fn compare_loose(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(b),
    }
}

/// `1.14.5` vs `1.9`: component by component, numerically.
fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<u64> { s.split('.').map(|p| p.trim().parse().unwrap_or(0)).collect() };
    let (pa, pb) = (parts(a), parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let ord = pa.get(i).unwrap_or(&0).cmp(pb.get(i).unwrap_or(&0));
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}
