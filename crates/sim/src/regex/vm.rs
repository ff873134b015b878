//! Pike-VM simulation: every live thread advances one char at a time, in lockstep, and a
//! program counter is live at most once per position — O(text × program), no backtracking.

use super::compile::{Inst, Program};

/// Zero-width assertions, judged from the chars either side of the position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Look {
    TextStart,
    TextEnd,
    LineStart,
    LineEnd,
    WordBoundary,
    NotWordBoundary,
}

impl Look {
    fn holds(self, before: Option<char>, after: Option<char>) -> bool {
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        match self {
            Look::TextStart => before.is_none(),
            Look::TextEnd => after.is_none(),
            Look::LineStart => matches!(before, None | Some('\n')),
            Look::LineEnd => matches!(after, None | Some('\n')),
            Look::WordBoundary => is_word(before) != is_word(after),
            Look::NotWordBoundary => is_word(before) == is_word(after),
        }
    }
}

/// The program counters live at one position, each once.
struct Threads {
    live: Vec<bool>,
    list: Vec<usize>,
}

impl Threads {
    fn new(len: usize) -> Threads {
        Threads { live: vec![false; len], list: Vec::with_capacity(len) }
    }

    fn clear(&mut self) {
        for &pc in &self.list {
            if let Some(live) = self.live.get_mut(pc) {
                *live = false;
            }
        }
        self.list.clear();
    }

    /// Marks `pc` live; false if it already was (or is out of range).
    fn insert(&mut self, pc: usize) -> bool {
        match self.live.get_mut(pc) {
            Some(live) if !*live => {
                *live = true;
                self.list.push(pc);
                true
            }
            _ => false,
        }
    }

    /// Adds `pc` and everything reachable from it without consuming a char (an explicit stack,
    /// not recursion); true as soon as `Match` is reachable.
    fn add(&mut self, prog: &Program, pc: usize, before: Option<char>, after: Option<char>, stack: &mut Vec<usize>) -> bool {
        stack.clear();
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if !self.insert(pc) {
                continue;
            }
            match prog.insts.get(pc) {
                Some(Inst::Match) => return true,
                Some(&Inst::Jump(to)) => stack.push(to),
                Some(&Inst::Split(a, b)) => stack.extend([b, a]),
                Some(&Inst::Look(look)) if look.holds(before, after) => stack.push(pc + 1),
                _ => {} // a char-consuming thread waits for the next step; a failed Look dies
            }
        }
        false
    }
}

pub(super) fn is_match(prog: &Program, text: &str) -> bool {
    let len = prog.insts.len();
    let (mut now, mut next) = (Threads::new(len), Threads::new(len));
    let mut stack = Vec::with_capacity(len);
    // A pattern starting with `^` (or `\A`) can only match from the first position.
    let anchored = prog.insts.first() == Some(&Inst::Look(Look::TextStart));
    let mut chars = text.chars();
    let (mut before, mut after) = (None, chars.next());
    loop {
        // A fresh thread at every position: the search is unanchored.
        if (before.is_none() || !anchored) && now.add(prog, 0, before, after, &mut stack) {
            return true;
        }
        let Some(c) = after else { return false };
        if anchored && now.list.is_empty() {
            return false;
        }
        let following = chars.next();
        next.clear();
        for &pc in &now.list {
            let consumed = match prog.insts.get(pc) {
                Some(&Inst::Char(want)) => want == c,
                Some(&Inst::Class(i)) => prog.classes.get(i).is_some_and(|class| class.matches(c)),
                _ => false,
            };
            if consumed && next.add(prog, pc + 1, Some(c), following, &mut stack) {
                return true;
            }
        }
        std::mem::swap(&mut now, &mut next);
        (before, after) = (Some(c), following);
    }
}
