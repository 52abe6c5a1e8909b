//! [`Providers`]: the [`Llm`] that calls real providers through the outbound guard.
//!
//! Per provider of the chain, in order: the endpoint is checked by the guard (again at every
//! call: DNS changes), the key opened just before the call, and the call retried only for
//! retryable failures (connect errors, timeouts, 429, 5xx and Anthropic's 529), with full-jitter
//! backoff or the `Retry-After` asked for (up to `backoff_cap`; a longer wait is not waited).
//! 400/401/403/404 are not retried. A circuit breaker per provider skips one that keeps failing.
//! The answer is normalised (text, JSON, usage, cost); when JSON was asked and the answer holds
//! none (or none valid against the schema), one repair call asks the model to fix it. Any
//! failure moves on to the next provider; the last failure is what the caller sees.
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::Url;
use serde_json::Value;

use crate::ai::guard::{AllowList, Guard, GuardError};
use crate::ai::{AiFailure, ChatRequest, Completion, FailureClass, Llm, ProviderKind, ProviderSpec};
use crate::config::Secret;
use crate::crypto::Keyring;

mod breaker;
pub mod json;
pub mod prices;
mod retry;
pub mod wire;

use breaker::Breakers;
use wire::{Message, Outgoing, Reply};

/// The largest answer body read from a provider.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// How providers are called (`joan serve` and `joan worker` flags; tests shorten the times).
#[derive(Debug, Clone)]
pub struct AiSettings {
    /// `host:port` entries the guard lets through although private or loopback.
    pub allow_hosts: Vec<String>,
    /// Only `allow_hosts` may be reached, public hosts and the Ollama URL included.
    pub only_allowed: bool,
    /// The operator's Ollama: the endpoint of Ollama providers that name none, always allowed.
    pub ollama_url: String,
    /// One HTTP call's limit, connect to last byte.
    pub timeout: Duration,
    /// Retries after the first call, for retryable failures only.
    pub retries: u32,
    pub backoff_base: Duration,
    /// The longest wait between two calls, backoff or `Retry-After`.
    pub backoff_cap: Duration,
    /// Failures in a row that open a provider's circuit.
    pub breaker_threshold: u32,
    /// How long an open circuit skips its provider before one trial call.
    pub breaker_cooldown: Duration,
}

impl Default for AiSettings {
    fn default() -> Self {
        Self {
            allow_hosts: Vec::new(),
            only_allowed: false,
            ollama_url: "http://127.0.0.1:11434".into(),
            timeout: Duration::from_secs(60),
            retries: 2,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(30),
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(30),
        }
    }
}

/// Calls providers: the guarded client, the keyring that opens keys, and the breakers.
pub struct Providers {
    guard: Guard,
    keyring: Keyring,
    settings: AiSettings,
    ollama: Url,
    breakers: Breakers,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Providers").field("settings", &self.settings).finish()
    }
}

/// One call's failure, before it becomes an [`AiFailure`].
#[derive(Debug)]
struct Failed {
    class: FailureClass,
    message: String,
    retry_after: Option<Duration>,
}

impl Failed {
    fn new(class: FailureClass, message: impl Into<String>) -> Self {
        Self {
            class,
            message: message.into(),
            retry_after: None,
        }
    }

    fn retryable(&self) -> bool {
        matches!(
            self.class,
            FailureClass::Unavailable | FailureClass::Timeout | FailureClass::RateLimited
        )
    }

    /// Whether it says the provider is unwell (counts toward its breaker).
    fn is_ill_health(&self) -> bool {
        self.retryable() || self.class == FailureClass::InvalidResponse
    }

    fn at(self, spec: &ProviderSpec) -> AiFailure {
        AiFailure {
            class: self.class,
            message: format!("{}: {}", spec.name, self.message),
            attempts: 0,
            provider_id: Some(spec.id),
        }
    }
}

impl Providers {
    pub fn new(settings: AiSettings, keyring: Keyring) -> Result<Self, String> {
        let ollama = Url::parse(&settings.ollama_url).map_err(|e| format!("the Ollama URL: {e}"))?;
        let mut allow = AllowList::parse(&settings.allow_hosts).map_err(|e| format!("JOAN_AI_ALLOW_HOSTS: {e}"))?;
        // Egress limited to the list means the list alone, the Ollama URL only if listed.
        if !settings.only_allowed {
            allow = allow.with_url(&ollama);
        }
        let allow = allow.only_listed(settings.only_allowed);
        Ok(Self {
            guard: Guard::new(allow, settings.timeout),
            keyring,
            breakers: Breakers::new(settings.breaker_threshold, settings.breaker_cooldown),
            ollama,
            settings,
        })
    }

    /// The guard, for checking a user's endpoint when it is saved.
    pub fn guard(&self) -> &Guard {
        &self.guard
    }

