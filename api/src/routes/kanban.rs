//! `/kanban/boards`: the caller's boards, their columns, and moving tasks between them.
//!
//! A board is its own stream; a move is the task's (`TaskCommand::MoveOnBoard`), so it shows
//! in the task's activity and a column with a status sets the task's status by the task's rules.
use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_commands::{Conn, Executor, StoreError};
use joan_domain::board::BoardCommand;
use joan_domain::task::{TaskCommand, TaskStatus};
use joan_domain::{BoardId, TaskId};
use joan_projections::boards::{BoardRow, Boards};
use joan_projections::{kanban_queries, table};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::{ApiError, FieldError, Problem, from_command};
use crate::http::extract::{
    ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IdempotencyHeaders, IfMatch, Page, etag,
};
use crate::http::idempotency::Render;
use crate::http::resource::{AsOf, HistoryEntry, Resource, idempotent, respond, respond_page};
use crate::http::state::AppState;

pub mod body;
pub mod view;

use body::{CreateBoard, MoveCard, PatchBoard};
use view::{BoardDetail, ColumnView};

pub const BOARDS: Resource = Resource::new("board", "/api/v1/kanban/boards");

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_boards, create_board))
        .routes(routes!(get_board, patch_board, delete_board))
        .routes(routes!(move_card))
        .routes(routes!(board_history))
}

/// The board with its cards, read through `ex` (the pool, or the append transaction).
async fn board_detail(ex: &mut impl Executor, user: &str, id: &str) -> Result<Option<BoardDetail>, sqlx::Error> {
    let Some(row) = table::get::<BoardRow>(ex, user, id).await? else {
        return Ok(None);
    };
    let cards = kanban_queries::cards(ex, id).await?;
    Ok(Some(BoardDetail::new(row, cards)))
}

async fn read_board(state: &AppState, user: &str, id: &str) -> Result<BoardDetail, ApiError> {
    board_detail(&mut state.core.store.db(), user, id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)
}

fn board_response(status: StatusCode, location: Option<&str>, board: &BoardDetail) -> Response {
    respond(status, board.board.version, location, board)
}

/// Renders the board from inside the append transaction, for idempotent replays.
struct RenderBoard {
    user: String,
    id: String,
}

#[async_trait]
impl Render for RenderBoard {
    async fn render(&self, conn: &mut Conn<'_>) -> Result<(String, Option<String>), StoreError> {
        let Some(board) = board_detail(conn, &self.user, &self.id).await? else {
            return Ok(("null".into(), None));
        };
        Ok((serde_json::to_string(&board)?, Some(etag(board.board.version))))
    }
}

/// The caller's boards, in their board order (without cards).
#[utoipa::path(get, path = "/kanban/boards", tag = "kanban", params(Page), security(("bearer" = [])),
    responses((status = 200, body = [BoardRow], headers(("x-total-count" = i64))),
        (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list_boards(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    let (limit, offset) = page.validate()?;
    let (page, total) = kanban_queries::list_json(state.core.store.db(), &user.to_string(), limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// Creates a board; without `columns` it gets todo, in_progress and completed.
#[utoipa::path(post, path = "/kanban/boards", tag = "kanban", request_body = CreateBoard, security(("bearer" = [])),
    params(IdempotencyHeaders),
    responses((status = 201, body = BoardDetail), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn create_board(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateBoard>,
) -> Result<Response, ApiError> {
    idempotent(&state, &caller, "POST /kanban/boards", &body.clone(), async |idem| {
        let id = BoardId::generate();
        let new = body.parse(id).map_err(ApiError::Validation)?;
        let (id, user) = (id.to_string(), caller.user.to_string());
        let location = BOARDS.location(&id);
        let render = RenderBoard {
            user: user.clone(),
            id: id.clone(),
        };
        let hook = idem.recorder(StatusCode::CREATED, Some(location.clone()), Box::new(render));
        state
            .core
            .boards
            .execute_new(&id, &caller.ctx, BoardCommand::Create(new), hook)
            .await
            .map_err(from_command)?;
        let board = read_board(&state, &user, &id).await?;
        Ok(board_response(StatusCode::CREATED, Some(&location), &board))
    })
    .await
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
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = BOARDS.id::<BoardId>(&id)?;
    let Some(at) = as_of.parse()? else {
        let board = read_board(&state, &user.to_string(), &id).await?;
        return Ok(board_response(StatusCode::OK, None, &board));
    };
    let mut board = BOARDS.as_of::<Boards>(&state, user, &id, at).await?;
    // The board's place among its owner's boards is not in its events; today's is shown.
    board.kanban_position = table::get::<BoardRow>(&mut state.core.store.db(), &user.to_string(), &id)
        .await
        .map_err(ApiError::internal)?
        .map_or(0, |row| row.kanban_position);
    let detail = BoardDetail { board, cards: None };
    Ok(board_response(StatusCode::OK, None, &detail))
}

/// Changes some of name, description, project_id, columns and settings. `If-Match` makes it
/// conditional on the version.
#[utoipa::path(patch, path = "/kanban/boards/{id}", tag = "kanban", request_body = PatchBoard,
    security(("bearer" = [])), params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 200, body = BoardDetail), (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)))]
async fn patch_board(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchBoard>,
) -> Result<Response, ApiError> {
    let (_, id) = BOARDS.id::<BoardId>(&id)?;
    let changes = body.parse().map_err(ApiError::Validation)?;
    state
        .core
        .boards
        .execute(&id, &caller.ctx, BoardCommand::Update(changes), expected, None)
        .await
        .map_err(from_command)?;
    let board = read_board(&state, &caller.user.to_string(), &id).await?;
    Ok(board_response(StatusCode::OK, None, &board))
}

/// Deletes a board and its cards (the tasks stay); its history stays.
#[utoipa::path(delete, path = "/kanban/boards/{id}", tag = "kanban", security(("bearer" = [])),
    params(("id" = Uuid, Path), ConditionalHeaders),
    responses((status = 204), (status = 404, body = Problem), (status = 412, body = Problem)))]
