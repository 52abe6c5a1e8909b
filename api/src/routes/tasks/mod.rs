//! `/tasks`: the task list with its filters, single tasks, batch creation, activity and history.
use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use joan_commands::{Conn, StoreError};
use joan_domain::task::{TaskCommand, TaskStatus};
use joan_domain::{TaskId, UserId};
use joan_projections::task_queries::{self, TaskFilter};
use joan_projections::tasks::{self, TaskRow, Tasks};
use joan_projections::{projects, table};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::error::{ApiError, Problem, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page, etag,
};
use crate::http::fields::Fields;
use crate::http::idempotency::Render;
use crate::http::resource::{
    AsOf, HistoryEntry, Resource, idempotent, replay_until, respond, respond_page, respond_raw,
};
use crate::http::revert::{RevertBody, restoring};
use crate::http::schema::{date_or_time, search_text, tag_filter};
use crate::http::state::AppState;

pub mod access;
pub mod body;
pub mod view;

use body::{CreateTask, CreateTasks, PatchTask, schemas};
use view::ActivityView;

pub const TASKS: Resource = Resource::new("task", "/api/v1/tasks");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tasks, create_task))
        .routes(routes!(create_tasks))
        .routes(routes!(get_task, patch_task, delete_task))
        .routes(routes!(revert_task))
        .routes(routes!(complete_task))
        .routes(routes!(reopen_task))
        .routes(routes!(task_activity))
        .routes(routes!(task_history))
}

/// The task, when it is the caller's or in a project they are a member of.
pub(crate) async fn read_task(state: &AppState, user: UserId, id: &str) -> Result<TaskRow, ApiError> {
    let own = table::get::<TaskRow>(&mut state.core.store.db(), &user.to_string(), id)
        .await
        .map_err(ApiError::internal)?;
    if let Some(row) = own {
        return Ok(row);
    }
    let shared = access::shared(state, user, id).await?.ok_or(ApiError::NotFound)?;
    table::get::<TaskRow>(&mut state.core.store.db(), &shared.owner, id)
        .await
        .map_err(ApiError::internal)?
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
        let mut rows = Vec::with_capacity(self.ids.len());
        for id in &self.ids {
            rows.extend(table::get::<TaskRow>(conn, &self.user, id).await?);
        }
        if self.many {
            Ok((serde_json::to_string(&rows)?, None))
        } else {
            let tag = rows.first().map(|r| etag(r.version));
            Ok((serde_json::to_string(&rows.first())?, tag))
        }
    }
}

/// Filters of `GET /tasks`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    #[param(schema_with = schemas::status)]
    pub status: Option<String>,
    #[param(schema_with = schemas::priority)]
    pub priority: Option<i64>,
    pub folder_id: Option<Uuid>,
    pub project_id: Option<Uuid>,
    pub goal_id: Option<Uuid>,
    /// Due strictly before this date or timestamp.
    #[param(schema_with = date_or_time)]
    pub due_before: Option<String>,
    /// Due strictly after this date or timestamp.
    #[param(schema_with = date_or_time)]
    pub due_after: Option<String>,
    /// Has this tag.
    #[param(schema_with = tag_filter)]
    pub tag: Option<String>,
    /// Words that must all occur in the title or description; the best match comes first.
    #[param(schema_with = search_text)]
    pub q: Option<String>,
    /// Rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

impl TaskQuery {
    /// The filter and page, or every invalid parameter at once.
    fn parse(self) -> Result<(TaskFilter, i64, i64), ApiError> {
        use joan_domain::task::{DueDate, Priority};
        use joan_domain::text::SearchText;
        let mut f = Fields::default();
        let status = f.opt("status", self.status.as_deref(), TaskStatus::parse);
        let priority = f.opt("priority", self.priority, Priority::parse);
        let due_before = f.opt("due_before", self.due_before.as_deref(), DueDate::parse);
        let due_after = f.opt("due_after", self.due_after.as_deref(), DueDate::parse);
        let tag = f.opt("tag", self.tag.as_deref(), SearchText::tag);
        let q = f.opt("q", self.q.as_deref(), SearchText::parse);
        let (limit, offset) = f.page(Page {
            limit: self.limit,
            offset: self.offset,
        });
        let filter = TaskFilter {
            status: status.map(|s| s.as_str().to_string()),
            priority: priority.map(|p| i64::from(u8::from(p))),
            folder_id: self.folder_id.map(|u| u.to_string()),
            project_id: self.project_id.map(|u| u.to_string()),
            goal_id: self.goal_id.map(|u| u.to_string()),
            due_before: due_before.map(String::from),
            due_after: due_after.map(String::from),
            tag: tag.map(String::from),
            q: q.map(String::from),
            whole_project: false,
        };
        f.finish((filter, limit, offset)).map_err(ApiError::Validation)
    }
}

