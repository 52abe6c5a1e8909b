//! `/ai/providers`: the registry over HTTP: CRUD, masks, one default, strangers, the guard on
//! endpoints, the test call, and keys never stored in the clear.
use std::time::Duration;

use axum::http::StatusCode;
use joan_api::ai::ProviderKind;
use joan_api::ai::providers::AiSettings;
use serde_json::{Value, json};

use super::fake_llm::{Answer, FakeLlm};
use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};
use crate::support::json_rows;

on_both_backends!(
    providers_are_created_listed_changed_and_deleted_with_one_default,
    invalid_providers_and_private_endpoints_are_refused_and_change_nothing,
    no_provider_key_is_stored_in_the_clear,
);

pub const OPENAI_KEY: &str = "sk-proj-REGISTRYsecret-0123abcd";
const ANTHROPIC_KEY: &str = "sk-ant-REGISTRYsecret-9876wxyz";

/// AI settings that let the app reach `fake`, with short waits.
pub fn ai_settings(fake: &FakeLlm) -> AiSettings {
    AiSettings {
        allow_hosts: vec![fake.host_port()],
        timeout: Duration::from_secs(2),
        retries: 1,
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_secs(2),
        ..AiSettings::default()
    }
}

pub async fn create(app: &TestApp, token: &str, body: Value) -> crate::app::Reply {
    app.post("/api/v1/ai/providers").token(token).json(&body).send().await
}

async fn list(app: &TestApp, token: &str) -> Vec<Value> {
    let reply = app.get("/api/v1/ai/providers").token(token).send().await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.body.as_array().unwrap().clone()
}

async fn providers_are_created_listed_changed_and_deleted_with_one_default(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (token, stranger) = (app.token_for_new_user(), app.token_for_new_user());
    let openai = create(
        &app,
        &token,
        json!({"provider_type": "openai", "provider_name": "Work", "api_key": OPENAI_KEY,
               "model_name": "gpt-4o-mini", "temperature": 0.3, "is_default": true, "priority": 5}),
    )
    .await;
    assert_eq!(openai.status, StatusCode::CREATED, "{}", openai.text);
    assert_eq!(openai.body["api_key_set"], true);
    assert_eq!(openai.body["api_key_mask"], "sk-...abcd");
    assert_eq!(openai.body["is_default"], true);
    assert_eq!(openai.body["temperature"], 0.3);
    assert!(openai.body.get("api_key").is_none() && openai.body.get("api_key_encrypted").is_none());
    assert!(!openai.text.contains(OPENAI_KEY));
    let id = openai.body["id"].as_str().unwrap().to_string();
    assert_eq!(
        openai.header("location"),
        Some(format!("/api/v1/ai/providers/{id}").as_str())
    );

    let anthropic = create(
        &app,
        &token,
        json!({"provider_type": "anthropic", "provider_name": "Claude", "api_key": ANTHROPIC_KEY,
               "model_name": "claude-3-5-haiku-latest", "is_default": true, "priority": 1}),
    )
    .await;
    assert_eq!(anthropic.status, StatusCode::CREATED, "{}", anthropic.text);
    let second = anthropic.body["id"].as_str().unwrap().to_string();
    let defaults = |rows: &[Value]| -> Vec<String> {
        rows.iter()
            .filter(|r| r["is_default"] == true)
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    let rows = list(&app, &token).await;
    assert_eq!(
        defaults(&rows),
        vec![second.clone()],
        "the newest default is the only one"
    );
    assert_eq!(rows[0]["id"], second.as_str(), "the default leads the chain");

    let made = app
        .patch(&format!("/api/v1/ai/providers/{id}"))
        .token(&token)
        .json(&json!({"is_default": true, "provider_name": "Work (main)", "api_key": null}))
        .send()
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    assert_eq!(made.body["provider_name"], "Work (main)");
    assert_eq!(
        (made.body["api_key_set"].clone(), made.body["api_key_mask"].clone()),
        (json!(false), Value::Null)
    );
    let rows = list(&app, &token).await;
    assert_eq!(defaults(&rows), vec![id.clone()]);
    assert_eq!(rows.len(), 2);
    assert!(!rows.iter().any(|r| r.to_string().contains("REGISTRYsecret")));

    // A stranger: every id route is 404, and their list is empty.
    let path = format!("/api/v1/ai/providers/{id}");
    assert_eq!(
        app.get(&path).token(&stranger).send().await.status,
        StatusCode::NOT_FOUND
    );
    let patched = app
        .patch(&path)
        .token(&stranger)
        .json(&json!({"provider_name": "x"}))
        .send()
        .await;
    assert_eq!(patched.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.delete(&path).token(&stranger).send().await.status,
        StatusCode::NOT_FOUND
    );
    let tested = app.post(&format!("{path}/test")).token(&stranger).send().await;
    assert_eq!(tested.status, StatusCode::NOT_FOUND);
    assert!(list(&app, &stranger).await.is_empty());

    let deleted = app.delete(&path).token(&token).send().await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(app.get(&path).token(&token).send().await.status, StatusCode::NOT_FOUND);
    let rows = list(&app, &token).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], second.as_str());
}

