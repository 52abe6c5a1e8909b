//! Request bodies of the provider registry and their parsing into domain values.
//!
//! The key is write-only: read into a [`Secret`], sealed for its owner and provider before the
//! command (as the settings' keys are), shown back only as a mask.
use joan_domain::ai_provider::{
    AiProviderChanges, Endpoint, MaxTokens, ModelName, NewAiProvider, Priority, ProviderName, ProviderType, SealedKey,
    Temperature,
};
use joan_domain::{AiProviderId, UserId};
use serde::{Deserialize, Serialize, Serializer};
use utoipa::ToSchema;

use crate::ai::chain::provider_key_context;
use crate::config::Secret;
use crate::crypto::{Keyring, mask};
use crate::http::error::FieldError;
use crate::http::fields::{Fields, Whole, present};
use crate::routes::settings::MAX_KEY_CHARS;

/// `POST /ai/providers`. Only these fields exist; any other is refused. Serialized only to
/// fingerprint an idempotent request, with the key as its digest.
#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProvider {
    #[schema(schema_with = schemas::provider_type)]
    pub provider_type: String,
    /// 1 to 100 characters after trimming.
    #[schema(schema_with = schemas::name)]
    pub provider_name: String,
    /// Write-only; required for openai, anthropic and groq. Never shown again, only its mask.
    #[serde(default, serialize_with = "digest")]
    #[schema(schema_with = schemas::api_key)]
    pub api_key: Option<Secret>,
    /// Base URL (`https://host/v1` for OpenAI-compatible servers, `http://host:11434` for
    /// Ollama); required for openai_compatible. Loopback and private addresses are refused
    /// unless the operator allowed them.
    #[serde(default)]
    #[schema(schema_with = schemas::endpoint)]
    pub api_endpoint: Option<String>,
    #[schema(schema_with = schemas::model)]
    pub model_name: String,
    #[serde(default)]
    #[schema(schema_with = schemas::max_tokens)]
    pub max_tokens: Option<Whole>,
    #[serde(default)]
    #[schema(schema_with = schemas::temperature)]
    pub temperature: Option<f64>,
    /// Default true.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub is_active: Option<bool>,
    /// Default false; true makes it the user's only default.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub is_default: Option<bool>,
    /// 0 to 1,000, lower first (default 0).
    #[serde(default)]
    #[schema(schema_with = schemas::priority)]
    pub priority: Option<Whole>,
}

/// A key as its SHA-256: enough to tell two requests apart, nothing to read back.
fn digest<S: Serializer>(key: &Option<Secret>, serializer: S) -> Result<S::Ok, S::Error> {
    use sha2::{Digest, Sha256};
    let digest = key.as_ref().map(|k| hex::encode(Sha256::digest(k.expose().as_bytes())));
    digest.serialize(serializer)
}

/// `PATCH /ai/providers/{id}`: absent fields stay; `null` clears key, endpoint, max_tokens
/// and temperature.
#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchProvider {
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::name)]
    pub provider_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::api_key)]
    pub api_key: Option<Option<Secret>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::endpoint)]
    pub api_endpoint: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::model)]
    pub model_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::max_tokens)]
    pub max_tokens: Option<Option<Whole>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::temperature)]
    pub temperature: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool)]
    pub is_active: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool)]
    pub is_default: Option<Option<bool>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(schema_with = schemas::priority)]
    pub priority: Option<Option<Whole>>,
}

/// Seals a key given in a request: 1 to 512 visible ASCII characters.
fn seal(keyring: &Keyring, user: UserId, id: AiProviderId, key: Secret) -> Result<SealedKey, String> {
    let text = key.expose();
    if !(1..=MAX_KEY_CHARS).contains(&text.len()) || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!(
            "must be 1 to {MAX_KEY_CHARS} visible ASCII characters (no spaces)"
        ));
    }
    let sealed = keyring.seal(&key, &provider_key_context(user, id.0));
    Ok(SealedKey {
        key_id: sealed.key_id,
        ciphertext: sealed.ciphertext,
        mask: mask(&key),
    })
}

fn kind_needs_key(t: ProviderType) -> bool {
    matches!(t, ProviderType::Openai | ProviderType::Anthropic | ProviderType::Groq)
}

