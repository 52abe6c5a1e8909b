//! Parsed goal values, valid once built.
use crate::text::ValueError;

crate::word_enum! {
    /// What kind of goal: an outcome to reach, a habit to keep, a milestone to pass.
    #[derive(Default)]
    pub enum GoalType {
        #[default]
        Outcome = "outcome",
        Habit = "habit",
        Milestone = "milestone",
    }
}

crate::word_enum! {
    /// Where a goal stands; `achieved` stamps its `completed_at`.
    #[derive(Default)]
    pub enum GoalStatus {
        #[default]
        Active = "active",
        Achieved = "achieved",
        Abandoned = "abandoned",
    }
}

/// Progress set by hand, 0 to 100 percent. Without one, a goal's progress follows its tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress(u8);

impl Progress {
    pub const MAX: i64 = 100;

    pub fn parse(raw: i64) -> Result<Self, ValueError> {
        u8::try_from(raw)
            .ok()
            .filter(|p| i64::from(*p) <= Self::MAX)
            .map(Self)
            .ok_or(ValueError::OutOfRange(0, Self::MAX))
    }
}

impl From<Progress> for u8 {
    fn from(p: Progress) -> u8 {
        p.0
    }
}
