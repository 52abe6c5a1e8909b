//! The wire formats: how each kind of provider is asked, and what its answer holds.
//!
//! - OpenAI, Groq and OpenAI-compatible servers: `POST <base>/chat/completions`, a bearer key.
//! - Anthropic: `POST <base>/v1/messages`, `x-api-key` and `anthropic-version`.
//! - Ollama: `POST <base>/api/chat` with `stream: false`; no key.
use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};

use crate::ai::ProviderKind;
use crate::config::Secret;

/// The Anthropic API version Joan speaks.
const ANTHROPIC_VERSION: &str = "2023-06-01";
/// Anthropic requires `max_tokens`; this is used when neither request nor provider sets it.
const ANTHROPIC_DEFAULT_MAX_TOKENS: u32 = 1024;

/// The public base URL of a kind; `None` where there is none (an OpenAI-compatible server
/// needs its URL, Ollama uses the operator's).
pub fn default_base(kind: ProviderKind) -> Option<&'static str> {
    match kind {
        ProviderKind::Openai => Some("https://api.openai.com/v1"),
        ProviderKind::Groq => Some("https://api.groq.com/openai/v1"),
        ProviderKind::Anthropic => Some("https://api.anthropic.com"),
        ProviderKind::Ollama | ProviderKind::OpenaiCompatible => None,
    }
}

/// Whether calls of this kind need a key.
pub fn needs_key(kind: ProviderKind) -> bool {
    matches!(
        kind,
        ProviderKind::Openai | ProviderKind::Groq | ProviderKind::Anthropic
    )
}

/// The URL a chat goes to under `base`.
pub fn endpoint(base: &Url, kind: ProviderKind) -> Result<Url, url::ParseError> {
    let path = match kind {
        ProviderKind::Openai | ProviderKind::Groq | ProviderKind::OpenaiCompatible => "chat/completions",
        ProviderKind::Anthropic => "v1/messages",
        ProviderKind::Ollama => "api/chat",
    };
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        let with_slash = format!("{}/", base.path());
        base.set_path(&with_slash);
    }
    base.join(path)
}

/// One turn of the conversation.
#[derive(Debug, Clone)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

/// What one call asks.
#[derive(Debug)]
pub struct Outgoing<'a> {
    pub kind: ProviderKind,
    pub model: &'a str,
    pub system: Option<&'a str>,
    pub messages: &'a [Message],
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    /// The answer must be JSON, of this schema when there is one: sent as the format's own
    /// constraint where it has one (the model is then held to JSON, not only asked for it).
    pub json: Option<Option<&'a Value>>,
}

/// What one call answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    /// The model the provider says answered, when it says.
    pub model: Option<String>,
    pub tokens_in: u32,
    pub tokens_out: u32,
}

/// The request body.
pub fn body(o: &Outgoing<'_>) -> Value {
    let turns = |with_system: bool| {
        let mut list: Vec<Value> = Vec::new();
        if let Some(system) = o.system.filter(|_| with_system) {
            list.push(json!({"role": "system", "content": system}));
        }
        list.extend(o.messages.iter().map(|m| json!({"role": m.role, "content": m.content})));
        Value::Array(list)
    };
    let temperature = o.temperature.map(|t| (f64::from(t) * 100.0).round() / 100.0);
    match o.kind {
        ProviderKind::Openai | ProviderKind::Groq | ProviderKind::OpenaiCompatible => {
            let mut body = json!({"model": o.model, "messages": turns(true)});
            if let Some(t) = temperature {
                body["temperature"] = json!(t);
            }
            if let Some(n) = o.max_tokens {
                body["max_tokens"] = json!(n);
            }
            match (o.kind, o.json) {
                // Groq takes JSON mode only; the schema stays in the prompt.
                (ProviderKind::Groq, Some(_)) | (_, Some(None)) => {
                    body["response_format"] = json!({"type": "json_object"});
                }
                (_, Some(Some(schema))) => {
                    body["response_format"] =
                        json!({"type": "json_schema", "json_schema": {"name": "answer", "schema": schema}});
                }
                (_, None) => {}
            }
            body
        }
        ProviderKind::Anthropic => {
            let mut body = json!({
                "model": o.model,
                "messages": turns(false),
                "max_tokens": o.max_tokens.unwrap_or(ANTHROPIC_DEFAULT_MAX_TOKENS),
            });
            if let Some(system) = o.system {
                body["system"] = json!(system);
            }
            if let Some(t) = temperature {
                body["temperature"] = json!(t);
            }
            body
        }
        ProviderKind::Ollama => {
            let mut options = serde_json::Map::new();
            if let Some(t) = temperature {
                options.insert("temperature".into(), json!(t));
            }
            if let Some(n) = o.max_tokens {
                options.insert("num_predict".into(), json!(n));
            }
            let mut body = json!({"model": o.model, "messages": turns(true), "stream": false, "options": options});
            match o.json {
                Some(Some(schema)) => body["format"] = schema.clone(),
                Some(None) => body["format"] = json!("json"),
                None => {}
            }
            body
        }
    }
}

