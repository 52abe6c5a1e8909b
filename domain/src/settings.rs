//! The Settings aggregate: one stream per user (its id is the user's), created by the first
//! change; until then a user has the defaults.
//!
//! LLM API keys arrive sealed ([`SealedKey`]): the API layer encrypts them before the command,
//! so the aggregate, its events and the read table never see a key in the clear.
use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};

use crate::command::Stamped;
use crate::entity::{Entity, EntityError, Lifecycle, push_change};
use crate::ids::{SettingsId, UserId};
use crate::values::Timestamp;

mod values;
pub use values::{BreakMinutes, LocalLlmModel, LocalLlmUrl, Provider, SealedKey, Theme, Timezone, WorkMinutes};

impl SettingsId {
    /// The settings stream of `user`: one per user, under the user's own UUID.
    pub fn of(user: UserId) -> Self {
        Self(user.0)
    }
}

/// A partial update: `None` leaves a field alone; `Some(None)` clears a nullable field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SettingsChanges {
    pub theme: Option<Theme>,
    pub notifications_enabled: Option<bool>,
    pub default_work_duration: Option<WorkMinutes>,
    pub default_break_duration: Option<BreakMinutes>,
    pub openai_api_key: Option<Option<SealedKey>>,
    pub anthropic_api_key: Option<Option<SealedKey>>,
    pub local_llm_enabled: Option<bool>,
    pub local_llm_url: Option<Option<LocalLlmUrl>>,
    pub local_llm_model: Option<Option<LocalLlmModel>>,
    pub timezone: Option<Timezone>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SettingsCommand {
    /// Creates the stream with the defaults first if the user has none yet.
    Change(SettingsChanges),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumDiscriminants)]
#[strum_discriminants(name(SettingsEventKind), derive(strum::EnumString, strum::IntoStaticStr))]
// `SettingsImported` carries two sealed keys and is made once per user by an import: boxing
// them would only move the size to the heap for every reader of the event.
#[allow(clippy::large_enum_variant)]
pub enum SettingsEvent {
    /// The defaults, written out, so a replay never depends on today's defaults.
    SettingsCreated {
        settings_id: SettingsId,
        user_id: UserId,
        theme: Theme,
        notifications_enabled: bool,
        default_work_duration: u32,
        default_break_duration: u32,
        local_llm_enabled: bool,
        timezone: String,
        at: Timestamp,
    },
    /// The settings as the FastAPI system held them, taken in by `joan import legacy`: the
    /// first event of an imported stream, with the old row's `created_at` and `updated_at`
    /// (`at`). Its keys came in plain and were sealed before this event was made.
    SettingsImported {
        settings_id: SettingsId,
        user_id: UserId,
        theme: Theme,
        notifications_enabled: bool,
        default_work_duration: u32,
        default_break_duration: u32,
        openai_api_key: Option<SealedKey>,
        anthropic_api_key: Option<SealedKey>,
        local_llm_enabled: bool,
        local_llm_url: Option<String>,
        local_llm_model: Option<String>,
        timezone: String,
        created_at: Timestamp,
        at: Timestamp,
    },
    SettingsThemeChanged {
        from: Theme,
        to: Theme,
        at: Timestamp,
    },
    SettingsNotificationsChanged {
        from: bool,
        to: bool,
        at: Timestamp,
    },
    SettingsWorkDurationChanged {
        from: u32,
        to: u32,
        at: Timestamp,
    },
    SettingsBreakDurationChanged {
        from: u32,
        to: u32,
        at: Timestamp,
    },
    /// A key was set or replaced; only its sealed form and mask are here.
    SettingsApiKeySet {
        provider: Provider,
        key: SealedKey,
        at: Timestamp,
    },
    SettingsApiKeyCleared {
        provider: Provider,
        at: Timestamp,
    },
    SettingsLocalLlmEnabledChanged {
        from: bool,
        to: bool,
        at: Timestamp,
    },
    SettingsLocalLlmUrlChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    SettingsLocalLlmModelChanged {
        from: Option<String>,
        to: Option<String>,
        at: Timestamp,
    },
    SettingsTimezoneChanged {
        from: String,
        to: String,
        at: Timestamp,
    },
}

