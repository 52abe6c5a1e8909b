//! The Board aggregate: a user's kanban board, its columns and settings.
//!
//! Which task sits where is not the board's business: a move is the task's own event
//! (`TaskMovedOnBoard`), and the board's read model orders the cards.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, push_change};
use crate::ids::{BoardId, ProjectId, UserId};
use crate::text::Description;
use crate::values::Timestamp;

mod values;
pub use values::{BoardName, BoardSettings, BoardValueError, Column, Columns};

/// Everything a new board starts with, valid by construction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewBoard {
    /// The stream id, chosen by the caller.
    pub id: BoardId,
    pub name: BoardName,
    pub description: Option<Description>,
    pub project_id: Option<ProjectId>,
    pub columns: Columns,
    pub settings: BoardSettings,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoardChanges {
    pub name: Option<BoardName>,
    pub description: Option<Option<Description>>,
    pub project_id: Option<Option<ProjectId>>,
    pub columns: Option<Columns>,
    pub settings: Option<BoardSettings>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BoardCommand {
    Create(NewBoard),
    Update(BoardChanges),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(BoardEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum BoardEvent {
    BoardCreated {
        board_id: BoardId,
        user_id: UserId,
        name: String,
        description: Option<String>,
        project_id: Option<ProjectId>,
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
        from: Option<ProjectId>,
        to: Option<ProjectId>,
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

crate::domain_event!(BoardEvent, version "1");

/// A board has no rules of its own beyond every entity's.
pub type BoardError = EntityError;

/// The decision state of one board, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Board {
    pub life: Lifecycle<BoardId>,
    pub name: String,
    pub description: Option<String>,
    pub project_id: Option<ProjectId>,
    pub columns: Vec<Column>,
    pub settings: Map<String, Value>,
}

impl Entity for Board {
    type Id = BoardId;
    fn lifecycle(&self) -> &Lifecycle<BoardId> {
        &self.life
    }
}

impl Board {
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

impl Aggregate for Board {
    const TYPE: &'static str = "board";
    type Command = Stamped<BoardCommand>;
    type Event = BoardEvent;
    type Error = BoardError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), BoardError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            BoardCommand::Create(new) => {
                self.life.check_new()?;
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
                self.life.check_live(actor)?;
                self.decide_update(changes, at)
            }
            BoardCommand::Delete => {
                self.life.check_live(actor)?;
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
                    life: Lifecycle::born(board_id, user_id, at),
                    name,
                    description,
                    project_id,
                    columns,
                    settings,
                };
            }
            BoardRenamed { to, .. } => self.name = to,
            BoardDescriptionChanged { to, .. } => self.description = to,
            BoardProjectChanged { to, .. } => self.project_id = to,
            BoardColumnsChanged { to, .. } => self.columns = to,
            BoardSettingsChanged { to, .. } => self.settings = to,
            BoardDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
