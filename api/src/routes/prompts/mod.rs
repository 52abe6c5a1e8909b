//! `/ai/prompts`: the caller's library of saved prompts, with history and `as_of`.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::PromptId;
use joan_domain::prompt::PromptCommand;
use joan_projections::prompts::{self, PromptFilter, PromptRow, Prompts};
use joan_projections::table;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page,
};
use crate::http::fields::Fields;
use crate::http::resource::{
    AsOf, HistoryEntry, RenderRow, Resource, idempotent, read, respond, respond_page, respond_raw,
};
use crate::http::state::AppState;

pub mod body;

use body::{CreatePrompt, PatchPrompt};

pub const PROMPTS: Resource = Resource::new("ai_prompt", "/api/v1/ai/prompts");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_prompts, create_prompt))
        .routes(routes!(get_prompt, patch_prompt, delete_prompt))
        .routes(routes!(prompt_history))
}

/// Filters of `GET /ai/prompts`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PromptQuery {
    /// Prompts of this category only (exact).
    #[param(schema_with = crate::http::schema::tag_filter)]
    pub category: Option<String>,
    /// Favourites only (`true`) or the others (`false`).
    pub is_favorite: Option<bool>,
    /// Text in the name or description (case-insensitive).
    #[param(schema_with = crate::http::schema::search_text)]
    pub q: Option<String>,
    /// Rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// The caller's prompts, newest first.
#[utoipa::path(get, path = "/ai/prompts", tag = "prompts", params(PromptQuery), security(("bearer" = [])),
    responses((status = 200, body = [PromptRow], headers(("x-total-count" = i64)))))]
async fn list_prompts(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<PromptQuery>,
) -> Result<Response, ApiError> {
    let mut f = Fields::default();
    let (limit, offset) = f.page(Page {
        limit: query.limit,
        offset: query.offset,
    });
    let q = f.opt("q", query.q, |q| {
        joan_domain::text::SearchText::parse(&q).map(String::from)
    });
    let category = f.opt("category", query.category, |c| {
        joan_domain::text::SearchText::tag(&c).map(String::from)
    });
    let filter = PromptFilter {
        category,
        is_favorite: query.is_favorite,
        q,
    };
    let filter = f.finish(filter).map_err(ApiError::Validation)?;
    let (page, total) = prompts::list_json(state.core.store.db(), &user.to_string(), &filter, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Saves a prompt; its `variables` are the placeholders of its template.
#[utoipa::path(post, path = "/ai/prompts", tag = "prompts", request_body = CreatePrompt, security(("bearer" = [])),
    params(IdempotencyHeaders), responses((status = 201, body = PromptRow)))]
async fn create_prompt(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreatePrompt>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /ai/prompts", &body, async |idem| {
        let id = PromptId::generate();
        let new = body.parse(id).map_err(ApiError::Validation)?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        let location = PROMPTS.location(&id);
        let render = RenderRow::<PromptRow>::new(&user, &id);
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
        state
            .core
            .prompts
            .execute_new(&id, &caller.ctx, PromptCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        let row = read::<PromptRow>(&state, &user, &id).await?;
        Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
    })
    .await
}

/// One prompt, now or `as_of` an earlier instant.
#[utoipa::path(get, path = "/ai/prompts/{id}", tag = "prompts", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = PromptRow)))]
async fn get_prompt(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = PROMPTS.id::<PromptId>(&id)?;
    if let Some(at) = as_of.parse()? {
        let row = PROMPTS.as_of::<Prompts>(&state, user, &id, at).await?;
        return Ok(respond(StatusCode::OK, row.version, None, &row));
    }
    let (body, version) = table::get_json::<PromptRow>(state.core.store.db(), &user.to_string(), &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(respond_raw(version, body))
}

/// Changes some fields. `If-Match` makes it conditional on the version.
#[utoipa::path(patch, path = "/ai/prompts/{id}", tag = "prompts", request_body = PatchPrompt,
    security(("bearer" = [])), params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = PromptRow)))]
async fn patch_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchPrompt>,
) -> Result<Response, ApiError> {
    let (_, id) = PROMPTS.id::<PromptId>(&id)?;
    let changes = body.parse().map_err(ApiError::Validation)?;
    state
        .core
        .prompts
        .execute(&id, &caller.ctx, PromptCommand::Update(changes), expected, None)
        .await
        .map_err(from_command)?;
    let row = read::<PromptRow>(&state, &caller.user.to_string(), &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Deletes a prompt; its history stays.
#[utoipa::path(delete, path = "/ai/prompts/{id}", tag = "prompts", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 204)))]
async fn delete_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = PROMPTS.id::<PromptId>(&id)?;
    state
        .core
        .prompts
        .execute(&id, &caller.ctx, PromptCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The prompt's events, oldest first.
#[utoipa::path(get, path = "/ai/prompts/{id}/history", tag = "prompts", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn prompt_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = PROMPTS.id::<PromptId>(&id)?;
    Ok(axum::Json(PROMPTS.history(&state, user, &id).await?))
}