impl SettingsEvent {
    pub fn at(&self) -> Timestamp {
        use SettingsEvent::*;
        match self {
            SettingsCreated { at, .. }
            | SettingsImported { at, .. }
            | SettingsThemeChanged { at, .. }
            | SettingsNotificationsChanged { at, .. }
            | SettingsWorkDurationChanged { at, .. }
            | SettingsBreakDurationChanged { at, .. }
            | SettingsApiKeySet { at, .. }
            | SettingsApiKeyCleared { at, .. }
            | SettingsLocalLlmEnabledChanged { at, .. }
            | SettingsLocalLlmUrlChanged { at, .. }
            | SettingsLocalLlmModelChanged { at, .. }
            | SettingsTimezoneChanged { at, .. } => *at,
        }
    }
}

crate::domain_event!(SettingsEvent, version "1");

/// Settings have no rules of their own beyond every entity's.
pub type SettingsError = EntityError;

/// The decision state of one user's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub life: Lifecycle<SettingsId>,
    pub theme: Theme,
    pub notifications_enabled: bool,
    pub default_work_duration: u32,
    pub default_break_duration: u32,
    pub openai_api_key: Option<SealedKey>,
    pub anthropic_api_key: Option<SealedKey>,
    pub local_llm_enabled: bool,
    pub local_llm_url: Option<String>,
    pub local_llm_model: Option<String>,
    pub timezone: String,
}

/// The defaults: what a user has before any change.
impl Default for Settings {
    fn default() -> Self {
        Self {
            life: Lifecycle::default(),
            theme: Theme::default(),
            notifications_enabled: true,
            default_work_duration: WorkMinutes::DEFAULT,
            default_break_duration: BreakMinutes::DEFAULT,
            openai_api_key: None,
            anthropic_api_key: None,
            local_llm_enabled: false,
            local_llm_url: None,
            local_llm_model: None,
            timezone: Timezone::DEFAULT.to_string(),
        }
    }
}

impl Entity for Settings {
    type Id = SettingsId;
    fn lifecycle(&self) -> &Lifecycle<SettingsId> {
        &self.life
    }
}

impl Settings {
    /// The event that starts `user`'s stream with these (default) values.
    fn created(&self, user: UserId, at: Timestamp) -> SettingsEvent {
        SettingsEvent::SettingsCreated {
            settings_id: SettingsId::of(user),
            user_id: user,
            theme: self.theme,
            notifications_enabled: self.notifications_enabled,
            default_work_duration: self.default_work_duration,
            default_break_duration: self.default_break_duration,
            local_llm_enabled: self.local_llm_enabled,
            timezone: self.timezone.clone(),
            at,
        }
    }

    /// The key of `provider`, sealed, if one is set.
    pub fn api_key(&self, provider: Provider) -> Option<&SealedKey> {
        match provider {
            Provider::OpenAi => self.openai_api_key.as_ref(),
            Provider::Anthropic => self.anthropic_api_key.as_ref(),
        }
    }

    /// A key given is always set anew (a fresh seal); a clear only when one is set.
    fn key_change(
        &self,
        provider: Provider,
        wanted: Option<Option<SealedKey>>,
        at: Timestamp,
    ) -> Option<SettingsEvent> {
        match wanted? {
            Some(key) => Some(SettingsEvent::SettingsApiKeySet { provider, key, at }),
            None => self
                .api_key(provider)
                .map(|_| SettingsEvent::SettingsApiKeyCleared { provider, at }),
        }
    }

