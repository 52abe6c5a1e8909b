//! `POST /ai/query` and `GET /ai/metrics` over HTTP, against the fake server: answers, the
//! request log, the providers' totals, failures as problem+json, the settings' local LLM.
use std::time::Duration;

use axum::http::StatusCode;
use joan_api::ai::ProviderKind;
use serde_json::{Value, json};

use super::fake_llm::{Answer, COMPLETION_TOKENS, FakeLlm, PROMPT_TOKENS};
use super::registry::{OPENAI_KEY, ai_settings, create};
use crate::app::TestApp;
use crate::backend::Backend;

async fn query(app: &TestApp, token: &str, body: Value) -> crate::app::Reply {
    app.post("/api/v1/ai/query").token(token).json(&body).send().await
}

async fn metrics(app: &TestApp, token: &str, params: &str) -> Value {
    let reply = app
        .get(&format!("/api/v1/ai/metrics{params}"))
        .token(token)
        .send()
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body
}

#[tokio::test]
async fn a_query_answers_is_recorded_and_counts_toward_metrics_and_totals() {
    let fake = FakeLlm::start().await;
    let app = TestApp::with_ai(Backend::Sqlite, ai_settings(&fake)).await.unwrap();
    let token = app.token_for_new_user();
    let none = query(&app, &token, json!({"prompt": "hi"})).await;
    none.assert_problem(StatusCode::CONFLICT, "ai_no_provider");

    let provider = create(
        &app,
        &token,
        json!({"provider_type": "openai", "provider_name": "Fake OpenAI", "api_key": OPENAI_KEY,
               "model_name": "gpt-4o-mini", "api_endpoint": fake.base(ProviderKind::Openai)}),
    )
    .await;
    assert_eq!(provider.status, StatusCode::CREATED, "{}", provider.text);
    let provider_id = provider.body["id"].as_str().unwrap().to_string();

    fake.script([Answer::text("```json\n{\"tasks\": [\"write\"]}\n```")]);
    let schema = json!({"type": "object", "required": ["tasks"]});
    let answer = query(
        &app,
        &token,
        json!({"prompt": "plan my day", "system": "be brief", "json_schema": schema}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.body["json"], json!({"tasks": ["write"]}));
    assert_eq!(answer.body["provider_id"], provider_id.as_str());
    assert_eq!(answer.body["provider_type"], "openai");
    assert_eq!(answer.body["tokens_in"], PROMPT_TOKENS);
    assert_eq!(answer.body["cost_micro_usd"], 5);

    fake.script([Answer::status(500)]);
    let failed = query(&app, &token, json!({"prompt": "again"})).await;
    failed.assert_problem(StatusCode::BAD_GATEWAY, "ai_unavailable");
    assert!(!failed.text.contains(OPENAI_KEY));

    fake.script([Answer::slow(Duration::from_secs(4), Answer::text("late"))]);
    let slow = query(&app, &token, json!({"prompt": "slowly"})).await;
    slow.assert_problem(StatusCode::GATEWAY_TIMEOUT, "ai_timeout");

    let m = metrics(&app, &token, "").await;
    assert_eq!((m["requests"].clone(), m["failures"].clone()), (json!(3), json!(2)));
    assert_eq!(m["tokens"], PROMPT_TOKENS + COMPLETION_TOKENS);
    assert_eq!(m["cost_micro_usd"], 5);
    let by = m["by_provider"].as_array().unwrap();
    assert_eq!(by.len(), 1, "{m}");
    assert_eq!(
        (by[0]["provider_id"].clone(), by[0]["model"].clone()),
        (json!(provider_id), json!("gpt-4o-mini"))
    );
    // The timed-out call took two 2 s attempts: it lifts the average, not the median.
    let (avg, p50) = (
        m["avg_latency_ms"].as_u64().unwrap(),
        m["p50_latency_ms"].as_u64().unwrap(),
    );
    assert!(avg >= 1_000 && p50 < avg, "avg {avg}, p50 {p50}");

    let future = metrics(&app, &token, "?from=2999-01-01").await;
    assert_eq!(future["requests"], 0);
    let bad = app.get("/api/v1/ai/metrics?from=yesterday").token(&token).send().await;
    bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let row = app
        .get(&format!("/api/v1/ai/providers/{provider_id}"))
        .token(&token)
        .send()
        .await;
    assert_eq!(row.body["total_requests"], 3);
    assert_eq!(row.body["total_tokens"], PROMPT_TOKENS + COMPLETION_TOKENS);
    assert_eq!(row.body["total_cost"], 5);
    assert!(row.body["last_used_at"].is_string());

    // The log holds the prompt and the failure class, never the key.
    let rows = crate::support::json_rows(
        app.state.core.store.db(),
        "prompt, response, status, error_class",
        "from ai_requests order by created_at",
    )
    .await;
    assert_eq!(rows.len(), 3);
    assert!(
        rows[0].contains("plan my day") && rows[1].contains("unavailable"),
        "{rows:?}"
    );
    assert!(!rows.iter().any(|r| r.contains(OPENAI_KEY)));

    // Another user sees none of it, and may not name the provider.
    let stranger = app.token_for_new_user();
    assert_eq!(metrics(&app, &stranger, "").await["requests"], 0);
    let theirs = query(&app, &stranger, json!({"prompt": "hi", "provider_id": provider_id})).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.text);
}

#[tokio::test]
async fn invalid_queries_are_refused_and_record_nothing() {
    let fake = FakeLlm::start().await;
    let app = TestApp::with_ai(Backend::Sqlite, ai_settings(&fake)).await.unwrap();
    let token = app.token_for_new_user();
    for body in [
        json!({"prompt": ""}),
        json!({"prompt": "x", "temperature": 9}),
        json!({"prompt": "x", "max_tokens": 0}),
        json!({"prompt": "x", "json_schema": [1]}),
        json!({"prompt": "x", "provider_id": "not-a-uuid"}),
        json!({"prompt": "x".repeat(32_001)}),
    ] {
        let reply = query(&app, &token, body).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(metrics(&app, &token, "").await["requests"], 0);
    assert_eq!(fake.hits(), 0);
}

#[tokio::test]
async fn the_settings_local_llm_joins_the_chain_when_enabled() {
    let fake = FakeLlm::start().await;
    let app = TestApp::with_ai(Backend::Sqlite, ai_settings(&fake)).await.unwrap();
    let token = app.token_for_new_user();
    let settings = app
        .patch("/api/v1/settings")
        .token(&token)
        .json(&json!({"local_llm_enabled": true, "local_llm_url": fake.base(ProviderKind::Ollama), "local_llm_model": "llama3.2"}))
        .send()
        .await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.text);
    fake.script([Answer::text("from ollama")]);
    let answer = query(&app, &token, json!({"prompt": "hi"})).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.body["text"], "from ollama");
    assert_eq!(answer.body["provider_type"], "ollama");
    assert_eq!(answer.body["cost_micro_usd"], 0);
    assert_eq!(fake.seen()[0].path, "/api/chat");
}
