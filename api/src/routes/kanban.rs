//! `/kanban/boards`: the caller's boards, their columns, and moving tasks between them.
//!
//! A board is its own stream; a move is the task's (`TaskCommand::MoveOnBoard`), so it shows
//! in the task's activity and a column with a status sets the task's status by the task's rules.
use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use joan_commands::{Conn, StoreError, StoredEvent};
use joan_domain::Timestamp;
use joan_domain::board::{Board, BoardCommand, BoardError};
use joan_domain::task::{TaskCommand, TaskError, TaskStatus};
use joan_projections::kanban_queries;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::http::error::{ApiError, FieldError, Problem, from_command};
use crate::http::extract::{ApiJson, ApiQuery, Caller, CurrentUser, IfMatch, Page, etag};
use crate::http::idempotency::{Idempotency, Render};
use crate::http::state::AppState;
use crate::routes::tasks::view::HistoryEntry;

pub mod body;
pub mod view;

use body::{CreateBoard, MoveCard, PatchBoard};
use view::{BoardDetail, BoardView, ColumnView};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_boards, create_board))
        .routes(routes!(get_board, patch_board, delete_board))
        .routes(routes!(move_card))
        .routes(routes!(board_history))
}

fn board_error(e: BoardError) -> ApiError {
    match e {
        BoardError::NotFound | BoardError::Deleted => ApiError::NotFound,
        BoardError::AlreadyExists => ApiError::Conflict {
            code: "board_exists",
            detail: e.to_string(),
        },
    }
}

/// A move only fails on the task when it is missing, deleted or someone else's.
fn moved_task_error(e: TaskError) -> ApiError {
    match e {
        TaskError::NotFound | TaskError::Deleted => ApiError::NotFound,
        other => ApiError::Conflict {
            code: "task_conflict",
            detail: other.to_string(),
        },
    }
}

fn location(id: &str) -> String {
    format!("/api/v1/kanban/boards/{id}")
}

/// A board id from the path; anything that is not a UUID cannot be a board, so it is a 404.
fn board_id(raw: &str) -> Result<String, ApiError> {
    Uuid::parse_str(raw)
        .map(|u| u.to_string())
        .map_err(|_| ApiError::NotFound)
}

/// `200` (or `201`) with the board, its `ETag`, and for creations its `Location`.
fn board_response(status: StatusCode, board: BoardDetail) -> Response {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&etag(board.board.version)) {
        headers.insert(header::ETAG, v);
    }
    if status == StatusCode::CREATED {
        if let Ok(v) = HeaderValue::from_str(&location(&board.board.id)) {
            headers.insert(header::LOCATION, v);
        }
    }
    (status, headers, axum::Json(board)).into_response()
}