    /// Where `spec`'s chats go, once the guard passed it.
    async fn url_of(&self, spec: &ProviderSpec) -> Result<Url, Failed> {
        let base = match (&spec.endpoint, spec.kind) {
            (Some(endpoint), _) => Url::parse(endpoint).map_err(|_| refused(&GuardError::NotHttp))?,
            (None, ProviderKind::Ollama) => self.ollama.clone(),
            (None, kind) => match wire::default_base(kind) {
                Some(base) => Url::parse(base).map_err(|_| refused(&GuardError::NotHttp))?,
                None => {
                    return Err(Failed::new(
                        FailureClass::BadRequest,
                        "an OpenAI-compatible provider needs an endpoint",
                    ));
                }
            },
        };
        self.guard.check(&base).await.map_err(|e| refused(&e))?;
        wire::endpoint(&base, spec.kind).map_err(|_| refused(&GuardError::NotHttp))
    }

    /// The key in the clear, opened at the last moment; never logged.
    fn open_key(&self, spec: &ProviderSpec) -> Result<Option<Secret>, Failed> {
        match &spec.key {
            Some(sealed) => self
                .keyring
                .open(&sealed.key_id, &sealed.ciphertext, &sealed.context)
                .map(Some)
                .map_err(|_| {
                    Failed::new(
                        FailureClass::InvalidKey,
                        "the stored key could not be opened (sealed with an encryption key this server lacks)",
                    )
                }),
            None if wire::needs_key(spec.kind) => Err(Failed::new(FailureClass::InvalidKey, "no API key is set")),
            None => Ok(None),
        }
    }

    /// One HTTP call.
    async fn call_once(&self, url: &Url, key: Option<&Secret>, out: &Outgoing<'_>) -> Result<Reply, Failed> {
        let response = self
            .guard
            .client()
            .post(url.clone())
            .headers(wire::headers(out.kind, key))
            .json(&wire::body(out))
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry::retry_after(v, time::OffsetDateTime::now_utc()));
        if !status.is_success() {
            let class = match status.as_u16() {
                300..=399 => FailureClass::Refused,
                401 | 403 => FailureClass::InvalidKey,
                408 => FailureClass::Timeout,
                429 => FailureClass::RateLimited,
                500.. => FailureClass::Unavailable,
                _ => FailureClass::BadRequest,
            };
            let message = match class {
                FailureClass::Refused => format!("answered {status}; redirects are not followed"),
                _ => format!("answered {status}"),
            };
            return Err(Failed {
                class,
                message,
                retry_after,
            });
        }
        let mut response = response;
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > MAX_ANSWER_BYTES {
                return Err(Failed::new(FailureClass::InvalidResponse, "the answer is too large"));
            }
        }
        wire::parse(out.kind, &bytes).map_err(|m| Failed::new(FailureClass::InvalidResponse, m))
    }

    /// One call with its retries, under the provider's breaker.
    async fn call(
        &self,
        spec: &ProviderSpec,
        url: &Url,
        key: Option<&Secret>,
        out: &Outgoing<'_>,
        attempts: &mut u32,
    ) -> Result<Reply, Failed> {
        let mut retry = 0;
        loop {
            if !self.breakers.allow(spec.id) {
                return Err(Failed::new(
                    FailureClass::CircuitOpen,
                    "skipped: it failed too often lately (circuit open)",
                ));
            }
            *attempts += 1;
            let failed = match self.call_once(url, key, out).await {
                Ok(reply) => {
                    self.breakers.success(spec.id);
                    return Ok(reply);
                }
                Err(failed) => failed,
            };
            if failed.is_ill_health() {
                self.breakers.failure(spec.id);
            } else {
                self.breakers.neutral(spec.id);
            }
            if !failed.retryable() || retry >= self.settings.retries {
                return Err(failed);
            }
            let wait = failed
                .retry_after
                .unwrap_or_else(|| retry::backoff(self.settings.backoff_base, self.settings.backoff_cap, retry));
            if wait > self.settings.backoff_cap {
                return Err(failed);
            }
            tracing::debug!(provider = %spec.id, class = ?failed.class, wait_ms = wait.as_millis() as u64, "retrying");
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// One provider: the call, and for JSON the extraction and at most one repair.
    async fn complete_with(
        &self,
        spec: &ProviderSpec,
        request: &ChatRequest,
        attempts: &mut u32,
    ) -> Result<Completion, Failed> {
        let started = Instant::now();
        let url = self.url_of(spec).await?;
        let key = self.open_key(spec)?;
        let model = request.model.clone().unwrap_or_else(|| spec.model.clone());
        let wants_json = request.json || request.json_schema.is_some();
        let system = system_prompt(request, wants_json);
        let mut messages = vec![Message {
            role: "user",
            content: request.prompt.clone(),
        }];
        let mut reply = self
            .call(
                spec,
                &url,
                key.as_ref(),
                &outgoing(spec, request, &model, system.as_deref(), &messages),
                attempts,
            )
            .await?;
        let (mut tokens_in, mut tokens_out) = (reply.tokens_in, reply.tokens_out);
        let mut json = None;
        if wants_json {
            match json_of(&reply.text, request) {
                Ok(value) => json = Some(value),
                Err(problem) => {
                    messages.push(Message {
                        role: "assistant",
                        content: reply.text.clone(),
                    });
                    messages.push(Message {
                        role: "user",
                        content: format!(
                            "Your answer was not the JSON asked for ({problem}). \
                             Reply with the corrected JSON only, nothing else."
                        ),
                    });
                    reply = self
                        .call(
                            spec,
                            &url,
                            key.as_ref(),
                            &outgoing(spec, request, &model, system.as_deref(), &messages),
                            attempts,
                        )
                        .await?;
                    tokens_in = tokens_in.saturating_add(reply.tokens_in);
                    tokens_out = tokens_out.saturating_add(reply.tokens_out);
                    let value = json_of(&reply.text, request).map_err(|problem| {
                        self.breakers.failure(spec.id);
                        Failed::new(
                            FailureClass::InvalidResponse,
                            format!("the answer was not the JSON asked for, even after a repair: {problem}"),
                        )
                    })?;
                    json = Some(value);
                }
            }
        }
        let model = reply.model.take().unwrap_or(model);
        Ok(Completion {
            text: reply.text,
            json,
            provider_id: spec.id,
            provider_kind: spec.kind,
            cost_micro_usd: prices::cost_micro_usd(spec.kind, &model, tokens_in, tokens_out),
            model,
            tokens_in,
            tokens_out,
            latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            attempts: 0,
        })
    }
}

#[async_trait]
impl Llm for Providers {
    #[tracing::instrument(skip_all, fields(providers = chain.len()))]
    async fn complete(&self, chain: &[ProviderSpec], request: &ChatRequest) -> Result<Completion, AiFailure> {
        let mut attempts = 0;
        let mut last: Option<AiFailure> = None;
        for spec in chain {
            match self.complete_with(spec, request, &mut attempts).await {
                Ok(mut completion) => {
                    completion.attempts = attempts;
                    tracing::info!(
                        provider = %spec.id,
                        kind = ?spec.kind,
                        model = %completion.model,
                        attempts,
                        latency_ms = completion.latency_ms,
                        tokens_in = completion.tokens_in,
                        tokens_out = completion.tokens_out,
                        "ai completion"
                    );
                    return Ok(completion);
                }
                Err(failed) => {
                    tracing::warn!(provider = %spec.id, kind = ?spec.kind, class = ?failed.class, message = %failed.message, "ai provider failed");
                    // A provider that really failed says more than one skipped by its breaker.
                    let skipped = failed.class == FailureClass::CircuitOpen;
                    if !skipped || last.as_ref().is_none_or(|l| l.class == FailureClass::CircuitOpen) {
                        last = Some(failed.at(spec));
                    }
                }
            }
        }
        let mut failure = last.unwrap_or(AiFailure {
            class: FailureClass::NoProvider,
            message: "no active AI provider: add one under /ai/providers or enable the local LLM in the settings"
                .into(),
            attempts: 0,
            provider_id: None,
        });
        failure.attempts = attempts;
        Err(failure)
    }
}

/// One call's request: the request's overrides over the provider's settings.
fn outgoing<'a>(
    spec: &ProviderSpec,
    request: &'a ChatRequest,
    model: &'a str,
    system: Option<&'a str>,
    messages: &'a [Message],
) -> Outgoing<'a> {
    Outgoing {
        kind: spec.kind,
        model,
        system,
        messages,
        temperature: request.temperature.or(spec.temperature),
        max_tokens: request.max_tokens.or(spec.max_tokens),
        json: request.json.then_some(request.json_schema.as_ref()),
    }
}

