//! [`StoredChains`]: a user's provider chain from the read side, keys still sealed.
//!
//! In order: the user's active providers (default first, then by priority), the local LLM of
//! their settings when enabled (an Ollama provider at their `local_llm_url`, or the operator's
//! Ollama URL when they set none), then the OpenAI and Anthropic keys of their settings.
//! Providers from the settings get ids derived from the user (UUIDv5), so their circuit
//! breakers outlive one request.
use async_trait::async_trait;
use joan_commands::Database;
use joan_domain::UserId;
use joan_domain::settings::{Provider, SealedKey as StoredKey};
use joan_projections::ai_providers::{self, AiProviderRow};
use joan_projections::settings::SettingsRow;
use joan_projections::table;
use uuid::Uuid;

use crate::ai::{ChainSource, ProviderKind, ProviderSpec, SealedKey};
use crate::http::error::ApiError;

/// The model a settings key is used with.
const SETTINGS_OPENAI_MODEL: &str = "gpt-4o-mini";
const SETTINGS_ANTHROPIC_MODEL: &str = "claude-3-5-haiku-latest";
/// The model of the settings' local LLM when they name none.
const LOCAL_DEFAULT_MODEL: &str = "llama3.2";

/// What a registry provider's key is sealed for: its owner and the provider (AEAD data).
pub fn provider_key_context(user: UserId, provider: Uuid) -> String {
    format!("joan ai_provider {user} {provider}")
}

/// Reads chains from the `ai_providers` and `user_settings` tables.
#[derive(Clone)]
pub struct StoredChains {
    db: Database,
}

impl StoredChains {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait]
impl ChainSource for StoredChains {
    async fn chain(&self, user: UserId) -> Result<Vec<ProviderSpec>, ApiError> {
        let owner = user.to_string();
        let rows = ai_providers::of_user(&self.db, &owner)
            .await
            .map_err(ApiError::internal)?;
        let mut chain: Vec<ProviderSpec> = rows
            .into_iter()
            .filter(|r| r.is_active.0)
            .filter_map(|r| spec_of(user, r))
            .collect();
        let settings = table::get::<SettingsRow>(&mut &self.db, &owner, &owner)
            .await
            .map_err(ApiError::internal)?;
        if let Some(settings) = settings {
            chain.extend(from_settings(user, &settings));
        }
        Ok(chain)
    }
}

/// The kind named by a row's `provider_type` (the same words).
pub fn kind_of(provider_type: &str) -> Option<ProviderKind> {
    serde_json::from_value(serde_json::Value::String(provider_type.to_string())).ok()
}

/// A registry row as a chain entry; `None` for a row whose kind this build does not know.
pub fn spec_of(user: UserId, row: AiProviderRow) -> Option<ProviderSpec> {
    let kind = kind_of(&row.provider_type)?;
    let id = Uuid::parse_str(&row.id).ok()?;
    let key = row
        .api_key_encrypted
        .as_deref()
        .and_then(StoredKey::split_stored)
        .map(|(key_id, ciphertext)| SealedKey {
            key_id: key_id.to_string(),
            ciphertext: ciphertext.to_string(),
            context: provider_key_context(user, id),
        });
    Some(ProviderSpec {
        id,
        kind,
        name: row.provider_name,
        endpoint: row.api_endpoint,
        model: row.model_name,
        max_tokens: row.max_tokens.and_then(|n| u32::try_from(n).ok()),
        temperature: row.temperature.map(|t| t as f32),
        key,
        priority: i32::try_from(row.priority).unwrap_or(i32::MAX),
    })
}

/// The local LLM and the keys of a user's settings, after the registry's providers.
fn from_settings(user: UserId, settings: &SettingsRow) -> Vec<ProviderSpec> {
    let derived = |what: &str| Uuid::new_v5(&user.0, format!("joan settings {what}").as_bytes());
    let mut chain = Vec::new();
    if settings.local_llm_enabled.0 {
        chain.push(ProviderSpec {
            id: derived("local_llm"),
            kind: ProviderKind::Ollama,
            name: "local LLM (settings)".into(),
            endpoint: settings.local_llm_url.clone(),
            model: settings
                .local_llm_model
                .clone()
                .unwrap_or_else(|| LOCAL_DEFAULT_MODEL.into()),
            max_tokens: None,
            temperature: None,
            key: None,
            priority: i32::MAX - 2,
        });
    }
    for (provider, kind, model, priority) in [
        (
            Provider::OpenAi,
            ProviderKind::Openai,
            SETTINGS_OPENAI_MODEL,
            i32::MAX - 1,
        ),
        (
            Provider::Anthropic,
            ProviderKind::Anthropic,
            SETTINGS_ANTHROPIC_MODEL,
            i32::MAX,
        ),
    ] {
        let Some((key_id, ciphertext)) = settings.api_key(provider).0.and_then(StoredKey::split_stored) else {
            continue;
        };
        chain.push(ProviderSpec {
            id: derived(provider.as_str()),
            kind,
            name: format!("{} (settings)", provider.as_str()),
            endpoint: None,
            model: model.into(),
            max_tokens: None,
            temperature: None,
            key: Some(SealedKey {
                key_id: key_id.to_string(),
                ciphertext: ciphertext.to_string(),
                context: crate::routes::settings::key_context(user, provider),
            }),
            priority,
        });
    }
    chain
}
