//! The reference's example expressions (aws-semantics §2, Q1–Q20) against a small fleet.

use super::*;
use crate::time::parse_iso_seconds;
use std::collections::BTreeMap;

struct Fake {
    attrs: BTreeMap<String, String>,
    groups: Vec<String>,
    version: String,
    id: String,
    registered: i64,
}

impl QueryTarget for Fake {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }
    fn task_groups(&self) -> Vec<&str> {
        self.groups.iter().map(String::as_str).collect()
    }
    fn agent_connected(&self) -> bool {
        true
    }
    fn agent_version(&self) -> &str {
        &self.version
    }
    fn ec2_instance_id(&self) -> &str {
        &self.id
    }
    fn registered_at_s(&self) -> i64 {
        self.registered
    }
    fn running_tasks_count(&self) -> u32 {
        self.groups.len() as u32
    }
}

fn inst(id: &str, ty: &str, az: &str, extra: &[(&str, &str)], groups: &[&str], version: &str, registered: &str) -> Fake {
    let mut attrs = BTreeMap::new();
    attrs.insert("ecs.instance-type".to_string(), ty.to_string());
    attrs.insert("ecs.availability-zone".to_string(), az.to_string());
    attrs.insert("ecs.os-type".to_string(), if ty.starts_with("w") { "windows" } else { "linux" }.to_string());
    for (k, v) in extra {
        attrs.insert(k.to_string(), v.to_string());
    }
    Fake {
        attrs,
        groups: groups.iter().map(|g| g.to_string()).collect(),
        version: version.into(),
        id: id.into(),
        registered: parse_iso_seconds(registered).unwrap(),
    }
}

fn fleet() -> Vec<Fake> {
    vec![
        inst("i-abcd1234", "t2.small", "us-east-1a", &[("stack", "prod")], &["service:production"], "1.14.4", "2018-01-01"),
        inst("i-wxyx7890", "t2.medium", "us-east-1b", &[("stack", "dev")], &["database", "service:production"], "1.20.0", "2018-03-01"),
        inst("i-00000003", "g2.2xlarge", "us-east-1c", &[], &[], "1.9.0", "2018-02-13"),
        inst("i-00000004", "g2.8xlarge", "us-east-1d", &[], &["databases"], "1.14.5", "2019-01-01"),
        inst("i-00000005", "mt2.small", "us-east-1a", &[], &[], "1.14.10", "2020-01-01"),
    ]
}

/// `check(expression, ids expected to match)`
fn check(expr: &str, expected: &[&str]) {
    let q = Query::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
    let got: Vec<&str> = fleet().iter().filter(|f| q.matches(*f)).map(|f| match f.id.as_str() {
        "i-abcd1234" => "i-abcd1234",
        "i-wxyx7890" => "i-wxyx7890",
        "i-00000003" => "i-00000003",
        "i-00000004" => "i-00000004",
        _ => "i-00000005",
    }).collect();
    assert_eq!(got, expected, "{expr}");
}

#[test]
fn reference_examples() {
    check("attribute:ecs.instance-type == t2.small", &["i-abcd1234"]); // Q1
    check("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", &["i-abcd1234", "i-wxyx7890", "i-00000005"]); // Q2
    check("attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d", &["i-00000003"]); // Q3
    check("task:group == service:production", &["i-abcd1234", "i-wxyx7890"]); // Q4
    check("not(task:group == database)", &["i-abcd1234", "i-00000003", "i-00000004", "i-00000005"]); // Q5
    check("runningTasksCount == 1", &["i-abcd1234", "i-00000004"]); // Q6
    check("agentVersion < 1.14.5", &["i-abcd1234", "i-00000003"]); // Q7 (numeric: 1.9.0 < 1.14.5)
    check("registeredAt < 2018-02-13", &["i-abcd1234"]); // Q8
    check("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", &["i-abcd1234", "i-wxyx7890"]); // Q9
    check("attribute:stack == prod", &["i-abcd1234"]); // Q11
    check("attribute:stack != prod", &["i-wxyx7890"]); // Q12: instances without `stack` excluded
    check("attribute:ecs.instance-type in [t2.small, t2.medium]", &["i-abcd1234", "i-wxyx7890"]); // Q13
    check("attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone == us-east-1a", &["i-abcd1234"]); // Q14
    check("task:group == databases", &["i-00000004"]); // Q16
    check("memberOf(ecs.os-type=='linux')", &["i-abcd1234", "i-wxyx7890", "i-00000003", "i-00000004", "i-00000005"]); // Q18 form
    check("attribute:ecs.os-type == linux", &["i-abcd1234", "i-wxyx7890", "i-00000003", "i-00000004", "i-00000005"]); // Q20
}

