//! Reads of `kanban_boards` and `kanban_cards`, as the API needs them.
use joan_commands::{Conn, Database, args};

/// A row of `kanban_boards`; `columns` and `settings` are JSON text.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Deserialize)]
pub struct BoardRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub description: Option<String>,
    pub project_id: Option<String>,
    pub columns: String,
    pub settings: String,
    pub kanban_position: i64,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

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

macro_rules! select_boards {
    () => {
        "select id, user_id, name, description, project_id, columns, settings, kanban_position, version, \
         created_at, updated_at from kanban_boards "
    };
}

const GET: &str = concat!(select_boards!(), "where id = $1 and user_id = $2");

const CARDS: &str = "select c.task_id, c.column_id, c.position, t.title, t.status, t.priority \
     from kanban_cards c left join tasks t on t.id = c.task_id \
     where c.board_id = $1 order by c.column_id, c.position, c.task_id";

/// The caller's board, or `None` (missing, deleted, or someone else's).
pub async fn get(db: &Database, user: &str, id: &str) -> Result<Option<BoardRow>, sqlx::Error> {
    db.fetch_optional(GET, &args![id, user]).await
}

/// The same read inside a transaction (for responses recorded with the command).
pub async fn get_in(conn: &mut Conn<'_>, user: &str, id: &str) -> Result<Option<BoardRow>, sqlx::Error> {
    conn.fetch_optional(GET, &args![id, user]).await
}

/// A board's cards by column id, then position. The caller puts the columns in board order.
pub async fn cards(db: &Database, board: &str) -> Result<Vec<CardRow>, sqlx::Error> {
    db.fetch_all(CARDS, &args![board]).await
}

pub async fn cards_in(conn: &mut Conn<'_>, board: &str) -> Result<Vec<CardRow>, sqlx::Error> {
    conn.fetch_all(CARDS, &args![board]).await
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
pub async fn list(db: &Database, user: &str, limit: i64, offset: i64) -> Result<(Vec<BoardRow>, i64), sqlx::Error> {
    let total = db
        .fetch_scalar_i64("select count(*) from kanban_boards where user_id = $1", &args![user])
        .await?;
    if total <= offset {
        return Ok((Vec::new(), total));
    }
    const PAGE: &str = concat!(
        select_boards!(),
        "where user_id = $1 order by kanban_position, created_at, id limit $2 offset $3"
    );
    let rows = db.fetch_all(PAGE, &args![user, limit, offset]).await?;
    Ok((rows, total))
}
