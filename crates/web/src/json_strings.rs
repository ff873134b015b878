//! Where JSON strings are, one character at a time: the one state machine that both the build
//! script's lesson minifier (`build.rs`, which includes this file by path) and
//! `scenarios::pretty` need, so the two agree on what is inside a string.

#[derive(Default)]
pub struct Strings {
    inside: bool,
    escaped: bool,
}

impl Strings {
    /// Feeds `ch`; true when it belongs to a string (its quotes included), to be copied as is.
    pub fn step(&mut self, ch: char) -> bool {
        if self.inside {
            match ch {
                _ if self.escaped => self.escaped = false,
                '\\' => self.escaped = true,
                '"' => self.inside = false,
                _ => {}
            }
            return true;
        }
        self.inside = ch == '"';
        self.inside
    }
}
