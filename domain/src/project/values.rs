//! Parsed project values, valid once built.
use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::ids::UserId;
use crate::text::{ValueError, short_text};
pub use crate::values::Day;

crate::word_enum! {
    /// Where a project stands.
    #[derive(Default)]
    pub enum ProjectStatus {
        Planning = "planning",
        #[default]
        Active = "active",
        OnHold = "on_hold",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

crate::word_enum! {
    /// What a member may do: owners and admins manage the project and its members, members
    /// work on its tasks, viewers only read.
    pub enum Role {
        Owner = "owner",
        Admin = "admin",
        Member = "member",
        Viewer = "viewer",
    }
}

impl Role {
    /// Owners and admins change the project and its members.
    pub fn manages(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }

    /// Everyone but viewers creates and edits the project's tasks.
    pub fn edits_tasks(self) -> bool {
        self != Role::Viewer
    }
}

/// A member's role in one project: what a command on the project's shared things (its tasks)
/// is allowed, read by the API from the memberships and checked by the aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub project: crate::ids::ProjectId,
    pub role: Role,
}

/// Who is in a project, with their roles.
pub type Members = BTreeMap<UserId, Role>;

/// A project name: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectName(String);

impl ProjectName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<ProjectName> for String {
    fn from(n: ProjectName) -> String {
        n.0
    }
}

/// An amount of money: an exact decimal, never a float, 0 or more with at most 4 decimals and
/// 13 digits before the point. Kept and shown as its canonical text (`1250.5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money(Decimal);

impl Money {
    pub const MAX_SCALE: u32 = 4;
    pub const PATTERN: &'static str = r"^[0-9]{1,13}(\.[0-9]{1,4})?$";

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let shaped = (1..=13).contains(&whole.len())
            && digits(whole)
            && (!raw.contains('.') || (1..=Self::MAX_SCALE as usize).contains(&fraction.len()))
            && digits(fraction);
        if !shaped {
            return Err(ValueError::NotMoney);
        }
        Decimal::from_str(raw)
            .map(|d| Self(d.normalize()))
            .map_err(|_| ValueError::NotMoney)
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }
}

impl From<Money> for String {
    fn from(m: Money) -> String {
        m.0.to_string()
    }
}
