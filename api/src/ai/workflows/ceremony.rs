//! A ceremony session's AI step ends with the execution that ran it: completed, the session
//! records the answer (`{answer, created}`: the step's JSON or text, and the ids of what its
//! `api_call` made); failed or cancelled, the reason. The session's command names the
//! execution, so a second report of the same end changes nothing.
use async_trait::async_trait;
use cqrs_es::Aggregate;
use joan_commands::service::CommandContext;
use joan_commands::{CommandService, StoreError, StoredEvent};
use joan_domain::CeremonyComponentId;
use joan_domain::ceremony::session::{AiOutcome, CeremonySession, SessionCommand};
use joan_domain::workflow_execution::{ExecutionEvent, ExecutionEventKind, ExecutionStatus, WorkflowExecution};
use joan_domain::workflow_template::StepSpec;
use serde_json::{Value, json};

use joan_commands::reactor::Reaction;

pub struct CeremonyResults {
    executions: CommandService<WorkflowExecution>,
    sessions: CommandService<CeremonySession>,
}

impl CeremonyResults {
    pub fn new(executions: CommandService<WorkflowExecution>, sessions: CommandService<CeremonySession>) -> Self {
        Self { executions, sessions }
    }
}

#[async_trait]
impl Reaction for CeremonyResults {
    fn name(&self) -> &'static str {
        "ceremony_ai_results"
    }

    fn handles(&self, event: &StoredEvent) -> bool {
        event.aggregate_type == WorkflowExecution::TYPE
            && [
                ExecutionEventKind::ExecutionCompleted,
                ExecutionEventKind::ExecutionFailed,
                ExecutionEventKind::ExecutionCancelled,
            ]
            .iter()
            .any(|k| event.event_type == <&str>::from(*k))
    }

    async fn react(&self, event: &StoredEvent) -> Result<(), StoreError> {
        let (execution, _) = self.executions.load(&event.aggregate_id).await?;
        let Some(step) = execution.ceremony else {
            return Ok(());
        };
        let change: ExecutionEvent = event.decode()?;
        let outcome = match &change {
            ExecutionEvent::ExecutionFailed { message, .. } => AiOutcome::Error(message.clone()),
            ExecutionEvent::ExecutionCancelled { .. } => AiOutcome::Error("cancelled".into()),
            _ if execution.status == ExecutionStatus::Completed => AiOutcome::Output(answer(&execution)),
            _ => return Ok(()),
        };
        let Some(id) = execution.life.id else {
            return Ok(());
        };
        let command = SessionCommand::FinishAiStep {
            component_id: CeremonyComponentId(step.component_id),
            execution_id: id.uuid(),
            outcome,
        };
        let ctx = CommandContext::new(execution.life.owner, change.at());
        let session = step.session_id.to_string();
        let outcome = self.sessions.execute(&session, &ctx, command, None, None).await;
        joan_commands::reactor::settle(CeremonySession::TYPE, &session, outcome)
    }
}

/// The first `ai_process` step's output and the outputs of its `api_call` steps (the ids
/// they created).
fn answer(execution: &WorkflowExecution) -> Value {
    let mut answer = Value::Null;
    let mut created = Vec::new();
    for (spec, state) in execution.steps.iter().zip(&execution.progress) {
        match spec {
            StepSpec::AiProcess { .. } if answer.is_null() => answer = state.output.clone().unwrap_or_default(),
            StepSpec::ApiCall { .. } => created.push(state.output.clone().unwrap_or_default()),
            _ => {}
        }
    }
    let created: Vec<Value> = created
        .into_iter()
        .flat_map(|v| match v {
            Value::Array(ids) => ids,
            Value::Null => Vec::new(),
            other => vec![other],
        })
        .collect();
    json!({"answer": answer, "created": created})
}
