//! The ECS cluster query language (aws-semantics §2): `subject operator [argument]`, joined by
//! `and`/`or`/`not` and parentheses. Used by `memberOf` constraints and
//! `list-container-instances --filter`.
//!
//! Choices where AWS documents nothing (aws-semantics §11.5), each tested in `tests.rs`:
//! - `=~`/`!~` must match the *whole* value (Java `String.matches`), not a substring.
//! - `and` binds tighter than `or`; `not` binds tightest.
//! - A comparison against an attribute the instance lacks is false for every operator except
//!   `!exists` (the guide documents `attribute:stack != prod` as listing only instances that have
//!   `stack`).
//! - `task:group` is a set (one entry per task on the instance): the positive operators hold when
//!   any group matches, `!=`/`not_in`/`!~` when none does.
//! - `agentVersion` compares numerically component by component (1.14.5 < 1.9 is false).
//! - Lenient forms from AWS's own docs: a `memberOf(...)` wrapper, bare `ecs.*` attribute names and
//!   quoted values (`memberOf(ecs.os-type=='windows')`).

mod eval;
mod lex;
mod parse;
#[cfg(test)]
mod tests;

pub use eval::QueryTarget;

use crate::regex::Regex;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QueryError {
    /// 1-based character column where the problem starts.
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Attribute(String),
    TaskGroup,
    AgentConnected,
    AgentVersion,
    Ec2InstanceId,
    RegisteredAt,
    RunningTasksCount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Exists,
    NotExists,
    In,
    NotIn,
    Matches,
    NotMatches,
}

#[derive(Debug, Clone)]
pub enum Argument {
    None,
    Value(String),
    List(Vec<String>),
    Pattern(Regex),
}

#[derive(Debug, Clone)]
pub enum Expr {
    Compare { subject: Subject, op: Op, arg: Argument },
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// A parsed expression, ready to evaluate against many instances.
#[derive(Debug, Clone)]
pub struct Query {
    pub text: String,
    expr: Expr,
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let expr = parse::parse(text)?;
        Ok(Query { text: text.to_string(), expr })
    }

    pub fn matches(&self, target: &dyn QueryTarget) -> bool {
        eval::eval(&self.expr, target)
    }

    /// True when the result can change as tasks start and stop (`task:group`,
    /// `runningTasksCount`); otherwise it depends only on the instance's fixed attributes and
    /// placement may cache it.
    pub fn depends_on_tasks(&self) -> bool {
        fn walk(e: &Expr) -> bool {
            match e {
                Expr::Compare { subject, .. } => matches!(subject, Subject::TaskGroup | Subject::RunningTasksCount),
                Expr::Not(a) => walk(a),
                Expr::And(a, b) | Expr::Or(a, b) => walk(a) || walk(b),
            }
        }
        walk(&self.expr)
    }
}
