//! Parsed AI provider values: once built, always valid.
use crate::text::{ValueError, short_text};

crate::word_enum! {
    /// The wire format a provider speaks.
    pub enum ProviderType {
        Openai = "openai",
        Anthropic = "anthropic",
        Groq = "groq",
        Ollama = "ollama",
        OpenaiCompatible = "openai_compatible",
    }
}

crate::bounded_number!(
    /// The most tokens an answer may have: 1 to 200,000.
    MaxTokens: u32, 1..=200000
);
crate::bounded_number!(
    /// Where a provider stands in its user's chain: lower is tried first (0 to 1,000).
    Priority: u32, 0..=1000
);

/// A provider's name, as its user calls it: 1 to 100 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderName(String);

impl ProviderName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<ProviderName> for String {
    fn from(n: ProviderName) -> String {
        n.0
    }
}

/// The model a provider runs (`gpt-4o-mini`, `llama3.2`): 1 to 200 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelName(String);

impl ModelName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        short_text(raw, Self::MAX_CHARS).map(Self)
    }
}

impl From<ModelName> for String {
    fn from(m: ModelName) -> String {
        m.0
    }
}

/// Sampling temperature: a number from 0 to 2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Temperature(f64);

impl Temperature {
    pub const MIN: f64 = 0.0;
    pub const MAX: f64 = 2.0;

    pub fn parse(raw: f64) -> Result<Self, ValueError> {
        if raw.is_finite() && (Self::MIN..=Self::MAX).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(ValueError::OutOfRange(0, 2))
        }
    }
}

impl From<Temperature> for f64 {
    fn from(t: Temperature) -> f64 {
        t.0
    }
}
