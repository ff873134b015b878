//! Pattern text → syntax tree. Recursive descent; the tree nests only through groups and
//! stacked quantifiers (`a**`), whose combined depth is capped, so recursion stays bounded.

use super::class::Class;
use super::vm::Look;
use super::{RegexError, MAX_DEPTH, MAX_REPEAT};

#[derive(Debug)]
pub(super) enum Node {
    Empty,
    Char(char),
    Class(Class),
    Look(Look),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat { node: Box<Node>, min: u32, max: Option<u32> },
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Flags {
    /// `i`: case-insensitive.
    pub fold: bool,
    /// `m`: `^`/`$` also match at line boundaries.
    multi_line: bool,
    /// `s`: `.` also matches `\n`.
    dot_nl: bool,
}

/// What a backslash sequence means.
pub(super) enum Escape {
    Char(char),
    Class(Class),
    Look(Look),
}

pub(super) struct Parser {
    chars: Vec<char>,
    pos: usize,
    pub flags: Flags,
    depth: usize,
}

pub(super) fn parse(pattern: &str) -> Result<Node, RegexError> {
    let mut p = Parser { chars: pattern.chars().collect(), pos: 0, flags: Flags::default(), depth: 0 };
    let node = p.alternation()?;
    match p.peek() {
        None => Ok(node),
        Some(_) => Err(RegexError::UnopenedGroup), // only `)` stops an alternation early
    }
}

impl Parser {
    pub fn peek(&self) -> Option<char> {
        self.peek_at(0)
    }

    pub fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    pub fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    pub fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// Position, to back out of a tentative parse.
    pub fn mark(&self) -> usize {
        self.pos
    }

    pub fn reset(&mut self, mark: usize) {
        self.pos = mark;
    }

    fn alternation(&mut self) -> Result<Node, RegexError> {
        let mut alts = vec![self.concat()?];
        while self.eat('|') {
            alts.push(self.concat()?);
        }
        Ok(if alts.len() == 1 { alts.pop().unwrap_or(Node::Empty) } else { Node::Alt(alts) })
    }

    fn concat(&mut self) -> Result<Node, RegexError> {
        let mut items = Vec::new();
        while !matches!(self.peek(), None | Some('|') | Some(')')) {
            if let Some(atom) = self.atom()? {
                items.push(self.repetition(atom)?);
            }
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    /// One atom; `None` for a flag group such as `(?i)`, which matches nothing itself.
    fn atom(&mut self) -> Result<Option<Node>, RegexError> {
        let Some(c) = self.bump() else { return Ok(Some(Node::Empty)) };
        let node = match c {
            '(' => return self.group(),
            '[' => Node::Class(self.bracket_class()?),
            '.' => Node::Class(Class::dot(self.flags.dot_nl)),
            '^' => Node::Look(if self.flags.multi_line { Look::LineStart } else { Look::TextStart }),
            '$' => Node::Look(if self.flags.multi_line { Look::LineEnd } else { Look::TextEnd }),
            '*' | '+' | '?' | '{' => return Err(RegexError::MissingRepeatExpr),
            '\\' => match self.escape()? {
                Escape::Char(c) => self.literal(c),
                Escape::Class(class) => Node::Class(class.with_fold(self.flags.fold)),
                Escape::Look(look) => Node::Look(look),
            },
            c => self.literal(c),
        };
        Ok(Some(node))
    }

    fn literal(&self, c: char) -> Node {
        if self.flags.fold && Class::has_case(c) {
            Node::Class(Class::single(c).with_fold(true))
        } else {
            Node::Char(c)
        }
    }

    /// After `(`: a group, or a flag setting that lasts to the end of the enclosing group.
    fn group(&mut self) -> Result<Option<Node>, RegexError> {
        if self.depth >= MAX_DEPTH {
            return Err(RegexError::TooDeep);
        }
        let outer = self.flags;
        if self.eat('?') && !self.group_prefix()? {
            return Ok(None);
        }
        self.depth += 1;
        let inner = self.alternation()?;
        self.depth -= 1;
        if !self.eat(')') {
            return Err(RegexError::UnclosedGroup);
        }
        self.flags = outer;
        Ok(Some(inner))
    }

    /// After `(?`: reads a name or flags; false when it was a bare flag setting `(?flags)`.
    fn group_prefix(&mut self) -> Result<bool, RegexError> {
        match self.peek() {
            Some('=' | '!') => Err(RegexError::LookAround),
            Some('<') if matches!(self.peek_at(1), Some('=' | '!')) => Err(RegexError::LookAround),
            Some('<') => self.group_name().map(|()| true),
            Some('P') => {
                self.pos += 1;
                if self.peek() != Some('<') {
                    return Err(RegexError::InvalidGroupName);
                }
                self.group_name().map(|()| true)
            }
            _ => self.flag_list(),
        }
    }

    /// `<name>`: names are only checked, as nothing is captured.
    fn group_name(&mut self) -> Result<(), RegexError> {
        self.pos += 1;
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            self.pos += 1;
        }
        if self.pos == start || !self.eat('>') {
            return Err(RegexError::InvalidGroupName);
        }
        Ok(())
    }

    /// `flags)` or `flags:`; true when a group body follows (`:`).
    fn flag_list(&mut self) -> Result<bool, RegexError> {
        let (mut on, mut any) = (true, false);
        loop {
            let c = self.bump().ok_or(RegexError::UnclosedGroup)?;
            match c {
                ':' => return Ok(true),
                ')' if !any => return Err(RegexError::EmptyFlags),
                ')' => return Ok(false),
                '-' if on => on = false,
                'i' => self.flags.fold = on,
                'm' => self.flags.multi_line = on,
                's' => self.flags.dot_nl = on,
                'U' => {} // swaps greediness, which cannot change whether there is a match
                c => return Err(RegexError::UnknownFlag(c)),
            }
            any |= c != '-';
        }
    }

    /// Wraps `atom` in the quantifiers that follow it; stacked ones (`a{2}*`) nest, so each
    /// counts as a level of depth.
    fn repetition(&mut self, mut atom: Node) -> Result<Node, RegexError> {
        let mut stacked = 0;
        while let Some((min, max)) = self.quantifier()? {
            self.eat('?'); // lazy: same set of matches
            stacked += 1;
            if self.depth + stacked > MAX_DEPTH {
                return Err(RegexError::TooDeep);
            }
            atom = Node::Repeat { node: Box::new(atom), min, max };
        }
        Ok(atom)
    }

    fn quantifier(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
        let bounds = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.pos += 1;
                return self.counted().map(Some);
            }
            _ => return Ok(None),
        };
        self.pos += 1;
        Ok(Some(bounds))
    }

