//! Ceremonies end to end over HTTP: a session's AI step runs as a workflow execution through
//! the real providers (a fake LLM server speaking OpenAI's format, or a real local model when
//! `JOAN_LLM_URL` names one), the review answers it, the kept tasks are created exactly once,
//! and the session records the outcome.
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use joan_api::ai::ProviderKind;
use joan_api::ai::providers::AiSettings;
use serde_json::{Value, json};

use crate::ai::fake_llm::{Answer, FakeLlm};
use crate::ai::registry::ai_settings;
use crate::app::TestApp;
use crate::backend::Backend;

const SESSIONS: &str = "/api/v1/ceremonies/sessions";

async fn template(app: &TestApp, token: &str, name: &str) -> Value {
    let all = app.get("/api/v1/ceremonies/templates").token(token).send().await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    all.body
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap()
        .clone()
}

fn component_id(template: &Value, kind: &str) -> String {
    let c = template["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == kind)
        .unwrap();
    c["id"].as_str().unwrap().to_string()
}

async fn provider(app: &TestApp, token: &str, base: &str, model: &str) {
    let created = app
        .post("/api/v1/ai/providers")
        .token(token)
        .json(
            &json!({"provider_type": "openai_compatible", "provider_name": "Local", "model_name": model,
                      "api_endpoint": base, "max_tokens": 256, "temperature": 0}),
        )
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
}

async fn start(app: &TestApp, token: &str, template: &Value) -> String {
    let started = app
        .post(&format!("{SESSIONS}/start"))
        .token(token)
        .json(&json!({"template_id": template["id"]}))
        .send()
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    started.body["id"].as_str().unwrap().to_string()
}

async fn record(app: &TestApp, token: &str, session: &str, input: Value, next: i64) {
    let path = format!("{SESSIONS}/{session}");
    let recorded = app
        .patch(&path)
        .token(token)
        .json(&json!({"input_data": input}))
        .send()
        .await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.text);
    let moved = app
        .patch(&path)
        .token(token)
        .json(&json!({"current_step": next}))
        .send()
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
}

async fn run_ai(app: &TestApp, token: &str, session: &str, component: &str) -> String {
    let run = app
        .post(&format!("{SESSIONS}/{session}/ai"))
        .token(token)
        .json(&json!({"component_id": component}))
        .send()
        .await;
    assert_eq!(run.status, StatusCode::ACCEPTED, "{}", run.text);
    run.body["execution_id"].as_str().unwrap().to_string()
}

