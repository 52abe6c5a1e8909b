//! `/projects`: projects shared with their members, and the members themselves.
//!
//! Who may do what is the project's own rule (`joan_domain::project`): a member sees the
//! project, owners and admins change it and its members, a stranger gets 404 everywhere.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cqrs_es::Aggregate;
use joan_commands::StoredEvent;
use joan_domain::Entity;
use joan_domain::project::{Project, ProjectCommand, ProjectEvent, ProjectStatus};
use joan_domain::{ProjectId, UserId};
use joan_projections::projector::decode;
use joan_projections::projects::{self, MemberRow, ProjectFilter, ProjectRow, Projects};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::error::{ApiError, FieldError, Problem, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page,
};
use crate::http::fields::Fields;
use crate::http::resource::{AsOf, HistoryEntry, RenderRow, Resource, idempotent, replay_until, respond, respond_page};
use crate::http::state::AppState;

pub mod body;

use body::{AddMember, ChangeRole, CreateProject, PatchProject};

pub const PROJECTS: Resource = Resource::new("project", "/api/v1/projects");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project, patch_project, delete_project))
        .routes(routes!(project_history))
        .routes(routes!(list_members, add_member))
        .routes(routes!(change_role, remove_member))
}

/// The project when the caller is one of its members, else 404.
async fn read_project(state: &AppState, user: &str, id: &str) -> Result<ProjectRow, ApiError> {
    projects::get_for_member(&mut state.core.store.db(), id, user)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)
}

/// The project's events when the caller is a member now, deleted projects included (their
/// history stays readable to their members), else 404.
async fn member_stream(state: &AppState, user: UserId, id: &str) -> Result<Vec<StoredEvent>, ApiError> {
    let events = PROJECTS.events(state, id).await?;
    let mut project = Project::default();
    for event in &events {
        project.apply(decode::<ProjectEvent>(event).map_err(ApiError::internal)?);
    }
    if !project.visible_to(user) {
        return Err(ApiError::NotFound);
    }
    Ok(events)
}

/// A client named in a body must be one of the caller's.
async fn check_client(state: &AppState, user: &str, client: Option<Uuid>) -> Result<(), ApiError> {
    let Some(client) = client else { return Ok(()) };
    if crate::routes::clients::owns(state, user, &client.to_string()).await? {
        Ok(())
    } else {
        Err(ApiError::invalid("client_id", "is not one of your clients"))
    }
}

fn project_response(status: StatusCode, location: Option<&str>, row: &ProjectRow) -> Response {
    respond(status, row.version, location, row)
}

/// Filters of `GET /projects`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectQuery {
    /// planning, active, on_hold, completed or cancelled.
    #[param(schema_with = body::schemas::status)]
    pub status: Option<String>,
    pub client_id: Option<Uuid>,
    /// Rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

/// The projects the caller is a member of, newest first.
#[utoipa::path(get, path = "/projects", tag = "projects", params(ProjectQuery), security(("bearer" = [])),
    responses((status = 200, body = [ProjectRow], headers(("x-total-count" = i64)))))]
async fn list_projects(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<ProjectQuery>,
) -> Result<Response, ApiError> {
    let mut f = Fields::default();
    let status = f.opt("status", query.status.as_deref(), ProjectStatus::parse);
    let (limit, offset) = f.page(Page {
        limit: query.limit,
        offset: query.offset,
    });
    let filter = ProjectFilter {
        status: status.map(|s| s.as_str().to_string()),
        client_id: query.client_id.map(|c| c.to_string()),
    };
    let filter = f.finish(filter).map_err(ApiError::Validation)?;
    let (page, total) = projects::list_json(state.core.store.db(), &user.to_string(), &filter, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Creates a project; the caller becomes its owner.
#[utoipa::path(post, path = "/projects", tag = "projects", request_body = CreateProject, security(("bearer" = [])),
    params(IdempotencyHeaders), responses((status = 201, body = ProjectRow)))]
async fn create_project(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateProject>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /projects", &body, async |idem| {
        let id = ProjectId::generate();
        let new = body.parse(id).map_err(ApiError::Validation)?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        check_client(&state, &user, body.client_id).await?;
        let location = PROJECTS.location(&id);
        let hook = idem.recorder(
            StatusCode::CREATED,
            Some(location.clone()),
            RenderRow::<ProjectRow>::new(&user, &id),
        );
        state
            .core
            .projects
            .execute_new(&id, &caller.ctx, ProjectCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        let row = read_project(&state, &user, &id).await?;
        Ok(project_response(StatusCode::CREATED, Some(&location), &row))
    })
    .await
}

/// One project, now or `as_of` an earlier instant, for its members.
#[utoipa::path(get, path = "/projects/{id}", tag = "projects", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = ProjectRow)))]
async fn get_project(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = PROJECTS.id::<ProjectId>(&id)?;
    let Some(at) = as_of.parse()? else {
        let row = read_project(&state, &user.to_string(), &id).await?;
        return Ok(project_response(StatusCode::OK, None, &row));
    };
    let past = replay_until::<Projects>(member_stream(&state, user, &id).await?, at)?;
    Ok(project_response(StatusCode::OK, None, &past))
}