    /// After `{`: `n}`, `n,}` or `n,m}`.
    fn counted(&mut self) -> Result<(u32, Option<u32>), RegexError> {
        let min = self.number()?;
        let max = if !self.eat(',') {
            Some(min)
        } else if self.peek() == Some('}') {
            None
        } else {
            Some(self.number()?)
        };
        if !self.eat('}') {
            return Err(if self.peek().is_none() { RegexError::UnclosedRepeat } else { RegexError::InvalidRepeatCount });
        }
        if let Some(n) = [Some(min), max].into_iter().flatten().find(|&n| n > MAX_REPEAT) {
            return Err(RegexError::RepeatTooLarge(n));
        }
        match max {
            Some(max) if max < min => Err(RegexError::RepeatRangeReversed(min, max)),
            _ => Ok((min, max)),
        }
    }

    fn number(&mut self) -> Result<u32, RegexError> {
        let mut n: Option<u32> = None;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d));
            self.pos += 1;
        }
        match (n, self.peek()) {
            (Some(n), _) => Ok(n),
            (None, None) => Err(RegexError::UnclosedRepeat),
            (None, Some(_)) => Err(RegexError::InvalidRepeatCount),
        }
    }

    /// After `\`, inside or outside a bracket class.
    pub fn escape(&mut self) -> Result<Escape, RegexError> {
        let c = self.bump().ok_or(RegexError::TrailingBackslash)?;
        let char = |c| Ok(Escape::Char(c));
        match c {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => Ok(Escape::Class(Class::perl(c))),
            'b' => Ok(Escape::Look(Look::WordBoundary)),
            'B' => Ok(Escape::Look(Look::NotWordBoundary)),
            'A' => Ok(Escape::Look(Look::TextStart)),
            'z' => Ok(Escape::Look(Look::TextEnd)),
            'n' => char('\n'),
            't' => char('\t'),
            'r' => char('\r'),
            'f' => char('\x0C'),
            'v' => char('\x0B'),
            'a' => char('\x07'),
            'x' => self.hex().map(Escape::Char),
            '1'..='9' => Err(RegexError::Backreference(c)),
            'p' | 'P' => Err(RegexError::UnicodeClass),
            c if c.is_ascii_punctuation() => char(c),
            c => Err(RegexError::InvalidEscape(c)),
        }
    }

    /// After `\x`: two hex digits, or 1–6 in braces.
    fn hex(&mut self) -> Result<char, RegexError> {
        let braced = self.eat('{');
        let max_digits = if braced { 6 } else { 2 };
        let (mut value, mut digits) = (0u32, 0);
        while let Some(d) = self.peek().and_then(|c| c.to_digit(16)).filter(|_| digits < max_digits) {
            value = value * 16 + d;
            digits += 1;
            self.pos += 1;
        }
        let complete = if braced { digits > 0 && self.eat('}') } else { digits == 2 };
        char::from_u32(value).filter(|_| complete).ok_or(RegexError::InvalidHexEscape)
    }
}