/// Polls `path` until `done` holds of its body (or `within` passes: a panic).
async fn until(app: &TestApp, token: &str, path: &str, within: Duration, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let reply = app.get(path).token(token).send().await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        if done(&reply.body) {
            return reply.body;
        }
        assert!(Instant::now() < deadline, "{path} never got there: {}", reply.text);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn tasks(app: &TestApp, token: &str) -> Vec<Value> {
    let list = app.get("/api/v1/tasks").token(token).send().await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    list.body.as_array().unwrap().clone()
}

/// A Writing Race up to its AI step's answer; the execution's view once it waits for the
/// review.
async fn race_to_review(app: &TestApp, token: &str, within: Duration) -> (String, String, String, Value) {
    let race = template(app, token, "Writing Race").await;
    let session = start(app, token, &race).await;
    record(app, token, &session, json!({"minutes": 10}), 1).await;
    let text = "Today I worked on the garden. I need to buy tomato seeds, call Anna about the \
                fence, and finish the chapter on soil by Friday.";
    record(app, token, &session, json!({"text": text, "word_count": 26}), 2).await;
    let ai = component_id(&race, "ai_processor");
    let execution = run_ai(app, token, &session, &ai).await;
    // Asked again while it runs: the same execution, not a second one.
    assert_eq!(run_ai(app, token, &session, &ai).await, execution);
    let path = format!("/api/v1/ai/workflows/executions/{execution}");
    let view = until(app, token, &path, within, |v| v["status"] != "running").await;
    assert_eq!(view["status"], "waiting_input", "{view}");
    (session, ai, execution, view)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writing_race_runs_its_ai_step_and_creates_the_kept_tasks_once() {
    let fake = FakeLlm::start().await;
    let app = TestApp::with_ai(Backend::Sqlite, ai_settings(&fake)).await.unwrap();
    let token = app.token_for_new_user();
    provider(&app, &token, &fake.base(ProviderKind::OpenaiCompatible), "fake").await;
    let answer = json!({"summary": "Garden plans.", "tasks": [
        {"title": "Buy tomato seeds", "priority": 2, "estimated_minutes": 15},
        {"title": "Call Anna about the fence", "priority": 3, "estimated_minutes": 10}]});
    fake.script([Answer::text(&format!("```json\n{answer}\n```"))]);

    let (session, ai, execution, view) = race_to_review(&app, &token, Duration::from_secs(20)).await;
    assert_eq!(view["steps"][0]["status"], "completed", "{view}");
    assert_eq!(view["steps"][0]["output"], answer);
    assert!(view["steps"][0]["tokens_in"].as_i64().unwrap() > 0, "{view}");
    assert!(
        fake.seen()[0].body.to_string().contains("tomato seeds"),
        "the prompt holds the writing"
    );
    assert!(
        tasks(&app, &token).await.is_empty(),
        "nothing is created before the review"
    );

    // The review keeps the first task, edited, and drops the second.
    let kept = json!({"tasks": [{"title": "Buy tomato and basil seeds", "priority": 2, "estimated_minutes": 20}]});
    let path = format!("/api/v1/ai/workflows/executions/{execution}");
    let reviewed = app
        .post(&format!("{path}/input"))
        .token(&token)
        .json(&kept)
        .send()
        .await;
    assert_eq!(reviewed.status, StatusCode::OK, "{}", reviewed.text);
    until(&app, &token, &path, Duration::from_secs(20), |v| {
        v["status"] == "completed"
    })
    .await;
    let session_path = format!("{SESSIONS}/{session}");
    let recorded = until(&app, &token, &session_path, Duration::from_secs(20), |s| {
        s["ai_steps"][&ai]["status"] == "succeeded"
    })
    .await;
    let created = tasks(&app, &token).await;
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(created[0]["title"], "Buy tomato and basil seeds");
    assert_eq!(created[0]["estimated_minutes"], 20);
    let step = &recorded["ai_steps"][&ai];
    assert_eq!(step["output"]["answer"]["summary"], "Garden plans.", "{step}");
    assert_eq!(step["output"]["created"], json!([created[0]["id"]]), "{step}");

    // Answering the review again creates nothing more; the model was asked once.
    let again = app
        .post(&format!("{path}/input"))
        .token(&token)
        .json(&kept)
        .send()
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert_eq!(tasks(&app, &token).await.len(), 1);
    assert_eq!(fake.hits(), 1);
    let done = app
        .post(&format!("{session_path}/complete"))
        .token(&token)
        .json(&json!({"tasks_created": 1}))
        .send()
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    // An ended session runs no AI step.
    let late = app
        .post(&format!("{session_path}/ai"))
        .token(&token)
        .json(&json!({"component_id": ai}))
        .send()
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daily_planning_gets_its_plan_and_strangers_and_wrong_steps_are_refused() {
    let fake = FakeLlm::start().await;
    let app = TestApp::with_ai(Backend::Sqlite, ai_settings(&fake)).await.unwrap();
    let token = app.token_for_new_user();
    provider(&app, &token, &fake.base(ProviderKind::OpenaiCompatible), "fake").await;
    let plan = json!({"plan": [{"task_id": null, "title": "Write the report", "start": "09:00",
                                "estimated_minutes": 90, "priority": 3, "reason": "Due today."}],
                      "conflicts": [], "deferred": []});
    fake.script([Answer::text(&plan.to_string())]);
    let planning = template(&app, &token, "Daily Planning").await;
    let session = start(&app, &token, &planning).await;
    record(
        &app,
        &token,
        &session,
        json!({"date": "2026-12-02", "tasks": [{"title": "Write the report"}], "schedule": [], "available_hours": 6}),
        1,
    )
    .await;
    let ai = component_id(&planning, "ai_processor");

    let stranger = app.token_for_new_user();
    let refused = app
        .post(&format!("{SESSIONS}/{session}/ai"))
        .token(&stranger)
        .json(&json!({"component_id": ai}))
        .send()
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text);
    let not_ai = app
        .post(&format!("{SESSIONS}/{session}/ai"))
        .token(&token)
        .json(&json!({"component_id": component_id(&planning, "confirm")}))
        .send()
        .await;
    assert_eq!(not_ai.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", not_ai.text);

    let execution = run_ai(&app, &token, &session, &ai).await;
    let path = format!("/api/v1/ai/workflows/executions/{execution}");
    let view = until(&app, &token, &path, Duration::from_secs(20), |v| {
        v["status"] != "running"
    })
    .await;
    assert_eq!(view["status"], "completed", "{view}");
    let recorded = until(
        &app,
        &token,
        &format!("{SESSIONS}/{session}"),
        Duration::from_secs(20),
        |s| s["ai_steps"][&ai]["status"] == "succeeded",
    )
    .await;
    assert_eq!(recorded["ai_steps"][&ai]["output"]["answer"], plan);
    assert!(tasks(&app, &token).await.is_empty());
}

/// A real local model (`.ci/llm.sh`: SmolLM2-135M behind an OpenAI-compatible server, its URL
/// in `JOAN_LLM_URL`): the step completes with a normalised answer, tokens and latency. A
/// small model's wording is not judged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writing_race_runs_against_a_real_local_model() {
    let Ok(base) = std::env::var("JOAN_LLM_URL") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "JOAN_LLM_URL is not set (scripts/test.sh sets it from .ci/llm.sh)"
        );
        eprintln!("skipped: JOAN_LLM_URL is not set (run .ci/llm.sh)");
        return;
    };
    let host = base
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap()
        .to_string();
    let settings = AiSettings {
        allow_hosts: vec![host],
        timeout: Duration::from_secs(120),
        ..AiSettings::default()
    };
    let app = TestApp::with_ai(Backend::Sqlite, settings).await.unwrap();
    let token = app.token_for_new_user();
    provider(&app, &token, base.trim_end_matches('/'), "smollm2").await;
    let (_, _, _, view) = race_to_review(&app, &token, Duration::from_secs(300)).await;
    let step = &view["steps"][0];
    assert_eq!(step["status"], "completed", "{view}");
    assert!(step["output"]["tasks"].is_array(), "{view}");
    assert!(step["output"]["summary"].is_string(), "{view}");
    assert!(
        step["tokens_in"].as_i64().unwrap() > 0 && step["tokens_out"].as_i64().unwrap() > 0,
        "{view}"
    );
    assert!(step["latency_ms"].as_i64().is_some(), "{view}");
}