/// The caller's tasks, newest first.
#[utoipa::path(get, path = "/tasks", tag = "tasks", params(TaskQuery), security(("bearer" = [])),
    responses((status = 200, body = [TaskRow], headers(("x-total-count" = i64))),
        (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list_tasks(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<TaskQuery>,
) -> Result<Response, ApiError> {
    let (mut filter, limit, offset) = query.parse()?;
    if let Some(project) = &filter.project_id {
        // A member lists every task of the project.
        let role = projects::role_of(&mut state.core.store.db(), project, &user.to_string())
            .await
            .map_err(ApiError::internal)?;
        filter.whole_project = role.is_some();
    }
    let (page, total) = task_queries::list_json(state.core.store.db(), &user.to_string(), &filter, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Creates a task.
#[utoipa::path(post, path = "/tasks", tag = "tasks", request_body = CreateTask, security(("bearer" = [])),
    params(IdempotencyHeaders),
    responses((status = 201, body = TaskRow), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)))]
async fn create_task(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateTask>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /tasks", &body, async |idem| {
        let id = TaskId::generate();
        let new = body.parse(id, "").map_err(ApiError::Validation)?;
        access::check_project(&state, caller.user, new.project_id).await?;
        let (id, location) = (id.to_string(), TASKS.location(&id.to_string()));
        let render = RenderTasks {
            user: caller.user.to_string(),
            ids: vec![id.clone()],
            many: false,
        };
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), Box::new(render));
        let (outcome, decided) = state
            .core
            .tasks
            .execute_new_decided(&id, &caller.ctx, TaskCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        // The row the projector wrote in the same transaction, from the same event: no read.
        let row = outcome
            .events
            .first()
            .zip(decided.first())
            .and_then(|(stored, change)| tasks::created_row(stored, change))
            .ok_or_else(|| ApiError::internal(std::io::Error::other("a task creation appended no TaskCreated")))?;
        Ok(respond(StatusCode::CREATED, row.version, Some(&location), &row))
    })
    .await
}

/// Creates up to 100 tasks in one transaction: all of them, or none.
#[utoipa::path(post, path = "/tasks/batch", tag = "tasks", request_body = CreateTasks, security(("bearer" = [])),
    responses((status = 201, body = [TaskRow]), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem)))]
