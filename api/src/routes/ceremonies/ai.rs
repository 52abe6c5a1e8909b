//! What the ceremony app needs of the AI: each AI step's settings with the caller's
//! providers (`GET /ceremonies/ai/config`), and one AI step run at once over the input the
//! app gives (`POST /ceremonies/ai/query`).
//!
//! - [`CeremonyAi`] holds the [`Llm`] and the [`ChainSource`]: the app's providers and the
//!   users' stored chains (`AppState`), or a test's fakes (`state.ceremony_ai.wire`).
//! - [`ai_step_started`] and [`ai_step_finished`] record, in a session, that an AI step was
//!   handed to a workflow execution and what it gave; the workflow engine calls them when it
//!   starts an execution for a session's step and when that execution ends (a second result
//!   changes nothing). The execution's input is `CeremonySession::workflow_input`, and its one
//!   `ai_process` step takes the component's prompt, overrides and `config.output_schema`
//!   ([`StepSettings`], whose `request` is the step's `ChatRequest` once the prompt is filled).
use std::sync::{Arc, PoisonError, RwLock};

use async_trait::async_trait;
use axum::extract::State;
use joan_commands::CommandError;
use joan_commands::service::CommandContext;
use joan_domain::ceremony::session::{AiOutcome, SessionCommand, SessionData, SessionError};
use joan_domain::prompt::placeholders;
use joan_domain::{CeremonyComponentId, CeremonySessionId, Timestamp, UserId};
use joan_projections::ceremony_templates::{self, ComponentRow};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::body::AiQuery;
use crate::ai::{AiFailure, ChainSource, ChatRequest, FailureClass, Llm, ProviderKind, ProviderSpec};
use crate::core::Core;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{ApiJson, CurrentUser};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ai_config))
        .routes(routes!(ai_query))
}

/// The AI ports the ceremony routes call, replaceable once at startup (or by a test).
pub struct CeremonyAi {
    ports: RwLock<Ports>,
}

#[derive(Clone)]
struct Ports {
    llm: Arc<dyn Llm>,
    chains: Arc<dyn ChainSource>,
}

impl Default for CeremonyAi {
    fn default() -> Self {
        Self::unwired()
    }
}

impl CeremonyAi {
    /// No provider at all: an empty chain, and an `Llm` that says so.
    pub fn unwired() -> Self {
        Self {
            ports: RwLock::new(Ports {
                llm: Arc::new(Unwired),
                chains: Arc::new(Unwired),
            }),
        }
    }

    /// Calls `llm` through the chains of `chains` (what `AppState` starts with).
    pub fn wired(llm: Arc<dyn Llm>, chains: Arc<dyn ChainSource>) -> Self {
        Self {
            ports: RwLock::new(Ports { llm, chains }),
        }
    }

    /// Puts other providers in place (tests: a fake model).
    pub fn wire(&self, llm: Arc<dyn Llm>, chains: Arc<dyn ChainSource>) {
        *self.ports.write().unwrap_or_else(PoisonError::into_inner) = Ports { llm, chains };
    }

