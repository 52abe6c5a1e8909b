//! Parsed task values: once built, always valid.
use serde::{Deserialize, Serialize};

use crate::values::Timestamp;

pub use crate::text::{Description, Tags, Title, ValueError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    #[default]
    Pending,
    Todo,
    InProgress,
    Review,
    Blocked,
    Completed,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 7] = [
        TaskStatus::Pending,
        TaskStatus::Todo,
        TaskStatus::InProgress,
        TaskStatus::Review,
        TaskStatus::Blocked,
        TaskStatus::Completed,
        TaskStatus::Cancelled,
    ];
    const NAMES: &'static str = "pending, todo, in_progress, review, blocked, completed, cancelled";

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Todo => "todo",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Review => "review",
            TaskStatus::Blocked => "blocked",
            TaskStatus::Completed => "completed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or(ValueError::NotOneOf(Self::NAMES))
    }
}

/// 0 none, 1 low, 2 medium, 3 high, 4 urgent (an INTEGER column, as in the original schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Priority(u8);

impl Priority {
    pub const MAX: i64 = 4;

    pub fn parse(raw: i64) -> Result<Self, ValueError> {
        u8::try_from(raw)
            .ok()
            .filter(|p| i64::from(*p) <= Self::MAX)
            .map(Self)
            .ok_or(ValueError::OutOfRange(0, Self::MAX))
    }
}

impl From<Priority> for u8 {
    fn from(p: Priority) -> u8 {
        p.0
    }
}

/// A due date: a calendar day `YYYY-MM-DD`, or an instant (normalised to UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDate(String);

impl DueDate {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let day = time::macros::format_description!("[year]-[month]-[day]");
        if raw.len() == 10 && time::Date::parse(raw, &day).is_ok() {
            return Ok(Self(raw.to_string()));
        }
        Timestamp::parse(raw)
            .map(|t| Self(t.to_rfc3339()))
            .map_err(|_| ValueError::NotADate)
    }
}

impl From<DueDate> for String {
    fn from(d: DueDate) -> String {
        d.0
    }
}

/// A duration in minutes, 0 to 100,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Minutes(u32);

impl Minutes {
    pub const MAX: i64 = 100_000;

    pub fn parse(raw: i64) -> Result<Self, ValueError> {
        u32::try_from(raw)
            .ok()
            .filter(|m| i64::from(*m) <= Self::MAX)
            .map(Self)
            .ok_or(ValueError::OutOfRange(0, Self::MAX))
    }
}

impl From<Minutes> for u32 {
    fn from(m: Minutes) -> u32 {
        m.0
    }
}
