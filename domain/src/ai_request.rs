//! The AI request log: one stream per call to a provider (`POST /ai/query`, and the workflow
//! and ceremony steps), holding one `AiRequestRecorded` event. Prompt and answer are kept
//! truncated ([`LoggedText`]); no key is ever part of a request.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle};
use crate::ids::{AiProviderId, AiRequestId, UserId};
use crate::values::Timestamp;

crate::word_enum! {
    /// How a request ended.
    pub enum RequestStatus {
        Success = "success",
        Failed = "failed",
    }
}

/// A prompt or answer as the log keeps it: at most [`LoggedText::MAX_CHARS`] characters, the
/// rest cut off with a marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedText(String);

impl LoggedText {
    pub const MAX_CHARS: usize = 8_000;
    const MARKER: &'static str = " [truncated]";

    pub fn truncated(raw: &str) -> Self {
        match raw.char_indices().nth(Self::MAX_CHARS) {
            Some((cut, _)) => Self(format!("{}{}", &raw[..cut], Self::MARKER)),
            None => Self(raw.to_string()),
        }
    }
}

impl From<LoggedText> for String {
    fn from(t: LoggedText) -> String {
        t.0
    }
}

/// One call as it is recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordAiRequest {
    pub id: AiRequestId,
    /// The provider that answered (or was tried last); `None` when none was.
    pub provider_id: Option<AiProviderId>,
    /// The kind of that provider (`openai`...), kept so metrics need no join.
    pub provider_type: Option<String>,
    /// The ceremony component or workflow step that asked, if any.
    pub component_id: Option<Uuid>,
    pub model: Option<String>,
    pub prompt: LoggedText,
    pub response: Option<LoggedText>,
    pub tokens_in: u32,
    pub tokens_out: u32,
    pub latency_ms: u64,
    pub cost_micro_usd: u64,
    pub status: RequestStatus,
    /// The failure class (`rate_limited`...) when it failed.
    pub error_class: Option<String>,
    pub error_message: Option<LoggedText>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AiRequestCommand {
    Record(Box<RecordAiRequest>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(AiRequestEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum AiRequestEvent {
    AiRequestRecorded {
        request_id: AiRequestId,
        user_id: UserId,
        provider_id: Option<AiProviderId>,
        provider_type: Option<String>,
        component_id: Option<Uuid>,
        model: Option<String>,
        prompt: String,
        response: Option<String>,
        tokens_in: u32,
        tokens_out: u32,
        latency_ms: u64,
        cost_micro_usd: u64,
        status: RequestStatus,
        error_class: Option<String>,
        error_message: Option<String>,
        at: Timestamp,
    },
}

impl AiRequestEvent {
    pub fn at(&self) -> Timestamp {
        let AiRequestEvent::AiRequestRecorded { at, .. } = self;
        *at
    }
}

crate::domain_event!(AiRequestEvent, version "1");

pub type AiRequestError = EntityError;

/// A recorded request: only whether it exists (it is recorded once and never changes).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AiRequest {
    pub life: Lifecycle<AiRequestId>,
}

impl Entity for AiRequest {
    type Id = AiRequestId;
    fn lifecycle(&self) -> &Lifecycle<AiRequestId> {
        &self.life
    }
}

impl Aggregate for AiRequest {
    const TYPE: &'static str = "ai_request";
    type Command = Stamped<AiRequestCommand>;
    type Event = AiRequestEvent;
    type Error = AiRequestError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), AiRequestError> {
        let Stamped { actor, at, command, .. } = cmd;
        let AiRequestCommand::Record(r) = command;
        self.life.check_new()?;
        let r = *r;
        let event = AiRequestEvent::AiRequestRecorded {
            request_id: r.id,
            user_id: actor,
            provider_id: r.provider_id,
            provider_type: r.provider_type,
            component_id: r.component_id,
            model: r.model,
            prompt: r.prompt.into(),
            response: r.response.map(String::from),
            tokens_in: r.tokens_in,
            tokens_out: r.tokens_out,
            latency_ms: r.latency_ms,
            cost_micro_usd: r.cost_micro_usd,
            status: r.status,
            error_class: r.error_class,
            error_message: r.error_message.map(String::from),
            at,
        };
        sink.write(event, self).await;
        Ok(())
    }

    fn apply(&mut self, event: AiRequestEvent) {
        let AiRequestEvent::AiRequestRecorded {
            request_id,
            user_id,
            at,
            ..
        } = event;
        self.life = Lifecycle::born(request_id, user_id, at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logged_text_is_cut_at_its_limit_on_a_character_boundary() {
        let long = "é".repeat(LoggedText::MAX_CHARS + 5);
        let kept = String::from(LoggedText::truncated(&long));
        assert!(kept.ends_with(" [truncated]"));
        assert_eq!(kept.chars().count(), LoggedText::MAX_CHARS + " [truncated]".len());
        assert_eq!(String::from(LoggedText::truncated("short")), "short");
    }
}
