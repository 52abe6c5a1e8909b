//! The dispatcher: every `StepDispatched` becomes a [`StepJob`] on the step queue. The event
//! log is the outbox: a dispatcher that stops between the event and the publish publishes
//! again from its checkpoint (NATS drops the repeat by its message id; in process, the
//! repeated result changes nothing).
use std::sync::Arc;

use async_trait::async_trait;
use cqrs_es::Aggregate;
use joan_commands::reactor::Reaction;
use joan_commands::{CommandService, StoreError, StoredEvent};
use joan_domain::UserId;
use joan_domain::workflow_execution::{ExecutionEvent, ExecutionEventKind, StepStatus, WorkflowExecution};

use super::results::StepResults;
use crate::ai::queue::{ResultSink, StepQueue};
use crate::ai::{AiFailure, ChainSource, ChatRequest, FailureClass, StepJob, StepResult};

pub struct DispatchSteps {
    executions: CommandService<WorkflowExecution>,
    chains: Arc<dyn ChainSource>,
    queue: Arc<dyn StepQueue>,
    results: Arc<StepResults>,
}

impl DispatchSteps {
    pub const NAME: &'static str = "ai_workflow_dispatch";

    pub fn new(
        executions: CommandService<WorkflowExecution>,
        chains: Arc<dyn ChainSource>,
        queue: Arc<dyn StepQueue>,
        results: Arc<StepResults>,
    ) -> Self {
        Self {
            executions,
            chains,
            queue,
            results,
        }
    }
}

#[async_trait]
impl Reaction for DispatchSteps {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn handles(&self, event: &StoredEvent) -> bool {
        event.aggregate_type == WorkflowExecution::TYPE
            && event.event_type == <&str>::from(ExecutionEventKind::StepDispatched)
    }

    async fn react(&self, event: &StoredEvent) -> Result<(), StoreError> {
        let ExecutionEvent::StepDispatched {
            step, attempt, request, ..
        } = event.decode::<ExecutionEvent>()?
        else {
            return Ok(());
        };
        let Some(user) = event.owner_id.as_deref().and_then(|o| o.parse().ok()).map(UserId) else {
            return Ok(());
        };
        // A step that no longer waits for this attempt (finished, cancelled, or a rerun of
        // the dispatcher over old events) is not sent to a model again.
        let (execution, _) = self.executions.load(&event.aggregate_id).await?;
        let waiting = !execution.status.is_finished()
            && execution
                .progress
                .get(step as usize)
                .is_some_and(|p| p.status == StepStatus::Running && p.attempt == attempt);
        if !waiting {
            return Ok(());
        }
        let execution_id = execution.life.id.map(|i| i.uuid()).unwrap_or_default();
        let chain = match self.chains.chain(user).await {
            Ok(chain) => chain,
            Err(e) => {
                tracing::warn!(execution = %execution_id, step, error = %e, "no provider chain for a step");
                let failure = AiFailure {
                    class: FailureClass::NoProvider,
                    message: "the user's AI providers could not be read".into(),
                    attempts: 0,
                    provider_id: None,
                };
                let result = StepResult {
                    execution_id,
                    step,
                    attempt,
                    outcome: Err(failure),
                };
                return self.results.deliver(result).await;
            }
        };
        let job = StepJob {
            execution_id,
            step,
            attempt,
            user_id: user.uuid(),
            request: ChatRequest {
                system: request.system,
                prompt: request.prompt,
                model: request.model,
                temperature: request.temperature,
                max_tokens: request.max_tokens,
                json: request.json,
                json_schema: request.json_schema,
            },
            chain,
        };
        self.queue.publish(job).await.map_err(StoreError::hook)
    }
}
