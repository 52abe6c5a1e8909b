//! `/ai/providers`: the caller's AI providers (the registry), and a test call to one.
//!
//! An endpoint is checked by the outbound guard when it is saved (422 naming the field) and
//! again at every call. Keys are write-only: sealed before the command, shown as a mask.
use std::time::Instant;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::AiProviderId;
use joan_domain::ai_provider::AiProviderCommand;
use joan_projections::ai_providers::{self, AiProviderRow, AiProviders};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::ai::chain::spec_of;
use crate::ai::{ChatRequest, FailureClass, Llm};
use crate::http::error::{ApiError, from_command};
use crate::http::extract::{ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch};
use crate::http::resource::{AsOf, HistoryEntry, RenderRow, Resource, idempotent, read, respond};
use crate::http::state::AppState;

use super::body::{CreateProvider, PatchProvider};

pub const PROVIDERS: Resource = Resource::new("ai_provider", "/api/v1/ai/providers");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_providers, create_provider))
        .routes(routes!(get_provider, patch_provider, delete_provider))
        .routes(routes!(test_provider))
        .routes(routes!(provider_history))
}

/// A provider as the API shows it: the key only as whether one is set and its mask.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProviderView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub user_id: String,
    /// openai, anthropic, groq, ollama or openai_compatible.
    pub provider_type: String,
    pub provider_name: String,
    pub api_key_set: bool,
    /// The key's first 3 and last 4 characters (`sk-...abcd`), less for short keys.
    pub api_key_mask: Option<String>,
    pub api_endpoint: Option<String>,
    pub model_name: String,
    pub max_tokens: Option<i64>,
    pub temperature: Option<f64>,
    pub is_active: bool,
    pub is_default: bool,
    pub priority: i64,
    pub total_requests: i64,
    pub total_tokens: i64,
    /// Millionths of a US dollar.
    pub total_cost: i64,
    pub last_used_at: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<AiProviderRow> for ProviderView {
    fn from(r: AiProviderRow) -> Self {
        Self {
            id: r.id,
            user_id: r.user_id,
            provider_type: r.provider_type,
            provider_name: r.provider_name,
            api_key_set: r.api_key_encrypted.is_some(),
            api_key_mask: r.api_key_mask,
            api_endpoint: r.api_endpoint,
            model_name: r.model_name,
            max_tokens: r.max_tokens,
            temperature: r.temperature,
            is_active: r.is_active.0,
            is_default: r.is_default.0,
            priority: r.priority,
            total_requests: r.total_requests,
            total_tokens: r.total_tokens,
            total_cost: r.total_cost,
            last_used_at: r.last_used_at,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// 422 on `api_endpoint` when the guard refuses where it leads.
async fn check_endpoint(state: &AppState, endpoint: Option<&str>) -> Result<(), ApiError> {
    let Some(endpoint) = endpoint else {
        return Ok(());
    };
    state
        .ai
        .guard()
        .check_str(endpoint)
        .await
        .map(|_| ())
        .map_err(|e| ApiError::invalid("api_endpoint", e))
}

fn view(row: AiProviderRow) -> Response {
    respond(StatusCode::OK, row.version, None, &ProviderView::from(row))
}

/// The caller's providers in chain order: the default first, then by priority.
#[utoipa::path(get, path = "/ai/providers", tag = "ai", security(("bearer" = [])),
    responses((status = 200, body = [ProviderView])))]
async fn list_providers(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<axum::Json<Vec<ProviderView>>, ApiError> {
    let rows = ai_providers::of_user(state.core.store.db(), &user.to_string())
        .await
        .map_err(ApiError::internal)?;
    Ok(axum::Json(rows.into_iter().map(ProviderView::from).collect()))
}

/// Adds a provider. Made default, it is the caller's only default.
#[utoipa::path(post, path = "/ai/providers", tag = "ai", request_body = CreateProvider,
    security(("bearer" = [])), params(IdempotencyHeaders), responses((status = 201, body = ProviderView)))]
