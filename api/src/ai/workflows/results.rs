//! A worker's [`StepResult`] becomes `CompleteStep` or `FailStep` on its execution, as the
//! execution's owner. Both are idempotent: a second or stale result records nothing.
//!
//! Each result is first logged as an `ai_request` (so `/ai/metrics` and the analytics count
//! workflow and ceremony calls too) under an id derived from execution, step and attempt: a
//! result delivered twice, or again after a crash between the two commands, is logged once.
use std::time::Duration;

use async_trait::async_trait;
use joan_commands::service::CommandContext;
use joan_commands::{CommandService, EventStore, StoreError};
use joan_domain::ai_request::{AiRequest, AiRequestCommand};
use joan_domain::workflow_execution::{ExecutionCommand, StepUsage, WorkflowExecution};
use joan_domain::workflow_template::{OutputFormat, StepSpec};
use joan_domain::{AiRequestId, Timestamp};
use serde_json::Value;
use uuid::Uuid;

use super::settle;
use crate::ai::StepResult;
use crate::ai::log::request_of;
use crate::ai::queue::ResultSink;

pub struct StepResults {
    executions: CommandService<WorkflowExecution>,
    requests: CommandService<AiRequest>,
}

impl StepResults {
    pub fn new(store: &EventStore) -> Self {
        Self {
            executions: CommandService::new(store.clone(), ()),
            requests: CommandService::new(store.clone(), ()),
        }
    }

    /// Logs the call `result` reports, once.
    async fn log(
        &self,
        execution: &WorkflowExecution,
        result: &StepResult,
        ctx: &CommandContext,
    ) -> Result<(), StoreError> {
        let id = request_id(result);
        let prompt = execution
            .progress
            .get(result.step as usize)
            .and_then(|p| p.prompt.as_deref())
            .unwrap_or_default();
        let component = execution.ceremony.as_ref().map(|c| c.component_id);
        let record = request_of(id, prompt, component, &result.outcome, None, Duration::ZERO);
        let id = id.to_string();
        let outcome = self
            .requests
            .execute_new(&id, ctx, AiRequestCommand::Record(Box::new(record)), None)
            .await;
        joan_commands::reactor::settle(<AiRequest as cqrs_es::Aggregate>::TYPE, &id, outcome)
    }
}

/// The `ai_request` id of one attempt of one step.
fn request_id(result: &StepResult) -> AiRequestId {
    const NAMESPACE: Uuid = Uuid::from_u128(0x6a6f_616e_6169_7265_7175_0000_0000_0001);
    let name = format!("{}:{}:{}", result.execution_id, result.step, result.attempt);
    AiRequestId(Uuid::new_v5(&NAMESPACE, name.as_bytes()))
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
        let ctx = CommandContext::new(
            execution.life.owner,
            Timestamp::from_datetime(time::OffsetDateTime::now_utc()),
        );
        self.log(&execution, &result, &ctx).await?;
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
        settle(&id, self.executions.execute(&id, &ctx, command, None, None).await)
    }
}
