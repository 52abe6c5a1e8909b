//! Parsed prompt values: once built, always valid.
use crate::text::{ValueError, long_text, short_text};

/// A prompt's name: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptName(String);

impl PromptName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<PromptName> for String {
    fn from(n: PromptName) -> String {
        n.0
    }
}

/// A prompt's category (writing, planning...): 1 to 50 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptCategory(String);

impl PromptCategory {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<PromptCategory> for String {
    fn from(c: PromptCategory) -> String {
        c.0
    }
}

/// A prompt's text with its `{placeholders}`: kept as written, 1 to 20,000 characters, not
/// blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptText(String);

impl PromptText {
    pub const MAX_CHARS: usize = 20_000;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        if raw.trim_matches(crate::text::is_invisible).is_empty() {
            return Err(ValueError::Empty);
        }
        long_text(raw, Self::MAX_CHARS).map(Self)
    }

    /// The placeholders to fill, in order of first use.
    pub fn variables(&self) -> Vec<String> {
        super::placeholders::names(&self.0)
    }
}

impl From<PromptText> for String {
    fn from(t: PromptText) -> String {
        t.0
    }
}
