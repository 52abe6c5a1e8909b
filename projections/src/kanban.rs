//! `kanban_boards` and `kanban_cards`, kept inline.
//!
//! Boards come from the board's events; cards from the tasks' own `TaskMovedOnBoard` and
//! `TaskDeleted`. Positions within a column always run 0..n-1: every move takes the card out
//! (closing its gap), clamps the wanted position to the column's length, opens a gap there and
//! puts the card in. Only this projector's own tables are read, so a rebuild of it alone, or a
//! replay, gives the same rows.
use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent, args};
use joan_domain::board::{BoardEvent, Column};
use joan_domain::task::TaskEvent;
use serde_json::{Map, Value};

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};

pub struct KanbanProjector;

#[async_trait]
impl Projector for KanbanProjector {
    fn name(&self) -> &'static str {
        "kanban"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["kanban_boards", "kanban_cards"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == "board" || aggregate_type == "task"
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        match event.aggregate_type.as_str() {
            "board" => apply_board(conn, event).await,
            // Most task events do not touch a board; they are skipped without decoding.
            "task" if matches!(event.event_type.as_str(), "TaskMovedOnBoard" | "TaskDeleted") => {
                apply_task(conn, event).await
            }
            _ => Ok(()),
        }
    }
}

fn json_text<T: serde::Serialize>(value: &T, empty: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| empty.to_string())
}

/// `update kanban_boards set <column> = $1, version = $2, updated_at = $3 where id = $4`.
macro_rules! set_column {
    ($column:literal) => {
        concat!(
            "update kanban_boards set ",
            $column,
            " = $1, version = $2, updated_at = $3 where id = $4"
        )
    };
}

async fn apply_board(conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
    use BoardEvent::*;
    let id = event.aggregate_id.as_str();
    let version = event.sequence;
    let decoded = decode::<BoardEvent>(event)?;
    let at = decoded.at().to_rfc3339();
    let (sql, value): (&str, Option<String>) = match decoded {
        BoardCreated {
            user_id,
            name,
            description,
            project_id,
            columns,
            settings,
            ..
        } => {
            let user = user_id.to_string();
            let project = project_id.map(|p| p.to_string());
            // A new board goes after the owner's others; a replay numbers them the same way.
            conn.execute(
                "insert into kanban_boards (id, user_id, name, description, project_id, columns, settings, \
                 kanban_position, version, created_at, updated_at) \
                 select $1, $2, $3, $4, $5, $6, $7, coalesce(max(kanban_position) + 1, 0), $8, $9, $9 \
                 from kanban_boards where user_id = $2",
                &args![
                    id,
                    user.as_str(),
                    name.as_str(),
                    &description,
                    &project,
                    json_text(&columns, "[]").as_str(),
                    json_text(&settings, "{}").as_str(),
                    version,
                    at.as_str()
                ],
            )
            .await?;
            return Ok(());
        }
        BoardDeleted { .. } => {
            conn.execute("delete from kanban_cards where board_id = $1", &args![id])
                .await?;
            conn.execute("delete from kanban_boards where id = $1", &args![id])
                .await?;
            return Ok(());
        }
        BoardColumnsChanged { to, .. } => {
            drop_cards_outside(conn, id, &to).await?;
            (set_column!("columns"), Some(json_text(&to, "[]")))
        }
        BoardRenamed { to, .. } => (set_column!("name"), Some(to)),
        BoardDescriptionChanged { to, .. } => (set_column!("description"), to),
        BoardProjectChanged { to, .. } => (set_column!("project_id"), to.map(|p| p.to_string())),
        BoardSettingsChanged { to, .. } => (set_column!("settings"), Some(json_text(&to, "{}"))),
    };
    conn.execute(sql, &args![&value, version, at.as_str(), id]).await?;
    Ok(())
}

