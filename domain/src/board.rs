//! The Board aggregate: a user's kanban board, its columns and settings.
//!
//! Which task sits where is not the board's business: a move is the task's own event
//! (`TaskMovedOnBoard`), and the board's read model orders the cards.
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::command::Stamped;
use crate::task::Description;
use crate::values::{Timestamp, UserId};

mod values;
pub use values::{BoardName, BoardSettings, BoardValueError, Column, Columns};

/// Everything a new board starts with, valid by construction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewBoard {
    /// The stream id, chosen by the caller.
    pub id: Uuid,
    pub name: BoardName,
    pub description: Option<Description>,
    pub project_id: Option<Uuid>,
    pub columns: Columns,
    pub settings: BoardSettings,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoardChanges {
    pub name: Option<BoardName>,
    pub description: Option<Option<Description>>,
    pub project_id: Option<Option<Uuid>>,
    pub columns: Option<Columns>,
    pub settings: Option<BoardSettings>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BoardCommand {
    Create(NewBoard),
    Update(BoardChanges),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum BoardEvent {
    BoardCreated {
        board_id: Uuid,
        user_id: UserId,
        name: String,
        description: Option<String>,
        project_id: Option<Uuid>,
        columns: Vec<Column>,
        settings: Map<String, Value>,
        at: Timestamp,
    },
    BoardRenamed {
        from: String,
        to: String,
        at: Timestamp,
    },
    BoardDescriptionChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    BoardProjectChanged {
        from: Option<Uuid>,
        to: Option<Uuid>,
        at: Timestamp,
    },
    /// The whole column list, before and after; cards in a column that is gone leave the board.
    BoardColumnsChanged {
        from: Vec<Column>,
        to: Vec<Column>,
        at: Timestamp,
    },
    BoardSettingsChanged {
        from: Map<String, Value>,
        to: Map<String, Value>,
        at: Timestamp,
    },
    BoardDeleted {
        at: Timestamp,
    },
}

impl BoardEvent {
    pub fn at(&self) -> Timestamp {
        use BoardEvent::*;
        match self {
            BoardCreated { at, .. }
            | BoardRenamed { at, .. }
            | BoardDescriptionChanged { at, .. }
            | BoardProjectChanged { at, .. }
            | BoardColumnsChanged { at, .. }
            | BoardSettingsChanged { at, .. }
            | BoardDeleted { at } => *at,
        }
    }
}

impl DomainEvent for BoardEvent {
    fn event_type(&self) -> String {
        use BoardEvent::*;
        let name = match self {
            BoardCreated { .. } => "BoardCreated",
            BoardRenamed { .. } => "BoardRenamed",
            BoardDescriptionChanged { .. } => "BoardDescriptionChanged",
            BoardProjectChanged { .. } => "BoardProjectChanged",
            BoardColumnsChanged { .. } => "BoardColumnsChanged",
            BoardSettingsChanged { .. } => "BoardSettingsChanged",
            BoardDeleted { .. } => "BoardDeleted",
        };
        name.to_string()
    }

    fn event_version(&self) -> String {
        "1".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoardError {
    /// No such board, or someone else's (the two must look the same).
    #[error("board not found")]
    NotFound,
    #[error("a board with this id already exists")]
    AlreadyExists,
    #[error("the board has been deleted")]
    Deleted,
}

/// The decision state of one board, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Board {
    pub id: Option<Uuid>,
    pub owner: UserId,
    pub name: String,
    pub description: Option<String>,
    pub project_id: Option<Uuid>,
    pub columns: Vec<Column>,
    pub settings: Map<String, Value>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub deleted: bool,
}

impl Board {
    fn exists(&self) -> bool {
        self.id.is_some()
    }

    /// Rejects commands that may not touch this board: missing, not the actor's, or deleted.
    fn check_live(&self, actor: UserId) -> Result<(), BoardError> {
        if !self.exists() || self.owner != actor {
            return Err(BoardError::NotFound);
        }
        if self.deleted {
            return Err(BoardError::Deleted);
        }
        Ok(())
    }

    /// The column with this id, if the board has one.
    pub fn column(&self, id: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.id() == id)
    }

    /// One event per field that really changes, in a fixed order.
    fn decide_update(&self, changes: BoardChanges, at: Timestamp) -> Vec<BoardEvent> {
        use BoardEvent::*;
        let mut out = Vec::new();
        push_change(&mut out, &self.name, changes.name.map(String::from), |from, to| {
            BoardRenamed { from, to, at }
        });
        push_change(
            &mut out,
            &self.description,
            changes.description.map(|d| d.map(String::from)),
            |from, to| BoardDescriptionChanged { from, to, at },
        );
        push_change(&mut out, &self.project_id, changes.project_id, |from, to| {
            BoardProjectChanged { from, to, at }
        });
        push_change(&mut out, &self.columns, changes.columns.map(Vec::from), |from, to| {
            BoardColumnsChanged { from, to, at }
        });
        push_change(&mut out, &self.settings, changes.settings.map(Map::from), |from, to| {
            BoardSettingsChanged { from, to, at }
        });
        out
    }
}

fn push_change<T: PartialEq + Clone>(
    out: &mut Vec<BoardEvent>,
    current: &T,
    wanted: Option<T>,
    event: impl FnOnce(T, T) -> BoardEvent,
) {
    if let Some(wanted) = wanted.filter(|w| w != current) {
        out.push(event(current.clone(), wanted));
    }
}

impl Aggregate for Board {
    const TYPE: &'static str = "board";
    type Command = Stamped<BoardCommand>;
    type Event = BoardEvent;
    type Error = BoardError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), BoardError> {
        let Stamped { actor, at, command } = cmd;
        let events = match command {
            BoardCommand::Create(new) => {
                if self.exists() {
                    return Err(BoardError::AlreadyExists);
                }
                vec![BoardEvent::BoardCreated {
                    board_id: new.id,
                    user_id: actor,
                    name: new.name.into(),
                    description: new.description.map(String::from),
                    project_id: new.project_id,
                    columns: new.columns.into(),
                    settings: new.settings.into(),
                    at,
                }]
            }
            BoardCommand::Update(changes) => {
                self.check_live(actor)?;
                self.decide_update(changes, at)
            }
            BoardCommand::Delete => {
                self.check_live(actor)?;
                vec![BoardEvent::BoardDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: BoardEvent) {
        use BoardEvent::*;
        let at = event.at();
        match event {
            BoardCreated {
                board_id,
                user_id,
                name,
                description,
                project_id,
                columns,
                settings,
                at,
            } => {
                *self = Board {
                    id: Some(board_id),
                    owner: user_id,
                    name,
                    description,
                    project_id,
                    columns,
                    settings,
                    created_at: Some(at),
                    updated_at: Some(at),
                    deleted: false,
                };
            }
            BoardRenamed { to, .. } => self.name = to,
            BoardDescriptionChanged { to, .. } => self.description = to,
            BoardProjectChanged { to, .. } => self.project_id = to,
            BoardColumnsChanged { to, .. } => self.columns = to,
            BoardSettingsChanged { to, .. } => self.settings = to,
            BoardDeleted { .. } => self.deleted = true,
        }
        self.updated_at = Some(at);
    }
}

#[cfg(test)]
mod tests;
