//! The `kanban_boards` read table (D1 shape), kept inline from the board's events.
use joan_commands::StoredEvent;
use joan_domain::Timestamp;
use joan_domain::board::BoardEvent;

use crate::fold::Fold;
use crate::read_table;
use crate::table::JsonText;

read_table! {
    /// A board as the `kanban_boards` table holds it and the API shows it (without cards).
    pub struct BoardRow in "kanban_boards" {
        #[schema(format = Uuid)]
        pub id: String,
        #[schema(format = Uuid)]
        pub user_id: String,
        pub name: String,
        pub description: Option<String>,
        #[schema(format = Uuid)]
        pub project_id: Option<String>,
        /// `[{id, name, status}]`; a column with a status gives it to the tasks moved there.
        #[schema(value_type = Vec<Object>)]
        pub columns: JsonText,
        #[schema(value_type = Object)]
        pub settings: JsonText,
        /// The board's place among its owner's boards.
        pub kanban_position: i64,
        /// The stream version; also the `ETag`.
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

/// How board events change `kanban_boards` rows.
pub struct Boards;

impl Fold for Boards {
    type Row = BoardRow;
    type Event = BoardEvent;
    const NAME: &'static str = "boards";
    const AGGREGATE: &'static str = "board";
    /// A new board goes after its owner's others; a replay numbers them the same way.
    const AFTER_CREATE: Option<&'static str> = Some(
        "update kanban_boards set kanban_position = (select coalesce(max(b.kanban_position) + 1, 0) \
         from kanban_boards b where b.user_id = kanban_boards.user_id and b.id <> $1) where id = $1",
    );

    fn at(change: &BoardEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<BoardRow>, event: &StoredEvent, change: BoardEvent) {
        use BoardEvent::*;
        let at = change.at().to_rfc3339();
        match change {
            BoardCreated {
                user_id,
                name,
                description,
                project_id,
                columns,
                settings,
                ..
            } => {
                *row = Some(BoardRow {
                    id: event.aggregate_id.clone(),
                    user_id: user_id.to_string(),
                    name,
                    description,
                    project_id: project_id.map(|p| p.to_string()),
                    columns: JsonText::of(&columns),
                    settings: JsonText::of(&settings),
                    // Placed by AFTER_CREATE once written.
                    kanban_position: -1,
                    version: event.sequence,
                    created_at: at.clone(),
                    updated_at: at,
                });
            }
            BoardDeleted { .. } => *row = None,
            other => {
                let Some(row) = row else { return };
                match other {
                    BoardRenamed { to, .. } => row.name = to,
                    BoardDescriptionChanged { to, .. } => row.description = to,
                    BoardProjectChanged { to, .. } => row.project_id = to.map(|p| p.to_string()),
                    BoardColumnsChanged { to, .. } => row.columns = JsonText::of(&to),
                    BoardSettingsChanged { to, .. } => row.settings = JsonText::of(&to),
                    BoardCreated { .. } | BoardDeleted { .. } => {}
                }
            }
        }
    }
}
