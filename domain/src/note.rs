//! The Note aggregate: a user's markdown note, in one of their folders or none.
//!
//! Every edit is an event with the text before and after, so the history holds each version
//! and `?as_of=` shows the note as it was. Rendering to HTML is the read side's business.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, push_change};
use crate::ids::{FolderId, NoteId, UserId};
use crate::text::{Tags, Title};
use crate::values::Timestamp;

mod values;
pub use values::Content;

/// Everything a new note starts with, valid by construction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewNote {
    /// The stream id, chosen by the caller.
    pub id: NoteId,
    /// The caller has checked that it is one of the actor's folders.
    pub folder_id: Option<FolderId>,
    pub title: Title,
    pub content: Content,
    pub tags: Tags,
    pub is_pinned: bool,
    pub is_archived: bool,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NoteChanges {
    pub folder_id: Option<Option<FolderId>>,
    pub title: Option<Title>,
    pub content: Option<Content>,
    pub tags: Option<Tags>,
    pub is_pinned: Option<bool>,
    pub is_archived: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NoteCommand {
    Create(NewNote),
    Update(NoteChanges),
    /// Restores what the note was at `version` (given as the changes that take it back
    /// there): `NoteReverted` and then each field's change.
    Revert {
        version: u32,
        changes: NoteChanges,
    },
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(NoteEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum NoteEvent {
    NoteCreated {
        note_id: NoteId,
        user_id: UserId,
        folder_id: Option<FolderId>,
        title: String,
        /// Markdown.
        content: String,
        tags: Vec<String>,
        is_pinned: bool,
        is_archived: bool,
        at: Timestamp,
    },
    /// The note as the FastAPI system held it, taken in by `joan import legacy`: the first
    /// event of an imported stream, with the old row's `created_at` and `updated_at` (`at`).
    NoteImported {
        note_id: NoteId,
        user_id: UserId,
        folder_id: Option<FolderId>,
        title: String,
        /// Markdown.
        content: String,
        tags: Vec<String>,
        is_pinned: bool,
        is_archived: bool,
        created_at: Timestamp,
        at: Timestamp,
    },
    NoteTitleChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    /// The markdown before and after.
    NoteContentChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    NoteFolderChanged {
        from: Option<FolderId>,
        to: Option<FolderId>,
        at: Timestamp,
    },
    NoteTagsChanged {
        from: Vec<String>,
        to: Vec<String>,
        at: Timestamp,
    },
    NotePinChanged {
        from: bool,
        to: bool,
        at: Timestamp,
    },
    NoteArchiveChanged {
        from: bool,
        to: bool,
        at: Timestamp,
    },
    NoteDeleted {
        at: Timestamp,
    },
    /// The field changes after it take the note back to what it was at `version`.
    NoteReverted {
        version: u32,
        at: Timestamp,
    },
}

impl NoteEvent {
    pub fn at(&self) -> Timestamp {
        use NoteEvent::*;
        match self {
            NoteCreated { at, .. }
            | NoteImported { at, .. }
            | NoteTitleChanged { at, .. }
            | NoteContentChanged { at, .. }
            | NoteFolderChanged { at, .. }
            | NoteTagsChanged { at, .. }
            | NotePinChanged { at, .. }
            | NoteArchiveChanged { at, .. }
            | NoteReverted { at, .. }
            | NoteDeleted { at } => *at,
        }
    }
}

crate::domain_event!(NoteEvent, version "1");

/// A note has no rules of its own beyond every entity's.
pub type NoteError = EntityError;

/// The decision state of one note, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Note {
    pub life: Lifecycle<NoteId>,
    pub folder_id: Option<FolderId>,
    pub title: String,
    pub content: String,
    pub tags: Vec<String>,
    pub is_pinned: bool,
    pub is_archived: bool,
}

impl Entity for Note {
    type Id = NoteId;
    fn lifecycle(&self) -> &Lifecycle<NoteId> {
        &self.life
    }
}

impl Note {
    /// One event per field that really changes, in a fixed order.
    fn decide_update(&self, changes: NoteChanges, at: Timestamp) -> Vec<NoteEvent> {
        use NoteEvent::*;
        let mut out = Vec::new();
        push_change(&mut out, &self.title, changes.title.map(String::from), |from, to| {
            NoteTitleChanged { from, to, at }
        });
        push_change(
            &mut out,
            &self.content,
            changes.content.map(String::from),
            |from, to| NoteContentChanged { from, to, at },
        );
        push_change(&mut out, &self.folder_id, changes.folder_id, |from, to| {
            NoteFolderChanged { from, to, at }
        });
        push_change(&mut out, &self.tags, changes.tags.map(Vec::from), |from, to| {
            NoteTagsChanged { from, to, at }
        });
        push_change(&mut out, &self.is_pinned, changes.is_pinned, |from, to| {
            NotePinChanged { from, to, at }
        });
        push_change(&mut out, &self.is_archived, changes.is_archived, |from, to| {
            NoteArchiveChanged { from, to, at }
        });
        out
    }
}

impl Aggregate for Note {
    const TYPE: &'static str = "note";
    type Command = Stamped<NoteCommand>;
    type Event = NoteEvent;
    type Error = NoteError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), NoteError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            NoteCommand::Create(new) => {
                self.life.check_new()?;
                vec![NoteEvent::NoteCreated {
                    note_id: new.id,
                    user_id: actor,
                    folder_id: new.folder_id,
                    title: new.title.into(),
                    content: new.content.into(),
                    tags: new.tags.into(),
                    is_pinned: new.is_pinned,
                    is_archived: new.is_archived,
                    at,
                }]
            }
            NoteCommand::Update(changes) => {
                self.life.check_live(actor)?;
                self.decide_update(changes, at)
            }
            NoteCommand::Revert { version, changes } => {
                self.life.check_live(actor)?;
                let changes = self.decide_update(changes, at);
                if changes.is_empty() {
                    changes
                } else {
                    std::iter::once(NoteEvent::NoteReverted { version, at })
                        .chain(changes)
                        .collect()
                }
            }
            NoteCommand::Delete => {
                self.life.check_live(actor)?;
                vec![NoteEvent::NoteDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: NoteEvent) {
        use NoteEvent::*;
        let at = event.at();
        match event {
            NoteCreated {
                note_id,
                user_id,
                folder_id,
                title,
                content,
                tags,
                is_pinned,
                is_archived,
                at,
            } => {
                *self = Note {
                    life: Lifecycle::born(note_id, user_id, at),
                    folder_id,
                    title,
                    content,
                    tags,
                    is_pinned,
                    is_archived,
                };
            }
            NoteImported {
                note_id,
                user_id,
                folder_id,
                title,
                content,
                tags,
                is_pinned,
                is_archived,
                created_at,
                ..
            } => {
                *self = Note {
                    life: Lifecycle::born(note_id, user_id, created_at),
                    folder_id,
                    title,
                    content,
                    tags,
                    is_pinned,
                    is_archived,
                };
            }
            NoteTitleChanged { to, .. } => self.title = to,
            NoteContentChanged { to, .. } => self.content = to,
            NoteFolderChanged { to, .. } => self.folder_id = to,
            NoteTagsChanged { to, .. } => self.tags = to,
            NotePinChanged { to, .. } => self.is_pinned = to,
            NoteArchiveChanged { to, .. } => self.is_archived = to,
            NoteDeleted { .. } => self.life.deleted = true,
            NoteReverted { .. } => {}
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
