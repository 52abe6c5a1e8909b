//! Request bodies of the pomodoro routes and their parsing into domain values.
use joan_domain::PomodoroSessionId;
use joan_domain::pomodoro::{
    CancelReason, LongBreakEvery, NewSession, PomodoroSettingsChanges, SessionMinutes, SessionNotes, SessionType,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::FieldError;
use crate::http::fields::{Fields, Whole, present};

/// `POST /pomodoro/start`. Only these fields exist; any other is refused.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartSession {
    /// work, short_break or long_break.
    #[serde(rename = "type")]
    #[schema(schema_with = schemas::session_type)]
    pub session_type: String,
    /// 1 to 240 minutes; absent or null takes the length of the type from the settings.
    #[schema(schema_with = schemas::minutes_or_null)]
    pub duration_minutes: Option<Whole>,
    /// One of your tasks, or a task of a project where your role edits tasks; a completed
    /// work session adds its minutes to the task's `actual_minutes`.
    pub task_id: Option<Uuid>,
    /// Free text, at most 2,000 characters.
    #[schema(schema_with = schemas::notes_or_null)]
    pub notes: Option<String>,
}

impl StartSession {
    pub fn parse(&self, id: PomodoroSessionId) -> Result<NewSession, Vec<FieldError>> {
        let mut f = Fields::default();
        let session_type = f.check("type", SessionType::parse(&self.session_type));
        let session = NewSession {
            id,
            session_type: session_type.unwrap_or(SessionType::Work),
            duration_minutes: f.opt("duration_minutes", self.duration_minutes, |m| {
                SessionMinutes::parse(m.get())
            }),
            task_id: self.task_id.map(Into::into),
            notes: f.opt("notes", self.notes.as_deref(), SessionNotes::parse),
        };
        f.finish(session)
    }
}

/// `POST /pomodoro/cancel`; the body may be left out.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelSession {
    /// Why the session was interrupted: 1 to 500 characters, or null.
    #[schema(schema_with = schemas::reason_or_null)]
    pub reason: Option<String>,
}

impl CancelSession {
    pub fn parse(&self) -> Result<Option<CancelReason>, Vec<FieldError>> {
        let mut f = Fields::default();
        let reason = f.opt("reason", self.reason.as_deref(), CancelReason::parse);
        f.finish(reason)
    }
}

/// `PATCH /pomodoro/settings`: absent fields stay; none may be `null`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchPomodoroSettings {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::minutes)]
    pub work_duration: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::minutes)]
    pub short_break_duration: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::minutes)]
    pub long_break_duration: Option<Option<Whole>>,
    /// Completed work sessions before the suggested break is a long one.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::long_break_every)]
    pub sessions_until_long_break: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool)]
    pub auto_start_breaks: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool)]
    pub auto_start_pomodoros: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool)]
    pub sound_enabled: Option<Option<bool>>,
}

impl PatchPomodoroSettings {
    pub fn parse(self) -> Result<PomodoroSettingsChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let minutes = |m: i64| SessionMinutes::parse(m);
        let changes = PomodoroSettingsChanges {
            work_duration: f.required("work_duration", Whole::patch(self.work_duration), minutes),
            short_break_duration: f.required("short_break_duration", Whole::patch(self.short_break_duration), minutes),
            long_break_duration: f.required("long_break_duration", Whole::patch(self.long_break_duration), minutes),
            sessions_until_long_break: f.required(
                "sessions_until_long_break",
                Whole::patch(self.sessions_until_long_break),
                LongBreakEvery::parse,
            ),
            auto_start_breaks: f.required("auto_start_breaks", self.auto_start_breaks, Ok::<_, String>),
            auto_start_pomodoros: f.required("auto_start_pomodoros", self.auto_start_pomodoros, Ok::<_, String>),
            sound_enabled: f.required("sound_enabled", self.sound_enabled, Ok::<_, String>),
        };
        f.finish(changes)
    }
}

/// The schemas of the pomodoro fields: the rules of `joan_domain::pomodoro`.
pub(crate) mod schemas {
    use joan_domain::pomodoro::{CancelReason, LongBreakEvery, SessionMinutes, SessionNotes, SessionType};
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{integer, long_text, nullable, one_of, short_text};

    pub fn session_type() -> Object {
        one_of(SessionType::WORDS).build()
    }

    pub fn minutes() -> Object {
        integer(SessionMinutes::MIN, SessionMinutes::MAX).build()
    }

    pub fn minutes_or_null() -> Object {
        nullable(integer(SessionMinutes::MIN, SessionMinutes::MAX))
    }

    pub fn long_break_every() -> Object {
        integer(LongBreakEvery::MIN, LongBreakEvery::MAX).build()
    }

    pub fn notes_or_null() -> Object {
        nullable(long_text(SessionNotes::MAX_CHARS))
    }

    pub fn reason_or_null() -> Object {
        nullable(short_text(CancelReason::MAX_CHARS))
    }
}