async fn invalid_providers_and_private_endpoints_are_refused_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let fields = |reply: &crate::app::Reply| -> Vec<String> {
        reply.body["errors"]
            .as_array()
            .map(|e| e.iter().map(|e| e["field"].as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    let cases = [
        (
            json!({"provider_type": "openai", "provider_name": "x", "model_name": "m"}),
            "api_key",
        ),
        (
            json!({"provider_type": "openai_compatible", "provider_name": "x", "model_name": "m"}),
            "api_endpoint",
        ),
        (
            json!({"provider_type": "skynet", "provider_name": "x", "model_name": "m"}),
            "provider_type",
        ),
        (
            json!({"provider_type": "ollama", "provider_name": "x", "model_name": "m", "temperature": 2.5}),
            "temperature",
        ),
        (
            json!({"provider_type": "ollama", "provider_name": " ", "model_name": "m"}),
            "provider_name",
        ),
        (
            json!({"provider_type": "ollama", "provider_name": "x", "model_name": "m", "max_tokens": 0}),
            "max_tokens",
        ),
    ];
    for (body, field) in cases {
        let reply = create(&app, &token, body.clone()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", reply.text);
        assert!(fields(&reply).contains(&field.to_string()), "{body}: {}", reply.text);
    }
    for endpoint in [
        "http://127.0.0.1:8080/v1",
        "http://[::1]/v1",
        "http://[::ffff:127.0.0.1]/v1",
        "http://0.0.0.0/v1",
        "http://169.254.169.254/latest",
        "http://10.0.0.1/v1",
        "http://2130706433/v1",
        "http://0x7f000001/v1",
        "http://localhost:11434",
    ] {
        let body = json!({"provider_type": "openai_compatible", "provider_name": "x", "model_name": "m",
                          "api_endpoint": endpoint});
        let reply = create(&app, &token, body).await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(fields(&reply), vec!["api_endpoint"], "{endpoint}: {}", reply.text);
    }
    assert!(list(&app, &token).await.is_empty(), "nothing was created");

    let ok = create(
        &app,
        &token,
        json!({"provider_type": "ollama", "provider_name": "Local", "model_name": "llama3.2"}),
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let path = format!("/api/v1/ai/providers/{}", ok.body["id"].as_str().unwrap());
    let refused = app
        .patch(&path)
        .token(&token)
        .json(&json!({"api_endpoint": "http://192.168.1.10:11434", "provider_name": "Renamed"}))
        .send()
        .await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let after = app.get(&path).token(&token).send().await;
    assert_eq!(after.body["provider_name"], "Local");
    assert_eq!(after.body["version"], ok.body["version"]);
}

async fn no_provider_key_is_stored_in_the_clear(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let reply = create(
        &app,
        &token,
        json!({"provider_type": "groq", "provider_name": "Fast", "api_key": OPENAI_KEY, "model_name": "llama-3.1-8b-instant"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let path = format!("/api/v1/ai/providers/{}", reply.body["id"].as_str().unwrap());
    let replaced = app
        .patch(&path)
        .token(&token)
        .json(&json!({"api_key": ANTHROPIC_KEY}))
        .send()
        .await;
    assert_eq!(replaced.body["api_key_mask"], "sk-...wxyz");

    let db = app.state.core.store.db();
    let mut stored = json_rows(db, "payload, metadata", "from events").await;
    stored.extend(json_rows(db, "api_key_encrypted, api_key_mask", "from ai_providers").await);
    assert!(
        stored.iter().any(|t| t.contains("sk-...wxyz")),
        "the rows read hold the key's trace"
    );
    for text in &stored {
        assert!(!text.contains(OPENAI_KEY) && !text.contains(ANTHROPIC_KEY), "{text}");
    }
    if backend == Backend::Postgres {
        return;
    }
    let mut dirs = vec![app.db.dir().to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            seen += bytes.len();
            for key in [OPENAI_KEY, ANTHROPIC_KEY] {
                let found = bytes.windows(key.len()).any(|w| w == key.as_bytes());
                assert!(!found, "{} holds a plaintext key", path.display());
            }
        }
    }
    assert!(seen > 0);
}

#[tokio::test]
async fn a_test_call_reports_success_or_the_failure_class() {
    let fake = FakeLlm::start().await;
    let app = TestApp::with_ai(Backend::Sqlite, ai_settings(&fake)).await.unwrap();
    let token = app.token_for_new_user();
    let created = create(
        &app,
        &token,
        json!({"provider_type": "openai_compatible", "provider_name": "Fake", "api_key": OPENAI_KEY,
               "model_name": "smollm2", "api_endpoint": fake.base(ProviderKind::OpenaiCompatible)}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let test = format!("/api/v1/ai/providers/{}/test", created.body["id"].as_str().unwrap());

    fake.script([Answer::text("ok")]);
    let ok = app.post(&test).token(&token).send().await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(
        (ok.body["ok"].clone(), ok.body["model"].clone()),
        (json!(true), json!("smollm2"))
    );
    let seen = fake.seen().pop().unwrap();
    assert_eq!(seen.headers["authorization"], format!("Bearer {OPENAI_KEY}").as_str());

    fake.script([Answer::status(401)]);
    let bad = app.post(&test).token(&token).send().await;
    assert_eq!(bad.status, StatusCode::OK, "{}", bad.text);
    assert_eq!(
        (bad.body["ok"].clone(), bad.body["error_class"].clone()),
        (json!(false), json!("invalid_key"))
    );
    assert!(!bad.text.contains(OPENAI_KEY));
}
