//! Response bodies of the kanban routes.
use joan_projections::boards::BoardRow;
use joan_projections::kanban_queries::CardRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One column of a board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ColumnView {
    pub id: String,
    pub name: String,
    /// The status a task takes when moved here; null leaves it alone.
    pub status: Option<String>,
}

/// A task's place on a board, with the task's title, status and priority.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CardView {
    pub task_id: String,
    pub column_id: String,
    /// 0-based within the column.
    pub position: i64,
    pub title: Option<String>,
    pub status: Option<String>,
    pub priority: Option<i64>,
}

impl From<CardRow> for CardView {
    fn from(r: CardRow) -> Self {
        Self {
            task_id: r.task_id,
            column_id: r.column_id,
            position: r.position,
            title: r.title,
            status: r.status,
            priority: r.priority,
        }
    }
}

/// A board with its cards, ordered by column (in the board's column order) then position.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoardDetail {
    #[serde(flatten)]
    pub board: BoardRow,
    /// Absent for `?as_of=`: only the board's own history is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cards: Option<Vec<CardView>>,
}

impl BoardDetail {
    pub fn new(board: BoardRow, cards: Vec<CardRow>) -> Self {
        let columns: Vec<ColumnView> = board.columns.decode().unwrap_or_default();
        let rank = |column: &str| columns.iter().position(|c| c.id == column).unwrap_or(usize::MAX);
        let mut cards: Vec<CardView> = cards.into_iter().map(CardView::from).collect();
        // The rows come ordered by column id and position; a stable sort keeps the positions.
        cards.sort_by_key(|c| rank(&c.column_id));
        Self {
            board,
            cards: Some(cards),
        }
    }
}
