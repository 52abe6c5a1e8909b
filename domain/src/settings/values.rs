//! Parsed settings values: once built, always valid.
use serde::{Deserialize, Serialize};

use crate::text::{ValueError, short_text};

crate::word_enum! {
    /// The interface theme; `system` follows the device.
    #[derive(Default)]
    pub enum Theme {
        Light = "light",
        Dark = "dark",
        #[default]
        System = "system",
    }
}

crate::word_enum! {
    /// An LLM provider whose API key a user may keep with Joan.
    pub enum Provider {
        OpenAi = "openai",
        Anthropic = "anthropic",
    }
}

crate::bounded_number!(
    /// A focus session's default length: 1 to 240 minutes (25 by default).
    WorkMinutes: u32, 1..=240, default 25
);
crate::bounded_number!(
    /// A break's default length: 1 to 120 minutes (5 by default).
    BreakMinutes: u32, 1..=120, default 5
);

/// An IANA time-zone name (`Europe/Paris`, `UTC`), spelled exactly as the tz database bundled
/// with Joan spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timezone(String);

impl Timezone {
    pub const DEFAULT: &'static str = "UTC";

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        if Self::names().any(|name| name == raw) {
            Ok(Self(raw.to_string()))
        } else {
            Err(ValueError::NotATimezone)
        }
    }

    /// Every name the database knows, for schemas.
    pub fn names() -> impl Iterator<Item = String> {
        jiff::tz::db().available().map(|name| name.as_str().to_string())
    }
}

impl From<Timezone> for String {
    fn from(t: Timezone) -> String {
        t.0
    }
}

/// The URL of a local LLM server (Ollama...): `http://` or `https://`, a host of letters,
/// digits, dots and hyphens (so no user name or password), an optional port of up to 5 digits,
/// and an optional path of visible ASCII; at most 2,048 characters, kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalLlmUrl(String);

impl LocalLlmUrl {
    pub const MAX_CHARS: usize = 2_048;
    /// The same rule as a JSON Schema pattern.
    pub const PATTERN: &'static str = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[!-~]*)?$";

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(ValueError::TooLong(Self::MAX_CHARS));
        }
        let rest = raw
            .strip_prefix("http://")
            .or_else(|| raw.strip_prefix("https://"))
            .ok_or(ValueError::NotAnHttpUrl)?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        let port_ok = port.is_none_or(|p| (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
        let path_ok = path.bytes().all(|b| (b'!'..=b'~').contains(&b));
        if !(host_ok && port_ok && path_ok) {
            return Err(ValueError::NotAnHttpUrl);
        }
        Ok(Self(raw.to_string()))
    }
}

impl From<LocalLlmUrl> for String {
    fn from(u: LocalLlmUrl) -> String {
        u.0
    }
}

/// The model a local LLM server should run: 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalLlmModel(String);

impl LocalLlmModel {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<LocalLlmModel> for String {
    fn from(m: LocalLlmModel) -> String {
        m.0
    }
}

/// An API key as the settings keep it: sealed by the API layer before the command, so no
/// event or row ever holds the key itself. `key_id` names the encryption key that sealed it,
/// `ciphertext` is the nonce and sealed bytes (base64), `mask` what the user is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedKey {
    pub key_id: String,
    pub ciphertext: String,
    pub mask: String,
}

impl SealedKey {
    /// `<key id>:<ciphertext>`, as the read table stores it.
    pub fn stored(&self) -> String {
        format!("{}:{}", self.key_id, self.ciphertext)
    }

    /// The key id and ciphertext of a stored text.
    pub fn split_stored(text: &str) -> Option<(&str, &str)> {
        text.split_once(':')
    }
}
