//! `/ceremonies/sessions`: the caller's runs of a ceremony, with history and `as_of`.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::ceremony::ComponentKind;
use joan_domain::ceremony::session::{NewSession, SessionCommand, SessionStatus, SessionStep};
use joan_domain::{CeremonyComponentId, CeremonySessionId, CeremonyTemplateId, UserId};
use joan_projections::ceremony_sessions::{self, CeremonySessions, SessionFilter, SessionRow};
use joan_projections::{ceremony_templates, projects};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::body::{CompleteSession, PatchSession, StartCeremonySession};
use crate::http::error::{ApiError, Problem, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, OptionalJson, Page,
};
use crate::http::fields::Fields;
use crate::http::resource::{AsOf, HistoryEntry, RenderRow, Resource, idempotent, read, respond, respond_page};
use crate::http::state::AppState;
use crate::routes::tasks::access;

pub const SESSIONS: Resource = Resource::new("ceremony_session", "/api/v1/ceremonies/sessions");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_session))
        .routes(routes!(list_sessions))
        .routes(routes!(get_session, patch_session))
        .routes(routes!(complete_session))
        .routes(routes!(cancel_session))
        .routes(routes!(session_history))
}

/// The steps of an active template, or 404.
async fn steps_of(state: &AppState, template: CeremonyTemplateId) -> Result<Vec<SessionStep>, ApiError> {
    let mut db = state.core.store.db();
    let template = ceremony_templates::template(&mut db, &template.to_string())
        .await
        .map_err(ApiError::internal)?
        .filter(|t| t.is_active.0)
        .ok_or(ApiError::NotFound)?;
    let ids: Vec<String> = template.component_ids.decode().map_err(ApiError::internal)?;
    let rows = ceremony_templates::components(&mut db, &ids)
        .await
        .map_err(ApiError::internal)?;
    rows.into_iter()
        .map(|row| {
            let id = row.id.parse::<CeremonyComponentId>().map_err(ApiError::internal)?;
            let kind = ComponentKind::parse(&row.r#type).map_err(ApiError::internal)?;
            Ok(SessionStep { component_id: id, kind })
        })
        .collect()
}

/// 404 unless the project is one the caller is a member of (owners are) and the task one
/// they reach: a stranger's project or task looks like none.
async fn check_links(state: &AppState, user: UserId, body: &StartCeremonySession) -> Result<(), ApiError> {
    if let Some(project) = body.project_id {
        let role = projects::role_of(&mut state.core.store.db(), &project.to_string(), &user.to_string())
            .await
            .map_err(ApiError::internal)?;
        if role.is_none() {
            return Err(ApiError::NotFound);
        }
    }
    if let Some(task) = body.task_id {
        if !access::reaches(state, user, &task.to_string()).await? {
            return Err(ApiError::NotFound);
        }
    }
    Ok(())
}

/// Starts a session of an active ceremony at its first step. 404 when the ceremony, the
/// project or the task is not one the caller can use.
#[utoipa::path(post, path = "/ceremonies/sessions/start", tag = "ceremonies", request_body = StartCeremonySession,
    security(("bearer" = [])), params(IdempotencyHeaders),
    responses((status = 201, body = SessionRow), (status = 404, body = Problem)))]
async fn start_session(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<StartCeremonySession>,
) -> Result<Response, ApiError> {
    idempotent(
        &state,
        &caller,
        "POST /ceremonies/sessions/start",
        &body,
        async |idem| {
            check_links(&state, caller.user, &body).await?;
            let steps = steps_of(&state, body.template_id.into()).await?;
            let id = CeremonySessionId::generate();
            let new = NewSession {
                id,
                template_id: body.template_id.into(),
                steps,
                project_id: body.project_id.map(Into::into),
                task_id: body.task_id.map(Into::into),
            };
            let (id, user) = (id.to_string(), caller.user.to_string());
            let location = SESSIONS.location(&id);
            let render = RenderRow::<SessionRow>::new(&user, &id);
            let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), render);
            state
                .core
                .ceremony_sessions
                .execute_new(&id, &caller.ctx, SessionCommand::Start(new), hook)
                .await
                .map_err(from_command)?;
            let row = read::<SessionRow>(&state, &user, &id).await?;
            Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
        },
    )
    .await
}

/// Filters of `GET /ceremonies/sessions/history`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    /// Sessions of this ceremony only.
    pub template_id: Option<Uuid>,
    /// in_progress, completed or cancelled.
    #[param(schema_with = status_schema)]
    pub status: Option<String>,
    /// Rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

fn status_schema() -> utoipa::openapi::schema::Object {
    crate::http::schema::one_of(SessionStatus::WORDS).build()
}

/// The caller's sessions, newest first.
#[utoipa::path(get, path = "/ceremonies/sessions/history", tag = "ceremonies", params(SessionQuery),
    security(("bearer" = [])), responses((status = 200, body = [SessionRow], headers(("x-total-count" = i64)))))]
