//! Request bodies of the ceremony routes and their parsing into domain values.
use joan_domain::ceremony::session::{Counter, SessionChanges, SessionData, SessionNotes, SessionOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, Whole, present};

/// `POST /ceremonies/sessions/start`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartCeremonySession {
    /// An active ceremony (`GET /ceremonies/templates`).
    pub template_id: Uuid,
    /// One of your projects, or one you are a member of.
    pub project_id: Option<Uuid>,
    /// One of your tasks, or a task of a project you are a member of.
    pub task_id: Option<Uuid>,
}

/// `PATCH /ceremonies/sessions/{id}`: `input_data` is recorded for the current step, then
/// `notes` change, then the session moves to `current_step` (never past the last step).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchSession {
    /// What the user gave at the current step (replaces what was recorded there): a JSON
    /// object of at most 200,000 characters.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Object)]
    pub input_data: Option<Option<serde_json::Value>>,
    /// At most 10,000 characters; `null` clears them.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::notes_or_null)]
    pub notes: Option<Option<String>>,
    /// The step to go to, from 0 to the last step's index.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::step)]
    pub current_step: Option<Option<Whole>>,
}

impl PatchSession {
    pub fn parse(self) -> Result<SessionChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let changes = SessionChanges {
            input: f.required("input_data", self.input_data, SessionData::parse),
            notes: f.nullable("notes", self.notes, |n| SessionNotes::parse(&n)),
            current_step: f.required("current_step", self.current_step, |s| {
                u32::try_from(s.get()).map_err(|_| "must be a step index, from 0")
            }),
        };
        f.finish(changes)
    }
}

/// `POST /ceremonies/sessions/{id}/complete`; the body may be left out.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteSession {
    /// How many tasks the session created, 0 to 10,000 (default 0).
    #[schema(schema_with = schemas::counter_or_null)]
    pub tasks_created: Option<Whole>,
    /// How many notes the session created, 0 to 10,000 (default 0).
    #[schema(schema_with = schemas::counter_or_null)]
    pub notes_created: Option<Whole>,
    /// What the session produced (the kept tasks, the plan...): a JSON object of at most
    /// 200,000 characters.
    #[schema(value_type = Option<Object>)]
    pub output_data: Option<serde_json::Value>,
}

impl CompleteSession {
    pub fn parse(self) -> Result<SessionOutcome, Vec<FieldError>> {
        let mut f = Fields::default();
        let outcome = SessionOutcome {
            tasks_created: f.opt("tasks_created", self.tasks_created, |n| Counter::parse(n.get())),
            notes_created: f.opt("notes_created", self.notes_created, |n| Counter::parse(n.get())),
            output: f.opt("output_data", self.output_data, SessionData::parse),
        };
        f.finish(outcome)
    }
}

/// `POST /ceremonies/ai/query`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AiQuery {
    /// An AI step of a ceremony (`GET /ceremonies/ai/config`).
    pub component_id: Uuid,
    /// What the prompt's `{input.<field>}` placeholders read: the session's step inputs.
    #[schema(value_type = Object)]
    pub input: serde_json::Value,
}

/// The schemas of the session fields: the rules of `joan_domain::ceremony::session`.
pub(crate) mod schemas {
    use joan_domain::ceremony::session::{Counter, SessionNotes};
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{integer, long_text, nullable};

    pub fn notes_or_null() -> Object {
        nullable(long_text(SessionNotes::MAX_CHARS))
    }

    pub fn step() -> Object {
        integer(0, i64::from(u32::MAX)).build()
    }

    pub fn counter_or_null() -> Object {
        nullable(integer(Counter::MIN, Counter::MAX))
    }
}