#[test]
fn word_operators_and_compound_forms() {
    check("attribute:ecs.instance-type equals t2.small", &["i-abcd1234"]);
    check("attribute:stack exists", &["i-abcd1234", "i-wxyx7890"]);
    check("attribute:stack !exists", &["i-00000003", "i-00000004", "i-00000005"]);
    check("attribute:stack not_exists", &["i-00000003", "i-00000004", "i-00000005"]);
    check("attribute:ecs.availability-zone !in [us-east-1a, us-east-1b, us-east-1c]", &["i-00000004"]);
    check("attribute:ecs.instance-type matches g2.*", &["i-00000003", "i-00000004"]);
    check("attribute:ecs.instance-type !~ g2.*", &["i-abcd1234", "i-wxyx7890", "i-00000005"]);
    check("(attribute:stack == prod or attribute:stack == dev) and attribute:ecs.availability-zone == us-east-1b", &["i-wxyx7890"]);
    check("attribute:stack == prod || attribute:stack == dev && attribute:ecs.availability-zone == us-east-1b", &["i-abcd1234", "i-wxyx7890"]);
    check("! attribute:stack exists", &["i-00000003", "i-00000004", "i-00000005"]);
    check("task:group != database", &["i-abcd1234", "i-00000003", "i-00000004", "i-00000005"]);
    check("runningTasksCount >= 1 and runningTasksCount < 2", &["i-abcd1234", "i-00000004"]);
}

#[test]
fn unquoted_patterns_may_hold_groups_classes_and_alternation() {
    check("attribute:ecs.instance-type =~ (t2|g2).small", &["i-abcd1234"]);
    check("attribute:ecs.instance-type =~ t2.(small|medium) and attribute:stack == dev", &["i-wxyx7890"]);
    check("(attribute:ecs.instance-type =~ g2.[28]xlarge)", &["i-00000003", "i-00000004"]);
    check("not(attribute:ecs.instance-type matches t2.*)", &["i-00000003", "i-00000004", "i-00000005"]);
}

#[test]
fn regex_is_a_whole_value_match() {
    // `t2.*` must not match `mt2.small` (documented choice: Java matches()).
    check("attribute:ecs.instance-type =~ t2.*", &["i-abcd1234", "i-wxyx7890"]);
}

#[test]
fn errors_point_at_the_column() {
    for (expr, column) in [
        ("attribute:ecs.instance-type === t2", 31),
        ("attribute:x == a and", 21),
        ("bogus == 1", 1),
        ("(attribute:x == a", 18),
        ("attribute:x in a, b", 16),
        ("agentVersion in [1]", 14),
        ("attribute:x =~ '['", 16),
        ("attribute:x =~ (a", 16),
        // Unbalanced on its own, balanced once wrapped in `^(?:...)$`: still an error.
        ("attribute:x =~ 'a)|(b'", 16),
        ("attribute:x == 'a", 16),
        ("", 1),
        ("attribute:x == a b", 18),
    ] {
        let err = Query::parse(expr).expect_err(expr);
        assert_eq!(err.column, column, "{expr}: {err}");
    }
}

#[test]
fn dynamic_subjects_are_flagged() {
    assert!(Query::parse("task:group == a").unwrap().depends_on_tasks());
    assert!(Query::parse("attribute:a == b or runningTasksCount > 1").unwrap().depends_on_tasks());
    assert!(!Query::parse("attribute:ecs.instance-type =~ t2.*").unwrap().depends_on_tasks());
}
