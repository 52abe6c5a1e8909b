//! AI: the providers a step calls, the queue that carries steps to workers, and the workers.
//!
//! This module holds the contract the parts share (docs/architecture.md, "AI workflows"):
//! - [`Llm`]: one completion through a user's provider chain (fallback by priority, retries,
//!   circuit breakers, normalisation). Implemented by the providers in `ai::providers`.
//! - [`ChainSource`]: a user's provider chain as a worker needs it, keys still sealed.
//! - [`StepJob`] and [`StepResult`]: what travels to a worker and back (in process, or over
//!   NATS JetStream). Neither ever holds a key in clear.
pub mod chain;
pub mod fake;
pub mod guard;
pub mod log;
pub mod providers;
pub mod queue;
pub mod wiring;
pub mod workflows;

use async_trait::async_trait;
use joan_domain::UserId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The wire format a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    Openai,
    Anthropic,
    Groq,
    Ollama,
    /// Any endpoint speaking OpenAI's chat completions (llama.cpp, vLLM, LM Studio...).
    OpenaiCompatible,
}

/// A key sealed by [`crate::crypto::Keyring::seal`] for `context`; a worker opens it with the
/// same keyring (`JOAN_ENCRYPTION_KEY`) at the moment it calls the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedKey {
    pub key_id: String,
    pub ciphertext: String,
    pub context: String,
}

/// One provider of a user's chain, as a worker needs it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProviderSpec {
    pub id: Uuid,
    pub kind: ProviderKind,
    pub name: String,
    /// Base URL; `None` for the kind's public default (Ollama: the configured local URL).
    pub endpoint: Option<String>,
    pub model: String,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f32>,
    pub key: Option<SealedKey>,
    /// Lower is tried first.
    pub priority: i32,
}

/// What to ask.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChatRequest {
    pub system: Option<String>,
    pub prompt: String,
    /// Overrides of the provider's own settings.
    pub model: Option<String>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    /// The answer must be JSON (extracted from fenced or bare output), valid against
    /// `json_schema` when one is given; one repair attempt is made on invalid JSON.
    pub json: bool,
    pub json_schema: Option<serde_json::Value>,
}

/// A normalised answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Completion {
    pub text: String,
    /// The JSON value when the request asked for JSON.
    pub json: Option<serde_json::Value>,
    pub provider_id: Uuid,
    pub provider_kind: ProviderKind,
    pub model: String,
    pub tokens_in: u32,
    pub tokens_out: u32,
    pub latency_ms: u64,
    /// Cost from the price table, in millionths of a US dollar (exact; 0 for local models).
    pub cost_micro_usd: u64,
    /// Calls made, retries and fallbacks included.
    pub attempts: u32,
}

/// Why a completion failed, as a class the caller can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// 401/403: the key is wrong; never retried.
    InvalidKey,
    /// 400/404/422 from the provider; never retried.
    BadRequest,
    /// 429 after the retries.
    RateLimited,
    /// Connect errors, 5xx, Anthropic 529 after the retries.
    Unavailable,
    Timeout,
    /// Not the text or JSON asked for, after the repair attempt.
    InvalidResponse,
    /// The outbound guard refused the endpoint (SSRF).
    Refused,
    /// Every provider's circuit is open.
    CircuitOpen,
    /// The user has no active provider.
    NoProvider,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{class:?}: {message}")]
pub struct AiFailure {
    pub class: FailureClass,
    /// Readable, and never holding a key.
    pub message: String,
    pub attempts: u32,
    /// The last provider tried.
    pub provider_id: Option<Uuid>,
}

/// One completion through a chain of providers.
#[async_trait]
pub trait Llm: Send + Sync {
    async fn complete(&self, chain: &[ProviderSpec], request: &ChatRequest) -> Result<Completion, AiFailure>;
}

/// A user's provider chain (active providers by priority, then the local LLM of their
/// settings if enabled), keys sealed.
#[async_trait]
pub trait ChainSource: Send + Sync {
    async fn chain(&self, user: UserId) -> Result<Vec<ProviderSpec>, crate::http::error::ApiError>;
}

/// One attempt of one `ai_process` step, as published to the queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepJob {
    pub execution_id: Uuid,
    pub step: u32,
    pub attempt: u32,
    pub user_id: Uuid,
    pub request: ChatRequest,
    pub chain: Vec<ProviderSpec>,
}

impl StepJob {
    /// `Nats-Msg-Id`: a republish of the same attempt is dropped by the stream.
    pub fn message_id(&self) -> String {
        format!("{}:{}:{}", self.execution_id, self.step, self.attempt)
    }
}

/// What a worker sends back; it becomes an idempotent command on the execution.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StepResult {
    pub execution_id: Uuid,
    pub step: u32,
    pub attempt: u32,
    pub outcome: Result<Completion, AiFailure>,
}
