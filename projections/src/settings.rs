//! The `user_settings` read table (D1 shape plus `timezone` and key masks), kept inline from
//! the settings' events. Keys are only here sealed (`<key id>:<ciphertext>`).
use joan_commands::StoredEvent;
use joan_domain::Timestamp;
use joan_domain::settings::{Provider, SettingsEvent};

use crate::fold::Fold;
use crate::read_table;
use crate::table::Flag;

read_table! {
    /// One user's settings as the `user_settings` table holds them. Not shown as is: the API
    /// shows the masks, never the sealed keys.
    pub struct SettingsRow in "user_settings" {
        pub id: String,
        pub user_id: String,
        pub theme: String,
        #[schema(value_type = bool)]
        pub notifications_enabled: Flag,
        pub default_work_duration: i64,
        pub default_break_duration: i64,
        pub openai_api_key_encrypted: Option<String>,
        pub openai_api_key_mask: Option<String>,
        pub anthropic_api_key_encrypted: Option<String>,
        pub anthropic_api_key_mask: Option<String>,
        #[schema(value_type = bool)]
        pub local_llm_enabled: Flag,
        pub local_llm_url: Option<String>,
        pub local_llm_model: Option<String>,
        pub timezone: String,
        pub version: i64,
        pub created_at: String,
        pub updated_at: String,
    }
}

impl SettingsRow {
    /// The sealed key of `provider` (`<key id>:<ciphertext>`) and its mask, when one is set.
    pub fn api_key(&self, provider: Provider) -> (Option<&str>, Option<&str>) {
        let (sealed, mask) = match provider {
            Provider::OpenAi => (&self.openai_api_key_encrypted, &self.openai_api_key_mask),
            Provider::Anthropic => (&self.anthropic_api_key_encrypted, &self.anthropic_api_key_mask),
        };
        (sealed.as_deref(), mask.as_deref())
    }

    fn key_slots(&mut self, provider: Provider) -> (&mut Option<String>, &mut Option<String>) {
        match provider {
            Provider::OpenAi => (&mut self.openai_api_key_encrypted, &mut self.openai_api_key_mask),
            Provider::Anthropic => (&mut self.anthropic_api_key_encrypted, &mut self.anthropic_api_key_mask),
        }
    }
}

/// How settings events change `user_settings` rows.
pub struct UserSettings;

impl Fold for UserSettings {
    type Row = SettingsRow;
    type Event = SettingsEvent;
    const NAME: &'static str = "user_settings";
    const AGGREGATE: &'static str = "settings";

    fn at(change: &SettingsEvent) -> Timestamp {
        change.at()
    }

    fn apply(row: &mut Option<SettingsRow>, event: &StoredEvent, change: SettingsEvent) {
        use SettingsEvent::*;
        if let SettingsCreated {
            user_id,
            theme,
            notifications_enabled,
            default_work_duration,
            default_break_duration,
            local_llm_enabled,
            timezone,
            at,
            ..
        } = change
        {
            let at = at.to_rfc3339();
            *row = Some(SettingsRow {
                id: event.aggregate_id.clone(),
                user_id: user_id.to_string(),
                theme: theme.as_str().to_string(),
                notifications_enabled: Flag(notifications_enabled),
                default_work_duration: i64::from(default_work_duration),
                default_break_duration: i64::from(default_break_duration),
                openai_api_key_encrypted: None,
                openai_api_key_mask: None,
                anthropic_api_key_encrypted: None,
                anthropic_api_key_mask: None,
                local_llm_enabled: Flag(local_llm_enabled),
                local_llm_url: None,
                local_llm_model: None,
                timezone,
                version: event.sequence,
                created_at: at.clone(),
                updated_at: at,
            });
            return;
        }
        if let SettingsImported {
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
            at,
            ..
        } = change
        {
            let mut imported = SettingsRow {
                id: event.aggregate_id.clone(),
                user_id: user_id.to_string(),
                theme: theme.as_str().to_string(),
                notifications_enabled: Flag(notifications_enabled),
                default_work_duration: i64::from(default_work_duration),
                default_break_duration: i64::from(default_break_duration),
                openai_api_key_encrypted: None,
                openai_api_key_mask: None,
                anthropic_api_key_encrypted: None,
                anthropic_api_key_mask: None,
                local_llm_enabled: Flag(local_llm_enabled),
                local_llm_url,
                local_llm_model,
                timezone,
                version: event.sequence,
                created_at: created_at.to_rfc3339(),
                updated_at: at.to_rfc3339(),
            };
            for (provider, key) in [
                (Provider::OpenAi, openai_api_key),
                (Provider::Anthropic, anthropic_api_key),
            ] {
                if let Some(key) = key {
                    let (sealed, mask) = imported.key_slots(provider);
                    *sealed = Some(key.stored());
                    *mask = Some(key.mask);
                }
            }
            *row = Some(imported);
            return;
        }
        let Some(row) = row else { return };
        match change {
            SettingsThemeChanged { to, .. } => row.theme = to.as_str().to_string(),
            SettingsNotificationsChanged { to, .. } => row.notifications_enabled = Flag(to),
            SettingsWorkDurationChanged { to, .. } => row.default_work_duration = i64::from(to),
            SettingsBreakDurationChanged { to, .. } => row.default_break_duration = i64::from(to),
            SettingsApiKeySet { provider, key, .. } => {
                let (sealed, mask) = row.key_slots(provider);
                *sealed = Some(key.stored());
                *mask = Some(key.mask);
            }
            SettingsApiKeyCleared { provider, .. } => {
                let (sealed, mask) = row.key_slots(provider);
                *sealed = None;
                *mask = None;
            }
            SettingsLocalLlmEnabledChanged { to, .. } => row.local_llm_enabled = Flag(to),
            SettingsLocalLlmUrlChanged { to, .. } => row.local_llm_url = to,
            SettingsLocalLlmModelChanged { to, .. } => row.local_llm_model = to,
            SettingsTimezoneChanged { to, .. } => row.timezone = to,
            SettingsCreated { .. } | SettingsImported { .. } => {}
        }
    }
}
