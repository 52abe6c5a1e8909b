//! The request log: every call to a provider is recorded as one `ai_request` stream
//! (`AiRequestRecorded`), which feeds `ai_requests`, `/ai/metrics` and the providers' totals.
//!
//! [`record`] is the one way to record a call: `/ai/query` uses it, and so should workflow
//! steps and ceremonies.
use std::time::Duration;

use joan_commands::service::CommandContext;
use joan_domain::ai_request::{AiRequestCommand, LoggedText, RecordAiRequest, RequestStatus};
use joan_domain::{AiProviderId, AiRequestId, UserId};
use uuid::Uuid;

use crate::ai::{AiFailure, Completion, ProviderSpec};
use crate::core::Core;
use crate::http::error::{ApiError, from_command};
use crate::http::extract::now;

/// One call to record.
#[derive(Debug)]
pub struct CallRecord<'a> {
    pub user: UserId,
    pub prompt: &'a str,
    /// The ceremony component or workflow step that asked.
    pub component_id: Option<Uuid>,
    /// The chain tried (to name the kind of the provider a failure came from).
    pub chain: &'a [ProviderSpec],
    pub outcome: &'a Result<Completion, AiFailure>,
    /// How long the whole call took (a success reports its own latency).
    pub elapsed: Duration,
}

/// Records `call`; its id.
pub async fn record(core: &Core, call: CallRecord<'_>) -> Result<AiRequestId, ApiError> {
    let id = AiRequestId::generate();
    let failed_on = match call.outcome {
        Err(failure) => call.chain.iter().find(|s| Some(s.id) == failure.provider_id),
        Ok(_) => None,
    };
    let record = request_of(
        id,
        call.prompt,
        call.component_id,
        call.outcome,
        failed_on,
        call.elapsed,
    );
    let ctx = CommandContext::new(call.user, now());
    core.ai_requests
        .execute_new(&id.to_string(), &ctx, AiRequestCommand::Record(Box::new(record)), None)
        .await
        .map_err(from_command)?;
    Ok(id)
}

/// The record of one call of `prompt` that ended in `outcome`; `failed_on` is the provider a
/// failure came from, when the caller knows its spec; `elapsed` is a failure's latency.
pub fn request_of(
    id: AiRequestId,
    prompt: &str,
    component_id: Option<Uuid>,
    outcome: &Result<Completion, AiFailure>,
    failed_on: Option<&ProviderSpec>,
    elapsed: Duration,
) -> RecordAiRequest {
    let word = |value: serde_json::Value| value.as_str().map(str::to_string);
    match outcome {
        Ok(done) => RecordAiRequest {
            id,
            provider_id: Some(AiProviderId(done.provider_id)),
            provider_type: serde_json::to_value(done.provider_kind).ok().and_then(word),
            component_id,
            model: Some(done.model.clone()),
            prompt: LoggedText::truncated(prompt),
            response: Some(LoggedText::truncated(&done.text)),
            tokens_in: done.tokens_in,
            tokens_out: done.tokens_out,
            latency_ms: done.latency_ms,
            cost_micro_usd: done.cost_micro_usd,
            status: RequestStatus::Success,
            error_class: None,
            error_message: None,
        },
        Err(failure) => RecordAiRequest {
            id,
            provider_id: failure.provider_id.map(AiProviderId),
            provider_type: failed_on.and_then(|s| serde_json::to_value(s.kind).ok().and_then(word)),
            component_id,
            model: failed_on.map(|s| s.model.clone()),
            prompt: LoggedText::truncated(prompt),
            response: None,
            tokens_in: 0,
            tokens_out: 0,
            latency_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            cost_micro_usd: 0,
            status: RequestStatus::Failed,
            error_class: serde_json::to_value(failure.class).ok().and_then(word),
            error_message: Some(LoggedText::truncated(&failure.message)),
        },
    }
}
