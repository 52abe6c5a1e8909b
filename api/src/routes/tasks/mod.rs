//! `/tasks`: the task list with its filters, single tasks, batch creation, activity and history.
use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use joan_commands::{Conn, StoreError};
use joan_domain::Timestamp;
use joan_domain::task::{Task, TaskCommand, TaskError, TaskStatus};
use joan_projections::task_queries::{self, TaskFilter};
use joan_projections::tasks;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::error::{ApiError, Problem, from_command};
use crate::http::extract::{ApiJson, ApiQuery, Caller, CurrentUser, IfMatch, Page, etag};
use crate::http::fields::Fields;
use crate::http::idempotency::{Idempotency, Render};
use crate::http::state::AppState;

pub mod body;
pub mod view;

use body::{CreateTask, CreateTasks, PatchTask};
use view::{ActivityView, HistoryEntry, TaskView};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tasks, create_task))
        .routes(routes!(create_tasks))
        .routes(routes!(get_task, patch_task, delete_task))
        .routes(routes!(complete_task))
        .routes(routes!(reopen_task))
        .routes(routes!(task_activity))
        .routes(routes!(task_history))
}

fn task_error(e: TaskError) -> ApiError {
    match e {
        TaskError::NotFound | TaskError::Deleted => ApiError::NotFound,
        TaskError::AlreadyExists => ApiError::Conflict {
            code: "task_exists",
            detail: e.to_string(),
        },
        TaskError::AlreadyCompleted => ApiError::Conflict {
            code: "already_completed",
            detail: e.to_string(),
        },
        TaskError::NotCompleted => ApiError::Conflict {
            code: "not_completed",
            detail: e.to_string(),
        },
    }
}

fn location(id: &str) -> String {
    format!("/api/v1/tasks/{id}")
}

/// A task id from the path; anything that is not a UUID cannot be a task, so it is a 404.
fn task_id(raw: &str) -> Result<String, ApiError> {
    Uuid::parse_str(raw)
        .map(|u| u.to_string())
        .map_err(|_| ApiError::NotFound)
}

/// The `ETag` of a task at `version`.
fn etag_header(version: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        headers.insert(header::ETAG, v);
    }
    headers
}

/// `200` (or `201`) with the task, its `ETag`, and for creations its `Location`.
fn task_response(status: StatusCode, task: TaskView) -> Response {
    let mut headers = etag_header(task.version);
    if status == StatusCode::CREATED {
        if let Ok(v) = HeaderValue::from_str(&location(&task.id)) {
            headers.insert(header::LOCATION, v);
        }
    }
    (status, headers, axum::Json(task)).into_response()
}

async fn read_task(state: &AppState, user: &str, id: &str) -> Result<TaskView, ApiError> {
    task_queries::get(state.core.store.db(), user, id)
        .await
        .map_err(ApiError::internal)?
        .map(TaskView::from)
        .ok_or(ApiError::NotFound)
}

/// Renders tasks from inside the append transaction, for idempotent replays.
struct RenderTasks {
    user: String,
    ids: Vec<String>,
    many: bool,
}

#[async_trait]
impl Render for RenderTasks {
    async fn render(&self, conn: &mut Conn<'_>) -> Result<(String, Option<String>), StoreError> {
        let mut views = Vec::with_capacity(self.ids.len());
        for id in &self.ids {
            if let Some(row) = task_queries::get_in(conn, &self.user, id).await? {
                views.push(TaskView::from(row));
            }
        }
        if self.many {
            Ok((serde_json::to_string(&views)?, None))
        } else {
            let tag = views.first().map(|v| etag(v.version));
            Ok((serde_json::to_string(&views.first())?, tag))
        }
    }
}

/// Filters of `GET /tasks`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    pub status: Option<String>,
    pub priority: Option<i64>,
    pub folder_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub goal_id: Option<Uuid>,
    /// Due strictly before this date or timestamp.
    pub due_before: Option<String>,
    /// Due strictly after this date or timestamp.
    pub due_after: Option<String>,
    /// Has this tag.
    pub tag: Option<String>,
    /// Text in the title or description (case-insensitive).
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl TaskQuery {
    /// The filter and page, or every invalid parameter at once.
    fn parse(self) -> Result<(TaskFilter, i64, i64), ApiError> {
        use joan_domain::task::{DueDate, Priority};
        let mut f = Fields::default();
        let status = f.opt("status", self.status.as_deref(), TaskStatus::parse);
        let priority = f.opt("priority", self.priority, Priority::parse);
        let due_before = f.opt("due_before", self.due_before.as_deref(), DueDate::parse);
        let due_after = f.opt("due_after", self.due_after.as_deref(), DueDate::parse);
        let page = Page {
            limit: self.limit,
            offset: self.offset,
        }
        .validate();
        let (limit, offset) = match page {
            Ok(p) => p,
            Err(ApiError::Validation(more)) => {
                f.errors.extend(more);
                (0, 0)
            }
            Err(e) => return Err(e),
        };
        let filter = TaskFilter {
            status: status.map(|s| s.as_str().to_string()),
            priority: priority.map(|p| i64::from(u8::from(p))),
            folder_id: self.folder_id.map(|u| u.to_string()),
            project_id: self.project_id.map(|u| u.to_string()),
            goal_id: self.goal_id.map(|u| u.to_string()),
            due_before: due_before.map(String::from),
            due_after: due_after.map(String::from),
            tag: self.tag,
            q: self.q,
        };
        f.finish((filter, limit, offset)).map_err(ApiError::Validation)
    }
}

