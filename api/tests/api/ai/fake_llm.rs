//! A fake LLM server on 127.0.0.1 speaking the OpenAI (and Groq, OpenAI-compatible),
//! Anthropic and Ollama wire formats, answering from a script.
//!
//! ```ignore
//! let fake = FakeLlm::start().await;
//! fake.script([Answer::status(500), Answer::text("ok")]);
//! // point a provider at fake.base(kind); allow fake.host_port() in the AI settings
//! ```
//! Each request takes the next answer; the last one repeats once the script runs out (an
//! empty script answers "ok"). Every request is kept (`seen`) with its arrival time.
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use joan_api::ai::ProviderKind;
use serde_json::{Value, json};

/// Usage every text answer reports.
pub const PROMPT_TOKENS: u32 = 12;
pub const COMPLETION_TOKENS: u32 = 5;

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A chat answer with this text, in the format of the path asked.
    Text(String),
    /// This status with a small JSON error body, and `Retry-After` when given.
    Status(u16, Option<String>),
    /// Waits, then answers.
    Slow(Duration, Box<Answer>),
    /// 200 with an HTML page.
    Garbage,
    /// 302 to this location.
    Redirect(String),
}

impl Answer {
    pub fn text(text: &str) -> Self {
        Self::Text(text.to_string())
    }

    pub fn status(code: u16) -> Self {
        Self::Status(code, None)
    }

    pub fn retry_after(code: u16, value: &str) -> Self {
        Self::Status(code, Some(value.to_string()))
    }

    pub fn slow(wait: Duration, then: Answer) -> Self {
        Self::Slow(wait, Box::new(then))
    }
}

/// A request the fake received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Value,
    pub at: Instant,
}

#[derive(Default)]
struct Inner {
    script: VecDeque<Answer>,
    seen: Vec<Seen>,
}

pub struct FakeLlm {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeLlm {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeLlm {
    /// Listens on 127.0.0.1, a free port.
    pub async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let shared = inner.clone();
        let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let shared = shared.clone();
            async move { answer(shared, uri, headers, body).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, inner, task }
    }

    /// Replaces the script.
    pub fn script(&self, answers: impl IntoIterator<Item = Answer>) {
        self.inner.lock().unwrap().script = answers.into_iter().collect();
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.inner.lock().unwrap().seen.clone()
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.inner.lock().unwrap().seen.len()
    }

    /// `127.0.0.1:<port>`, the entry that lets the guard through (`JOAN_AI_ALLOW_HOSTS`).
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// The base URL a provider of `kind` is given.
    pub fn base(&self, kind: ProviderKind) -> String {
        match kind {
            ProviderKind::Openai | ProviderKind::Groq | ProviderKind::OpenaiCompatible => {
                format!("http://{}/v1", self.addr)
            }
            ProviderKind::Anthropic | ProviderKind::Ollama => format!("http://{}", self.addr),
        }
    }
}

async fn answer(inner: Arc<Mutex<Inner>>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let next = {
        let mut inner = inner.lock().unwrap();
        inner.seen.push(Seen {
            path: uri.path().to_string(),
            headers,
            body: body.clone(),
            at: Instant::now(),
        });
        match inner.script.len() {
            0 => Answer::text("ok"),
            1 => inner.script[0].clone(),
            _ => inner.script.pop_front().unwrap_or_else(|| Answer::text("ok")),
        }
    };
    render(next, uri.path(), &body).await
}

async fn render(mut next: Answer, path: &str, request: &Value) -> Response {
    while let Answer::Slow(wait, then) = next {
        tokio::time::sleep(wait).await;
        next = *then;
    }
    let model = request["model"].clone();
    match next {
        Answer::Text(text) => axum::Json(chat(path, model, &text)).into_response(),
        Answer::Status(code, retry_after) => {
            let status = StatusCode::from_u16(code).unwrap();
            let mut response = (
                status,
                axum::Json(json!({"error": {"message": "scripted failure", "type": "fake"}})),
            )
                .into_response();
            if let Some(value) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, value.parse().unwrap());
            }
            response
        }
        Answer::Garbage => (
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        )
            .into_response(),
        Answer::Redirect(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Answer::Slow(..) => unreachable!(),
    }
}

/// A successful answer in the wire format of `path`.
fn chat(path: &str, model: Value, text: &str) -> Value {
    match path {
        "/v1/messages" => json!({
            "id": "msg_fake", "type": "message", "role": "assistant", "model": model,
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
            "usage": {"input_tokens": PROMPT_TOKENS, "output_tokens": COMPLETION_TOKENS},
        }),
        "/api/chat" => json!({
            "model": model, "created_at": "2026-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": text}, "done": true,
            "prompt_eval_count": PROMPT_TOKENS, "eval_count": COMPLETION_TOKENS,
        }),
        _ => json!({
            "id": "chatcmpl-fake", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS,
                      "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS},
        }),
    }
}
