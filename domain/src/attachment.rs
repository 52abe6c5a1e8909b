//! The Attachment aggregate: a file stored beside a task, note, project or goal. The bytes live
//! in an object store under a key the server made; the stream holds what is known of them (name,
//! sniffed type, size, digest, key, what they hang on), so every metadata change is an event.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, push_change};
use crate::ids::{AttachmentId, UserId};
use crate::values::Timestamp;

mod values;
pub use values::{EntityKind, Filename};

/// A stored object, described: everything a new attachment starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAttachment {
    /// The stream id, chosen by the caller (the storage key names it too).
    pub id: AttachmentId,
    pub filename: Filename,
    /// The type sniffed from the bytes, never the client's word.
    pub mime_type: String,
    pub size: u64,
    /// The SHA-256 of the bytes, as 64 lowercase hex digits.
    pub sha256: String,
    /// Where the object store keeps the bytes.
    pub storage_key: String,
    pub entity_type: EntityKind,
    pub entity_id: Uuid,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttachmentCommand {
    Upload(NewAttachment),
    Rename(Filename),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(AttachmentEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum AttachmentEvent {
    AttachmentUploaded {
        attachment_id: AttachmentId,
        user_id: UserId,
        filename: String,
        mime_type: String,
        size: u64,
        sha256: String,
        storage_key: String,
        entity_type: EntityKind,
        entity_id: Uuid,
        at: Timestamp,
    },
    /// The attachment as the FastAPI system held it, taken in by `joan import legacy`: its
    /// file copied into the object store under `storage_key` (Joan's key, not the old one),
    /// its old id, name and `uploaded_at` (`at`) kept.
    AttachmentImported {
        attachment_id: AttachmentId,
        user_id: UserId,
        filename: String,
        mime_type: String,
        size: u64,
        sha256: String,
        storage_key: String,
        entity_type: EntityKind,
        entity_id: Uuid,
        at: Timestamp,
    },
    AttachmentRenamed {
        from: String,
        to: String,
        at: Timestamp,
    },
    AttachmentDeleted {
        at: Timestamp,
    },
}

impl AttachmentEvent {
    pub fn at(&self) -> Timestamp {
        use AttachmentEvent::*;
        match self {
            AttachmentUploaded { at, .. }
            | AttachmentImported { at, .. }
            | AttachmentRenamed { at, .. }
            | AttachmentDeleted { at } => *at,
        }
    }
}

crate::domain_event!(AttachmentEvent, version "1");

/// An attachment has no rules of its own beyond every entity's: who may attach to what is
/// decided from the read side before the bytes are stored.
pub type AttachmentError = EntityError;

/// The decision state of one attachment, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Attachment {
    pub life: Lifecycle<AttachmentId>,
    pub filename: String,
    pub storage_key: String,
}

impl Entity for Attachment {
    type Id = AttachmentId;
    fn lifecycle(&self) -> &Lifecycle<AttachmentId> {
        &self.life
    }
}

impl Aggregate for Attachment {
    const TYPE: &'static str = "attachment";
    type Command = Stamped<AttachmentCommand>;
    type Event = AttachmentEvent;
    type Error = AttachmentError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), AttachmentError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            AttachmentCommand::Upload(new) => {
                self.life.check_new()?;
                vec![AttachmentEvent::AttachmentUploaded {
                    attachment_id: new.id,
                    user_id: actor,
                    filename: new.filename.into(),
                    mime_type: new.mime_type,
                    size: new.size,
                    sha256: new.sha256,
                    storage_key: new.storage_key,
                    entity_type: new.entity_type,
                    entity_id: new.entity_id,
                    at,
                }]
            }
            AttachmentCommand::Rename(name) => {
                self.life.check_live(actor)?;
                let mut out = Vec::new();
                push_change(&mut out, &self.filename, Some(String::from(name)), |from, to| {
                    AttachmentEvent::AttachmentRenamed { from, to, at }
                });
                out
            }
            AttachmentCommand::Delete => {
                self.life.check_live(actor)?;
                vec![AttachmentEvent::AttachmentDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: AttachmentEvent) {
        use AttachmentEvent::*;
        let at = event.at();
        match event {
            AttachmentUploaded {
                attachment_id,
                user_id,
                filename,
                storage_key,
                at,
                ..
            }
            | AttachmentImported {
                attachment_id,
                user_id,
                filename,
                storage_key,
                at,
                ..
            } => {
                *self = Attachment {
                    life: Lifecycle::born(attachment_id, user_id, at),
                    filename,
                    storage_key,
                };
            }
            AttachmentRenamed { to, .. } => self.filename = to,
            AttachmentDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
