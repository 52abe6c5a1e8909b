//! The Folder aggregate: one node of a user's tree of folders, which hold notes and tasks.
//!
//! What a folder holds is not the folder's business: a note or task names its folder, and a
//! move of contents is that note's or task's own event. The tree's shape is checked here,
//! from the ancestors of the wanted parent that the command brings (the aggregate does not
//! fetch them).
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, Refusal, Refuse, push_change};
use crate::ids::{FolderId, UserId};
use crate::text::Description;
use crate::values::Timestamp;

mod values;
pub use values::{Color, FolderName, Icon, Position};

/// Everything a new folder starts with, valid by construction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewFolder {
    /// The stream id, chosen by the caller.
    pub id: FolderId,
    /// `None`: at the top of the tree. The caller has checked that it is the actor's folder.
    pub parent_id: Option<FolderId>,
    pub name: FolderName,
    pub description: Option<Description>,
    pub color: Option<Color>,
    pub icon: Option<Icon>,
    pub position: Position,
}

/// A wanted parent, with its ancestors from the nearest up to the root, as the read side
/// knows them: enough to refuse a move under the folder itself or its own subtree.
#[derive(Debug, Clone, PartialEq)]
pub struct Parent {
    pub id: FolderId,
    pub ancestors: Vec<FolderId>,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FolderChanges {
    /// `Some(None)`: to the top of the tree.
    pub parent: Option<Option<Parent>>,
    pub name: Option<FolderName>,
    pub description: Option<Option<Description>>,
    pub color: Option<Option<Color>>,
    pub icon: Option<Option<Icon>>,
    pub position: Option<Position>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FolderCommand {
    Create(NewFolder),
    Update(FolderChanges),
    /// `contents`: how many folders, notes and tasks the folder still holds, as the read side
    /// counts them; a folder that holds anything is not deleted.
    Delete {
        contents: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(FolderEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum FolderEvent {
    FolderCreated {
        folder_id: FolderId,
        user_id: UserId,
        parent_id: Option<FolderId>,
        name: String,
        description: Option<String>,
        color: Option<String>,
        icon: Option<String>,
        position: u32,
        at: Timestamp,
    },
    /// The folder as the FastAPI system held it, taken in by `joan import legacy`: the first
    /// event of an imported stream, with the old row's `created_at` and `updated_at` (`at`).
    FolderImported {
        folder_id: FolderId,
        user_id: UserId,
        parent_id: Option<FolderId>,
        name: String,
        description: Option<String>,
        color: Option<String>,
        icon: Option<String>,
        position: u32,
        created_at: Timestamp,
        at: Timestamp,
    },
    /// The folder moved under another parent (`None`: the top of the tree).
    FolderMoved {
        from: Option<FolderId>,
        to: Option<FolderId>,
        at: Timestamp,
    },
    FolderRenamed {
        from: String,
        to: String,
        at: Timestamp,
    },
    FolderDescriptionChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    FolderColorChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    FolderIconChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    FolderPositionChanged {
        from: u32,
        to: u32,
        at: Timestamp,
    },
    FolderDeleted {
        at: Timestamp,
    },
}

impl FolderEvent {
    pub fn at(&self) -> Timestamp {
        use FolderEvent::*;
        match self {
            FolderCreated { at, .. }
            | FolderImported { at, .. }
            | FolderMoved { at, .. }
            | FolderRenamed { at, .. }
            | FolderDescriptionChanged { at, .. }
            | FolderColorChanged { at, .. }
            | FolderIconChanged { at, .. }
            | FolderPositionChanged { at, .. }
            | FolderDeleted { at } => *at,
        }
    }
}

crate::domain_event!(FolderEvent, version "1");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderError {
    #[error("folder {0}")]
    Entity(#[from] EntityError),
    #[error("a folder cannot move under itself or its own subfolders")]
    Cycle,
    #[error(
        "the folder still holds folders, notes or tasks; delete with move_contents=true to move them to its parent"
    )]
    NotEmpty,
}

impl Refuse for FolderError {
    fn refusal(&self) -> Refusal {
        match self {
            FolderError::Entity(e) => e.refusal(),
            FolderError::Cycle => Refusal::Invalid { field: "parent_id" },
            FolderError::NotEmpty => Refusal::Conflict {
                code: "folder_not_empty",
            },
        }
    }
}

/// The decision state of one folder, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Folder {
    pub life: Lifecycle<FolderId>,
    pub parent_id: Option<FolderId>,
    pub name: String,
    pub description: Option<String>,
    pub color: Option<String>,
    pub icon: Option<String>,
    pub position: u32,
}

impl Entity for Folder {
    type Id = FolderId;
    fn lifecycle(&self) -> &Lifecycle<FolderId> {
        &self.life
    }
}

impl Folder {
    /// The parent a move asks for, refused when it is the folder or below it.
    fn check_parent(&self, parent: Option<Parent>) -> Result<Option<FolderId>, FolderError> {
        let Some(parent) = parent else { return Ok(None) };
        let me = self.life.id;
        if Some(parent.id) == me || parent.ancestors.iter().any(|a| Some(*a) == me) {
            return Err(FolderError::Cycle);
        }
        Ok(Some(parent.id))
    }

    /// One event per field that really changes, in a fixed order.
    fn decide_update(&self, changes: FolderChanges, at: Timestamp) -> Result<Vec<FolderEvent>, FolderError> {
        use FolderEvent::*;
        let parent = changes.parent.map(|p| self.check_parent(p)).transpose()?;
        let mut out = Vec::new();
        push_change(&mut out, &self.parent_id, parent, |from, to| FolderMoved {
            from,
            to,
            at,
        });
        push_change(&mut out, &self.name, changes.name.map(String::from), |from, to| {
            FolderRenamed { from, to, at }
        });
        push_change(
            &mut out,
            &self.description,
            changes.description.map(|d| d.map(String::from)),
            |from, to| FolderDescriptionChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.color,
            changes.color.map(|c| c.map(String::from)),
            |from, to| FolderColorChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.icon,
            changes.icon.map(|i| i.map(String::from)),
            |from, to| FolderIconChanged { from, to, at },
        );
        push_change(&mut out, &self.position, changes.position.map(u32::from), |from, to| {
            FolderPositionChanged { from, to, at }
        });
        Ok(out)
    }
}

impl Aggregate for Folder {
    const TYPE: &'static str = "folder";
    type Command = Stamped<FolderCommand>;
    type Event = FolderEvent;
    type Error = FolderError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), FolderError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            FolderCommand::Create(new) => {
                self.life.check_new()?;
                vec![FolderEvent::FolderCreated {
                    folder_id: new.id,
                    user_id: actor,
                    parent_id: new.parent_id,
                    name: new.name.into(),
                    description: new.description.map(String::from),
                    color: new.color.map(String::from),
                    icon: new.icon.map(String::from),
                    position: new.position.into(),
                    at,
                }]
            }
            FolderCommand::Update(changes) => {
                self.life.check_live(actor)?;
                self.decide_update(changes, at)?
            }
            FolderCommand::Delete { contents } => {
                self.life.check_live(actor)?;
                if contents > 0 {
                    return Err(FolderError::NotEmpty);
                }
                vec![FolderEvent::FolderDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: FolderEvent) {
        use FolderEvent::*;
        let at = event.at();
        match event {
            FolderCreated {
                folder_id,
                user_id,
                parent_id,
                name,
                description,
                color,
                icon,
                position,
                at,
            } => {
                *self = Folder {
                    life: Lifecycle::born(folder_id, user_id, at),
                    parent_id,
                    name,
                    description,
                    color,
                    icon,
                    position,
                };
            }
            FolderImported {
                folder_id,
                user_id,
                parent_id,
                name,
                description,
                color,
                icon,
                position,
                created_at,
                ..
            } => {
                *self = Folder {
                    life: Lifecycle::born(folder_id, user_id, created_at),
                    parent_id,
                    name,
                    description,
                    color,
                    icon,
                    position,
                };
            }
            FolderMoved { to, .. } => self.parent_id = to,
            FolderRenamed { to, .. } => self.name = to,
            FolderDescriptionChanged { to, .. } => self.description = to,
            FolderColorChanged { to, .. } => self.color = to,
            FolderIconChanged { to, .. } => self.icon = to,
            FolderPositionChanged { to, .. } => self.position = to,
            FolderDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
