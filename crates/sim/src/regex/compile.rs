//! Syntax tree → a Thompson-NFA program. Counted repetition copies the body's code, so the
//! program is capped at `MAX_INSTS` instructions, checked as it grows.

use super::class::Class;
use super::parse::Node;
use super::vm::Look;
use super::{RegexError, MAX_INSTS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Inst {
    /// Consume this char.
    Char(char),
    /// Consume a char in `Program::classes[i]`.
    Class(usize),
    /// Continue only where the assertion holds; consumes nothing.
    Look(Look),
    /// Continue at both targets.
    Split(usize, usize),
    Jump(usize),
    Match,
}

#[derive(Debug, Clone)]
pub(super) struct Program {
    pub insts: Vec<Inst>,
    pub classes: Vec<Class>,
}

pub(super) fn compile(node: Node) -> Result<Program, RegexError> {
    let mut c = Compiler { insts: Vec::new(), classes: Vec::new() };
    c.node(node)?;
    c.emit(Inst::Match)?;
    Ok(Program { insts: c.insts, classes: c.classes })
}

struct Compiler {
    insts: Vec<Inst>,
    classes: Vec<Class>,
}

impl Compiler {
    fn pc(&self) -> usize {
        self.insts.len()
    }

    fn emit(&mut self, inst: Inst) -> Result<usize, RegexError> {
        if self.insts.len() >= MAX_INSTS {
            return Err(RegexError::TooBig);
        }
        self.insts.push(inst);
        Ok(self.insts.len() - 1)
    }

    fn patch(&mut self, at: usize, inst: Inst) {
        if let Some(slot) = self.insts.get_mut(at) {
            *slot = inst;
        }
    }

    fn node(&mut self, node: Node) -> Result<(), RegexError> {
        match node {
            Node::Empty => {}
            Node::Char(c) => {
                self.emit(Inst::Char(c))?;
            }
            Node::Class(class) => {
                self.classes.push(class);
                self.emit(Inst::Class(self.classes.len() - 1))?;
            }
            Node::Look(look) => {
                self.emit(Inst::Look(look))?;
            }
            Node::Concat(items) => {
                for item in items {
                    self.node(item)?;
                }
            }
            Node::Alt(alts) => self.alternation(alts)?,
            Node::Repeat { node, min, max } => self.repeat(*node, min, max)?,
        }
        Ok(())
    }

    /// `Split(a, next) a Jump(end)` for each alternative but the last.
    fn alternation(&mut self, alts: Vec<Node>) -> Result<(), RegexError> {
        let mut jumps = Vec::new();
        let mut alts = alts.into_iter().peekable();
        while let Some(alt) = alts.next() {
            if alts.peek().is_none() {
                self.node(alt)?;
                break;
            }
            let split = self.emit(Inst::Split(0, 0))?;
            self.node(alt)?;
            jumps.push(self.emit(Inst::Jump(0))?);
            self.patch(split, Inst::Split(split + 1, self.pc()));
        }
        let end = self.pc();
        for jump in jumps {
            self.patch(jump, Inst::Jump(end));
        }
        Ok(())
    }

    /// `min` copies of the body, then a loop over the last (`{n,}`) or `max - min` optional
    /// copies that each may skip to the end (`{n,m}`).
    fn repeat(&mut self, node: Node, min: u32, max: Option<u32>) -> Result<(), RegexError> {
        let origin = self.pc();
        self.node(node)?;
        let body = self.insts.split_off(origin);
        if body.is_empty() {
            return Ok(()); // any number of empty matches is one empty match
        }
        let mut last = origin;
        for _ in 0..min {
            last = self.copy(&body, origin)?;
        }
        match max {
            None if min == 0 => {
                let split = self.emit(Inst::Split(0, 0))?;
                self.copy(&body, origin)?;
                self.emit(Inst::Jump(split))?;
                self.patch(split, Inst::Split(split + 1, self.pc()));
            }
            None => {
                self.emit(Inst::Split(last, self.pc() + 1))?;
            }
            Some(max) => {
                let mut splits = Vec::new();
                for _ in min..max {
                    splits.push(self.emit(Inst::Split(0, 0))?);
                    self.copy(&body, origin)?;
                }
                let end = self.pc();
                for split in splits {
                    self.patch(split, Inst::Split(split + 1, end));
                }
            }
        }
        Ok(())
    }

    /// Appends `body`, compiled to start at `origin`, with its jumps moved to where it lands;
    /// returns where that is.
    fn copy(&mut self, body: &[Inst], origin: usize) -> Result<usize, RegexError> {
        let start = self.pc();
        if start + body.len() > MAX_INSTS {
            return Err(RegexError::TooBig);
        }
        let shift = |target: usize| target + (start - origin);
        self.insts.extend(body.iter().map(|&inst| match inst {
            Inst::Split(a, b) => Inst::Split(shift(a), shift(b)),
            Inst::Jump(t) => Inst::Jump(shift(t)),
            other => other,
        }));
        Ok(start)
    }
}
