//! `/goals`: the caller's goals, and the tasks that count toward them.
//!
//! A link is the task's own command (`TaskCommand::LinkGoal`), so it shows in the task's
//! activity and the goal's progress follows the task's completions in log order.
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::goal::{GoalCommand, GoalStatus, GoalType};
use joan_domain::task::TaskCommand;
use joan_domain::{GoalId, TaskId, Timestamp};
use joan_projections::goals::{self, GoalFilter, GoalRow, Goals};
use joan_projections::table;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, Problem, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page,
};
use crate::http::fields::Fields;
use crate::http::resource::{
    AsOf, HistoryEntry, RenderRow, Resource, idempotent, read, respond, respond_page, respond_raw,
};
use crate::http::state::AppState;

pub mod body;

use body::{CreateGoal, PatchGoal};

pub const GOALS: Resource = Resource::new("goal", "/api/v1/goals");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_goals, create_goal))
        .routes(routes!(get_goal, patch_goal, delete_goal))
        .routes(routes!(link_task, unlink_task))
        .routes(routes!(goal_history))
}

fn goal_response(status: StatusCode, location: Option<&str>, row: &GoalRow) -> Response {
    respond(status, row.version, location, row)
}

/// Filters of `GET /goals`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoalQuery {
    /// active, achieved or abandoned.
    #[param(schema_with = body::schemas::status)]
    pub status: Option<String>,
    /// outcome, habit or milestone.
    #[serde(rename = "type")]
    #[param(rename = "type", schema_with = body::schemas::goal_type)]
    pub goal_type: Option<String>,
    /// Rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

impl GoalQuery {
    /// The filter and page, or every invalid parameter at once.
    fn parse(self) -> Result<(GoalFilter, i64, i64), ApiError> {
        let mut f = Fields::default();
        let status = f.opt("status", self.status.as_deref(), GoalStatus::parse);
        let goal_type = f.opt("type", self.goal_type.as_deref(), GoalType::parse);
        let (limit, offset) = f.page(Page {
            limit: self.limit,
            offset: self.offset,
        });
        let filter = GoalFilter {
            status: status.map(|s| s.as_str().to_string()),
            goal_type: goal_type.map(|t| t.as_str().to_string()),
        };
        f.finish((filter, limit, offset)).map_err(ApiError::Validation)
    }
}

/// The caller's goals, newest first.
#[utoipa::path(get, path = "/goals", tag = "goals", params(GoalQuery), security(("bearer" = [])),
    responses((status = 200, body = [GoalRow], headers(("x-total-count" = i64)))))]
async fn list_goals(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<GoalQuery>,
) -> Result<Response, ApiError> {
    let (filter, limit, offset) = query.parse()?;
    let (page, total) = goals::list_json(state.core.store.db(), &user.to_string(), &filter, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Creates a goal. Without `progress` it follows the tasks linked to it.
#[utoipa::path(post, path = "/goals", tag = "goals", request_body = CreateGoal, security(("bearer" = [])),
    params(IdempotencyHeaders), responses((status = 201, body = GoalRow)))]
async fn create_goal(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateGoal>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /goals", &body, async |idem| {
        let id = GoalId::generate();
        let new = body.parse(id).map_err(ApiError::Validation)?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        let location = GOALS.location(&id);
        let hook = idem.recorder(
            StatusCode::CREATED,
            Some(location.clone()),
            RenderRow::<GoalRow>::new(&user, &id),
        );
        state
            .core
            .goals
            .execute_new(&id, &caller.ctx, GoalCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        let row = read::<GoalRow>(&state, &user, &id).await?;
        Ok(goal_response(StatusCode::CREATED, Some(&location), &row))
    })
    .await
}

