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
    let kind_of = |provider: Option<Uuid>| {
        let spec = call.chain.iter().find(|s| Some(s.id) == provider)?;
        serde_json::to_value(spec.kind).ok()?.as_str().map(str::to_string)
    };
    let record = match call.outcome {
        Ok(done) => RecordAiRequest {
            id,
            provider_id: Some(AiProviderId(done.provider_id)),
            provider_type: kind_of(Some(done.provider_id)),
            component_id: call.component_id,
            model: Some(done.model.clone()),
            prompt: LoggedText::truncated(call.prompt),
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
            provider_type: kind_of(failure.provider_id),
            component_id: call.component_id,
            model: call
                .chain
                .iter()
                .find(|s| Some(s.id) == failure.provider_id)
                .map(|s| s.model.clone()),
            prompt: LoggedText::truncated(call.prompt),
            response: None,
            tokens_in: 0,
            tokens_out: 0,
            latency_ms: u64::try_from(call.elapsed.as_millis()).unwrap_or(u64::MAX),
            cost_micro_usd: 0,
            status: RequestStatus::Failed,
            error_class: serde_json::to_value(failure.class)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string)),
            error_message: Some(LoggedText::truncated(&failure.message)),
        },
    };
    let ctx = CommandContext::new(call.user, now());
    core.ai_requests
        .execute_new(&id.to_string(), &ctx, AiRequestCommand::Record(Box::new(record)), None)
        .await
        .map_err(from_command)?;
    Ok(id)
}
