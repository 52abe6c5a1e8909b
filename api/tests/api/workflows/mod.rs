//! AI workflows over HTTP with the in-process queue and a fake model: templates and their
//! step rules, an execution that turns text into tasks exactly once (also when the process
//! manager runs again from no checkpoint), a `user_input` step waiting then answered, cancel,
//! and a model's failure.
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use axum::http::StatusCode;
use joan_api::ai::workflows::AiOptions;
use joan_api::ai::{AiFailure, ChatRequest, Completion, FailureClass, Llm, ProviderKind, ProviderSpec};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::app::TestApp;
use crate::backend::Backend;

mod executions;
mod nats;
mod restart;
mod templates;

const TEMPLATES: &str = "/api/v1/ai/workflows/templates";
const EXECUTIONS: &str = "/api/v1/ai/workflows/executions";

/// A model that lists two tasks when asked for JSON and summarises otherwise; it can be held
/// (each call takes a permit) and made to fail.
pub struct FakeLlm {
    pub calls: AtomicU32,
    gate: Option<Arc<Semaphore>>,
    fail: bool,
}

impl FakeLlm {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            calls: AtomicU32::new(0),
            gate: None,
            fail: false,
        })
    }

    /// Each call waits for a permit of `gate`.
    pub fn held(gate: Arc<Semaphore>) -> Arc<Self> {
        Arc::new(Self {
            calls: AtomicU32::new(0),
            gate: Some(gate),
            fail: false,
        })
    }

    pub fn failing() -> Arc<Self> {
        Arc::new(Self {
            calls: AtomicU32::new(0),
            gate: None,
            fail: true,
        })
    }
}

#[async_trait]
impl Llm for FakeLlm {
    async fn complete(&self, _: &[ProviderSpec], request: &ChatRequest) -> Result<Completion, AiFailure> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if let Some(gate) = &self.gate {
            gate.acquire().await.expect("gate").forget();
        }
        if self.fail {
            return Err(AiFailure {
                class: FailureClass::RateLimited,
                message: "429 Too Many Requests".into(),
                attempts: 3,
                provider_id: None,
            });
        }
        Ok(self.answer(request))
    }
}

impl FakeLlm {
    /// What the model answers to `request`.
    pub fn answer(&self, request: &ChatRequest) -> Completion {
        let json = request.json.then(|| {
            json!([
                {"title": "Buy milk", "priority": 2, "colour": "ignored"},
                {"title": "Call Ann", "description": format!("from: {}", request.prompt)}
            ])
        });
        Completion {
            text: json
                .as_ref()
                .map_or_else(|| format!("summary of {}", request.prompt), Value::to_string),
            json,
            provider_id: Uuid::from_u128(7),
            provider_kind: ProviderKind::OpenaiCompatible,
            model: "fake-1".into(),
            tokens_in: 12,
            tokens_out: 34,
            latency_ms: 5,
            cost_micro_usd: 0,
            attempts: 1,
        }
    }
}

pub async fn app_with(backend: Backend, llm: Arc<FakeLlm>) -> Option<TestApp> {
    let ai = AiOptions {
        llm,
        ..AiOptions::default()
    };
    TestApp::with_workflows(backend, ai).await
}

/// The api.md example: ask for text, find items, list them as JSON, create tasks.
pub fn inbox_template() -> Value {
    json!({"name": "Extract tasks", "description": "From notes to tasks", "steps": [
        {"name": "collect", "type": "user_input", "prompt": "What did you write?", "field": "text"},
        {"name": "analyze", "type": "ai_process", "prompt": "Find actionable items in: {input.text}"},
        {"name": "extract", "type": "ai_process", "output_format": "json",
         "prompt": "As a JSON list of {title, priority}: {steps.analyze.output}"},
        {"name": "create", "type": "api_call", "endpoint": "/tasks/batch", "data": "{steps.extract.output}"}
    ]})
}

pub async fn create_template(app: &TestApp, token: &str, body: &Value) -> String {
    let reply = app.post(TEMPLATES).token(token).json(body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_string()
}

pub async fn execution(app: &TestApp, token: &str, id: &str) -> Value {
    let reply = app.get(&format!("{EXECUTIONS}/{id}")).token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

/// Reads the execution until `done` holds of it (the steps run in the background).
pub async fn until(app: &TestApp, token: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let view = execution(app, token, id).await;
        if done(&view) {
            return view;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the execution never got there: {view}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub fn status(view: &Value) -> &str {
    view["status"].as_str().unwrap_or_default()
}
