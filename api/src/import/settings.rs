//! Legacy `user_settings` rows: a `SettingsImported` each, in the stream Joan keeps a user's
//! settings in (named by the user: the old row's id is not kept). The old API keys are plain
//! text; they are sealed here, as `PATCH /settings` seals them, before any event is made, so
//! only their ciphertext and mask are ever written.
use joan_domain::settings::{
    BreakMinutes, LocalLlmModel, LocalLlmUrl, Provider, SealedKey, SettingsEvent, Theme, Timezone, WorkMinutes,
};
use joan_domain::{SettingsId, UserId};

use super::known::Known;
use super::rules::{self, parsed};
use super::single::{Checked, Table};
use super::source::Record;
use crate::config::Secret;
use crate::crypto::Keyring;
use crate::routes::settings::seal;

pub const TABLE: Table = Table {
    name: "user_settings",
    aggregate_type: "settings",
    twice: "the user has another row of user_settings",
};

/// The old column of `provider`'s key (the FastAPI models' name; they held it in the clear).
fn key_column(provider: Provider) -> &'static str {
    match provider {
        Provider::OpenAi => "openai_api_key_encrypted",
        Provider::Anthropic => "anthropic_api_key_encrypted",
    }
}

/// `provider`'s old key, sealed for `owner`; an empty one is none.
fn sealed_key(
    record: &Record,
    keyring: Option<&Keyring>,
    owner: UserId,
    provider: Provider,
) -> Result<Option<SealedKey>, String> {
    let column = key_column(provider);
    let Some(plain) = record.text(column)?.filter(|k| !k.trim().is_empty()) else {
        return Ok(None);
    };
    let keyring = keyring.ok_or_else(|| format!("{column} holds a key and no encryption key was given to seal it"))?;
    // The reason never quotes the key.
    seal(keyring, owner, provider, Secret::new(plain.trim()))
        .map(Some)
        .map_err(|e| format!("{column}: {e}"))
}

/// Checks a row, sealing its keys with `keyring`.
pub fn check(record: &Record, known: &Known, keyring: Option<&Keyring>) -> Result<Checked<SettingsEvent>, String> {
    record.uuid("id")?;
    let owner = rules::owner(record, known)?;
    let theme = record.text("theme")?.unwrap_or("light");
    let theme = Theme::parse(theme).map_err(|e| format!("theme {theme:?}: {e}"))?;
    let work = match record.integer("default_work_duration")? {
        None => WorkMinutes::DEFAULT,
        Some(m) => parsed("default_work_duration", WorkMinutes::parse(m))?.into(),
    };
    let rest = match record.integer("default_break_duration")? {
        None => BreakMinutes::DEFAULT,
        Some(m) => parsed("default_break_duration", BreakMinutes::parse(m))?.into(),
    };
    let timezone = record.text("timezone")?.unwrap_or(Timezone::DEFAULT);
    let timezone = Timezone::parse(timezone).map_err(|e| format!("timezone {timezone:?}: {e}"))?;
    let created_at = record.timestamp("created_at")?;
    Ok(Checked {
        id: owner.0,
        owner,
        created_at,
        event: SettingsEvent::SettingsImported {
            settings_id: SettingsId::of(owner),
            user_id: owner,
            theme,
            notifications_enabled: record.flag("notifications_enabled", true)?,
            default_work_duration: work,
            default_break_duration: rest,
            openai_api_key: sealed_key(record, keyring, owner, Provider::OpenAi)?,
            anthropic_api_key: sealed_key(record, keyring, owner, Provider::Anthropic)?,
            local_llm_enabled: record.flag("local_llm_enabled", false)?,
            local_llm_url: rules::optional(record, "local_llm_url", LocalLlmUrl::parse)?.map(String::from),
            local_llm_model: rules::optional(record, "local_llm_model", LocalLlmModel::parse)?.map(String::from),
            timezone: timezone.into(),
            created_at,
            at: record.timestamp_opt("updated_at")?.unwrap_or(created_at),
        },
        dropped: Vec::new(),
    })
}
