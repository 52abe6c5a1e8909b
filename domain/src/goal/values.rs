//! Parsed goal values, valid once built.
use serde::{Deserialize, Serialize};

use crate::text::ValueError;

/// What kind of goal: an outcome to reach, a habit to keep, a milestone to pass.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::EnumString, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum GoalType {
    #[default]
    Outcome,
    Habit,
    Milestone,
}

impl GoalType {
    pub const NAMES: &'static str = "outcome, habit, milestone";

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        raw.parse().map_err(|_| ValueError::NotOneOf(Self::NAMES))
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where a goal stands; `achieved` stamps its `completed_at`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::EnumString, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum GoalStatus {
    #[default]
    Active,
    Achieved,
    Abandoned,
}

impl GoalStatus {
    pub const NAMES: &'static str = "active, achieved, abandoned";

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        raw.parse().map_err(|_| ValueError::NotOneOf(Self::NAMES))
    }

    pub fn as_str(self) -> &'static str {
        self.into()
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
