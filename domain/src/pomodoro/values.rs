//! Parsed pomodoro values: once built, always valid.
use crate::text::{ValueError, long_text, short_text};

crate::word_enum! {
    /// What a session is for: focused work, or a short or long break.
    pub enum SessionType {
        Work = "work",
        ShortBreak = "short_break",
        LongBreak = "long_break",
    }
}

crate::bounded_number!(
    /// A session's length, and each default length in the settings: 1 to 240 minutes.
    SessionMinutes: u32, 1..=240
);
crate::bounded_number!(
    /// Work sessions completed before the suggested break is a long one: 1 to 12.
    LongBreakEvery: u32, 1..=12
);

/// What the user notes about a session: free text, at most 2,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionNotes(String);

impl SessionNotes {
    pub const MAX_CHARS: usize = 2_000;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        long_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<SessionNotes> for String {
    fn from(n: SessionNotes) -> String {
        n.0
    }
}

/// Why a session was interrupted: one line, 1 to 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelReason(String);

impl CancelReason {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<CancelReason> for String {
    fn from(r: CancelReason) -> String {
        r.0
    }
}