/// Changes some fields (owners and admins). `If-Match` makes it conditional on the version.
#[utoipa::path(patch, path = "/projects/{id}", tag = "projects", request_body = PatchProject,
    security(("bearer" = [])), params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = ProjectRow), (status = 403, body = Problem)))]
async fn patch_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchProject>,
) -> Result<Response, ApiError> {
    let (_, id) = PROJECTS.id::<ProjectId>(&id)?;
    let client = body.client_id.flatten();
    let changes = body.parse().map_err(ApiError::Validation)?;
    let user = caller.user.to_string();
    if client.is_some() {
        // A stranger learns nothing: membership first, then the client.
        read_project(&state, &user, &id).await?;
        check_client(&state, &user, client).await?;
    }
    state
        .core
        .projects
        .execute(&id, &caller.ctx, ProjectCommand::Update(changes), expected, None)
        .await
        .map_err(from_command)?;
    let row = read_project(&state, &user, &id).await?;
    Ok(project_response(StatusCode::OK, None, &row))
}

/// Deletes a project (owners); its history stays.
#[utoipa::path(delete, path = "/projects/{id}", tag = "projects", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 204), (status = 403, body = Problem)))]
async fn delete_project(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = PROJECTS.id::<ProjectId>(&id)?;
    state
        .core
        .projects
        .execute(&id, &caller.ctx, ProjectCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The project's events, oldest first, for its members.
#[utoipa::path(get, path = "/projects/{id}/history", tag = "projects", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry]), (status = 404, body = Problem)))]
async fn project_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = PROJECTS.id::<ProjectId>(&id)?;
    let events = member_stream(&state, user, &id).await?;
    Ok(axum::Json(events.into_iter().map(HistoryEntry::from).collect()))
}

/// The project's members, owners first.
#[utoipa::path(get, path = "/projects/{id}/members", tag = "projects", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [MemberRow])))]
async fn list_members(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<MemberRow>>, ApiError> {
    let (_, id) = PROJECTS.id::<ProjectId>(&id)?;
    read_project(&state, &user.to_string(), &id).await?;
    let members = projects::members(state.core.store.db(), &id)
        .await
        .map_err(ApiError::internal)?;
    Ok(axum::Json(members))
}

/// Runs a member command and answers with the members as they now are.
async fn member_command(
    state: &AppState,
    caller: &Caller,
    id: &str,
    command: ProjectCommand,
    status: StatusCode,
) -> Result<Response, ApiError> {
    state
        .core
        .projects
        .execute(id, &caller.ctx, command, None, None)
        .await
        .map_err(from_command)?;
    let members = projects::members(state.core.store.db(), id)
        .await
        .map_err(ApiError::internal)?;
    Ok((status, axum::Json(members)).into_response())
}

/// Adds a user to the project (owners and admins; only owners make owners). Answers with the
/// members.
#[utoipa::path(post, path = "/projects/{id}/members", tag = "projects", request_body = AddMember,
    security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 201, body = [MemberRow]), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn add_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AddMember>,
) -> Result<Response, ApiError> {
    let (_, id) = PROJECTS.id::<ProjectId>(&id)?;
    let role = body::role(&body.role).map_err(ApiError::Validation)?;
    read_project(&state, &caller.user.to_string(), &id).await?;
    let user = UserId(body.user_id);
    let known = crate::auth::credentials::by_user(state.core.store.db(), &user.to_string())
        .await
        .map_err(ApiError::internal)?;
    if known.is_none() {
        return Err(ApiError::Validation(vec![FieldError::new("user_id", "no such user")]));
    }
    let command = ProjectCommand::AddMember { user_id: user, role };
    member_command(&state, &caller, &id, command, StatusCode::CREATED).await
}

/// Changes a member's role (owners and admins; an admin never changes an owner's). The last
/// owner stays an owner.
#[utoipa::path(patch, path = "/projects/{id}/members/{user_id}", tag = "projects", request_body = ChangeRole,
    security(("bearer" = [])), params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 200, body = [MemberRow]), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn change_role(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, member)): Path<(String, String)>,
    ApiJson(body): ApiJson<ChangeRole>,
) -> Result<Response, ApiError> {
    let (_, id) = PROJECTS.id::<ProjectId>(&id)?;
    let (user_id, _) = PROJECTS.id::<UserId>(&member)?;
    let role = body::role(&body.role).map_err(ApiError::Validation)?;
    let command = ProjectCommand::ChangeRole { user_id, role };
    member_command(&state, &caller, &id, command, StatusCode::OK).await
}

/// Removes a member (owners and admins), or leaves (anyone, for themselves). The last owner
/// cannot go. Their access ends with their next request.
#[utoipa::path(delete, path = "/projects/{id}/members/{user_id}", tag = "projects", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem)))]
async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, member)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (_, id) = PROJECTS.id::<ProjectId>(&id)?;
    let (user_id, _) = PROJECTS.id::<UserId>(&member)?;
    state
        .core
        .projects
        .execute(&id, &caller.ctx, ProjectCommand::RemoveMember { user_id }, None, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}