impl CreateProvider {
    /// The new provider, its key sealed for `user`, or every field error. The endpoint's
    /// address is checked by the caller (it needs a DNS lookup).
    pub fn parse(self, keyring: &Keyring, user: UserId, id: AiProviderId) -> Result<NewAiProvider, Vec<FieldError>> {
        let mut f = Fields::default();
        // Required means given: a given but invalid value has its own error.
        let (key_given, endpoint_given) = (self.api_key.is_some(), self.api_endpoint.is_some());
        let provider_type = f.check("provider_type", ProviderType::parse(&self.provider_type));
        let name = f.check("provider_name", ProviderName::parse(&self.provider_name));
        let model = f.check("model_name", ModelName::parse(&self.model_name));
        let endpoint = f.opt("api_endpoint", self.api_endpoint.as_deref(), Endpoint::parse);
        let key = match self.api_key {
            Some(key) => f.check("api_key", seal(keyring, user, id, key)),
            None => None,
        };
        if let Some(t) = provider_type {
            if kind_needs_key(t) && !key_given {
                f.push("api_key", format!("is required for {}", t.as_str()));
            }
            if t == ProviderType::OpenaiCompatible && !endpoint_given {
                f.push("api_endpoint", "is required for openai_compatible");
            }
        }
        let new = NewAiProvider {
            id,
            provider_type: provider_type.unwrap_or(ProviderType::Openai),
            name: name.unwrap_or_else(|| ProviderName::parse("-").expect("a valid name")),
            endpoint,
            model: model.unwrap_or_else(|| ModelName::parse("-").expect("a valid model")),
            max_tokens: f.opt("max_tokens", self.max_tokens.map(Whole::get), MaxTokens::parse),
            temperature: f.opt("temperature", self.temperature, Temperature::parse),
            active: self.is_active.unwrap_or(true),
            default: self.is_default.unwrap_or(false),
            priority: f
                .opt("priority", self.priority.map(Whole::get), Priority::parse)
                .unwrap_or_else(|| Priority::parse(0).expect("0 is a priority")),
            key,
        };
        f.finish(new)
    }
}

impl PatchProvider {
    /// The changes, a new key sealed for `user`, or every field error.
    pub fn parse(
        self,
        keyring: &Keyring,
        user: UserId,
        id: AiProviderId,
    ) -> Result<AiProviderChanges, Vec<FieldError>> {
        let mut f = Fields::default();
        let changes = AiProviderChanges {
            name: f.required("provider_name", self.provider_name, |n| ProviderName::parse(&n)),
            endpoint: f.nullable("api_endpoint", self.api_endpoint, |e| Endpoint::parse(&e)),
            model: f.required("model_name", self.model_name, |m| ModelName::parse(&m)),
            max_tokens: f.nullable("max_tokens", Whole::patch(self.max_tokens), MaxTokens::parse),
            temperature: f.nullable("temperature", self.temperature, Temperature::parse),
            active: f.required("is_active", self.is_active, Ok::<_, String>),
            default: f.required("is_default", self.is_default, Ok::<_, String>),
            priority: f.required("priority", Whole::patch(self.priority), Priority::parse),
            key: f.nullable("api_key", self.api_key, |k| seal(keyring, user, id, k)),
        };
        f.finish(changes)
    }
}

/// The schemas of the registry's fields: the rules of `joan_domain::ai_provider`.
pub(crate) mod schemas {
    use joan_domain::ai_provider::{Endpoint, MaxTokens, ModelName, Priority, ProviderName, ProviderType, Temperature};
    use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

    use crate::http::schema::{integer, nullable, one_of, pattern, short_text, visible_ascii};

    pub fn provider_type() -> Object {
        one_of(ProviderType::WORDS).build()
    }

    pub fn name() -> Object {
        short_text(ProviderName::MAX_CHARS).build()
    }

    pub fn model() -> Object {
        short_text(ModelName::MAX_CHARS).build()
    }

    pub fn api_key() -> Object {
        nullable(visible_ascii(crate::routes::settings::MAX_KEY_CHARS))
    }

    pub fn endpoint() -> Object {
        nullable(pattern(Endpoint::PATTERN, Endpoint::MAX_CHARS))
    }

    pub fn max_tokens() -> Object {
        nullable(integer(MaxTokens::MIN, MaxTokens::MAX))
    }

    pub fn priority() -> Object {
        integer(Priority::MIN, Priority::MAX).build()
    }

    pub fn temperature() -> Object {
        nullable(
            ObjectBuilder::new()
                .schema_type(Type::Number)
                .minimum(Some(Temperature::MIN))
                .maximum(Some(Temperature::MAX)),
        )
    }
}
