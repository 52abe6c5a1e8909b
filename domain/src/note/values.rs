//! Parsed note values: once built, always valid.
use crate::text::{ValueError, long_text};

/// A note's body: markdown, kept as written, at most 200,000 characters. The read side
/// renders it to sanitised HTML; the events hold only the markdown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Content(String);

impl Content {
    pub const MAX_CHARS: usize = 200_000;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        long_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<Content> for String {
    fn from(c: Content) -> String {
        c.0
    }
}