/// One goal, now or `as_of` an earlier instant. A past state shows progress as it was then:
/// set by hand, or the share of the tasks linked then that were done then.
#[utoipa::path(get, path = "/goals/{id}", tag = "goals", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = GoalRow)))]
async fn get_goal(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (goal, id) = GOALS.id::<GoalId>(&id)?;
    if let Some(at) = as_of.parse()? {
        let mut row = GOALS.as_of::<Goals>(&state, user, &id, at).await?;
        if !row.progress_manual.0 {
            row.progress = progress_at(&state, &user.to_string(), goal, at).await?;
        }
        return Ok(goal_response(StatusCode::OK, None, &row));
    }
    let (body, version) = table::get_json::<GoalRow>(state.core.store.db(), &user.to_string(), &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(respond_raw(version, body))
}

/// The progress of a goal that follows its tasks, as the tasks' events up to `at` leave it.
async fn progress_at(state: &AppState, user: &str, goal: GoalId, at: Timestamp) -> Result<i64, ApiError> {
    let store = &state.core.store;
    let tasks = goals::tasks_ever_linked(&mut store.db(), user, &goal.to_string())
        .await
        .map_err(ApiError::internal)?;
    let cut = at.to_rfc3339();
    let mut streams = Vec::with_capacity(tasks.len());
    for task in &tasks {
        let mut events = store.load_stream("task", task).await.map_err(ApiError::internal)?;
        events.retain(|e| e.recorded_at <= cut);
        streams.push(events);
    }
    goals::progress_from_tasks(&streams, goal).map_err(ApiError::internal)
}

/// Changes some fields. `progress: null` hands the progress back to the linked tasks.
#[utoipa::path(patch, path = "/goals/{id}", tag = "goals", request_body = PatchGoal, security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 200, body = GoalRow)))]
async fn patch_goal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchGoal>,
) -> Result<Response, ApiError> {
    let (_, id) = GOALS.id::<GoalId>(&id)?;
    let changes = body.parse().map_err(ApiError::Validation)?;
    state
        .core
        .goals
        .execute(&id, &caller.ctx, GoalCommand::Update(changes), expected, None)
        .await
        .map_err(from_command)?;
    let row = read::<GoalRow>(&state, &caller.user.to_string(), &id).await?;
    Ok(goal_response(StatusCode::OK, None, &row))
}

/// Deletes a goal and its task links (the tasks stay); its history stays.
#[utoipa::path(delete, path = "/goals/{id}", tag = "goals", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders), responses((status = 204)))]
async fn delete_goal(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = GOALS.id::<GoalId>(&id)?;
    state
        .core
        .goals
        .execute(&id, &caller.ctx, GoalCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The goal and task of a link route; the goal must be the caller's (else 404), the task's
/// own command checks the task.
async fn link_ids(state: &AppState, user: &str, id: &str, task: &str) -> Result<(GoalId, String, String), ApiError> {
    let (goal_id, goal) = GOALS.id::<GoalId>(id)?;
    let (_, task) = GOALS.id::<TaskId>(task)?;
    read::<GoalRow>(state, user, &goal).await?;
    Ok((goal_id, goal, task))
}

/// Counts one of the caller's tasks toward the goal (linking twice changes nothing); answers
/// with the goal and its new progress.
#[utoipa::path(post, path = "/goals/{id}/tasks/{task_id}", tag = "goals", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("task_id" = Uuid, Path), IdempotencyHeaders),
    responses((status = 200, body = GoalRow)))]
async fn link_task(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, task)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let user = caller.user.to_string();
    let (goal_id, goal, task) = link_ids(&state, &user, &id, &task).await?;
    let route = format!("POST /goals/{goal}/tasks/{task}");
    idempotent(&state, &caller, &route, &(), async |idem| {
        let hook = idem.recorder(StatusCode::OK, None, RenderRow::<GoalRow>::new(&user, &goal));
        state
            .core
            .tasks
            .execute(&task, &caller.ctx, TaskCommand::LinkGoal(goal_id), None, hook)
            .await
            .map_err(from_command)?;
        let row = read::<GoalRow>(&state, &user, &goal).await?;
        Ok(goal_response(StatusCode::OK, None, &row))
    })
    .await
}

/// Stops counting the task toward the goal; 404 when it was not linked.
#[utoipa::path(delete, path = "/goals/{id}/tasks/{task_id}", tag = "goals", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("task_id" = Uuid, Path)), responses((status = 204)))]
async fn unlink_task(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, task)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let (goal_id, _, task) = link_ids(&state, &caller.user.to_string(), &id, &task).await?;
    state
        .core
        .tasks
        .execute(&task, &caller.ctx, TaskCommand::UnlinkGoal(goal_id), None, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The goal's events, oldest first.
#[utoipa::path(get, path = "/goals/{id}/history", tag = "goals", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry]), (status = 404, body = Problem)))]
async fn goal_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (_, id) = GOALS.id::<GoalId>(&id)?;
    Ok(axum::Json(GOALS.history(&state, user, &id).await?))
}
