//! The schedule template: a named set of blocks a user applies to a day.
//!
//! A user has at most one default template. Which one it is spans templates, so no template
//! decides it alone: each records that it was made default (`TemplateMadeDefault`) or stopped
//! being so, and the read side keeps the latest one made default per user as the only
//! default. The API asks for a change of the flag only when it differs from what the read side
//! shows.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, push_change};
use crate::ids::{TemplateId, UserId};
use crate::schedule::{Block, Blocks};
use crate::text::{Description, ValueError, short_text};
use crate::values::Timestamp;

/// A template's name: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateName(String);

impl TemplateName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<TemplateName> for String {
    fn from(n: TemplateName) -> String {
        n.0
    }
}

/// Everything a new template starts with, valid by construction.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewTemplate {
    pub id: TemplateId,
    pub name: TemplateName,
    pub description: Option<Description>,
    pub blocks: Blocks,
    pub is_default: bool,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears the description.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TemplateChanges {
    pub name: Option<TemplateName>,
    pub description: Option<Option<Description>>,
    pub blocks: Option<Blocks>,
    /// Made default (`true`) or not any more (`false`).
    pub is_default: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TemplateCommand {
    Create(NewTemplate),
    Update(TemplateChanges),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(TemplateEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum TemplateEvent {
    TemplateCreated {
        template_id: TemplateId,
        user_id: UserId,
        name: String,
        description: Option<String>,
        blocks: Vec<Block>,
        is_default: bool,
        at: Timestamp,
    },
    /// The template as the FastAPI system held it, taken in by `joan import legacy`: the
    /// first event of an imported stream, with the old row's `created_at` and `updated_at`
    /// (`at`); made default as a creation as the default is.
    TemplateImported {
        template_id: TemplateId,
        user_id: UserId,
        name: String,
        description: Option<String>,
        blocks: Vec<Block>,
        is_default: bool,
        created_at: Timestamp,
        at: Timestamp,
    },
    TemplateRenamed {
        from: String,
        to: String,
        at: Timestamp,
    },
    TemplateDescriptionChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    TemplateBlocksChanged {
        from: Vec<Block>,
        to: Vec<Block>,
        at: Timestamp,
    },
    /// The user's default from now on; any other loses the flag.
    TemplateMadeDefault {
        at: Timestamp,
    },
    TemplateDefaultCleared {
        at: Timestamp,
    },
    TemplateDeleted {
        at: Timestamp,
    },
}

impl TemplateEvent {
    pub fn at(&self) -> Timestamp {
        use TemplateEvent::*;
        match self {
            TemplateCreated { at, .. }
            | TemplateImported { at, .. }
            | TemplateRenamed { at, .. }
            | TemplateDescriptionChanged { at, .. }
            | TemplateBlocksChanged { at, .. }
            | TemplateMadeDefault { at }
            | TemplateDefaultCleared { at }
            | TemplateDeleted { at } => *at,
        }
    }
}

crate::domain_event!(TemplateEvent, version "1");

/// A template has no rules of its own beyond every entity's (its blocks are valid once built).
pub type TemplateError = EntityError;

/// The decision state of one template.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Template {
    pub life: Lifecycle<TemplateId>,
    pub name: String,
    pub description: Option<String>,
    pub blocks: Vec<Block>,
}

impl Entity for Template {
    type Id = TemplateId;
    fn lifecycle(&self) -> &Lifecycle<TemplateId> {
        &self.life
    }
}

impl Template {
    /// One event per field that really changes, in a fixed order; the default flag as asked.
    fn decide_update(&self, changes: TemplateChanges, at: Timestamp) -> Vec<TemplateEvent> {
        use TemplateEvent::*;
        let mut out = Vec::new();
        push_change(&mut out, &self.name, changes.name.map(String::from), |from, to| {
            TemplateRenamed { from, to, at }
        });
        push_change(
            &mut out,
            &self.description,
            changes.description.map(|d| d.map(String::from)),
            |from, to| TemplateDescriptionChanged { from, to, at },
        );
        push_change(&mut out, &self.blocks, changes.blocks.map(Vec::from), |from, to| {
            TemplateBlocksChanged { from, to, at }
        });
        match changes.is_default {
            Some(true) => out.push(TemplateMadeDefault { at }),
            Some(false) => out.push(TemplateDefaultCleared { at }),
            None => {}
        }
        out
    }
}

impl Aggregate for Template {
    const TYPE: &'static str = "schedule_template";
    type Command = Stamped<TemplateCommand>;
    type Event = TemplateEvent;
    type Error = TemplateError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), TemplateError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            TemplateCommand::Create(new) => {
                self.life.check_new()?;
                vec![TemplateEvent::TemplateCreated {
                    template_id: new.id,
                    user_id: actor,
                    name: new.name.into(),
                    description: new.description.map(String::from),
                    blocks: new.blocks.into(),
                    is_default: new.is_default,
                    at,
                }]
            }
            TemplateCommand::Update(changes) => {
                self.life.check_live(actor)?;
                self.decide_update(changes, at)
            }
            TemplateCommand::Delete => {
                self.life.check_live(actor)?;
                vec![TemplateEvent::TemplateDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: TemplateEvent) {
        use TemplateEvent::*;
        let at = event.at();
        match event {
            TemplateCreated {
                template_id,
                user_id,
                name,
                description,
                blocks,
                at: created_at,
                ..
            }
            | TemplateImported {
                template_id,
                user_id,
                name,
                description,
                blocks,
                created_at,
                ..
            } => {
                *self = Template {
                    life: Lifecycle::born(template_id, user_id, created_at),
                    name,
                    description,
                    blocks,
                };
            }
            TemplateRenamed { to, .. } => self.name = to,
            TemplateDescriptionChanged { to, .. } => self.description = to,
            TemplateBlocksChanged { to, .. } => self.blocks = to,
            TemplateMadeDefault { .. } | TemplateDefaultCleared { .. } => {}
            TemplateDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
