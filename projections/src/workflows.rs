//! `ai_workflow_templates`, `ai_workflow_executions` and `ai_workflow_steps` (D1 shape), kept
//! inline. A template's row and an execution's row are folds of their streams; an execution
//! also keeps one row per step (its status, output, provider, usage, error), written by the
//! same projector from the same events so that a rebuild gives both tables again.
use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent};
use joan_domain::Timestamp;
use joan_domain::workflow_execution::{ExecutionEvent, ExecutionStatus};
use joan_domain::workflow_template::WorkflowTemplateEvent;
use uuid::Uuid;

use crate::error::ProjectionError;
use crate::fold::{Fold, FoldProjector};
use crate::projector::{Projector, decode};
use crate::read_table;
use crate::table::{self, JsonText};

read_table! {
    /// A workflow template as `ai_workflow_templates` holds it and the API shows it.
    pub struct WorkflowTemplateRow in "ai_workflow_templates" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        pub name: String,
        pub description: Option<String>,
        /// The steps, in order, as they were given (`type`, `name` and the type's fields).
        #[schema(value_type = Vec<Object>)]
        pub steps: JsonText,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How template events make their row.
pub struct WorkflowTemplates;

impl Fold for WorkflowTemplates {
    type Row = WorkflowTemplateRow;
    type Event = WorkflowTemplateEvent;
    const NAME: &'static str = "ai_workflow_templates";
    const AGGREGATE: &'static str = "ai_workflow_template";

    fn at(change: &WorkflowTemplateEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<WorkflowTemplateRow>, event: &StoredEvent, change: WorkflowTemplateEvent) {
        let WorkflowTemplateEvent::WorkflowTemplateCreated {
            user_id,
            name,
            description,
            steps,
            at,
            ..
        } = change;
        let at = at.to_rfc3339();
        *row = Some(WorkflowTemplateRow {
            id: event.aggregate_id.clone(),
            user_id: user_id.to_string(),
            name,
            description,
            steps: JsonText::of(&steps),
            version: event.sequence,
            created_at: at.clone(),
            updated_at: at,
        });
    }
}

read_table! {
    /// An execution as `ai_workflow_executions` holds it.
    pub struct ExecutionRow in "ai_workflow_executions" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        #[schema(format = Uuid)]
        pub template_id: String,
        pub template_name: String,
        /// running, waiting_input, completed, failed or cancelled.
        pub status: String,
        /// The input given at the start and since (`POST .../input`).
        #[schema(value_type = Object)]
        pub input: JsonText,
        /// The index of the step waiting for input or a worker, if any.
        pub current_step: Option<i64>,
        /// Why it failed.
        pub error: Option<String>,
        pub completed_at: Option<String>,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How execution events change the execution's row.
pub struct Executions;

impl Fold for Executions {
    type Row = ExecutionRow;
    type Event = ExecutionEvent;
    const NAME: &'static str = "ai_workflow_executions";
    const AGGREGATE: &'static str = "ai_workflow_execution";

    fn at(change: &ExecutionEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<ExecutionRow>, event: &StoredEvent, change: ExecutionEvent) {
        use ExecutionEvent::*;
        if let ExecutionStarted {
            user_id,
            template_id,
            template_name,
            input,
            at,
            ..
        } = &change
        {
            let at = at.to_rfc3339();
            *row = Some(ExecutionRow {
                id: event.aggregate_id.clone(),
                user_id: user_id.to_string(),
                template_id: template_id.to_string(),
                template_name: template_name.clone(),
                status: ExecutionStatus::Running.as_str().into(),
                input: JsonText::of(input),
                current_step: None,
                error: None,
                completed_at: None,
                version: event.sequence,
                created_at: at.clone(),
                updated_at: at,
            });
            return;
        }
        let Some(row) = row else { return };
        let status = |s: ExecutionStatus| s.as_str().to_string();
        match change {
            ExecutionStarted { .. } => {}
            StepWaitingInput { step, .. } => {
                row.status = status(ExecutionStatus::WaitingInput);
                row.current_step = Some(i64::from(step));
            }
            InputGiven { values, .. } => {
                let mut input: serde_json::Map<String, serde_json::Value> = row.input.decode().unwrap_or_default();
                input.extend(values);
                row.input = JsonText::of(&input);
                row.status = status(ExecutionStatus::Running);
                row.current_step = None;
            }
            StepDispatched { step, .. } => row.current_step = Some(i64::from(step)),
            StepSucceeded { .. } | ApiCallDone { .. } | StepFailed { .. } => row.current_step = None,
            ExecutionCompleted { at } => {
                row.status = status(ExecutionStatus::Completed);
                row.completed_at = Some(at.to_rfc3339());
            }
            ExecutionFailed { message, at, .. } => {
                row.status = status(ExecutionStatus::Failed);
                row.error = Some(message);
                row.completed_at = Some(at.to_rfc3339());
            }
            ExecutionCancelled { at } => {
                row.status = status(ExecutionStatus::Cancelled);
                row.current_step = None;
                row.completed_at = Some(at.to_rfc3339());
            }
        }
    }
}

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

/// Executions (a fold) and their steps.
#[derive(Default)]
pub struct ExecutionsProjector {
    executions: FoldProjector<Executions>,
}

#[async_trait]
impl Projector for ExecutionsProjector {
    fn name(&self) -> &'static str {
        Executions::NAME
    }

    fn tables(&self) -> &'static [&'static str] {
        &["ai_workflow_executions", "ai_workflow_steps"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == Executions::AGGREGATE
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        self.executions.apply_batch(conn, events).await?;
        for event in events {
            apply_step(conn, event, decode(event)?).await?;
        }
        Ok(())
    }
}

/// Reads, changes and writes back one step row.
async fn change_step(
    conn: &mut Conn<'_>,
    event: &StoredEvent,
    step: u32,
    change: impl FnOnce(&mut StepRow),
) -> Result<(), ProjectionError> {
    let id = step_row_id(&event.aggregate_id, step);
    let Some(mut row) = table::get_many::<StepRow>(conn, &[id.as_str()]).await?.pop() else {
        return Ok(());
    };
    change(&mut row);
    row.version = event.sequence;
    row.updated_at = event.recorded_at.clone();
    table::upsert(conn, &[&row]).await
}

async fn apply_step(conn: &mut Conn<'_>, event: &StoredEvent, change: ExecutionEvent) -> Result<(), ProjectionError> {
    use ExecutionEvent::*;
    let at = change.at().to_rfc3339();
    match change {
        ExecutionStarted {
            user_id,
            steps,
            satisfied,
            ..
        } => {
            let rows: Vec<StepRow> = steps
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
            table::upsert(conn, &rows.iter().collect::<Vec<_>>()).await
        }
        StepWaitingInput { step, .. } => change_step(conn, event, step, |r| r.status = "waiting_input".into()).await,
        InputGiven { satisfied, .. } => {
            for s in satisfied {
                change_step(conn, event, s.step, |r| {
                    r.status = "completed".into();
                    r.output = Some(JsonText::of(&s.output));
                })
                .await?;
            }
            Ok(())
        }
        StepDispatched { step, attempt, .. } => {
            change_step(conn, event, step, |r| {
                r.status = "running".into();
                r.attempt = i64::from(attempt);
            })
            .await
        }
        StepSucceeded {
            step, output, usage, ..
        } => {
            change_step(conn, event, step, |r| {
                r.status = "completed".into();
                r.output = Some(JsonText::of(&output));
                r.provider = usage.provider;
                r.model = usage.model;
                r.tokens_in = Some(i64::from(usage.tokens_in));
                r.tokens_out = Some(i64::from(usage.tokens_out));
                r.latency_ms = i64::try_from(usage.latency_ms).ok();
                r.cost_micro_usd = i64::try_from(usage.cost_micro_usd).ok();
            })
            .await
        }
        StepFailed {
            step, class, message, ..
        } => {
            change_step(conn, event, step, |r| {
                r.status = "failed".into();
                r.error = Some(format!("{class}: {message}"));
            })
            .await
        }
        ApiCallDone { step, created, .. } => {
            change_step(conn, event, step, |r| {
                r.status = "completed".into();
                r.output = Some(JsonText::of(&created));
            })
            .await
        }
        ExecutionCancelled { .. } => {
            conn.execute(
                "update ai_workflow_steps set status = 'cancelled', version = $2, updated_at = $3 \
                 where execution_id = $1 and status in ('waiting_input', 'running')",
                &joan_commands::args![event.aggregate_id.as_str(), event.sequence, at.as_str()],
            )
            .await?;
            Ok(())
        }
        ExecutionCompleted { .. } | ExecutionFailed { .. } => Ok(()),
    }
}

/// The steps of the caller's execution, in order (none for a stranger's).
pub async fn steps_of(db: &joan_commands::Database, user: &str, execution: &str) -> Result<Vec<StepRow>, sqlx::Error> {
    use table::TableRow;
    let sql = format!(
        "select {} from ai_workflow_steps where execution_id = $1 and user_id = $2 order by step_index",
        StepRow::sql().list
    );
    db.fetch_all(&sql, &joan_commands::args![execution, user]).await
}