async fn read_board(state: &AppState, user: &str, id: &str) -> Result<BoardDetail, ApiError> {
    let db = state.core.store.db();
    let row = kanban_queries::get(db, user, id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    let cards = kanban_queries::cards(db, id).await.map_err(ApiError::internal)?;
    Ok(BoardDetail::new(row, cards))
}

/// Renders the board from inside the append transaction, for idempotent replays.
struct RenderBoard {
    user: String,
    id: String,
}

#[async_trait]
impl Render for RenderBoard {
    async fn render(&self, conn: &mut Conn<'_>) -> Result<(String, Option<String>), StoreError> {
        let Some(row) = kanban_queries::get_in(conn, &self.user, &self.id).await? else {
            return Ok(("null".into(), None));
        };
        let cards = kanban_queries::cards_in(conn, &self.id).await?;
        let board = BoardDetail::new(row, cards);
        Ok((serde_json::to_string(&board)?, Some(etag(board.board.version))))
    }
}

/// The caller's boards, in their board order (without cards).
#[utoipa::path(get, path = "/kanban/boards", tag = "kanban", params(Page), security(("bearer" = [])),
    responses((status = 200, body = [BoardView], headers(("x-total-count" = i64))),
        (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list_boards(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    let (limit, offset) = page.validate()?;
    let (rows, total) = kanban_queries::list(state.core.store.db(), &user.to_string(), limit, offset)
        .await
        .map_err(ApiError::internal)?;
    let views: Vec<BoardView> = rows.into_iter().map(BoardView::from).collect();
    Ok(([("x-total-count", total.to_string())], axum::Json(views)).into_response())
}

/// Creates a board; without `columns` it gets todo, in_progress and completed.
#[utoipa::path(post, path = "/kanban/boards", tag = "kanban", request_body = CreateBoard, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 201, body = BoardDetail), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn create_board(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateBoard>,
) -> Result<Response, ApiError> {
    let db = state.core.store.db();
    let idem = Idempotency::new(
        caller.user,
        caller.ctx.idempotency_key.as_deref(),
        "POST /kanban/boards",
        &body,
    )?;
    if let Some(replayed) = idem.replay(db).await? {
        return Ok(replayed);
    }
    let id = Uuid::new_v4();
    let new = body.parse(id).map_err(ApiError::Validation)?;
    let (id, user) = (id.to_string(), caller.user.to_string());
    let render = RenderBoard {
        user: user.clone(),
        id: id.clone(),
    };
    let hook = idem.recorder(StatusCode::CREATED, Some(location(&id)), Box::new(render));
    if let Err(e) = state
        .core
        .boards
        .execute_new(&id, &caller.ctx, BoardCommand::Create(new), hook)
        .await
    {
        return idem.replay_after_failure(db, from_command(e, board_error)).await;
    }
    Ok(board_response(
        StatusCode::CREATED,
        read_board(&state, &user, &id).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// The board as it was at this instant (RFC 3339); its cards are then left out.
    pub as_of: Option<String>,
}

/// One board with its cards, ordered by column then position.
#[utoipa::path(get, path = "/kanban/boards/{id}", tag = "kanban", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])),
    responses((status = 200, body = BoardDetail), (status = 401, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)))]
async fn get_board(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(AsOf { as_of }): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let id = board_id(&id)?;
    let user = user.to_string();
    let Some(as_of) = as_of else {
        return Ok(board_response(StatusCode::OK, read_board(&state, &user, &id).await?));
    };
    let at = Timestamp::parse(&as_of).map_err(|_| ApiError::invalid("as_of", "must be an RFC 3339 timestamp"))?;
    let events = owned_stream(&state, &user, &id).await?;
    let until: Vec<_> = events
        .into_iter()
        .filter(|e| e.recorded_at <= at.to_rfc3339())
        .collect();
    let (board, version) = joan_commands::service::fold::<Board>(&until).map_err(ApiError::internal)?;
    if board.deleted {
        return Err(ApiError::NotFound);
    }
    // The board's place among its owner's boards is not in its events; today's is shown.
    let position = kanban_queries::get(state.core.store.db(), &user, &id)
        .await
        .map_err(ApiError::internal)?
        .map_or(0, |row| row.kanban_position);
    let detail = BoardDetail::from_state(board, version, position).ok_or(ApiError::NotFound)?;
    Ok(board_response(StatusCode::OK, detail))
}

/// A board's events, if the caller owns the board (even after deletion).
async fn owned_stream(state: &AppState, user: &str, id: &str) -> Result<Vec<StoredEvent>, ApiError> {
    let events = state
        .core
        .store
        .load_stream("board", id)
        .await
        .map_err(ApiError::internal)?;
    match events.first() {
        Some(first) if first.owner_id.as_deref() == Some(user) => Ok(events),
        _ => Err(ApiError::NotFound),
    }
}

/// Changes some of name, description, project_id, columns and settings. `If-Match` makes it
/// conditional on the version.
#[utoipa::path(patch, path = "/kanban/boards/{id}", tag = "kanban", request_body = PatchBoard,
    security(("bearer" = [])), params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = BoardDetail), (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
async fn patch_board(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchBoard>,
) -> Result<Response, ApiError> {
    let id = board_id(&id)?;
    let changes = body.parse().map_err(ApiError::Validation)?;
    state
        .core
        .boards
        .execute(&id, &caller.ctx, BoardCommand::Update(changes), expected, None)
        .await
        .map_err(|e| from_command(e, board_error))?;
    Ok(board_response(
        StatusCode::OK,
        read_board(&state, &caller.user.to_string(), &id).await?,
    ))
}

/// Deletes a board and its cards (the tasks stay); its history stays.
#[utoipa::path(delete, path = "/kanban/boards/{id}", tag = "kanban", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), (status = 404, body = Problem), (status = 412, body = Problem)))]
async fn delete_board(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let id = board_id(&id)?;
    state
        .core
        .boards
        .execute(&id, &caller.ctx, BoardCommand::Delete, expected, None)
        .await
        .map_err(|e| from_command(e, board_error))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Places one of the caller's tasks in a column at a position (0-based, clamped to the
/// column's length); the other cards close up. A column with a status gives it to the task.
#[utoipa::path(post, path = "/kanban/boards/{id}/move", tag = "kanban", request_body = MoveCard,
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses((status = 200, body = BoardDetail), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn move_card(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MoveCard>,
) -> Result<Response, ApiError> {
    let id = board_id(&id)?;
    let db = state.core.store.db();
    let idem = Idempotency::new(
        caller.user,
        caller.ctx.idempotency_key.as_deref(),
        &format!("POST /kanban/boards/{id}/move"),
        &body,
    )?;
    if let Some(replayed) = idem.replay(db).await? {
        return Ok(replayed);
    }
    let user = caller.user.to_string();
    let board = kanban_queries::get(db, &user, &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    let columns: Vec<ColumnView> = serde_json::from_str(&board.columns).map_err(ApiError::internal)?;
    let column = columns.iter().find(|c| c.id == body.column_id);
    let mut errors = Vec::new();
    if column.is_none() {
        errors.push(FieldError::new("column_id", "no such column on this board"));
    }
    if body.position < 0 {
        errors.push(FieldError::new("position", "must not be negative"));
    }
    let Some(column) = column.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let status = column
        .status
        .as_deref()
        .map(TaskStatus::parse)
        .transpose()
        .map_err(ApiError::internal)?;
    let task = body.task_id.to_string();
    // The projector clamps too; clamping here records the position the card really takes.
    let last = kanban_queries::column_len_without(db, &id, &column.id, &task)
        .await
        .map_err(ApiError::internal)?;
    let position = u32::try_from(body.position.min(last)).map_err(ApiError::internal)?;
    let command = TaskCommand::MoveOnBoard {
        board_id: Uuid::parse_str(&id).map_err(ApiError::internal)?,
        column_id: column.id.clone(),
        position,
        status,
    };
    let render = RenderBoard {
        user: user.clone(),
        id: id.clone(),
    };
    let hook = idem.recorder(StatusCode::OK, None, Box::new(render));
    if let Err(e) = state.core.tasks.execute(&task, &caller.ctx, command, None, hook).await {
        return idem.replay_after_failure(db, from_command(e, moved_task_error)).await;
    }
    Ok(board_response(StatusCode::OK, read_board(&state, &user, &id).await?))
}

/// The board's events, oldest first.
#[utoipa::path(get, path = "/kanban/boards/{id}/history", tag = "kanban", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = [HistoryEntry]), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn board_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let id = board_id(&id)?;
    let events = owned_stream(&state, &user.to_string(), &id).await?;
    Ok(axum::Json(events.into_iter().map(HistoryEntry::from).collect()))
}