/// Cards in a column the board no longer has leave it; the other columns keep their order.
async fn drop_cards_outside(conn: &mut Conn<'_>, board: &str, columns: &[Column]) -> Result<(), ProjectionError> {
    let cards: Vec<(String, String)> = conn
        .fetch_all(
            "select task_id, column_id from kanban_cards where board_id = $1 order by task_id",
            &args![board],
        )
        .await?;
    for (task, column) in cards {
        if !columns.iter().any(|c| c.id() == column) {
            conn.execute(
                "delete from kanban_cards where board_id = $1 and task_id = $2",
                &args![board, task.as_str()],
            )
            .await?;
        }
    }
    Ok(())
}

async fn apply_task(conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
    let task = event.aggregate_id.as_str();
    match decode::<TaskEvent>(event)? {
        TaskEvent::TaskMovedOnBoard {
            board_id,
            column_id,
            position,
            ..
        } => {
            let board = board_id.to_string();
            if !accepts(conn, &board, &column_id, event.owner_id.as_deref()).await? {
                return Ok(());
            }
            take_out(conn, &board, task).await?;
            put_in(conn, &board, task, &column_id, i64::from(position)).await
        }
        TaskEvent::TaskDeleted { .. } => {
            let boards: Vec<(String,)> = conn
                .fetch_all(
                    "select board_id from kanban_cards where task_id = $1 order by board_id",
                    &args![task],
                )
                .await?;
            for (board,) in boards {
                take_out(conn, &board, task).await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether the board exists, belongs to the task's owner and has the column. The API checks
/// all three first; this keeps a move that raced a board change or deletion off the board.
async fn accepts(conn: &mut Conn<'_>, board: &str, column: &str, owner: Option<&str>) -> Result<bool, ProjectionError> {
    let row: Option<(String, String)> = conn
        .fetch_optional(
            "select user_id, columns from kanban_boards where id = $1",
            &args![board],
        )
        .await?;
    let Some((user, columns)) = row else {
        return Ok(false);
    };
    let columns: Vec<Map<String, Value>> = serde_json::from_str(&columns).unwrap_or_default();
    let has_column = columns
        .iter()
        .any(|c| c.get("id").and_then(Value::as_str) == Some(column));
    Ok(has_column && owner == Some(user.as_str()))
}

/// Removes the task's card from the board, if it has one, and closes the gap it leaves.
async fn take_out(conn: &mut Conn<'_>, board: &str, task: &str) -> Result<(), ProjectionError> {
    let card: Option<(String, i64)> = conn
        .fetch_optional(
            "select column_id, position from kanban_cards where board_id = $1 and task_id = $2",
            &args![board, task],
        )
        .await?;
    let Some((column, position)) = card else {
        return Ok(());
    };
    conn.execute(
        "delete from kanban_cards where board_id = $1 and task_id = $2",
        &args![board, task],
    )
    .await?;
    conn.execute(
        "update kanban_cards set position = position - 1 where board_id = $1 and column_id = $2 and position > $3",
        &args![board, column.as_str(), position],
    )
    .await?;
    Ok(())
}

/// Inserts the card at `position`, clamped to the column's length, after opening a gap there.
async fn put_in(
    conn: &mut Conn<'_>,
    board: &str,
    task: &str,
    column: &str,
    position: i64,
) -> Result<(), ProjectionError> {
    let (len,): (i64,) = conn
        .fetch_optional(
            "select count(*) from kanban_cards where board_id = $1 and column_id = $2",
            &args![board, column],
        )
        .await?
        .unwrap_or((0,));
    let position = position.clamp(0, len);
    conn.execute(
        "update kanban_cards set position = position + 1 where board_id = $1 and column_id = $2 and position >= $3",
        &args![board, column, position],
    )
    .await?;
    conn.execute(
        "insert into kanban_cards (board_id, task_id, column_id, position) values ($1, $2, $3, $4)",
        &args![board, task, column, position],
    )
    .await?;
    Ok(())
}