async fn delete_board(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(expected): IfMatch,
) -> Result<StatusCode, ApiError> {
    let (_, id) = BOARDS.id::<BoardId>(&id)?;
    state
        .core
        .boards
        .execute(&id, &caller.ctx, BoardCommand::Delete, expected, None)
        .await
        .map_err(from_command)?;
    Ok(StatusCode::NO_CONTENT)
}

/// Places one of the caller's tasks in a column at a position (0-based, clamped to the
/// column's length); the other cards close up. A column with a status gives it to the task.
#[utoipa::path(post, path = "/kanban/boards/{id}/move", tag = "kanban", request_body = MoveCard,
    security(("bearer" = [])),
    params(("id" = Uuid, Path), IdempotencyHeaders),
    responses((status = 200, body = BoardDetail), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn move_card(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MoveCard>,
) -> Result<Response, ApiError> {
    let (board_id, id) = BOARDS.id::<BoardId>(&id)?;
    let route = format!("POST /kanban/boards/{id}/move");
    idempotent(&state, &caller, &route, &body.clone(), async |idem| {
        let db = state.core.store.db();
        let user = caller.user.to_string();
        let board = table::get::<BoardRow>(&mut &*db, &user, &id)
            .await
            .map_err(ApiError::internal)?
            .ok_or(ApiError::NotFound)?;
        let columns: Vec<ColumnView> = board.columns.decode().map_err(ApiError::internal)?;
        let column = columns.iter().find(|c| c.id == body.column_id);
        let mut errors = Vec::new();
        if column.is_none() {
            errors.push(FieldError::new("column_id", "no such column on this board"));
        }
        if body.position.get() < 0 {
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
        let task = TaskId(body.task_id).to_string();
        // The projector clamps too; clamping here records the position the card really takes.
        let last = kanban_queries::column_len_without(db, &id, &column.id, &task)
            .await
            .map_err(ApiError::internal)?;
        let position = u32::try_from(body.position.get().min(last)).map_err(ApiError::internal)?;
        let command = TaskCommand::MoveOnBoard {
            board_id,
            column_id: column.id.clone(),
            position,
            status,
        };
        let render = RenderBoard {
            user: user.clone(),
            id: id.clone(),
        };
        let hook = idem.recorder(StatusCode::OK, None, Box::new(render));
        state
            .core
            .tasks
            .execute(&task, &caller.ctx, command, None, hook)
            .await
            .map_err(from_command)?;
        let board = read_board(&state, &user, &id).await?;
        Ok(board_response(StatusCode::OK, None, &board))
    })
    .await
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
    let (_, id) = BOARDS.id::<BoardId>(&id)?;
    Ok(axum::Json(BOARDS.history(&state, user, &id).await?))
}
