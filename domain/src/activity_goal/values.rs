//! Parsed activity goal values, valid once built.
use crate::text::ValueError;

crate::word_enum! {
    /// How often the target is to be met: each day, each ISO week (Monday to Sunday), each
    /// calendar month.
    #[derive(Default)]
    pub enum Frequency {
        Daily = "daily",
        #[default]
        Weekly = "weekly",
        Monthly = "monthly",
    }
}

/// How many activities a period should have: 1 to 1,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetCount(u16);

impl TargetCount {
    pub const MAX: i64 = 1_000;

    pub fn parse(raw: i64) -> Result<Self, ValueError> {
        u16::try_from(raw)
            .ok()
            .filter(|c| (1..=Self::MAX).contains(&i64::from(*c)))
            .map(Self)
            .ok_or(ValueError::OutOfRange(1, Self::MAX))
    }
}

impl From<TargetCount> for u16 {
    fn from(c: TargetCount) -> u16 {
        c.0
    }
}

/// How many minutes of activity a period should have: 1 to 100,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetMinutes(u32);

impl TargetMinutes {
    pub const MAX: i64 = 100_000;

    pub fn parse(raw: i64) -> Result<Self, ValueError> {
        u32::try_from(raw)
            .ok()
            .filter(|m| (1..=Self::MAX).contains(&i64::from(*m)))
            .map(Self)
            .ok_or(ValueError::OutOfRange(1, Self::MAX))
    }
}

impl From<TargetMinutes> for u32 {
    fn from(m: TargetMinutes) -> u32 {
        m.0
    }
}
