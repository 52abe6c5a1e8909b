//! `/settings`: the caller's settings (defaults until the first change), and the one way to
//! read a user's LLM API key back, [`api_key`].
//!
//! Keys are sealed here, before the command, so events, rows and logs only ever hold the
//! ciphertext, the id of the key that sealed it, and the mask shown to the user.
use axum::extract::State;
use axum::response::Response;
use joan_commands::CommandError;
use joan_domain::settings::{
    BreakMinutes, LocalLlmModel, LocalLlmUrl, Provider, SealedKey, Settings, SettingsChanges, SettingsCommand, Theme,
    Timezone, WorkMinutes,
};
use joan_domain::{SettingsId, UserId};
use joan_projections::settings::{SettingsRow, UserSettings};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::config::Secret;
use crate::crypto::{CryptoError, Keyring, mask};
use crate::http::error::{ApiError, from_command};
use crate::http::extract::{ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IfMatch};
use crate::http::fields::{Fields, Whole, present};
use crate::http::resource::{AsOf, HistoryEntry, Resource, row_or_defaults};
use crate::http::state::AppState;

pub const SETTINGS: Resource = Resource::new("settings", "/api/v1/settings");

/// The longest API key taken.
pub const MAX_KEY_CHARS: usize = 512;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, patch_settings))
        .routes(routes!(settings_history))
}

/// What a sealed key is bound to: its owner and provider (the AEAD's associated data).
pub fn key_context(user: UserId, provider: Provider) -> String {
    format!("joan settings {user} {}", provider.as_str())
}

/// The caller's `provider` key in the clear, for code that calls the provider; `None` when
/// none is set. The [`Secret`] prints `<redacted>`; never log what `expose` gives.
pub async fn api_key(state: &AppState, user: UserId, provider: Provider) -> Result<Option<Secret>, ApiError> {
    let id = SettingsId::of(user).to_string();
    let row = SETTINGS.singleton::<UserSettings>(state, user, &id, None).await?;
    let Some(stored) = row.as_ref().and_then(|r| r.api_key(provider).0) else {
        return Ok(None);
    };
    let (key_id, ciphertext) =
        SealedKey::split_stored(stored).ok_or_else(|| ApiError::internal(CryptoError::Unsealable))?;
    state
        .keyring
        .open(key_id, ciphertext, &key_context(user, provider))
        .map(Some)
        .map_err(ApiError::internal)
}

/// Seals a key given in a request: 1 to 512 visible ASCII characters.
pub(crate) fn seal(keyring: &Keyring, user: UserId, provider: Provider, key: Secret) -> Result<SealedKey, String> {
    let text = key.expose();
    let fits = (1..=MAX_KEY_CHARS).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic());
    if !fits {
        return Err(format!(
            "must be 1 to {MAX_KEY_CHARS} visible ASCII characters (no spaces)"
        ));
    }
    let sealed = keyring.seal(&key, &key_context(user, provider));
    Ok(SealedKey {
        key_id: sealed.key_id,
        ciphertext: sealed.ciphertext,
        mask: mask(&key),
    })
}

