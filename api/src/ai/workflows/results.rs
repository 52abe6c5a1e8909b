//! A worker's [`StepResult`] becomes `CompleteStep` or `FailStep` on its execution, as the
//! execution's owner. Both are idempotent: a second or stale result records nothing.
use async_trait::async_trait;
use joan_commands::service::CommandContext;
use joan_commands::{CommandService, StoreError};
use joan_domain::Timestamp;
use joan_domain::workflow_execution::{ExecutionCommand, StepUsage, WorkflowExecution};
use joan_domain::workflow_template::{OutputFormat, StepSpec};
use serde_json::Value;

use super::settle;
use crate::ai::StepResult;
use crate::ai::queue::ResultSink;

pub struct StepResults {
    executions: CommandService<WorkflowExecution>,
}

impl StepResults {
    pub fn new(executions: CommandService<WorkflowExecution>) -> Self {
        Self { executions }
    }
}

/// A serde word (`rate_limited`, `openai`) of a unit enum.
fn word<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(word)) => word,
        _ => "unknown".into(),
    }
}

#[async_trait]
impl ResultSink for StepResults {
    async fn deliver(&self, result: StepResult) -> Result<(), StoreError> {
        let id = result.execution_id.to_string();
        let (execution, _) = self.executions.load(&id).await?;
        if !execution.life.exists() {
            return Ok(());
        }
        let wants_json = matches!(
            execution.steps.get(result.step as usize),
            Some(StepSpec::AiProcess {
                output_format: OutputFormat::Json,
                ..
            })
        );
        let (step, attempt) = (result.step, result.attempt);
        let command = match result.outcome {
            Ok(done) => match (wants_json, done.json) {
                (true, None) => ExecutionCommand::FailStep {
                    step,
                    attempt,
                    class: "invalid_response".into(),
                    message: "the model's answer was not the JSON asked for".into(),
                    attempts: done.attempts,
                },
                (json, value) => ExecutionCommand::CompleteStep {
                    step,
                    attempt,
                    output: value.filter(|_| json).unwrap_or(Value::String(done.text)),
                    usage: StepUsage {
                        provider_id: Some(done.provider_id),
                        provider: Some(word(&done.provider_kind)),
                        model: Some(done.model),
                        tokens_in: done.tokens_in,
                        tokens_out: done.tokens_out,
                        latency_ms: done.latency_ms,
                        cost_micro_usd: done.cost_micro_usd,
                        attempts: done.attempts,
                    },
                },
            },
            Err(failure) => ExecutionCommand::FailStep {
                step,
                attempt,
                class: word(&failure.class),
                message: failure.message,
                attempts: failure.attempts,
            },
        };
        let ctx = CommandContext::new(
            execution.life.owner,
            Timestamp::from_datetime(time::OffsetDateTime::now_utc()),
        );
        settle(&id, self.executions.execute(&id, &ctx, command, None, None).await)
    }
}
