//! Many writers on one task at once: an unconditional change is re-decided on the fresh state
//! until it lands, a conditional one (`If-Match`) answers 412 once it is stale.
use axum::http::StatusCode;
use futures::future::join_all;
use serde_json::json;

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    parallel_patches_without_if_match_all_succeed,
    parallel_patches_with_the_same_if_match_let_exactly_one_win,
);

/// A new task of a new user: its path and the user's token.
async fn one_task(app: &TestApp) -> (String, String) {
    let token = app.token_for_new_user();
    let created = app
        .post("/api/v1/tasks")
        .token(&token)
        .json(&json!({"title": "contended"}))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let path = format!("/api/v1/tasks/{}", created.body["id"].as_str().unwrap());
    (path, token)
}

async fn parallel_patches_without_if_match_all_succeed(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (path, token) = one_task(&app).await;
    let patches = (0..50).map(|i| {
        app.patch(&path)
            .token(&token)
            .json(&json!({"title": format!("title {i}")}))
            .send()
    });
    let replies = join_all(patches).await;
    let refused: Vec<_> = replies
        .iter()
        .filter(|r| r.status != StatusCode::OK)
        .map(|r| (r.status, r.code()))
        .collect();
    assert!(refused.is_empty(), "{} of 50 refused: {refused:?}", refused.len());
    let now = app.get(&path).token(&token).send().await;
    assert_eq!(now.header("etag"), Some("\"51\""), "every change is one version");
}

async fn parallel_patches_with_the_same_if_match_let_exactly_one_win(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (path, token) = one_task(&app).await;
    let patches = (0..20).map(|i| {
        app.patch(&path)
            .token(&token)
            .header("if-match", "\"1\"")
            .json(&json!({"title": format!("title {i}")}))
            .send()
    });
    let replies = join_all(patches).await;
    let won = replies.iter().filter(|r| r.status == StatusCode::OK).count();
    let stale = replies
        .iter()
        .filter(|r| r.status == StatusCode::PRECONDITION_FAILED && r.code() == "stale_version")
        .count();
    assert_eq!((won, stale), (1, 19));
    let now = app.get(&path).token(&token).send().await;
    assert_eq!(now.header("etag"), Some("\"2\""));
}