/// A user's settings as the API shows them: keys only as a mask and whether one is set.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SettingsView {
    #[schema(format = Uuid)]
    pub user_id: String,
    /// light, dark or system.
    pub theme: String,
    pub notifications_enabled: bool,
    /// Minutes, 1 to 240.
    pub default_work_duration: i64,
    /// Minutes, 1 to 120.
    pub default_break_duration: i64,
    pub openai_api_key_set: bool,
    /// The key's first 3 and last 4 characters (`sk-...abcd`), less for short keys.
    pub openai_api_key_mask: Option<String>,
    pub anthropic_api_key_set: bool,
    pub anthropic_api_key_mask: Option<String>,
    pub local_llm_enabled: bool,
    pub local_llm_url: Option<String>,
    pub local_llm_model: Option<String>,
    /// An IANA time-zone name.
    pub timezone: String,
    /// The stream version (also the `ETag`); 0 while the user has only the defaults.
    pub version: i64,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl From<SettingsRow> for SettingsView {
    fn from(r: SettingsRow) -> Self {
        let mask = |p| r.api_key(p).1.map(str::to_string);
        Self {
            openai_api_key_set: r.openai_api_key_encrypted.is_some(),
            openai_api_key_mask: mask(Provider::OpenAi),
            anthropic_api_key_set: r.anthropic_api_key_encrypted.is_some(),
            anthropic_api_key_mask: mask(Provider::Anthropic),
            user_id: r.user_id,
            theme: r.theme,
            notifications_enabled: r.notifications_enabled.0,
            default_work_duration: r.default_work_duration,
            default_break_duration: r.default_break_duration,
            local_llm_enabled: r.local_llm_enabled.0,
            local_llm_url: r.local_llm_url,
            local_llm_model: r.local_llm_model,
            timezone: r.timezone,
            version: r.version,
            created_at: Some(r.created_at),
            updated_at: Some(r.updated_at),
        }
    }
}

impl SettingsView {
    /// What a user who never changed a setting has.
    fn defaults(user: UserId) -> Self {
        let d = Settings::default();
        Self {
            user_id: user.to_string(),
            theme: d.theme.as_str().to_string(),
            notifications_enabled: d.notifications_enabled,
            default_work_duration: i64::from(d.default_work_duration),
            default_break_duration: i64::from(d.default_break_duration),
            openai_api_key_set: false,
            openai_api_key_mask: None,
            anthropic_api_key_set: false,
            anthropic_api_key_mask: None,
            local_llm_enabled: d.local_llm_enabled,
            local_llm_url: d.local_llm_url,
            local_llm_model: d.local_llm_model,
            timezone: d.timezone,
            version: 0,
            created_at: None,
            updated_at: None,
        }
    }
}

/// `PATCH /settings`: absent fields stay; `null` clears a key, the URL or the model.
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchSettings {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::theme)]
    pub theme: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool)]
    pub notifications_enabled: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::work_minutes)]
    pub default_work_duration: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::break_minutes)]
    pub default_break_duration: Option<Option<Whole>>,
    /// Write-only: a new key, or `null` to remove it. Never shown again, only its mask.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::api_key)]
    pub openai_api_key: Option<Option<Secret>>,
    /// Write-only, like `openai_api_key`.
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::api_key)]
    pub anthropic_api_key: Option<Option<Secret>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool)]
    pub local_llm_enabled: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::url)]
    pub local_llm_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::model)]
    pub local_llm_model: Option<Option<String>>,
    /// An IANA time-zone name, spelled as the tz database does (`Europe/Paris`).
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::timezone)]
    pub timezone: Option<Option<String>>,
}

impl PatchSettings {
    /// The changes, keys sealed for `user`, or every field error.
    fn parse(self, keyring: &Keyring, user: UserId) -> Result<SettingsChanges, Vec<crate::http::error::FieldError>> {
        let mut f = Fields::default();
        let changes = SettingsChanges {
            theme: f.required("theme", self.theme, |t| Theme::parse(&t)),
            notifications_enabled: f.required("notifications_enabled", self.notifications_enabled, Ok::<_, String>),
            default_work_duration: f.required(
                "default_work_duration",
                Whole::patch(self.default_work_duration),
                WorkMinutes::parse,
            ),
            default_break_duration: f.required(
                "default_break_duration",
                Whole::patch(self.default_break_duration),
                BreakMinutes::parse,
            ),
            openai_api_key: f.nullable("openai_api_key", self.openai_api_key, |k| {
                seal(keyring, user, Provider::OpenAi, k)
            }),
            anthropic_api_key: f.nullable("anthropic_api_key", self.anthropic_api_key, |k| {
                seal(keyring, user, Provider::Anthropic, k)
            }),
            local_llm_enabled: f.required("local_llm_enabled", self.local_llm_enabled, Ok::<_, String>),
            local_llm_url: f.nullable("local_llm_url", self.local_llm_url, |u| LocalLlmUrl::parse(&u)),
            local_llm_model: f.nullable("local_llm_model", self.local_llm_model, |m| LocalLlmModel::parse(&m)),
            timezone: f.required("timezone", self.timezone, |t| Timezone::parse(&t)),
        };
        f.finish(changes)
    }
}