async fn list_sessions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> Result<Response, ApiError> {
    let mut f = Fields::default();
    let status = f.opt("status", query.status.as_deref(), SessionStatus::parse);
    let (limit, offset) = f.page(Page {
        limit: query.limit,
        offset: query.offset,
    });
    let filter = SessionFilter {
        template_id: query.template_id.map(|t| t.to_string()),
        status: status.map(|s| s.as_str().to_string()),
    };
    let filter = f.finish(filter).map_err(ApiError::Validation)?;
    let (page, total) = ceremony_sessions::list_json(state.core.store.db(), &user.to_string(), &filter, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// One session, now or `as_of` an earlier instant.
#[utoipa::path(get, path = "/ceremonies/sessions/{id}", tag = "ceremonies", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = SessionRow)))]
async fn get_session(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = SESSIONS.id::<CeremonySessionId>(&id)?;
    let row = match as_of.parse()? {
        Some(at) => SESSIONS.as_of::<CeremonySessions>(&state, user, &id, at).await?,
        None => read::<SessionRow>(&state, &user.to_string(), &id).await?,
    };
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Records what the user gave at the current step, changes the notes, moves to another step
/// (422 past the last). 409 `session_ended` once completed or cancelled.
#[utoipa::path(patch, path = "/ceremonies/sessions/{id}", tag = "ceremonies", request_body = PatchSession,
    security(("bearer" = [])), params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = SessionRow), (status = 409, body = Problem)))]
async fn patch_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchSession>,
) -> Result<Response, ApiError> {
    let (_, id) = SESSIONS.id::<CeremonySessionId>(&id)?;
    let changes = body.parse().map_err(ApiError::Validation)?;
    run(&state, &caller, &id, SessionCommand::Update(changes), expected).await?;
    let row = read::<SessionRow>(&state, &caller.user.to_string(), &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Completes the session: its duration runs from its start. 409 `session_ended` when it was
/// already completed or cancelled.
#[utoipa::path(post, path = "/ceremonies/sessions/{id}/complete", tag = "ceremonies",
    request_body = Option<CompleteSession>, security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders, IdempotencyHeaders),
    responses((status = 200, body = SessionRow), (status = 409, body = Problem)))]
async fn complete_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    OptionalJson(body): OptionalJson<CompleteSession>,
) -> Result<Response, ApiError> {
    let (_, id) = SESSIONS.id::<CeremonySessionId>(&id)?;
    let body = body.unwrap_or_default();
    let route = format!("POST /ceremonies/sessions/{id}/complete");
    idempotent(&state, &caller, &route, &body, async |idem| {
        let outcome = body.clone().parse().map_err(ApiError::Validation)?;
        end(&state, &caller, &id, SessionCommand::Complete(outcome), expected, idem).await
    })
    .await
}

/// Cancels the session. 409 `session_ended` when it was already completed or cancelled.
#[utoipa::path(post, path = "/ceremonies/sessions/{id}/cancel", tag = "ceremonies", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders, IdempotencyHeaders),
    responses((status = 200, body = SessionRow), (status = 409, body = Problem)))]
async fn cancel_session(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<Response, ApiError> {
    let (_, id) = SESSIONS.id::<CeremonySessionId>(&id)?;
    let route = format!("POST /ceremonies/sessions/{id}/cancel");
    idempotent(&state, &caller, &route, &(), async |idem| {
        end(&state, &caller, &id, SessionCommand::Cancel, expected, idem).await
    })
    .await
}

/// Runs a command that ends the session, recording the answer under the request's key.
async fn end(
    state: &AppState,
    caller: &Caller,
    id: &str,
    command: SessionCommand,
    expected: Option<i64>,
    idem: crate::http::idempotency::Idempotency,
) -> Result<Response, ApiError> {
    let user = caller.user.to_string();
    let render = RenderRow::<SessionRow>::new(&user, id);
    let hook = idem.recorder(StatusCode::OK, None, render);
    state
        .core
        .ceremony_sessions
        .execute(id, &caller.ctx, command, expected, hook)
        .await
        .map_err(from_command)?;
    let row = read::<SessionRow>(state, &user, id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Runs a session command as the caller.
pub async fn run(
    state: &AppState,
    caller: &Caller,
    id: &str,
    command: SessionCommand,
    expected: Option<i64>,
) -> Result<(), ApiError> {
    state
        .core
        .ceremony_sessions
        .execute(id, &caller.ctx, command, expected, None)
        .await
        .map(drop)
        .map_err(from_command)
}

/// The session's events, oldest first.
#[utoipa::path(get, path = "/ceremonies/sessions/{id}/history", tag = "ceremonies", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn session_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = SESSIONS.id::<CeremonySessionId>(&id)?;
    Ok(axum::Json(SESSIONS.history(&state, user, &id).await?))
}