    fn ports(&self) -> Ports {
        self.ports.read().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// The stand-in before the providers are wired.
struct Unwired;

#[async_trait]
impl Llm for Unwired {
    async fn complete(&self, _: &[ProviderSpec], _: &ChatRequest) -> Result<crate::ai::Completion, AiFailure> {
        Err(AiFailure {
            class: FailureClass::NoProvider,
            message: "no AI provider is configured".into(),
            attempts: 0,
            provider_id: None,
        })
    }
}

#[async_trait]
impl ChainSource for Unwired {
    // TODO(merge): the providers' `ChainSource` (the user's active providers by priority, then
    // their local LLM) replaces this through `CeremonyAi::wire`.
    async fn chain(&self, _: UserId) -> Result<Vec<ProviderSpec>, ApiError> {
        Ok(Vec::new())
    }
}

/// An AI step's prompt and overrides: what a workflow `ai_process` step running it takes.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepSettings {
    /// The prompt with its workflow placeholders (`{input.text}`).
    pub prompt_template: String,
    /// The placeholders the prompt reads, in order.
    pub variables: Vec<String>,
    /// A provider to prefer, else the chain's order.
    pub provider_id: Option<Uuid>,
    pub model_override: Option<String>,
    pub temperature_override: Option<f64>,
    pub max_tokens_override: Option<i64>,
    /// `json` when the answer is JSON.
    pub output_format: Option<String>,
    /// The JSON Schema the answer follows.
    #[schema(value_type = Option<Object>)]
    pub output_schema: Option<Value>,
}

impl StepSettings {
    pub fn of(c: &ComponentRow) -> Result<Self, ApiError> {
        let config: Value = c.config.decode().map_err(ApiError::internal)?;
        let prompt = c.ai_prompt_template.clone().unwrap_or_default();
        Ok(Self {
            variables: placeholders::names(&prompt),
            prompt_template: prompt,
            provider_id: c.ai_provider_id.as_deref().map(uuid).transpose()?,
            model_override: c.ai_model_override.clone(),
            temperature_override: c.ai_temperature_override,
            max_tokens_override: c.ai_max_tokens_override,
            output_format: config["output_format"].as_str().map(String::from),
            output_schema: config.get("output_schema").cloned(),
        })
    }

    /// The request for the prompt filled in.
    pub fn request(&self, prompt: String) -> ChatRequest {
        ChatRequest {
            system: None,
            prompt,
            model: self.model_override.clone(),
            temperature: self.temperature_override.map(|t| t as f32),
            max_tokens: self.max_tokens_override.and_then(|m| u32::try_from(m).ok()),
            json: self.output_format.as_deref() == Some("json"),
            json_schema: self.output_schema.clone(),
        }
    }
}

/// One AI step of a ceremony, with its settings.
#[derive(Debug, Serialize, ToSchema)]
pub struct AiStepConfig {
    pub component_id: Uuid,
    pub template_id: Uuid,
    pub template_name: String,
    pub name: String,
    #[serde(flatten)]
    pub settings: StepSettings,
}

/// One of the caller's providers, as the ceremony app shows it (never a key).
#[derive(Debug, Serialize, ToSchema)]
pub struct CeremonyProvider {
    pub id: Uuid,
    pub kind: ProviderKind,
    pub name: String,
    pub model: String,
    /// Lower is tried first.
    pub priority: i32,
}

/// `GET /ceremonies/ai/config`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AiConfig {
    pub components: Vec<AiStepConfig>,
    /// The caller's provider chain, in the order it is tried; empty when none is set up.
    pub providers: Vec<CeremonyProvider>,
}

/// An AI step's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AiAnswer {
    pub component_id: Uuid,
    pub text: String,
    /// The answer as JSON, for a step whose output is JSON.
    #[schema(value_type = Option<Object>)]
    pub json: Option<Value>,
    pub provider_id: Uuid,
    pub provider_kind: ProviderKind,
    pub model: String,
    pub tokens_in: u32,
    pub tokens_out: u32,
    pub latency_ms: u64,
    /// In millionths of a US dollar.
    pub cost_micro_usd: u64,
    pub attempts: u32,
}

fn uuid(text: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(ApiError::internal)
}

fn step_config(template_id: &str, template_name: &str, c: ComponentRow) -> Result<AiStepConfig, ApiError> {
    Ok(AiStepConfig {
        component_id: uuid(&c.id)?,
        template_id: uuid(template_id)?,
        template_name: template_name.to_string(),
        settings: StepSettings::of(&c)?,
        name: c.name,
    })
}

/// Every AI step of the active ceremonies with its prompt and overrides, and the caller's
/// providers.
#[utoipa::path(get, path = "/ceremonies/ai/config", tag = "ceremonies", security(("bearer" = [])),
    responses((status = 200, body = AiConfig)))]
