//! The `ceremony_sessions` read table (D1 shape), kept inline from the sessions' events, and
//! the caller's list of them.
use joan_commands::{Arg, Database, StoredEvent};
use joan_domain::Timestamp;
use joan_domain::ceremony::session::{AiOutcome, SessionEvent, SessionStatus};
use serde_json::{Map, Value, json};

use crate::fold::Fold;
use crate::read_table;
use crate::table::{JsonText, Listing};

read_table! {
    /// A ceremony session as the `ceremony_sessions` table holds it and the API shows it.
    pub struct SessionRow in "ceremony_sessions" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        #[schema(format = Uuid)]
        pub template_id: String,
        #[schema(format = Uuid)]
        pub project_id: Option<String>,
        #[schema(format = Uuid)]
        pub task_id: Option<String>,
        pub started_at: String,
        /// When it was completed; `null` while it runs and when cancelled.
        pub completed_at: Option<String>,
        /// From start to completion, to the nearest minute.
        pub duration_minutes: Option<i64>,
        /// in_progress, completed or cancelled.
        pub status: String,
        /// The step the user is at, from 0.
        pub current_step: i64,
        /// The steps as the session started: `[{component_id, type}]`.
        #[schema(value_type = Vec<Object>)]
        pub steps: JsonText,
        /// What the user gave at each step, by step index (`{"1": {"text": "..."}}`).
        #[schema(value_type = Object)]
        pub input_data: JsonText,
        /// What the user made of the session, given when completing it.
        #[schema(value_type = Option<Object>)]
        pub output_data: Option<JsonText>,
        pub notes: Option<String>,
        pub tasks_created: i64,
        pub notes_created: i64,
        /// The AI steps by component id: `{execution_id, status (running, succeeded,
        /// failed), output, error, started_at, finished_at}`.
        #[schema(value_type = Object)]
        pub ai_steps: JsonText,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How session events change `ceremony_sessions` rows.
pub struct CeremonySessions;

/// `text` as a JSON object (empty when it is not one).
fn object(text: &JsonText) -> Map<String, Value> {
    text.decode().unwrap_or_default()
}

impl Fold for CeremonySessions {
    type Row = SessionRow;
    type Event = SessionEvent;
    const NAME: &'static str = "ceremony_sessions";
    const AGGREGATE: &'static str = "ceremony_session";

    fn at(change: &SessionEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<SessionRow>, event: &StoredEvent, change: SessionEvent) {
        use SessionEvent::*;
        let change = match change {
            CeremonySessionStarted {
                user_id,
                template_id,
                steps,
                project_id,
                task_id,
                at,
                ..
            } => {
                let at = at.to_rfc3339();
                *row = Some(SessionRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    template_id: template_id.to_string(),
                    project_id: project_id.map(|p| p.to_string()),
                    task_id: task_id.map(|t| t.to_string()),
                    started_at: at.clone(),
                    completed_at: None,
                    duration_minutes: None,
                    status: SessionStatus::InProgress.as_str().to_string(),
                    current_step: 0,
                    steps: JsonText::of(&steps),
                    input_data: JsonText("{}".into()),
                    output_data: None,
                    notes: None,
                    tasks_created: 0,
                    notes_created: 0,
                    ai_steps: JsonText("{}".into()),
                    version: event.sequence,
                    created_at: at.clone(),
                    updated_at: at,
                });
                return;
            }
            other => other,
        };
        let Some(row) = row else { return };
        match change {
            CeremonyStepInputRecorded { step, input, .. } => {
                let mut inputs = object(&row.input_data);
                inputs.insert(step.to_string(), Value::Object(input));
                row.input_data = JsonText::of(&inputs);
            }
            CeremonySessionNotesChanged { to, .. } => row.notes = to,
            CeremonySessionStepChanged { to, .. } => row.current_step = i64::from(to),
            CeremonySessionCompleted {
                duration_minutes,
                tasks_created,
                notes_created,
                output,
                at,
            } => {
                row.status = SessionStatus::Completed.as_str().to_string();
                row.completed_at = Some(at.to_rfc3339());
                row.duration_minutes = Some(i64::from(duration_minutes));
                row.tasks_created = i64::from(tasks_created);
                row.notes_created = i64::from(notes_created);
                row.output_data = output.map(|o| JsonText::of(&o));
            }
            CeremonySessionCancelled { .. } => row.status = SessionStatus::Cancelled.as_str().to_string(),
            CeremonyAiStepStarted {
                component_id,
                execution_id,
                at,
            } => {
                let mut steps = object(&row.ai_steps);
                steps.insert(
                    component_id.to_string(),
                    json!({"execution_id": execution_id, "status": "running", "output": null,
                           "error": null, "started_at": at, "finished_at": null}),
                );
                row.ai_steps = JsonText::of(&steps);
            }
            CeremonyAiStepFinished {
                component_id,
                outcome,
                at,
                ..
            } => {
                let mut steps = object(&row.ai_steps);
                if let Some(Value::Object(run)) = steps.get_mut(&component_id.to_string()) {
                    let (status, output, error) = match outcome {
                        AiOutcome::Output(output) => ("succeeded", output, Value::Null),
                        AiOutcome::Error(error) => ("failed", Value::Null, Value::String(error)),
                    };
                    run.insert("status".into(), status.into());
                    run.insert("output".into(), output);
                    run.insert("error".into(), error);
                    run.insert("finished_at".into(), json!(at));
                }
                row.ai_steps = JsonText::of(&steps);
            }
            CeremonySessionStarted { .. } => {}
        }
    }
}

/// Filters of `GET /ceremonies/sessions/history`; they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub template_id: Option<String>,
    pub status: Option<String>,
}

/// One page of the caller's sessions, newest first, as a JSON array, and how many match.
pub async fn list_json(
    db: &Database,
    user: &str,
    filter: &SessionFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let mut page = Listing::<SessionRow>::owned_by(user);
    page.and_some("template_id = ?", filter.template_id.as_ref().map(Arg::from));
    page.and_some("status = ?", filter.status.as_ref().map(Arg::from));
    page.page_json(db, limit, offset).await
}
