//! `ai_workflow_templates`, `ai_workflow_executions` and `ai_workflow_steps` (D1 shape), kept
//! inline. A template's row and an execution's row are folds of their streams; an execution
//! also keeps one row per step (its status, output, provider, usage, error), written by the
//! same projector from the same events so that a rebuild gives both tables again.
use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent};
use joan_domain::Timestamp;
use joan_domain::workflow_execution::{ExecutionEvent, ExecutionStatus};
use joan_domain::workflow_template::WorkflowTemplateEvent;

use crate::error::ProjectionError;
use crate::fold::{Fold, FoldProjector};
use crate::projector::{Projector, decode};
use crate::read_table;
use crate::table::JsonText;
use crate::workflow_steps;
pub use crate::workflow_steps::{StepRow, step_row_id, steps_of};

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
            workflow_steps::project(conn, event, decode(event)?).await?;
        }
        Ok(())
    }
}
