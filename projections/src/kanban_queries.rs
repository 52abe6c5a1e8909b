//! Reads of `kanban_boards` and `kanban_cards`, as the API needs them.
use joan_commands::{Database, Executor, args};

use crate::boards::BoardRow;
use crate::table::Listing;

/// A card with the task's title, status and priority beside it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Deserialize)]
pub struct CardRow {
    pub task_id: String,
    pub column_id: String,
    pub position: i64,
    pub title: Option<String>,
    pub status: Option<String>,
    pub priority: Option<i64>,
}

const CARDS: &str = "select c.task_id, c.column_id, c.position, t.title, t.status, t.priority \
     from kanban_cards c left join tasks t on t.id = c.task_id \
     where c.board_id = $1 order by c.column_id, c.position, c.task_id";

/// A board's cards by column id, then position. The caller puts the columns in board order.
pub async fn cards(ex: &mut impl Executor, board: &str) -> Result<Vec<CardRow>, sqlx::Error> {
    ex.fetch_all(CARDS, &args![board]).await
}

/// How many cards other than `task`'s are in the column: the last position a move can reach.
pub async fn column_len_without(db: &Database, board: &str, column: &str, task: &str) -> Result<i64, sqlx::Error> {
    db.fetch_scalar_i64(
        "select count(*) from kanban_cards where board_id = $1 and column_id = $2 and task_id <> $3",
        &args![board, column, task],
    )
    .await
}

/// One page of the caller's boards in their board order, and how many there are in all.
pub async fn list_json(db: &Database, user: &str, limit: i64, offset: i64) -> Result<(Vec<u8>, i64), sqlx::Error> {
    let mut page = Listing::<BoardRow>::owned_by(user);
    page.order = "kanban_position, created_at, id";
    page.page_json(db, limit, offset).await
}
