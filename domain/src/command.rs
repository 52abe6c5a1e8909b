use crate::project::Grant;
use crate::values::{Timestamp, UserId};

/// A command as an aggregate receives it: who asks, when, and what.
///
/// Aggregates never read a clock; the command service stamps every command once, so the
/// events it produces (and a replay of them) carry the same time.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamped<C> {
    pub actor: UserId,
    pub at: Timestamp,
    pub command: C,
    /// The actor's role in a project, as the API read it, for commands on what the project
    /// shares with its members (another member's task). The aggregate decides what it allows.
    pub grant: Option<Grant>,
}

impl<C> Stamped<C> {
    pub fn new(actor: UserId, at: Timestamp, command: C) -> Self {
        Self {
            actor,
            at,
            command,
            grant: None,
        }
    }

    pub fn with_grant(mut self, grant: Option<Grant>) -> Self {
        self.grant = grant;
        self
    }
}