    /// One event per field that really changes, in a fixed order.
    fn decide_update(&self, c: SettingsChanges, at: Timestamp) -> Vec<SettingsEvent> {
        use SettingsEvent::*;
        let mut out = Vec::new();
        push_change(&mut out, &self.theme, c.theme, |from, to| SettingsThemeChanged {
            from,
            to,
            at,
        });
        push_change(
            &mut out,
            &self.notifications_enabled,
            c.notifications_enabled,
            |from, to| SettingsNotificationsChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.default_work_duration,
            c.default_work_duration.map(u32::from),
            |from, to| SettingsWorkDurationChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.default_break_duration,
            c.default_break_duration.map(u32::from),
            |from, to| SettingsBreakDurationChanged { from, to, at },
        );
        out.extend(self.key_change(Provider::OpenAi, c.openai_api_key, at));
        out.extend(self.key_change(Provider::Anthropic, c.anthropic_api_key, at));
        push_change(&mut out, &self.local_llm_enabled, c.local_llm_enabled, |from, to| {
            SettingsLocalLlmEnabledChanged { from, to, at }
        });
        push_change(
            &mut out,
            &self.local_llm_url,
            c.local_llm_url.map(|u| u.map(String::from)),
            |from, to| SettingsLocalLlmUrlChanged { from, to, at },
        );
        push_change(
            &mut out,
            &self.local_llm_model,
            c.local_llm_model.map(|m| m.map(String::from)),
            |from, to| SettingsLocalLlmModelChanged { from, to, at },
        );
        push_change(&mut out, &self.timezone, c.timezone.map(String::from), |from, to| {
            SettingsTimezoneChanged { from, to, at }
        });
        out
    }
}

impl Aggregate for Settings {
    const TYPE: &'static str = "settings";
    type Command = Stamped<SettingsCommand>;
    type Event = SettingsEvent;
    type Error = SettingsError;
    type Services = ();

    async fn handle(&mut self, cmd: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), SettingsError> {
        let Stamped { actor, at, command, .. } = cmd;
        let SettingsCommand::Change(changes) = command;
        let mut events = Vec::new();
        if self.life.exists() {
            self.life.check_live(actor)?;
            events = self.decide_update(changes, at);
        } else {
            let changed = self.decide_update(changes, at);
            if !changed.is_empty() {
                events.push(self.created(actor, at));
                events.extend(changed);
            }
        }
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: SettingsEvent) {
        use SettingsEvent::*;
        let at = event.at();
        match event {
            SettingsCreated {
                settings_id,
                user_id,
                theme,
                notifications_enabled,
                default_work_duration,
                default_break_duration,
                local_llm_enabled,
                timezone,
                at,
            } => {
                *self = Settings {
                    life: Lifecycle::born(settings_id, user_id, at),
                    theme,
                    notifications_enabled,
                    default_work_duration,
                    default_break_duration,
                    local_llm_enabled,
                    timezone,
                    ..Settings::default()
                };
            }
            SettingsImported {
                settings_id,
                user_id,
                theme,
                notifications_enabled,
                default_work_duration,
                default_break_duration,
                openai_api_key,
                anthropic_api_key,
                local_llm_enabled,
                local_llm_url,
                local_llm_model,
                timezone,
                created_at,
                ..
            } => {
                *self = Settings {
                    life: Lifecycle::born(settings_id, user_id, created_at),
                    theme,
                    notifications_enabled,
                    default_work_duration,
                    default_break_duration,
                    openai_api_key,
                    anthropic_api_key,
                    local_llm_enabled,
                    local_llm_url,
                    local_llm_model,
                    timezone,
                };
            }
            SettingsThemeChanged { to, .. } => self.theme = to,
            SettingsNotificationsChanged { to, .. } => self.notifications_enabled = to,
            SettingsWorkDurationChanged { to, .. } => self.default_work_duration = to,
            SettingsBreakDurationChanged { to, .. } => self.default_break_duration = to,
            SettingsApiKeySet { provider, key, .. } => *self.key_slot(provider) = Some(key),
            SettingsApiKeyCleared { provider, .. } => *self.key_slot(provider) = None,
            SettingsLocalLlmEnabledChanged { to, .. } => self.local_llm_enabled = to,
            SettingsLocalLlmUrlChanged { to, .. } => self.local_llm_url = to,
            SettingsLocalLlmModelChanged { to, .. } => self.local_llm_model = to,
            SettingsTimezoneChanged { to, .. } => self.timezone = to,
        }
        self.life.touch(at);
    }
}

impl Settings {
    fn key_slot(&mut self, provider: Provider) -> &mut Option<SealedKey> {
        match provider {
            Provider::OpenAi => &mut self.openai_api_key,
            Provider::Anthropic => &mut self.anthropic_api_key,
        }
    }
}

#[cfg(test)]
mod tests;