/// The caller's system prompt, told to answer in JSON when JSON is asked.
fn system_prompt(request: &ChatRequest, wants_json: bool) -> Option<String> {
    if !wants_json {
        return request.system.clone();
    }
    let mut rule = "Answer with JSON only.".to_string();
    if let Some(schema) = &request.json_schema {
        rule = format!("Answer with JSON only, valid against this JSON Schema: {schema}");
    }
    Some(match &request.system {
        Some(system) => format!("{system}\n\n{rule}"),
        None => rule,
    })
}

/// The JSON the request asked for, out of `text`.
fn json_of(text: &str, request: &ChatRequest) -> Result<Value, String> {
    let value = json::extract(text).ok_or_else(|| "no JSON found".to_string())?;
    if let Some(schema) = &request.json_schema {
        json::validate(&value, schema)?;
    }
    Ok(value)
}

fn refused(e: &GuardError) -> Failed {
    Failed::new(FailureClass::Refused, e.to_string())
}

/// A transport error's class: the guard's refusal (from the pinning resolver), a timeout, or
/// the provider out of reach. The message never holds the URL's query or any header.
fn transport(e: reqwest::Error) -> Failed {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(cause) = source {
        if let Some(guard) = cause.downcast_ref::<GuardError>() {
            return refused(guard);
        }
        source = cause.source();
    }
    if e.is_timeout() {
        Failed::new(FailureClass::Timeout, "timed out")
    } else if e.is_connect() {
        Failed::new(FailureClass::Unavailable, "could not connect")
    } else {
        Failed::new(FailureClass::Unavailable, "the connection failed")
    }
}
