//! The process manager of executions: after every event that can move an execution
//! (`ExecutionEvent::moves`), ask it for its next move and take it. The decision is the
//! aggregate's ([`WorkflowExecution::next`]); this only runs what the aggregate cannot (an
//! `api_call` step's creations) and relays the rest as `Advance`. Every reaction is
//! idempotent: an execution that has moved on answers `Idle`, a step already recorded is not
//! recorded again, and created items have derived ids.
use std::sync::Arc;

use async_trait::async_trait;
use cqrs_es::Aggregate;
use joan_commands::reactor::Reaction;
use joan_commands::service::CommandContext;
use joan_commands::{CommandService, StoreError, StoredEvent};
use joan_domain::UserId;
use joan_domain::workflow_execution::{ExecutionCommand, ExecutionEvent, Next, WorkflowExecution};

use super::api_call::{ApiCallError, Creators};
use super::settle;

pub struct AdvanceWorkflows {
    executions: CommandService<WorkflowExecution>,
    creators: Arc<Creators>,
}

impl AdvanceWorkflows {
    pub const NAME: &'static str = "ai_workflow_advance";

    pub fn new(executions: CommandService<WorkflowExecution>, creators: Arc<Creators>) -> Self {
        Self { executions, creators }
    }
}

#[async_trait]
impl Reaction for AdvanceWorkflows {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn handles(&self, event: &StoredEvent) -> bool {
        event.aggregate_type == WorkflowExecution::TYPE
    }

    async fn react(&self, event: &StoredEvent) -> Result<(), StoreError> {
        let change: ExecutionEvent = event.decode()?;
        if !change.moves() {
            return Ok(());
        }
        let Some(actor) = event.owner_id.as_deref().and_then(|o| o.parse().ok()).map(UserId) else {
            return Ok(());
        };
        let id = &event.aggregate_id;
        let (execution, _) = self.executions.load(id).await?;
        let mut ctx = CommandContext::new(actor, change.at());
        ctx.correlation_id = event.meta().correlation_id;
        ctx.causation_id = Some(format!("{}:{}:{}", event.aggregate_type, id, event.sequence));
        let command = match execution.next() {
            Next::Idle => return Ok(()),
            Next::ApiCall { step, endpoint, data } => {
                let execution_id = execution.life.id.map(|i| i.uuid()).unwrap_or_default();
                match self.creators.run(&ctx, execution_id, step, endpoint, &data).await {
                    Ok(created) => ExecutionCommand::RecordApiCall { step, created },
                    Err(ApiCallError::Invalid(message)) => ExecutionCommand::FailStep {
                        step,
                        attempt: 0,
                        class: "invalid_data".into(),
                        message,
                        attempts: 1,
                    },
                    Err(ApiCallError::Store(e)) => return Err(e),
                }
            }
            Next::WaitInput { .. } | Next::Dispatch { .. } | Next::Complete => ExecutionCommand::Advance,
        };
        settle(id, self.executions.execute(id, &ctx, command, None, None).await)
    }
}
