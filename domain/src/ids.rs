//! Newtype ids, one per entity, so a task's id can never be passed where a board's is meant.
//! Each serialises as its plain UUID, so events and rows keep the text they always had.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// Declares id newtypes over [`Uuid`] with the conversions every entity needs.
macro_rules! entity_ids {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id (new rows append at the end of their indexes).
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    )*};
}

entity_ids! {
    /// A user's id. Every stream has an owner, and the owner is checked on every command.
    UserId,
    TaskId,
    BoardId,
    GoalId,
    FolderId,
    NoteId,
    ClientId,
    ProjectId,
    /// A user's settings: one stream per user, whose id is the user's own UUID.
    SettingsId,
    /// A user's pomodoro timer and its settings: one stream per user, under the user's UUID.
    PomodoroId,
    /// One pomodoro session (a work session or a break) within its user's pomodoro stream.
    PomodoroSessionId,
    /// A user's day: one stream per user and date (`ScheduleId::of`).
    ScheduleId,
    /// A schedule template.
    TemplateId,
    /// A personal activity.
    ActivityId,
    ActivityGoalId,
    AttachmentId,
    /// One of a user's AI providers.
    AiProviderId,
    /// One recorded call to an AI provider.
    AiRequestId,
    /// A user's AI workflow template.
    WorkflowTemplateId,
    /// One run of a workflow template.
    WorkflowExecutionId,
    /// A ceremony template (global: the same for every user; seeded under UUIDv5 ids).
    CeremonyTemplateId,
    /// One step kind of a ceremony (global, like its templates).
    CeremonyComponentId,
    /// One run of a ceremony by a user.
    CeremonySessionId,
    /// A prompt a user saved in their library.
    PromptId,
}
