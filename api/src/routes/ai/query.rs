//! `POST /ai/query`: one completion through the caller's chain (or one provider of theirs),
//! answered synchronously and recorded in the request log.
use std::time::Instant;

use axum::extract::State;
use joan_domain::AiProviderId;
use joan_projections::ai_providers::AiProviderRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::ai::chain::{StoredChains, spec_of};
use crate::ai::log::{CallRecord, record};
use crate::ai::{ChainSource, ChatRequest, Llm, ProviderKind, ProviderSpec};
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, CurrentUser};
use crate::http::fields::{Fields, Whole};
use crate::http::resource::read;
use crate::http::state::AppState;

/// The longest prompt or system prompt taken, in characters.
pub const MAX_PROMPT_CHARS: usize = 32_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(query))
}

/// `POST /ai/query`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueryBody {
    /// 1 to 32,000 characters.
    #[schema(min_length = 1, max_length = 32000)]
    pub prompt: String,
    #[serde(default)]
    #[schema(max_length = 32000)]
    pub system: Option<String>,
    /// Only this provider of the caller's (active or not); default: their whole chain.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub provider_id: Option<String>,
    /// Overrides the provider's model.
    #[serde(default)]
    #[schema(schema_with = super::body::schemas::model)]
    pub model: Option<String>,
    #[serde(default)]
    #[schema(schema_with = super::body::schemas::temperature)]
    pub temperature: Option<f64>,
    #[serde(default)]
    #[schema(schema_with = super::body::schemas::max_tokens)]
    pub max_tokens: Option<Whole>,
    /// The answer must be JSON valid against this JSON Schema (an object); one repair call
    /// is made when it is not.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub json_schema: Option<serde_json::Value>,
}

/// A completion.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueryAnswer {
    /// The id of the recorded request.
    #[schema(format = Uuid)]
    pub request_id: String,
    pub text: String,
    /// The JSON found in the answer, when `json_schema` was given.
    #[schema(value_type = Option<Object>)]
    pub json: Option<serde_json::Value>,
    #[schema(format = Uuid)]
    pub provider_id: String,
    pub provider_type: ProviderKind,
    pub model: String,
    pub tokens_in: u32,
    pub tokens_out: u32,
    pub latency_ms: u64,
    /// Millionths of a US dollar.
    pub cost_micro_usd: u64,
    /// Calls made, retries, repair and fallbacks included.
    pub attempts: u32,
}

impl QueryBody {
    fn parse(self) -> Result<(ChatRequest, Option<Uuid>), Vec<crate::http::error::FieldError>> {
        use joan_domain::ai_provider::{MaxTokens, ModelName, Temperature};
        let mut f = Fields::default();
        let text = |max: usize| {
            move |raw: String| {
                if raw.trim().is_empty() {
                    Err("must not be empty".to_string())
                } else if raw.chars().count() > max {
                    Err(format!("must be at most {max} characters"))
                } else {
                    Ok(raw)
                }
            }
        };
        let prompt = f.check("prompt", text(MAX_PROMPT_CHARS)(self.prompt));
        let system = f.opt("system", self.system, text(MAX_PROMPT_CHARS));
        let provider = f.opt("provider_id", self.provider_id, |p| {
            Uuid::parse_str(&p).map_err(|_| "must be a UUID")
        });
        let model = f.opt("model", self.model, |m| ModelName::parse(&m).map(String::from));
        let temperature = f.opt("temperature", self.temperature, |t| {
            Temperature::parse(t).map(|t| f64::from(t) as f32)
        });
        let max_tokens = f.opt("max_tokens", self.max_tokens.map(Whole::get), |n| {
            MaxTokens::parse(n).map(u32::from)
        });
        let json_schema = f.opt("json_schema", self.json_schema, |s| {
            if s.is_object() {
                Ok(s)
            } else {
                Err("must be a JSON Schema object")
            }
        });
        let request = ChatRequest {
            system,
            prompt: prompt.unwrap_or_default(),
            model,
            temperature,
            max_tokens,
            json: json_schema.is_some(),
            json_schema,
        };
        f.finish((request, provider))
    }
}

/// Asks the caller's providers, in chain order, and records the request. A failure is a
/// problem+json whose `code` names its class (docs/api.md, "AI failures").
#[utoipa::path(post, path = "/ai/query", tag = "ai", request_body = QueryBody, security(("bearer" = [])),
    responses((status = 200, body = QueryAnswer),
              (status = 404, description = "`provider_id` is not one of the caller's providers", body = crate::http::error::Problem),
              (status = 409, description = "the caller has no active provider", body = crate::http::error::Problem),
              (status = 502, description = "the providers failed", body = crate::http::error::Problem),
              (status = 503, description = "every provider's circuit is open", body = crate::http::error::Problem),
              (status = 504, description = "the provider timed out", body = crate::http::error::Problem)))]
async fn query(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiJson(body): ApiJson<QueryBody>,
) -> Result<axum::Json<QueryAnswer>, ApiError> {
    let (request, provider) = body.parse().map_err(ApiError::Validation)?;
    let chain: Vec<ProviderSpec> = match provider {
        Some(id) => {
            let id = AiProviderId(id).to_string();
            let row = read::<AiProviderRow>(&state, &user.to_string(), &id).await?;
            spec_of(user, row).into_iter().collect()
        }
        None => StoredChains::new(state.core.store.db().clone()).chain(user).await?,
    };
    let started = Instant::now();
    let outcome = state.ai.complete(&chain, &request).await;
    // Nothing was asked of anyone without a provider: nothing to record.
    let request_id = if chain.is_empty() {
        None
    } else {
        let call = CallRecord {
            user,
            prompt: &request.prompt,
            component_id: None,
            chain: &chain,
            outcome: &outcome,
            elapsed: started.elapsed(),
        };
        Some(record(&state.core, call).await?)
    };
    let done = outcome.map_err(ApiError::Ai)?;
    Ok(axum::Json(QueryAnswer {
        request_id: request_id.map(|id| id.to_string()).unwrap_or_default(),
        text: done.text,
        json: done.json,
        provider_id: done.provider_id.to_string(),
        provider_type: done.provider_kind,
        model: done.model,
        tokens_in: done.tokens_in,
        tokens_out: done.tokens_out,
        latency_ms: done.latency_ms,
        cost_micro_usd: done.cost_micro_usd,
        attempts: done.attempts,
    }))
}
