//! Validation errors as values: a JSON path and the rule broken, in a sentence.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationError {
    /// JSONPath-style location, e.g. `$.taskDefinitions[0].containerDefinitions[1].memory`.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Collects every violation rather than stopping at the first.
#[derive(Debug, Default)]
pub struct Errors {
    pub list: Vec<ValidationError>,
}

impl Errors {
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.list.push(ValidationError { path: path.into(), message: message.into() });
    }
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