async fn ai_config(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<axum::Json<AiConfig>, ApiError> {
    let steps = ceremony_templates::ai_components(&mut state.core.store.db())
        .await
        .map_err(ApiError::internal)?;
    let components = steps
        .into_iter()
        .map(|(t, c)| step_config(&t.id, &t.name, c))
        .collect::<Result<Vec<_>, _>>()?;
    let chain = state.ceremony_ai.ports().chains.chain(user).await?;
    let providers = chain
        .into_iter()
        .map(|p| CeremonyProvider {
            id: p.id,
            kind: p.kind,
            name: p.name,
            model: p.model,
            priority: p.priority,
        })
        .collect();
    Ok(axum::Json(AiConfig { components, providers }))
}

/// Runs one AI step now: its prompt is filled from `input` (`{input.<field>}`; 422 naming
/// what is missing) and sent through the caller's provider chain. 409 `ai_no_provider` when
/// the caller has none; a provider's failure is 429, 502, 503 or 504 with its class.
#[utoipa::path(post, path = "/ceremonies/ai/query", tag = "ceremonies", request_body = AiQuery,
    security(("bearer" = [])),
    responses((status = 200, body = AiAnswer), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 429, body = Problem), (status = 502, body = Problem), (status = 503, body = Problem),
        (status = 504, body = Problem)))]
async fn ai_query(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(body): ApiJson<AiQuery>,
) -> Result<axum::Json<AiAnswer>, ApiError> {
    let input = SessionData::parse(body.input).map_err(|e| ApiError::invalid("input", e))?;
    let component = ceremony_templates::component(&mut state.core.store.db(), &body.component_id.to_string())
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    if component.r#type != "ai_processor" || !component.is_active.0 {
        return Err(ApiError::invalid("component_id", "is not an active AI step"));
    }
    let settings = StepSettings::of(&component)?;
    let context = json!({"input": Value::Object(input.into())});
    let prompt = placeholders::render(&settings.prompt_template, &context).map_err(|missing| {
        let names: Vec<String> = missing.iter().map(|m| format!("{{{m}}}")).collect();
        ApiError::invalid("input", format!("has no value for {}", names.join(", ")))
    })?;
    let request = settings.request(prompt);
    let ports = state.ceremony_ai.ports();
    let mut chain = ports.chains.chain(user).await?;
    // The step's preferred provider goes first; the rest keep their order.
    chain.sort_by_key(|p| Some(p.id) != settings.provider_id);
    let done = ports.llm.complete(&chain, &request).await.map_err(ApiError::Ai)?;
    Ok(axum::Json(AiAnswer {
        component_id: body.component_id,
        text: done.text,
        json: done.json,
        provider_id: done.provider_id,
        provider_kind: done.provider_kind,
        model: done.model,
        tokens_in: done.tokens_in,
        tokens_out: done.tokens_out,
        latency_ms: done.latency_ms,
        cost_micro_usd: done.cost_micro_usd,
        attempts: done.attempts,
    }))
}

/// Records in `user`'s session that its AI step `component` now runs in the workflow
/// execution `execution`. Starting the same execution again changes nothing; another
/// execution while one runs is refused (`ai_step_running`).
pub async fn ai_step_started(
    core: &Core,
    user: UserId,
    session: CeremonySessionId,
    component: CeremonyComponentId,
    execution: Uuid,
    at: Timestamp,
) -> Result<(), CommandError<SessionError>> {
    let command = SessionCommand::StartAiStep {
        component_id: component,
        execution_id: execution,
    };
    let ctx = CommandContext::new(user, at);
    core.ceremony_sessions
        .execute(&session.to_string(), &ctx, command, None, None)
        .await
        .map(drop)
}

/// Records what the execution running a session's AI step gave; a second result of the same
/// execution changes nothing, a result of an execution never started is refused.
pub async fn ai_step_finished(
    core: &Core,
    user: UserId,
    session: CeremonySessionId,
    component: CeremonyComponentId,
    execution: Uuid,
    outcome: AiOutcome,
    at: Timestamp,
) -> Result<(), CommandError<SessionError>> {
    let command = SessionCommand::FinishAiStep {
        component_id: component,
        execution_id: execution,
        outcome,
    };
    let ctx = CommandContext::new(user, at);
    core.ceremony_sessions
        .execute(&session.to_string(), &ctx, command, None, None)
        .await
        .map(drop)
}
