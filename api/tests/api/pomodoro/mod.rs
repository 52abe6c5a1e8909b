//! `/pomodoro` over HTTP: the timer's rules, sessions (filters, strangers, history, `as_of`),
//! settings, and the minutes that reach a task exactly once.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::{Reply, TestApp};

mod minutes;
mod sessions;
mod timer;

const START: &str = "/api/v1/pomodoro/start";
const COMPLETE: &str = "/api/v1/pomodoro/complete";
const CANCEL: &str = "/api/v1/pomodoro/cancel";
const CURRENT: &str = "/api/v1/pomodoro/current";
const SESSIONS: &str = "/api/v1/pomodoro/sessions";
const SETTINGS: &str = "/api/v1/pomodoro/settings";

async fn start(app: &TestApp, token: &str, body: Value) -> Reply {
    app.post(START).token(token).json(&body).send().await
}

/// Starts a session that must be accepted; its row.
async fn started(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = start(app, token, body).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body
}

async fn complete(app: &TestApp, token: &str) -> Reply {
    app.post(COMPLETE).token(token).send().await
}

async fn events(app: &TestApp) -> i64 {
    app.state.core.store.count_events().await.unwrap()
}

async fn create_task(app: &TestApp, token: &str, body: Value) -> String {
    let reply = app.post("/api/v1/tasks").token(token).json(&body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body["id"].as_str().unwrap().to_string()
}
