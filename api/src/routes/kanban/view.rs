//! Response bodies of the kanban routes.
use joan_domain::board::Board;
use joan_projections::kanban_queries::{BoardRow, CardRow};
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

/// A board as the API shows it (the `kanban_boards` row with real JSON types).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoardView {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub description: Option<String>,
    pub project_id: Option<String>,
    pub columns: Vec<ColumnView>,
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
    /// The board's place among its owner's boards.
    pub kanban_position: i64,
    /// The stream version; also the `ETag`.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl From<BoardRow> for BoardView {
    fn from(r: BoardRow) -> Self {
        Self {
            columns: serde_json::from_str(&r.columns).unwrap_or_default(),
            settings: serde_json::from_str(&r.settings).unwrap_or_else(|_| serde_json::json!({})),
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            description: r.description,
            project_id: r.project_id,
            kanban_position: r.kanban_position,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
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
    pub board: BoardView,
    /// Absent for `?as_of=`: only the board's own history is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cards: Option<Vec<CardView>>,
}

impl BoardDetail {
    pub fn new(board: BoardRow, cards: Vec<CardRow>) -> Self {
        let board = BoardView::from(board);
        let rank = |column: &str| board.columns.iter().position(|c| c.id == column).unwrap_or(usize::MAX);
        let mut cards: Vec<CardView> = cards.into_iter().map(CardView::from).collect();
        // The rows come ordered by column id and position; a stable sort keeps the positions.
        cards.sort_by_key(|c| rank(&c.column_id));
        Self {
            board,
            cards: Some(cards),
        }
    }

    /// The board as its events had left it at some version (for `?as_of=`).
    pub fn from_state(board: Board, version: i64, kanban_position: i64) -> Option<Self> {
        let id = board.id?;
        let columns = board
            .columns
            .iter()
            .map(|c| ColumnView {
                id: c.id().to_string(),
                name: c.name().to_string(),
                status: c.status().map(|s| s.as_str().to_string()),
            })
            .collect();
        Some(Self {
            board: BoardView {
                id: id.to_string(),
                user_id: board.owner.to_string(),
                name: board.name,
                description: board.description,
                project_id: board.project_id.map(|p| p.to_string()),
                columns,
                settings: serde_json::Value::Object(board.settings),
                kanban_position,
                version,
                created_at: board.created_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                updated_at: board.updated_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            },
            cards: None,
        })
    }
}