/// The caller's tasks, newest first.
#[utoipa::path(get, path = "/tasks", tag = "tasks", params(TaskQuery), security(("bearer" = [])),
    responses((status = 200, body = [TaskView], headers(("x-total-count" = i64))),
        (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list_tasks(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<TaskQuery>,
) -> Result<Response, ApiError> {
    let (filter, limit, offset) = query.parse()?;
    let (page, total) = task_queries::list_json(state.core.store.db(), &user.to_string(), &filter, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
        (HeaderName::from_static("x-total-count"), HeaderValue::from(total)),
    ];
    Ok((headers, page).into_response())
}

/// Creates a task.
#[utoipa::path(post, path = "/tasks", tag = "tasks", request_body = CreateTask, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = TaskView), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn create_task(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateTask>,
) -> Result<Response, ApiError> {
    let idem = Idempotency::new(caller.user, caller.ctx.idempotency_key.as_deref(), "POST /tasks", &body)?;
    if let Some(replayed) = idem.replay(state.core.store.db()).await? {
        return Ok(replayed);
    }
    // Time-ordered ids keep the tasks index appending at its end.
    let uuid = Uuid::now_v7();
    let new = body.parse(uuid, "").map_err(ApiError::Validation)?;
    let id = uuid.to_string();
    let render = RenderTasks {
        user: caller.user.to_string(),
        ids: vec![id.clone()],
        many: false,
    };
    let hook = idem.recorder(StatusCode::CREATED, Some(location(&id)), Box::new(render));
    let (outcome, decided) = match state
        .core
        .tasks
        .execute_new_decided(&id, &caller.ctx, TaskCommand::Create(new), hook)
        .await
    {
        Ok(done) => done,
        Err(e) => {
            return idem
                .replay_after_failure(state.core.store.db(), from_command(e, task_error))
                .await;
        }
    };
    // The row the projector wrote in the same transaction, from the same event: no read.
    let row = outcome
        .events
        .first()
        .zip(decided.first())
        .and_then(|(stored, change)| tasks::created_row(stored, change))
        .ok_or_else(|| ApiError::internal(std::io::Error::other("a task creation appended no TaskCreated")))?;
    Ok(task_response(StatusCode::CREATED, TaskView::from(row)))
}

/// Creates up to 100 tasks in one transaction: all of them, or none.
#[utoipa::path(post, path = "/tasks/batch", tag = "tasks", request_body = CreateTasks, security(("bearer" = [])),
    responses((status = 201, body = [TaskView]), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn create_tasks(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateTasks>,
) -> Result<Response, ApiError> {
    if body.tasks.is_empty() || body.tasks.len() > 100 {
        return Err(ApiError::invalid("tasks", "must hold 1 to 100 tasks"));
    }
    let idem = Idempotency::new(
        caller.user,
        caller.ctx.idempotency_key.as_deref(),
        "POST /tasks/batch",
        &body,
    )?;
    if let Some(replayed) = idem.replay(state.core.store.db()).await? {
        return Ok(replayed);
    }
    let mut commands = Vec::with_capacity(body.tasks.len());
    let mut errors = Vec::new();
    for (i, task) in body.tasks.iter().enumerate() {
        let id = Uuid::now_v7();
        match task.parse(id, &format!("tasks[{i}].")) {
            Ok(new) => commands.push((id.to_string(), TaskCommand::Create(new))),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let user = caller.user.to_string();
    let ids: Vec<String> = commands.iter().map(|(id, _)| id.clone()).collect();
    let hook = idem.recorder(
        StatusCode::CREATED,
        None,
        Box::new(RenderTasks {
            user: user.clone(),
            ids: ids.clone(),
            many: true,
        }),
    );
    if let Err(e) = state.core.tasks.execute_new_many(&caller.ctx, commands, hook).await {
        return idem
            .replay_after_failure(state.core.store.db(), from_command(e, task_error))
            .await;
    }
    let mut views = Vec::with_capacity(ids.len());
    for id in &ids {
        views.push(read_task(&state, &user, id).await?);
    }
    Ok((StatusCode::CREATED, axum::Json(views)).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// The task as it was at this instant (RFC 3339).
    pub as_of: Option<String>,
}

/// One task, now or `as_of` an earlier instant.
#[utoipa::path(get, path = "/tasks/{id}", tag = "tasks", params(("id" = Uuid, Path), AsOf), security(("bearer" = [])),
    responses((status = 200, body = TaskView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_task(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(AsOf { as_of }): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let id = task_id(&id)?;
    let Some(as_of) = as_of else {
        // Rendered from the row's values, as the list is: no row struct, no view struct.
        let (body, version) = task_queries::get_json(state.core.store.db(), &user.to_string(), &id)
            .await
            .map_err(ApiError::internal)?
            .ok_or(ApiError::NotFound)?;
        let mut headers = etag_header(version);
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        return Ok((headers, body).into_response());
    };
    let at = Timestamp::parse(&as_of).map_err(|_| ApiError::invalid("as_of", "must be an RFC 3339 timestamp"))?;
    let events = owned_stream(&state, &user.to_string(), &id).await?;
    let until: Vec<_> = events
        .into_iter()
        .filter(|e| e.recorded_at <= at.to_rfc3339())
        .collect();
    let (task, version) = joan_commands::service::fold::<Task>(&until).map_err(ApiError::internal)?;
    if task.deleted {
        return Err(ApiError::NotFound);
    }
    Ok(task_response(
        StatusCode::OK,
        TaskView::from_state(task, version).ok_or(ApiError::NotFound)?,
    ))
}

/// A task's events, if the caller owns the task (even after deletion).
async fn owned_stream(state: &AppState, user: &str, id: &str) -> Result<Vec<joan_commands::StoredEvent>, ApiError> {
    let events = state
        .core
        .store
        .load_stream("task", id)
        .await
        .map_err(ApiError::internal)?;
    match events.first() {
        Some(first) if first.owner_id.as_deref() == Some(user) => Ok(events),
        _ => Err(ApiError::NotFound),
    }
}

/// Changes some fields. `If-Match` makes it conditional on the version.
#[utoipa::path(patch, path = "/tasks/{id}", tag = "tasks", request_body = PatchTask, security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = TaskView), (status = 404, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
async fn patch_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchTask>,
) -> Result<Response, ApiError> {
    let id = task_id(&id)?;
    let changes = body.parse().map_err(ApiError::Validation)?;
    state
        .core
        .tasks
        .execute(&id, &caller.ctx, TaskCommand::Update(changes), expected, None)
        .await
        .map_err(|e| from_command(e, task_error))?;
    Ok(task_response(
        StatusCode::OK,
        read_task(&state, &caller.user.to_string(), &id).await?,
    ))
}

/// Deletes a task; its history stays.
#[utoipa::path(delete, path = "/tasks/{id}", tag = "tasks", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 404, body = Problem), (status = 412, body = Problem)))]
async fn delete_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let id = task_id(&id)?;
    state
        .core
        .tasks
        .execute(&id, &caller.ctx, TaskCommand::Delete, expected, None)
        .await
        .map_err(|e| from_command(e, task_error))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Runs a one-word command (complete, reopen) with idempotency.
async fn transition(
    state: &AppState,
    caller: Caller,
    id: &str,
    command: TaskCommand,
    route: &str,
) -> Result<Response, ApiError> {
    let id = task_id(id)?;
    let idem = Idempotency::new(
        caller.user,
        caller.ctx.idempotency_key.as_deref(),
        &format!("{route} {id}"),
        &(),
    )?;
    if let Some(replayed) = idem.replay(state.core.store.db()).await? {
        return Ok(replayed);
    }
    let user = caller.user.to_string();
    let hook = idem.recorder(
        StatusCode::OK,
        None,
        Box::new(RenderTasks {
            user: user.clone(),
            ids: vec![id.clone()],
            many: false,
        }),
    );
    if let Err(e) = state.core.tasks.execute(&id, &caller.ctx, command, None, hook).await {
        return idem
            .replay_after_failure(state.core.store.db(), from_command(e, task_error))
            .await;
    }
    Ok(task_response(StatusCode::OK, read_task(state, &user, &id).await?))
}

/// Marks a task completed (sets `completed_at`).
#[utoipa::path(post, path = "/tasks/{id}/complete", tag = "tasks", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = TaskView), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn complete_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    transition(&state, caller, &id, TaskCommand::Complete, "POST /tasks/complete").await
}

/// Reopens a completed task (clears `completed_at`).
#[utoipa::path(post, path = "/tasks/{id}/reopen", tag = "tasks", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = TaskView), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn reopen_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    transition(&state, caller, &id, TaskCommand::Reopen, "POST /tasks/reopen").await
}

/// What happened to a task, newest first.
#[utoipa::path(get, path = "/tasks/{id}/activity", tag = "tasks", params(("id" = Uuid, Path), Page), security(("bearer" = [])),
    responses((status = 200, body = [ActivityView]), (status = 404, body = Problem)))]
async fn task_activity(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    let id = task_id(&id)?;
    let (limit, offset) = page.validate()?;
    owned_stream(&state, &user.to_string(), &id).await?;
    let (rows, total) = task_queries::activity(state.core.store.db(), &id, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    let views: Vec<ActivityView> = rows.into_iter().map(ActivityView::from).collect();
    Ok(([("x-total-count", total.to_string())], axum::Json(views)).into_response())
}

/// The task's events, oldest first.
#[utoipa::path(get, path = "/tasks/{id}/history", tag = "tasks", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = [HistoryEntry]), (status = 404, body = Problem)))]
async fn task_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let id = task_id(&id)?;
    let events = owned_stream(&state, &user.to_string(), &id).await?;
    Ok(axum::Json(events.into_iter().map(HistoryEntry::from).collect()))
}
