//! The Prompt aggregate: a prompt a user saved in their library, with `{placeholders}` to
//! fill when it is used (see [`placeholders`]).
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, push_change};
use crate::ids::{PromptId, UserId};
use crate::values::Timestamp;

pub mod placeholders;
mod values;
pub use crate::text::Description;
pub use values::{PromptCategory, PromptName, PromptText};

/// Everything a new prompt starts with, valid by construction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPrompt {
    pub id: PromptId,
    pub name: PromptName,
    pub description: Option<Description>,
    pub category: Option<PromptCategory>,
    pub template: PromptText,
    pub is_favorite: bool,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PromptChanges {
    pub name: Option<PromptName>,
    pub description: Option<Option<Description>>,
    pub category: Option<Option<PromptCategory>>,
    pub template: Option<PromptText>,
    pub is_favorite: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptCommand {
    Create(NewPrompt),
    Update(PromptChanges),
    /// The prompt was sent to a model once more (its usage count).
    RecordUse,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(PromptEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum PromptEvent {
    PromptCreated {
        prompt_id: PromptId,
        user_id: UserId,
        name: String,
        description: Option<String>,
        category: Option<String>,
        template: String,
        is_favorite: bool,
        at: Timestamp,
    },
    PromptRenamed {
        from: String,
        to: String,
        at: Timestamp,
    },
    PromptDescriptionChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    PromptCategoryChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    PromptTemplateChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    PromptFavoriteChanged {
        from: bool,
        to: bool,
        at: Timestamp,
    },
    PromptUsed {
        at: Timestamp,
    },
    PromptDeleted {
        at: Timestamp,
    },
}

impl PromptEvent {
    pub fn at(&self) -> Timestamp {
        use PromptEvent::*;
        match self {
            PromptCreated { at, .. }
            | PromptRenamed { at, .. }
            | PromptDescriptionChanged { at, .. }
            | PromptCategoryChanged { at, .. }
            | PromptTemplateChanged { at, .. }
            | PromptFavoriteChanged { at, .. }
            | PromptUsed { at }
            | PromptDeleted { at } => *at,
        }
    }
}

crate::domain_event!(PromptEvent, version "1");

/// A prompt has no rules of its own beyond every entity's.
pub type PromptError = EntityError;

/// The decision state of one prompt.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Prompt {
    pub life: Lifecycle<PromptId>,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub template: String,
    pub is_favorite: bool,
}

impl Entity for Prompt {
    type Id = PromptId;
    fn lifecycle(&self) -> &Lifecycle<PromptId> {
        &self.life
    }
}

impl Prompt {
    fn decide_update(&self, changes: PromptChanges, at: Timestamp) -> Vec<PromptEvent> {
        use PromptEvent::*;
        let mut out = Vec::new();
        push_change(&mut out, &self.name, changes.name.map(String::from), |from, to| {
            PromptRenamed { from, to, at }
        });
        push_change(
            &mut out,
            &self.description,
            changes.description.map(|d| d.map(String::from)),
            |from, to| PromptDescriptionChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.category,
            changes.category.map(|c| c.map(String::from)),
            |from, to| PromptCategoryChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.template,
            changes.template.map(String::from),
            |from, to| PromptTemplateChanged { from, to, at },
        );
        push_change(&mut out, &self.is_favorite, changes.is_favorite, |from, to| {
            PromptFavoriteChanged { from, to, at }
        });
        out
    }
}

impl Aggregate for Prompt {
    const TYPE: &'static str = "ai_prompt";
    type Command = Stamped<PromptCommand>;
    type Event = PromptEvent;
    type Error = PromptError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), PromptError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            PromptCommand::Create(new) => {
                self.life.check_new()?;
                vec![PromptEvent::PromptCreated {
                    prompt_id: new.id,
                    user_id: actor,
                    name: new.name.into(),
                    description: new.description.map(String::from),
                    category: new.category.map(String::from),
                    template: new.template.into(),
                    is_favorite: new.is_favorite,
                    at,
                }]
            }
            PromptCommand::Update(changes) => {
                self.life.check_live(actor)?;
                self.decide_update(changes, at)
            }
            PromptCommand::RecordUse => {
                self.life.check_live(actor)?;
                vec![PromptEvent::PromptUsed { at }]
            }
            PromptCommand::Delete => {
                self.life.check_live(actor)?;
                vec![PromptEvent::PromptDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: PromptEvent) {
        use PromptEvent::*;
        let at = event.at();
        match event {
            PromptCreated {
                prompt_id,
                user_id,
                name,
                description,
                category,
                template,
                is_favorite,
                at,
            } => {
                *self = Prompt {
                    life: Lifecycle::born(prompt_id, user_id, at),
                    name,
                    description,
                    category,
                    template,
                    is_favorite,
                };
            }
            PromptRenamed { to, .. } => self.name = to,
            PromptDescriptionChanged { to, .. } => self.description = to,
            PromptCategoryChanged { to, .. } => self.category = to,
            PromptTemplateChanged { to, .. } => self.template = to,
            PromptFavoriteChanged { to, .. } => self.is_favorite = to,
            PromptUsed { .. } => {}
            PromptDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
