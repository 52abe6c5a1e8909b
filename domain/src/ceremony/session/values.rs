//! Parsed session values: once built, always valid.
use crate::text::{ValueError, long_text};
use crate::values::json_object;

crate::word_enum! {
    /// Where a session stands: it runs until it is completed or cancelled, once.
    #[derive(Default)]
    pub enum SessionStatus {
        #[default]
        InProgress = "in_progress",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

/// The user's notes on a session: at most 10,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionNotes(String);

impl SessionNotes {
    pub const MAX_CHARS: usize = 10_000;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        long_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<SessionNotes> for String {
    fn from(n: SessionNotes) -> String {
        n.0
    }
}

/// What a step recorded or a session produced: a JSON object of at most 200,000 characters
/// (a long writing race fits) and 16 levels.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionData(serde_json::Map<String, serde_json::Value>);

impl SessionData {
    pub const MAX_CHARS: usize = 200_000;
    pub const MAX_DEPTH: usize = 16;

    pub fn parse(raw: serde_json::Value) -> Result<Self, ValueError> {
        json_object(raw, Self::MAX_CHARS, Self::MAX_DEPTH).map(Self)
    }
}

impl From<SessionData> for serde_json::Map<String, serde_json::Value> {
    fn from(d: SessionData) -> Self {
        d.0
    }
}

crate::bounded_number! {
    /// How many tasks or notes a session created: 0 to 10,000.
    Counter: u32, 0..=10_000
}
