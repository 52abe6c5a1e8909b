//! The in-process queue keeps its jobs in memory: a step that was running when `joan serve`
//! stopped is dispatched again at the next start, instead of staying `running` for ever.
use std::sync::Arc;
use std::sync::atomic::Ordering;

use joan_api::ai::workflows::AiOptions;
use serde_json::json;
use tokio::sync::Semaphore;

use super::{FakeLlm, app_with, create_template, inbox_template, status, until};
use crate::backend::Backend;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_running_at_a_stop_runs_again_after_the_restart() {
    let stuck = FakeLlm::held(Arc::new(Semaphore::new(0)));
    let app = app_with(Backend::Sqlite, stuck.clone()).await.unwrap();
    let token = app.token_for_new_user();
    let template = create_template(&app, &token, &inbox_template()).await;
    let started = app
        .post("/api/v1/ai/workflows/executions")
        .token(&token)
        .json(&json!({"template_id": template, "input": {"text": "milk, and call Ann"}}))
        .send()
        .await;
    assert_eq!(started.status, axum::http::StatusCode::ACCEPTED, "{}", started.text);
    let id = started.body["id"].as_str().unwrap().to_string();
    until(&app, &token, &id, |_| stuck.calls.load(Ordering::SeqCst) == 1).await;
    app.state.core.shut_down().await;

    let model = FakeLlm::new();
    let restarted = app
        .restarted_with_workflows(AiOptions {
            llm: model.clone(),
            ..AiOptions::default()
        })
        .await;
    let done = until(&restarted, &token, &id, |v| status(v) != "running").await;
    assert_eq!(status(&done), "completed", "{done}");
    // The lost step and the one after it, each asked once.
    assert_eq!(model.calls.load(Ordering::SeqCst), 2);
    let tasks = restarted.get("/api/v1/tasks").token(&token).send().await;
    assert_eq!(tasks.body.as_array().unwrap().len(), 2, "{}", tasks.text);
}
