//! Recursive-descent parser: `or := and (or-op and)*`, `and := unary (and-op unary)*`,
//! `unary := not-op unary | '(' or ')' | comparison`.

use super::lex::{lex, Tok};
use super::{Argument, Expr, Op, QueryError, Subject};
use crate::regex::Regex;

pub fn parse(text: &str) -> Result<Expr, QueryError> {
    let tokens = lex(text)?;
    if tokens.is_empty() {
        return Err(QueryError { column: 1, message: "empty expression".into() });
    }
    let end_column = text.chars().count() + 1;
    let mut p = Parser { tokens, pos: 0, end_column };
    let expr = p.or()?;
    if let Some((tok, column)) = p.tokens.get(p.pos) {
        return Err(QueryError { column: *column, message: format!("unexpected {} after a complete expression (join expressions with and/or)", describe(tok)) });
    }
    Ok(expr)
}

struct Parser {
    tokens: Vec<(Tok, usize)>,
    pos: usize,
    end_column: usize,
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => format!("`{w}`"),
        Tok::Quoted(w) => format!("'{w}'"),
        Tok::Sym(s) => format!("`{s}`"),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::LBracket => "`[`".into(),
        Tok::RBracket => "`]`".into(),
        Tok::Comma => "`,`".into(),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.0)
    }
    fn column(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end_column, |t| t.1)
    }
    fn error<T>(&self, message: impl Into<String>) -> Result<T, QueryError> {
        Err(QueryError { column: self.column(), message: message.into() })
    }
    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => Some(w.as_str()),
            _ => None,
        }
    }

    fn or(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some(Tok::Sym("||"))) || self.peek_word().is_some_and(|w| w.eq_ignore_ascii_case("or")) {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, QueryError> {
        let mut left = self.unary()?;
        while matches!(self.peek(), Some(Tok::Sym("&&"))) || self.peek_word().is_some_and(|w| w.eq_ignore_ascii_case("and")) {
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, QueryError> {
        match self.peek() {
            Some(Tok::Sym("!")) => {
                self.pos += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("not") => {
                self.pos += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            // AWS's Windows guide writes `memberOf(expression)`: accept the wrapper.
            Some(Tok::Word(w)) if w == "memberOf" && matches!(self.tokens.get(self.pos + 1), Some((Tok::LParen, _))) => {
                self.pos += 1;
                self.unary()
            }
            Some(Tok::LParen) => {
                let open = self.column();
                self.pos += 1;
                let inner = self.or()?;
                if !matches!(self.peek(), Some(Tok::RParen)) {
                    return self.error(format!("missing `)` to close the `(` at column {open}"));
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(_) => self.comparison(),
            None => self.error("expected an expression (subject operator argument) but the text ended"),
        }
    }

    fn comparison(&mut self) -> Result<Expr, QueryError> {
        let subject_column = self.column();
        let subject = match self.peek().cloned() {
            Some(Tok::Word(w)) => parse_subject(&w).ok_or_else(|| QueryError {
                column: subject_column,
                message: format!("unknown subject `{w}` (expected attribute:NAME, task:group, agentConnected, agentVersion, ec2InstanceId, registeredAt or runningTasksCount)"),
            })?,
            Some(tok) => return self.error(format!("expected a subject such as attribute:ecs.instance-type, found {}", describe(&tok))),
            None => return self.error("expected a subject"),
        };
        self.pos += 1;
        let op_column = self.column();
        let op = self.operator()?;
        if !allowed(&subject, op) {
            return Err(QueryError { column: op_column, message: format!("operator {op:?} is not valid for subject {subject:?} (see the cluster query language's operator table)") });
        }
        let arg = self.argument(op)?;
        Ok(Expr::Compare { subject, op, arg })
    }

    fn operator(&mut self) -> Result<Op, QueryError> {
        let op = match self.peek().cloned() {
            Some(Tok::Sym("==")) => Op::Eq,
            Some(Tok::Sym("!=")) => Op::Ne,
            Some(Tok::Sym(">")) => Op::Gt,
            Some(Tok::Sym(">=")) => Op::Ge,
            Some(Tok::Sym("<")) => Op::Lt,
            Some(Tok::Sym("<=")) => Op::Le,
            Some(Tok::Sym("=~")) => Op::Matches,
            Some(Tok::Sym("!~")) => Op::NotMatches,
            Some(Tok::Sym("!")) => {
                // `!in` and `!exists`
                match self.tokens.get(self.pos + 1).map(|t| &t.0) {
                    Some(Tok::Word(w)) if w == "in" => {
                        self.pos += 1;
                        Op::NotIn
                    }
                    Some(Tok::Word(w)) if w == "exists" => {
                        self.pos += 1;
                        Op::NotExists
                    }
                    _ => return self.error("`!` here must be followed by `in` or `exists`"),
                }
            }
            Some(Tok::Word(w)) => match w.as_str() {
                "equals" => Op::Eq,
                "not_equals" => Op::Ne,
                "greater_than" => Op::Gt,
                "greater_than_equal" => Op::Ge,
                "less_than" => Op::Lt,
                "less_than_equal" => Op::Le,
                "exists" => Op::Exists,
                "not_exists" => Op::NotExists,
                "in" => Op::In,
                "not_in" => Op::NotIn,
                "matches" => Op::Matches,
                "not_matches" => Op::NotMatches,
                _ => return self.error(format!("expected an operator, found `{w}`")),
            },
            Some(tok) => return self.error(format!("expected an operator, found {}", describe(&tok))),
            None => return self.error("expected an operator (==, !=, in, =~, exists, ...) but the text ended"),
        };
        self.pos += 1;
        Ok(op)
    }

    fn argument(&mut self, op: Op) -> Result<Argument, QueryError> {
        match op {
            Op::Exists | Op::NotExists => Ok(Argument::None),
            Op::In | Op::NotIn => self.list().map(Argument::List),
            Op::Matches | Op::NotMatches => {
                let column = self.column();
                let pattern = self.value()?;
                // The pattern alone first: unbalanced parentheses (`a)|(b`) would otherwise
                // escape the whole-value anchoring the wrapper adds.
                Regex::new(&pattern)
                    .and_then(|_| Regex::new(&format!("^(?:{pattern})$")))
                    .map(Argument::Pattern)
                    .map_err(|e| QueryError { column, message: format!("invalid regular expression `{pattern}`: {e}") })
            }
            _ => self.value().map(Argument::Value),
        }
    }

    fn value(&mut self) -> Result<String, QueryError> {
        match self.peek().cloned() {
            Some(Tok::Word(w)) | Some(Tok::Quoted(w)) => {
                self.pos += 1;
                Ok(w)
            }
            Some(tok) => self.error(format!("expected a value, found {}", describe(&tok))),
            None => self.error("expected a value but the text ended"),
        }
    }

    fn list(&mut self) -> Result<Vec<String>, QueryError> {
        if !matches!(self.peek(), Some(Tok::LBracket)) {
            return self.error("`in` takes a list: [value1, value2, ...]");
        }
        self.pos += 1;
        let mut items = vec![self.value()?];
        loop {
            match self.peek() {
                Some(Tok::Comma) => {
                    self.pos += 1;
                    items.push(self.value()?);
                }
                Some(Tok::RBracket) => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => return self.error("expected `,` or `]` in the list"),
            }
        }
    }
}

fn parse_subject(word: &str) -> Option<Subject> {
    if let Some(name) = word.strip_prefix("attribute:") {
        return (!name.is_empty()).then(|| Subject::Attribute(name.to_string()));
    }
    Some(match word {
        "task:group" => Subject::TaskGroup,
        "agentConnected" => Subject::AgentConnected,
        "agentVersion" => Subject::AgentVersion,
        "ec2InstanceId" => Subject::Ec2InstanceId,
        "registeredAt" => Subject::RegisteredAt,
        "runningTasksCount" => Subject::RunningTasksCount,
        w if w.starts_with("ecs.") => Subject::Attribute(w.to_string()),
        _ => return None,
    })
}

/// The per-subject operator lists of aws-semantics §2; subjects with no list take every operator.
fn allowed(subject: &Subject, op: Op) -> bool {
    use Op::*;
    match subject {
        Subject::AgentVersion | Subject::RegisteredAt | Subject::RunningTasksCount => matches!(op, Eq | Ne | Gt | Ge | Lt | Le),
        Subject::AgentConnected | Subject::Ec2InstanceId => matches!(op, Eq | Ne | In | NotIn | Matches | NotMatches),
        Subject::Attribute(_) | Subject::TaskGroup => true,
    }
}