async fn create_tasks(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateTasks>,
) -> Result<Response, ApiError> {
    if body.tasks.is_empty() || body.tasks.len() > 100 {
        return Err(ApiError::invalid("tasks", "must hold 1 to 100 tasks"));
    }
    idempotent(&state, &caller, "POST /tasks/batch", &body, async |idem| {
        let mut commands = Vec::with_capacity(body.tasks.len());
        let mut errors = Vec::new();
        for (i, task) in body.tasks.iter().enumerate() {
            let id = TaskId::generate();
            match task.parse(id, &format!("tasks[{i}].")) {
                Ok(new) => commands.push((id.to_string(), TaskCommand::Create(new))),
                Err(mut e) => errors.append(&mut e),
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let mut projects: Vec<_> = commands
            .iter()
            .filter_map(|(_, c)| match c {
                TaskCommand::Create(new) => new.project_id,
                _ => None,
            })
            .collect();
        projects.sort();
        projects.dedup();
        for project in projects {
            access::check_project(&state, caller.user, Some(project)).await?;
        }
        let user = caller.user.to_string();
        let ids: Vec<String> = commands.iter().map(|(id, _)| id.clone()).collect();
        let render = RenderTasks {
            user: user.clone(),
            ids: ids.clone(),
            many: true,
        };
        let hook = idem.recorder(StatusCode::CREATED, None, Box::new(render));
        state
            .core
            .tasks
            .execute_new_many(&caller.ctx, commands, hook)
            .await
            .map_err(from_command)?;
        let mut rows = Vec::with_capacity(ids.len());
        for id in &ids {
            rows.push(read_task(&state, caller.user, id).await?);
        }
        Ok((StatusCode::CREATED, axum::Json(rows)).into_response())
    })
    .await
}

/// One task, now or `as_of` an earlier instant.
#[utoipa::path(get, path = "/tasks/{id}", tag = "tasks", params(("id" = Uuid, Path), AsOf), security(("bearer" = [])),
    responses((status = 200, body = TaskRow), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_task(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = TASKS.id::<TaskId>(&id)?;
    if let Some(at) = as_of.parse()? {
        let row = replay_until::<Tasks>(access::stream(&state, user, &id).await?, at)?;
        return Ok(respond(StatusCode::OK, row.version, None, &row));
    }
    // Rendered from the row's values, as the list is: no row struct, no view struct.
    let db = state.core.store.db();
    let mut found = table::get_json::<TaskRow>(db, &user.to_string(), &id)
        .await
        .map_err(ApiError::internal)?;
    if found.is_none() {
        // Someone else's task in a project the caller is a member of.
        if let Some(shared) = access::shared(&state, user, &id).await? {
            found = table::get_json::<TaskRow>(db, &shared.owner, &id)
                .await
                .map_err(ApiError::internal)?;
        }
    }
    let (body, version) = found.ok_or(ApiError::NotFound)?;
    Ok(respond_raw(version, body))
}

/// Changes some fields. `If-Match` makes it conditional on the version.
#[utoipa::path(patch, path = "/tasks/{id}", tag = "tasks", request_body = PatchTask, security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = TaskRow), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
async fn patch_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchTask>,
) -> Result<Response, ApiError> {
    let (_, id) = TASKS.id::<TaskId>(&id)?;
    let changes = body.parse().map_err(ApiError::Validation)?;
    access::check_project(&state, caller.user, changes.project_id.flatten()).await?;
    access::execute(&state, &caller, &id, TaskCommand::Update(changes), expected, |_| None).await?;
    let row = read_task(&state, caller.user, &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// The fields a revert restores.
const RESTORED: &[&str] = &[
    "title",
    "description",
    "status",
    "priority",
    "due_date",
    "folder_id",
    "project_id",
    "estimated_minutes",
    "actual_minutes",
    "tags",
];

/// Restores the task's fields as they were at an earlier `version`: a `TaskReverted` event
/// and each field's change, appended to its history. `If-Match` makes it conditional.
#[utoipa::path(post, path = "/tasks/{id}/revert", tag = "tasks", request_body = RevertBody, security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = TaskRow), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
async fn revert_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<RevertBody>,
) -> Result<Response, ApiError> {
    let (_, id) = TASKS.id::<TaskId>(&id)?;
    let events = access::stream(&state, caller.user, &id).await?;
    let (version, patch) = restoring::<Tasks, PatchTask>(&events, &body, RESTORED)?;
    let changes = patch.parse().map_err(ApiError::Validation)?;
    access::check_project(&state, caller.user, changes.project_id.flatten()).await?;
    let command = TaskCommand::Revert { version, changes };
    access::execute(&state, &caller, &id, command, expected, |_| None).await?;
    let row = read_task(&state, caller.user, &id).await?;
    Ok(respond(StatusCode::OK, row.version, None, &row))
}

/// Deletes a task; its history stays.
#[utoipa::path(delete, path = "/tasks/{id}", tag = "tasks", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem)))]
async fn delete_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = TASKS.id::<TaskId>(&id)?;
    access::execute(&state, &caller, &id, TaskCommand::Delete, expected, |_| None).await?;
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
    let (_, id) = TASKS.id::<TaskId>(id)?;
    idempotent(state, &caller, &format!("{route} {id}"), &(), async |idem| {
        let hook = |owner: &str| {
            let render = RenderTasks {
                user: owner.to_string(),
                ids: vec![id.clone()],
                many: false,
            };
            idem.recorder(StatusCode::OK, None, Box::new(render))
        };
        access::execute(state, &caller, &id, command, None, hook).await?;
        let row = read_task(state, caller.user, &id).await?;
        Ok(respond(StatusCode::OK, row.version, None, &row))
    })
    .await
}

/// Marks a task completed (sets `completed_at`).
#[utoipa::path(post, path = "/tasks/{id}/complete", tag = "tasks", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = TaskRow), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
async fn complete_task(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    transition(&state, caller, &id, TaskCommand::Complete, "POST /tasks/complete").await
}

/// Reopens a completed task (clears `completed_at`).
#[utoipa::path(post, path = "/tasks/{id}/reopen", tag = "tasks", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = TaskRow), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
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
    let (_, id) = TASKS.id::<TaskId>(&id)?;
    let (limit, offset) = page.validate()?;
    access::stream(&state, user, &id).await?;
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
    let (_, id) = TASKS.id::<TaskId>(&id)?;
    let events = access::stream(&state, user, &id).await?;
    Ok(axum::Json(events.into_iter().map(HistoryEntry::from).collect()))
}
