//! Sessions that end when the user ends them: logout and a password change refuse the
//! session's access tokens from the very next request, on every node; two tabs refreshing at
//! once stay signed in, a refresh token reused later ends its session.
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use joan_api::auth::policy::AuthPolicy;
use serde_json::json;

use crate::app::{PASSWORD, Reply, Session, TestApp};
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    logging_out_refuses_that_sessions_access_token_at_once,
    changing_the_password_refuses_every_sessions_access_token_at_once,
    an_ended_session_stays_ended_after_a_restart,
    ten_tabs_refreshing_one_token_at_once_all_get_the_same_successor,
    a_spent_refresh_token_reused_after_the_grace_window_ends_its_session,
);

async fn me(app: &TestApp, access: &str) -> Reply {
    app.get("/api/v1/auth/me").token(access).send().await
}

#[track_caller]
fn assert_refused(reply: &Reply) {
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
    assert_eq!(reply.code(), "unauthenticated", "{}", reply.text);
}

async fn login(app: &TestApp, email: &str) -> Session {
    let reply = app.login(email, PASSWORD).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    Session {
        access: reply.body["access_token"].as_str().unwrap().to_string(),
        refresh: reply.body["refresh_token"].as_str().unwrap().to_string(),
        user_id: String::new(),
    }
}

async fn logout(app: &TestApp, access: &str, refresh: Option<&str>) {
    let call = app.post("/api/v1/auth/logout").token(access);
    let call = match refresh {
        Some(token) => call.json(&json!({"refresh_token": token})),
        None => call,
    };
    let reply = call.send().await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
}

/// Changes [`PASSWORD`] to [`NEW_PASSWORD`].
async fn change_password(app: &TestApp, access: &str) {
    let body = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
    let changed = app
        .post("/api/v1/users/password")
        .token(access)
        .json(&body)
        .send()
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text);
}

const NEW_PASSWORD: &str = "a fresh passphrase";

async fn logging_out_refuses_that_sessions_access_token_at_once(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let laptop = app.register_and_login("leaving@example.com").await;
    let phone = login(&app, "leaving@example.com").await;
    // Both tokens are in use (and remembered as verified).
    assert_eq!(me(&app, &laptop.access).await.status, StatusCode::OK);
    assert_eq!(me(&app, &phone.access).await.status, StatusCode::OK);

    logout(&app, &laptop.access, Some(&laptop.refresh)).await;
    assert_refused(&me(&app, &laptop.access).await);
    let tasks = app.get("/api/v1/tasks").token(&laptop.access).send().await;
    assert_refused(&tasks);
    // The other session goes on.
    assert_eq!(me(&app, &phone.access).await.status, StatusCode::OK);

    // Logging out without a refresh token ends every session; a new login starts a new one.
    logout(&app, &phone.access, None).await;
    assert_refused(&me(&app, &phone.access).await);
    let again = login(&app, "leaving@example.com").await;
    assert_eq!(me(&app, &again.access).await.status, StatusCode::OK);
}

async fn changing_the_password_refuses_every_sessions_access_token_at_once(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let laptop = app.register_and_login("changing@example.com").await;
    let phone = login(&app, "changing@example.com").await;
    assert_eq!(me(&app, &phone.access).await.status, StatusCode::OK);
    change_password(&app, &laptop.access).await;
    assert_refused(&me(&app, &laptop.access).await);
    assert_refused(&me(&app, &phone.access).await);
    assert_refused(&app.refresh(&phone.refresh).await);
    let fresh = app.login("changing@example.com", NEW_PASSWORD).await;
    let access = fresh.body["access_token"].as_str().unwrap();
    assert_eq!(me(&app, access).await.status, StatusCode::OK);
}

async fn an_ended_session_stays_ended_after_a_restart(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let s = app.register_and_login("restart@example.com").await;
    let other = login(&app, "restart@example.com").await;
    logout(&app, &s.access, Some(&s.refresh)).await;
    // A new process over the same database knows only what the table says.
    let restarted = app.second_node().await;
    assert_refused(&me(&restarted, &s.access).await);
    assert_eq!(me(&restarted, &other.access).await.status, StatusCode::OK);
}

async fn ten_tabs_refreshing_one_token_at_once_all_get_the_same_successor(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let s = app.register_and_login("tabs@example.com").await;
    let app = Arc::new(app);
    let tabs = (0..10).map(|_| {
        let (app, token) = (app.clone(), s.refresh.clone());
        tokio::spawn(async move { app.refresh(&token).await })
    });
    let replies: Vec<Reply> = futures::future::join_all(tabs)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let statuses: Vec<StatusCode> = replies.iter().map(|r| r.status).collect();
    assert!(statuses.iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    let successor = replies[0].body["refresh_token"].as_str().unwrap();
    assert_ne!(successor, s.refresh);
    for reply in &replies {
        assert_eq!(reply.body["refresh_token"], successor);
        let access = reply.body["access_token"].as_str().unwrap();
        assert_eq!(me(&app, access).await.status, StatusCode::OK);
    }
    // The successor works, once more the same way, and the session goes on.
    let next = app.refresh(successor).await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.text);
    assert_ne!(next.body["refresh_token"], successor);
    let access = next.body["access_token"].as_str().unwrap();
    assert_eq!(me(&app, access).await.status, StatusCode::OK);
}

async fn a_spent_refresh_token_reused_after_the_grace_window_ends_its_session(backend: Backend) {
    let policy = AuthPolicy {
        refresh_grace: Duration::from_millis(300),
        ..AuthPolicy::default()
    };
    let Some(app) = TestApp::with_policy(backend, policy).await else {
        return;
    };
    let s = app.register_and_login("late@example.com").await;
    let other = login(&app, "late@example.com").await;
    let rotated = app.refresh(&s.refresh).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text);
    let access = rotated.body["access_token"].as_str().unwrap().to_string();
    let successor = rotated.body["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(me(&app, &access).await.status, StatusCode::OK);

    tokio::time::sleep(Duration::from_millis(400)).await;
    // Copied, or a tab that slept: the whole family is revoked and the session ends.
    assert_refused(&app.refresh(&s.refresh).await);
    assert_refused(&app.refresh(&successor).await);
    assert_refused(&me(&app, &access).await);
    assert_refused(&me(&app, &s.access).await);
    // Another login's session is untouched.
    assert_eq!(me(&app, &other.access).await.status, StatusCode::OK);
    assert_eq!(app.refresh(&other.refresh).await.status, StatusCode::OK);
}

/// A session ended on one node is refused by another on its very next request, whichever of
/// them remembered the token as verified.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_on_one_node_is_refused_by_the_other_at_once() {
    let Some(a) = TestApp::new(Backend::Postgres).await else {
        return;
    };
    let b = a.second_node().await;
    let laptop = a.register_and_login("nodes@example.com").await;
    let phone = login(&b, "nodes@example.com").await;
    for node in [&a, &b] {
        assert_eq!(me(node, &laptop.access).await.status, StatusCode::OK);
        assert_eq!(me(node, &phone.access).await.status, StatusCode::OK);
    }
    logout(&a, &laptop.access, Some(&laptop.refresh)).await;
    assert_refused(&me(&b, &laptop.access).await);
    assert_eq!(me(&b, &phone.access).await.status, StatusCode::OK);

    change_password(&b, &phone.access).await;
    assert_refused(&me(&a, &phone.access).await);
}