/// The caller's settings, now or `as_of` an earlier instant; the defaults before any change.
#[utoipa::path(get, path = "/settings", tag = "settings", params(AsOf), security(("bearer" = [])),
    responses((status = 200, body = SettingsView)))]
async fn get_settings(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let id = SettingsId::of(user).to_string();
    let row = SETTINGS
        .singleton::<UserSettings>(&state, user, &id, as_of.parse()?)
        .await?;
    Ok(row_or_defaults(row, || SettingsView::defaults(user)))
}

/// Changes some settings; the first change keeps the defaults for the rest. `If-Match` makes
/// it conditional on the version (412 while there are only the defaults).
#[utoipa::path(patch, path = "/settings", tag = "settings", request_body = PatchSettings,
    security(("bearer" = [])), params(ConditionalHeaders), responses((status = 200, body = SettingsView)))]
async fn patch_settings(
    State(state): State<AppState>,
    caller: Caller,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchSettings>,
) -> Result<Response, ApiError> {
    let changes = body.parse(&state.keyring, caller.user).map_err(ApiError::Validation)?;
    let id = SettingsId::of(caller.user).to_string();
    state
        .core
        .settings
        .execute(&id, &caller.ctx, SettingsCommand::Change(changes), expected, None)
        .await
        .map_err(|e| match e {
            // The caller's own stream, not there yet: the version named cannot match.
            CommandError::NotFound => ApiError::PreconditionFailed,
            other => from_command(other),
        })?;
    let id = SettingsId::of(caller.user).to_string();
    let row = SETTINGS
        .singleton::<UserSettings>(&state, caller.user, &id, None)
        .await?;
    Ok(row_or_defaults(row, || SettingsView::defaults(caller.user)))
}

/// The settings' events, oldest first (a key's ciphertext left out: only its mask shows).
#[utoipa::path(get, path = "/settings/history", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = [HistoryEntry])))]
async fn settings_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let id = SettingsId::of(user).to_string();
    match SETTINGS.history(&state, user, &id).await {
        Ok(entries) => Ok(axum::Json(entries)),
        Err(ApiError::NotFound) => Ok(axum::Json(Vec::new())),
        Err(e) => Err(e),
    }
}

/// The schemas of the settings fields: the rules of `joan_domain::settings`.
mod schemas {
    use joan_domain::settings::{BreakMinutes, LocalLlmModel, LocalLlmUrl, Theme, Timezone, WorkMinutes};
    use utoipa::openapi::schema::Object;

    use crate::http::schema::{integer, nullable, one_of, pattern, short_text, visible_ascii};

    pub fn theme() -> Object {
        one_of(Theme::WORDS).build()
    }

    pub fn work_minutes() -> Object {
        integer(WorkMinutes::MIN, WorkMinutes::MAX).build()
    }

    pub fn break_minutes() -> Object {
        integer(BreakMinutes::MIN, BreakMinutes::MAX).build()
    }

    pub fn api_key() -> Object {
        nullable(visible_ascii(super::MAX_KEY_CHARS))
    }

    pub fn url() -> Object {
        nullable(pattern(LocalLlmUrl::PATTERN, LocalLlmUrl::MAX_CHARS))
    }

    pub fn model() -> Object {
        nullable(short_text(LocalLlmModel::MAX_CHARS))
    }

    pub fn timezone() -> Object {
        let names: Vec<String> = Timezone::names().collect();
        one_of(&names.iter().map(String::as_str).collect::<Vec<_>>()).build()
    }
}