async fn create_provider(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateProvider>,
) -> Result<Response, ApiError> {
    // The fingerprint is taken before `parse` consumes the body (the key only as its digest).
    let fingerprint = serde_json::to_value(&body).map_err(ApiError::internal)?;
    idempotent(&state, &caller, "POST /ai/providers", &fingerprint, async |idem| {
        let id = AiProviderId::generate();
        let new = body
            .parse(&state.keyring, caller.user, id)
            .map_err(ApiError::Validation)?;
        check_endpoint(&state, new.endpoint.clone().map(String::from).as_deref()).await?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        let location = PROVIDERS.location(&id);
        let render = RenderRow::<AiProviderRow, ProviderView>::new(&user, &id);
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .ai_providers
            .execute_new(&id, &caller.ctx, AiProviderCommand::Create(Box::new(new)), hook)
            .await
            .map_err(from_command)?;
        let row = read::<AiProviderRow>(&state, &user, &id).await?;
        Ok(respond(
            StatusCode::CREATED,
            row.version,
            Some(&location),
            &ProviderView::from(row),
        ))
    })
    .await
}

/// One provider, now or `as_of` an earlier instant.
#[utoipa::path(get, path = "/ai/providers/{id}", tag = "ai", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = ProviderView)))]
async fn get_provider(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = PROVIDERS.id::<AiProviderId>(&id)?;
    if let Some(at) = as_of.parse()? {
        return Ok(view(PROVIDERS.as_of::<AiProviders>(&state, user, &id, at).await?));
    }
    Ok(view(read::<AiProviderRow>(&state, &user.to_string(), &id).await?))
}

/// The provider's events, oldest first (a key only as its mask).
#[utoipa::path(get, path = "/ai/providers/{id}/history", tag = "ai", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn provider_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = PROVIDERS.id::<AiProviderId>(&id)?;
    Ok(axum::Json(PROVIDERS.history(&state, user, &id).await?))
}

/// Changes some fields; `api_key: null` removes the key. `If-Match` makes it conditional.
#[utoipa::path(patch, path = "/ai/providers/{id}", tag = "ai", request_body = PatchProvider,
    security(("bearer" = [])), params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = ProviderView)))]
async fn patch_provider(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchProvider>,
) -> Result<Response, ApiError> {
    let (provider, id) = PROVIDERS.id::<AiProviderId>(&id)?;
    let user = caller.user.to_string();
    // Yours first: a stranger learns nothing, not even that their body was invalid.
    read::<AiProviderRow>(&state, &user, &id).await?;
    let changes = body
        .parse(&state.keyring, caller.user, provider)
        .map_err(ApiError::Validation)?;
    if let Some(Some(endpoint)) = &changes.endpoint {
        check_endpoint(&state, Some(&String::from(endpoint.clone()))).await?;
    }
    state
        .core
        .ai_providers
        .execute(
            &id,
            &caller.ctx,
            AiProviderCommand::Update(Box::new(changes)),
            expected,
            None,
        )
        .await
        .map_err(from_command)?;
    Ok(view(read::<AiProviderRow>(&state, &user, &id).await?))
}

/// Removes a provider; its history and recorded requests stay.
#[utoipa::path(delete, path = "/ai/providers/{id}", tag = "ai", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 204)))]
async fn delete_provider(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = PROVIDERS.id::<AiProviderId>(&id)?;
    state
        .core
        .ai_providers
        .execute(&id, &caller.ctx, AiProviderCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a test call found.
#[derive(Debug, Serialize, ToSchema)]
pub struct TestResult {
    pub ok: bool,
    pub latency_ms: u64,
    /// The model that answered (or was asked).
    pub model: String,
    /// The failure's class when it failed.
    pub error_class: Option<FailureClass>,
    pub error_message: Option<String>,
}

/// A tiny real call to this provider alone, through the guard (not recorded in the log).
#[utoipa::path(post, path = "/ai/providers/{id}/test", tag = "ai", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = TestResult)))]
async fn test_provider(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<TestResult>, ApiError> {
    let (_, id) = PROVIDERS.id::<AiProviderId>(&id)?;
    let row = read::<AiProviderRow>(&state, &user.to_string(), &id).await?;
    let model = row.model_name.clone();
    let spec = spec_of(user, row).ok_or(ApiError::NotFound)?;
    let request = ChatRequest {
        prompt: "Reply with the single word: ok".into(),
        max_tokens: Some(5),
        ..ChatRequest::default()
    };
    let started = Instant::now();
    let outcome = state.ai.complete(std::slice::from_ref(&spec), &request).await;
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(axum::Json(match outcome {
        Ok(done) => TestResult {
            ok: true,
            latency_ms: done.latency_ms,
            model: done.model,
            error_class: None,
            error_message: None,
        },
        Err(failure) => TestResult {
            ok: false,
            latency_ms,
            model,
            error_class: Some(failure.class),
            error_message: Some(failure.message),
        },
    }))
}
