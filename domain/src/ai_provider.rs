//! The AI provider aggregate: one of a user's LLM providers (kind, endpoint, model, limits,
//! key), in their fallback chain by priority.
//!
//! The key arrives sealed ([`SealedKey`], as the settings' keys do): events hold only its
//! ciphertext, the id of the encryption key and the mask. "One default per user" is a rule of
//! the read side: `AiProviderMadeDefault` is recorded whenever asked (this stream cannot know
//! whether another provider took the default since), and the `ai_providers` projection clears
//! the user's other defaults when it folds it.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, push_change};
use crate::ids::{AiProviderId, UserId};
use crate::values::Timestamp;

mod values;
pub use crate::settings::{LocalLlmUrl as Endpoint, SealedKey};
pub use values::{MaxTokens, ModelName, Priority, ProviderName, ProviderType, Temperature};

/// Everything a new provider starts with, valid by construction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAiProvider {
    pub id: AiProviderId,
    pub provider_type: ProviderType,
    pub name: ProviderName,
    pub endpoint: Option<Endpoint>,
    pub model: ModelName,
    pub max_tokens: Option<MaxTokens>,
    pub temperature: Option<Temperature>,
    pub active: bool,
    pub default: bool,
    pub priority: Priority,
    pub key: Option<SealedKey>,
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AiProviderChanges {
    pub name: Option<ProviderName>,
    pub endpoint: Option<Option<Endpoint>>,
    pub model: Option<ModelName>,
    pub max_tokens: Option<Option<MaxTokens>>,
    pub temperature: Option<Option<Temperature>>,
    pub active: Option<bool>,
    pub default: Option<bool>,
    pub priority: Option<Priority>,
    pub key: Option<Option<SealedKey>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AiProviderCommand {
    Create(Box<NewAiProvider>),
    Update(Box<AiProviderChanges>),
    Delete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(AiProviderEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
pub enum AiProviderEvent {
    AiProviderCreated {
        provider_id: AiProviderId,
        user_id: UserId,
        provider_type: ProviderType,
        name: String,
        endpoint: Option<String>,
        model: String,
        max_tokens: Option<u32>,
        temperature: Option<f64>,
        active: bool,
        default: bool,
        priority: u32,
        /// Sealed, with its mask; never the key.
        key: Option<SealedKey>,
        at: Timestamp,
    },
    AiProviderRenamed {
        from: String,
        to: String,
        at: Timestamp,
    },
    AiProviderEndpointChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    AiProviderModelChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
    AiProviderMaxTokensChanged {
        from: Option<u32>,
        to: Option<u32>,
        at: Timestamp,
    },
    AiProviderTemperatureChanged {
        from: Option<f64>,
        to: Option<f64>,
        at: Timestamp,
    },
    AiProviderActiveChanged {
        from: bool,
        to: bool,
        at: Timestamp,
    },
    AiProviderPriorityChanged {
        from: u32,
        to: u32,
        at: Timestamp,
    },
    /// The user's default from now on (the read side clears their others).
    AiProviderMadeDefault {
        at: Timestamp,
    },
    AiProviderDefaultCleared {
        at: Timestamp,
    },
    /// A key was set or replaced; only its sealed form and mask are here.
    AiProviderKeySet {
        key: SealedKey,
        at: Timestamp,
    },
    AiProviderKeyCleared {
        at: Timestamp,
    },
    AiProviderDeleted {
        at: Timestamp,
    },
}

impl AiProviderEvent {
    pub fn at(&self) -> Timestamp {
        use AiProviderEvent::*;
        match self {
            AiProviderCreated { at, .. }
            | AiProviderRenamed { at, .. }
            | AiProviderEndpointChanged { at, .. }
            | AiProviderModelChanged { at, .. }
            | AiProviderMaxTokensChanged { at, .. }
            | AiProviderTemperatureChanged { at, .. }
            | AiProviderActiveChanged { at, .. }
            | AiProviderPriorityChanged { at, .. }
            | AiProviderMadeDefault { at }
            | AiProviderDefaultCleared { at }
            | AiProviderKeySet { at, .. }
            | AiProviderKeyCleared { at }
            | AiProviderDeleted { at } => *at,
        }
    }
}

crate::domain_event!(AiProviderEvent, version "1");

/// A provider has no rules of its own beyond every entity's.
pub type AiProviderError = EntityError;

/// The decision state of one provider, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AiProvider {
    pub life: Lifecycle<AiProviderId>,
    pub name: String,
    pub endpoint: Option<String>,
    pub model: String,
    pub max_tokens: Option<u32>,
    pub temperature: Option<f64>,
    pub active: bool,
    /// As this stream last said; another provider may have taken the default since.
    pub default: bool,
    pub priority: u32,
    pub key_set: bool,
}

impl Entity for AiProvider {
    type Id = AiProviderId;
    fn lifecycle(&self) -> &Lifecycle<AiProviderId> {
        &self.life
    }
}

impl AiProvider {
    /// One event per field that really changes, in a fixed order.
    fn decide_update(&self, c: AiProviderChanges, at: Timestamp) -> Vec<AiProviderEvent> {
        use AiProviderEvent::*;
        let mut out = Vec::new();
        push_change(&mut out, &self.name, c.name.map(String::from), |from, to| {
            AiProviderRenamed { from, to, at }
        });
        push_change(
            &mut out,
            &self.endpoint,
            c.endpoint.map(|e| e.map(String::from)),
            |from, to| AiProviderEndpointChanged { from, to, at },
        );
        push_change(&mut out, &self.model, c.model.map(String::from), |from, to| {
            AiProviderModelChanged { from, to, at }
        });
        push_change(
            &mut out,
            &self.max_tokens,
            c.max_tokens.map(|m| m.map(u32::from)),
            |from, to| AiProviderMaxTokensChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.temperature,
            c.temperature.map(|t| t.map(f64::from)),
            |from, to| AiProviderTemperatureChanged { from, to, at },
        );
        push_change(&mut out, &self.active, c.active, |from, to| AiProviderActiveChanged {
            from,
            to,
            at,
        });
        push_change(&mut out, &self.priority, c.priority.map(u32::from), |from, to| {
            AiProviderPriorityChanged { from, to, at }
        });
        match c.default {
            // Always recorded: the default may have moved to another provider since.
            Some(true) => out.push(AiProviderMadeDefault { at }),
            Some(false) if self.default => out.push(AiProviderDefaultCleared { at }),
            _ => {}
        }
        match c.key {
            Some(Some(key)) => out.push(AiProviderKeySet { key, at }),
            Some(None) if self.key_set => out.push(AiProviderKeyCleared { at }),
            _ => {}
        }
        out
    }
}

impl Aggregate for AiProvider {
    const TYPE: &'static str = "ai_provider";
    type Command = Stamped<AiProviderCommand>;
    type Event = AiProviderEvent;
    type Error = AiProviderError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), AiProviderError> {
        let Stamped { actor, at, command, .. } = cmd;
        let events = match command {
            AiProviderCommand::Create(new) => {
                self.life.check_new()?;
                let new = *new;
                vec![AiProviderEvent::AiProviderCreated {
                    provider_id: new.id,
                    user_id: actor,
                    provider_type: new.provider_type,
                    name: new.name.into(),
                    endpoint: new.endpoint.map(String::from),
                    model: new.model.into(),
                    max_tokens: new.max_tokens.map(u32::from),
                    temperature: new.temperature.map(f64::from),
                    active: new.active,
                    default: new.default,
                    priority: new.priority.into(),
                    key: new.key,
                    at,
                }]
            }
            AiProviderCommand::Update(changes) => {
                self.life.check_live(actor)?;
                self.decide_update(*changes, at)
            }
            AiProviderCommand::Delete => {
                self.life.check_live(actor)?;
                vec![AiProviderEvent::AiProviderDeleted { at }]
            }
        };
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: AiProviderEvent) {
        use AiProviderEvent::*;
        let at = event.at();
        match event {
            AiProviderCreated {
                provider_id,
                user_id,
                name,
                endpoint,
                model,
                max_tokens,
                temperature,
                active,
                default,
                priority,
                key,
                at,
                ..
            } => {
                *self = AiProvider {
                    life: Lifecycle::born(provider_id, user_id, at),
                    name,
                    endpoint,
                    model,
                    max_tokens,
                    temperature,
                    active,
                    default,
                    priority,
                    key_set: key.is_some(),
                };
            }
            AiProviderRenamed { to, .. } => self.name = to,
            AiProviderEndpointChanged { to, .. } => self.endpoint = to,
            AiProviderModelChanged { to, .. } => self.model = to,
            AiProviderMaxTokensChanged { to, .. } => self.max_tokens = to,
            AiProviderTemperatureChanged { to, .. } => self.temperature = to,
            AiProviderActiveChanged { to, .. } => self.active = to,
            AiProviderPriorityChanged { to, .. } => self.priority = to,
            AiProviderMadeDefault { .. } => self.default = true,
            AiProviderDefaultCleared { .. } => self.default = false,
            AiProviderKeySet { .. } => self.key_set = true,
            AiProviderKeyCleared { .. } => self.key_set = false,
            AiProviderDeleted { .. } => self.life.deleted = true,
        }
        self.life.touch(at);
    }
}

#[cfg(test)]
mod tests;