/// The headers carrying the key, marked sensitive (never printed by `Debug`).
pub fn headers(kind: ProviderKind, key: Option<&Secret>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let mut put = |name: HeaderName, value: String, sensitive: bool| {
        if let Ok(mut value) = HeaderValue::from_str(&value) {
            value.set_sensitive(sensitive);
            headers.insert(name, value);
        }
    };
    match (kind, key) {
        (ProviderKind::Anthropic, key) => {
            if let Some(key) = key {
                put(HeaderName::from_static("x-api-key"), key.expose().to_string(), true);
            }
            put(
                HeaderName::from_static("anthropic-version"),
                ANTHROPIC_VERSION.to_string(),
                false,
            );
        }
        (_, Some(key)) => put(reqwest::header::AUTHORIZATION, format!("Bearer {}", key.expose()), true),
        (_, None) => {}
    }
    headers
}

/// The answer's text and usage, or what is wrong with it.
pub fn parse(kind: ProviderKind, bytes: &[u8]) -> Result<Reply, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| "the answer is not JSON".to_string())?;
    let count = |v: &Value| v.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
    let model = value["model"].as_str().map(str::to_string);
    let (text, tokens_in, tokens_out) = match kind {
        ProviderKind::Openai | ProviderKind::Groq | ProviderKind::OpenaiCompatible => (
            value["choices"][0]["message"]["content"].as_str().map(str::to_string),
            count(&value["usage"]["prompt_tokens"]),
            count(&value["usage"]["completion_tokens"]),
        ),
        ProviderKind::Anthropic => {
            let parts: Option<Vec<&str>> = value["content"].as_array().map(|blocks| {
                blocks
                    .iter()
                    .filter(|b| b["type"] == "text")
                    .filter_map(|b| b["text"].as_str())
                    .collect()
            });
            (
                parts.filter(|p| !p.is_empty()).map(|p| p.concat()),
                count(&value["usage"]["input_tokens"]),
                count(&value["usage"]["output_tokens"]),
            )
        }
        ProviderKind::Ollama => (
            value["message"]["content"].as_str().map(str::to_string),
            count(&value["prompt_eval_count"]),
            count(&value["eval_count"]),
        ),
    };
    let text = text.ok_or_else(|| "the answer holds no text".to_string())?;
    Ok(Reply {
        text,
        model,
        tokens_in,
        tokens_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_append_the_kind_path_to_the_base() {
        let base = Url::parse("http://h:8080/v1").unwrap();
        assert_eq!(
            endpoint(&base, ProviderKind::OpenaiCompatible).unwrap().as_str(),
            "http://h:8080/v1/chat/completions"
        );
        let base = Url::parse("https://api.anthropic.com").unwrap();
        assert_eq!(
            endpoint(&base, ProviderKind::Anthropic).unwrap().as_str(),
            "https://api.anthropic.com/v1/messages"
        );
        let base = Url::parse("http://127.0.0.1:11434/").unwrap();
        assert_eq!(
            endpoint(&base, ProviderKind::Ollama).unwrap().as_str(),
            "http://127.0.0.1:11434/api/chat"
        );
    }

    #[test]
    fn each_format_gives_text_and_usage() {
        let openai = br#"{"model":"gpt-4o-mini","choices":[{"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":7,"completion_tokens":2}}"#;
        let reply = parse(ProviderKind::Openai, openai).unwrap();
        assert_eq!((reply.text.as_str(), reply.tokens_in, reply.tokens_out), ("hi", 7, 2));
        let anthropic = br#"{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}],"usage":{"input_tokens":3,"output_tokens":4}}"#;
        let reply = parse(ProviderKind::Anthropic, anthropic).unwrap();
        assert_eq!((reply.text.as_str(), reply.tokens_in, reply.tokens_out), ("ab", 3, 4));
        let ollama =
            br#"{"model":"llama3","message":{"role":"assistant","content":"yo"},"prompt_eval_count":5,"eval_count":6}"#;
        let reply = parse(ProviderKind::Ollama, ollama).unwrap();
        assert_eq!((reply.text.as_str(), reply.tokens_in, reply.tokens_out), ("yo", 5, 6));
        assert!(parse(ProviderKind::Openai, b"<html>oops</html>").is_err());
        assert!(parse(ProviderKind::Openai, b"{\"choices\":[]}").is_err());
    }

    #[test]
    fn keys_travel_in_sensitive_headers() {
        let key = Secret::new("sk-test-123456789");
        let h = headers(ProviderKind::Openai, Some(&key));
        assert!(h["authorization"].is_sensitive());
        assert!(!format!("{h:?}").contains("sk-test"));
        let h = headers(ProviderKind::Anthropic, Some(&key));
        assert!(h["x-api-key"].is_sensitive());
        assert_eq!(h["anthropic-version"], ANTHROPIC_VERSION);
    }
}
