//! `kanban_boards` and `kanban_cards`, kept inline.
//!
//! Boards come from the board's events (the [`Boards`] fold); cards from the tasks' own `TaskMovedOnBoard` and
//! `TaskDeleted`. Positions within a column always run 0..n-1: every move takes the card out
//! (closing its gap), clamps the wanted position to the column's length, opens a gap there and
//! puts the card in. Only this projector's own tables are read, so a rebuild of it alone, or a
//! replay, gives the same rows.
use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent, args};
use std::str::FromStr;

use joan_domain::board::{BoardEvent, BoardEventKind, Column};
use joan_domain::task::{TaskEvent, TaskEventKind};
use serde_json::{Map, Value};

use crate::boards::Boards;
use crate::error::ProjectionError;
use crate::fold::{Fold, FoldProjector};
use crate::projector::{Projector, decode};

/// Boards (a [`Boards`] fold) and the cards on them.
#[derive(Default)]
pub struct KanbanProjector {
    boards: FoldProjector<Boards>,
}

#[async_trait]
impl Projector for KanbanProjector {
    fn name(&self) -> &'static str {
        "kanban"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["kanban_boards", "kanban_cards"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == Boards::AGGREGATE || aggregate_type == "task"
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    /// Board events are folded a run at a time; cards follow each event in log order (a move
    /// reads the board's columns, so a board made earlier in the batch must be written first).
    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        for run in events.chunk_by(|a, b| a.aggregate_type == b.aggregate_type) {
            if run[0].aggregate_type == Boards::AGGREGATE {
                self.boards.apply_batch(conn, run).await?;
                for event in run {
                    apply_board_cards(conn, event).await?;
                }
            } else {
                for event in run {
                    apply_task(conn, event).await?;
                }
            }
        }
        Ok(())
    }
}

/// What a board's change does to its cards: a column gone takes its cards, a deletion all.
async fn apply_board_cards(conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
    let kind = BoardEventKind::from_str(&event.event_type).ok();
    if !matches!(
        kind,
        Some(BoardEventKind::BoardColumnsChanged | BoardEventKind::BoardDeleted)
    ) {
        return Ok(());
    }
    let id = event.aggregate_id.as_str();
    match decode::<BoardEvent>(event)? {
        BoardEvent::BoardColumnsChanged { to, .. } => drop_cards_outside(conn, id, &to).await,
        _ => {
            conn.execute("delete from kanban_cards where board_id = $1", &args![id])
                .await?;
            Ok(())
        }
    }
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
    // Most task events do not touch a board; they are skipped without decoding.
    let kind = TaskEventKind::from_str(&event.event_type).ok();
    if !matches!(kind, Some(TaskEventKind::TaskMovedOnBoard | TaskEventKind::TaskDeleted)) {
        return Ok(());
    }
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
