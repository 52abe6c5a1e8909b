//! The steps of an AI workflow execution (`ai_workflow_steps`): how each execution event
//! changes them, as one function over the steps in memory that the projector (reading and
//! writing the rows) and `?as_of=` (replaying the stream) share.
use joan_commands::{Conn, StoredEvent};
use joan_domain::workflow_execution::ExecutionEvent;
use uuid::Uuid;

use crate::error::ProjectionError;
use crate::projector::decode;
use crate::read_table;
use crate::table::{self, JsonText, TableRow};

read_table! {
    /// One step of an execution as `ai_workflow_steps` holds it.
    pub struct StepRow in "ai_workflow_steps" {
        /// Derived from the execution and the index (UUIDv5).
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub execution_id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        pub step_index: i64,
        pub name: String,
        /// user_input, ai_process or api_call.
        pub r#type: String,
        /// pending, waiting_input, running, completed, failed or cancelled.
        pub status: String,
        /// The attempt dispatched last (0 before any).
        pub attempt: i64,
        /// The answer (text, or the JSON value), the input given, or the ids created.
        #[schema(value_type = Option<Object>)]
        pub output: Option<JsonText>,
        /// The kind of the provider that answered.
        pub provider: Option<String>,
        pub model: Option<String>,
        pub tokens_in: Option<i64>,
        pub tokens_out: Option<i64>,
        pub latency_ms: Option<i64>,
        /// Millionths of a US dollar.
        pub cost_micro_usd: Option<i64>,
        /// `class: message` of a failure.
        pub error: Option<String>,
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// The id of an execution's step row.
pub fn step_row_id(execution_id: &str, step: u32) -> String {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6a6f_616e_7766_7374_6570_0000_0000_0001);
    Uuid::new_v5(&NAMESPACE, format!("{execution_id}:{step}").as_bytes()).to_string()
}

/// How `change` changes the steps of its execution; the indexes of the steps it changed.
pub fn change_steps(steps: &mut Vec<StepRow>, event: &StoredEvent, change: ExecutionEvent) -> Vec<usize> {
    use ExecutionEvent::*;
    let at = change.at().to_rfc3339();
    // One step changed, stamped with the event.
    let one = |steps: &mut Vec<StepRow>, step: u32, f: &mut dyn FnMut(&mut StepRow)| {
        let found = steps.iter().position(|r| r.step_index == i64::from(step));
        if let Some(i) = found {
            let row = &mut steps[i];
            f(row);
            row.version = event.sequence;
            row.updated_at = event.recorded_at.clone();
        }
        found.into_iter().collect::<Vec<_>>()
    };
    match change {
        ExecutionStarted {
            user_id,
            steps: specs,
            satisfied,
            ..
        } => {
            *steps = specs
                .iter()
                .enumerate()
                .map(|(i, spec)| {
                    let done = satisfied.iter().find(|s| s.step as usize == i);
                    StepRow {
                        id: step_row_id(&event.aggregate_id, i as u32),
                        execution_id: event.aggregate_id.clone(),
                        user_id: user_id.to_string(),
                        step_index: i as i64,
                        name: spec.name().to_string(),
                        r#type: spec.kind().to_string(),
                        status: if done.is_some() { "completed" } else { "pending" }.into(),
                        attempt: 0,
                        output: done.map(|s| JsonText::of(&s.output)),
                        provider: None,
                        model: None,
                        tokens_in: None,
                        tokens_out: None,
                        latency_ms: None,
                        cost_micro_usd: None,
                        error: None,
                        version: event.sequence,
                        created_at: at.clone(),
                        updated_at: at.clone(),
                    }
                })
                .collect();
            (0..steps.len()).collect()
        }
        StepWaitingInput { step, .. } => one(steps, step, &mut |r| r.status = "waiting_input".into()),
        InputGiven { satisfied, .. } => satisfied
            .iter()
            .flat_map(|s| {
                one(steps, s.step, &mut |r| {
                    r.status = "completed".into();
                    r.output = Some(JsonText::of(&s.output));
                })
            })
            .collect(),
        StepDispatched { step, attempt, .. } => one(steps, step, &mut |r| {
            r.status = "running".into();
            r.attempt = i64::from(attempt);
        }),
        StepSucceeded {
            step, output, usage, ..
        } => one(steps, step, &mut |r| {
            r.status = "completed".into();
            r.output = Some(JsonText::of(&output));
            r.provider = usage.provider.clone();
            r.model = usage.model.clone();
            r.tokens_in = Some(i64::from(usage.tokens_in));
            r.tokens_out = Some(i64::from(usage.tokens_out));
            r.latency_ms = i64::try_from(usage.latency_ms).ok();
            r.cost_micro_usd = i64::try_from(usage.cost_micro_usd).ok();
        }),
        StepFailed {
            step, class, message, ..
        } => one(steps, step, &mut |r| {
            r.status = "failed".into();
            r.error = Some(format!("{class}: {message}"));
        }),
        ApiCallDone { step, created, .. } => one(steps, step, &mut |r| {
            r.status = "completed".into();
            r.output = Some(JsonText::of(&created));
        }),
        ExecutionCancelled { .. } => {
            let mut changed = Vec::new();
            for (i, row) in steps.iter_mut().enumerate() {
                if matches!(row.status.as_str(), "waiting_input" | "running") {
                    row.status = "cancelled".into();
                    row.version = event.sequence;
                    row.updated_at = at.clone();
                    changed.push(i);
                }
            }
            changed
        }
        ExecutionCompleted { .. } | ExecutionFailed { .. } => Vec::new(),
    }
}

/// Projects one execution event into `ai_workflow_steps`: the execution's steps are read,
/// changed in memory, and the changed ones written back.
pub async fn project(conn: &mut Conn<'_>, event: &StoredEvent, change: ExecutionEvent) -> Result<(), ProjectionError> {
    static STEPS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "select {} from ai_workflow_steps where execution_id = $1 order by step_index",
            StepRow::sql().list
        )
    });
    let mut steps = match change {
        // No step to read: a start makes them all, an execution's end changes none.
        ExecutionEvent::ExecutionStarted { .. } => Vec::new(),
        ExecutionEvent::ExecutionCompleted { .. } | ExecutionEvent::ExecutionFailed { .. } => return Ok(()),
        _ => {
            conn.fetch_all::<StepRow>(&STEPS, &joan_commands::args![event.aggregate_id.as_str()])
                .await?
        }
    };
    let changed = change_steps(&mut steps, event, change);
    if changed.is_empty() {
        return Ok(());
    }
    let rows: Vec<&StepRow> = changed.iter().map(|&i| &steps[i]).collect();
    table::upsert(conn, &rows).await
}

/// The steps as the events (one execution's, oldest first) leave them.
pub fn replay(events: &[StoredEvent]) -> Result<Vec<StepRow>, ProjectionError> {
    let mut steps = Vec::new();
    for event in events {
        change_steps(&mut steps, event, decode(event)?);
    }
    Ok(steps)
}

/// The steps of the caller's execution, in order (none for a stranger's).
pub async fn steps_of(db: &joan_commands::Database, user: &str, execution: &str) -> Result<Vec<StepRow>, sqlx::Error> {
    let sql = format!(
        "select {} from ai_workflow_steps where execution_id = $1 and user_id = $2 order by step_index",
        StepRow::sql().list
    );
    db.fetch_all(&sql, &joan_commands::args![execution, user]).await
}
