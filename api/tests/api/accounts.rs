//! Accounts that cannot be locked by a stranger or spoofed: login throttling per account and
//! address, rate limits on the requests that tell whether an email is taken, and emails that
//! look like another.
use axum::http::StatusCode;
use serde_json::json;

use joan_api::auth::address::RatePolicy;
use joan_api::auth::limiter::LoginPolicy;
use joan_api::auth::policy::AuthPolicy;

use crate::app::{PASSWORD, Reply, TestApp};
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    a_stranger_guessing_slows_only_their_own_address_and_the_owner_still_signs_in,
    parallel_guesses_get_no_more_tries_than_a_sequence,
    registrations_and_email_changes_are_limited_per_address,
    emails_that_look_like_another_are_refused_or_are_the_same_account,
);

const STRANGER: &str = "203.0.113.66:5000";
const OWNER: &str = "198.51.100.7:6000";

async fn login_from(app: &TestApp, peer: &str, email: &str, password: &str) -> Reply {
    app.post("/api/v1/auth/login")
        .peer(peer)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
}

fn retry_after(reply: &Reply) -> u64 {
    assert_problem(reply, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    reply.header("retry-after").unwrap().parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Throttling
// ---------------------------------------------------------------------------------------------

async fn a_stranger_guessing_slows_only_their_own_address_and_the_owner_still_signs_in(backend: Backend) {
    let policy = AuthPolicy {
        login: LoginPolicy {
            free_failures: 3,
            ..LoginPolicy::default()
        },
        ..AuthPolicy::default()
    };
    let Some(app) = TestApp::with_policy(backend, policy).await else {
        return;
    };
    app.register("owner@example.com", PASSWORD, "Owner").await;
    for _ in 0..3 {
        let guess = login_from(&app, STRANGER, "owner@example.com", "wrong guess").await;
        assert_problem(&guess, StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    // The stranger now waits, even with the right password, from any port of that address.
    let waiting = login_from(&app, "203.0.113.66:5001", "Owner@example.com", PASSWORD).await;
    assert_eq!(retry_after(&waiting), 1);
    // The owner, from their own address, is not locked out.
    let owner = login_from(&app, OWNER, "owner@example.com", PASSWORD).await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.text);

    // Each further failure doubles the wait.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let guess = login_from(&app, STRANGER, "owner@example.com", "another guess").await;
    assert_problem(&guess, StatusCode::UNAUTHORIZED, "invalid_credentials");
    let waiting = login_from(&app, STRANGER, "owner@example.com", "a third guess").await;
    assert_eq!(retry_after(&waiting), 2);
    assert_eq!(
        login_from(&app, OWNER, "owner@example.com", PASSWORD).await.status,
        StatusCode::OK
    );
}

async fn parallel_guesses_get_no_more_tries_than_a_sequence(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    app.register("burst@example.com", PASSWORD, "Burst").await;
    let guesses = (0..10).map(|_| login_from(&app, STRANGER, "burst@example.com", "guess"));
    let replies = futures::future::join_all(guesses).await;
    let answered = replies
        .iter()
        .filter(|r| r.status != StatusCode::TOO_MANY_REQUESTS)
        .count();
    // The five free attempts, however many are sent at once; the rest wait.
    assert_eq!(
        answered,
        5,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for reply in replies.iter().filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS) {
        assert!(retry_after(reply) >= 1);
    }
    assert_eq!(
        login_from(&app, OWNER, "burst@example.com", PASSWORD).await.status,
        StatusCode::OK
    );
}

async fn registrations_and_email_changes_are_limited_per_address(backend: Backend) {
    let policy = AuthPolicy {
        email_checks: RatePolicy {
            max: 3,
            window: std::time::Duration::from_secs(600),
        },
        ..AuthPolicy::default()
    };
    let Some(app) = TestApp::with_policy(backend, policy).await else {
        return;
    };
    let ann = app.register_and_login("ann@example.com").await;
    let register_from = |peer: &'static str, email: &'static str| {
        let body = json!({"email": email, "password": PASSWORD, "name": "Prober"});
        app.post("/api/v1/auth/register").peer(peer).json(&body).send()
    };
    // 409 still says the email is taken (a person who forgot they registered needs to know),
    // but one address may ask only so often.
    for _ in 0..3 {
        assert_problem(
            &register_from(STRANGER, "ann@example.com").await,
            StatusCode::CONFLICT,
            "email_taken",
        );
    }
    let limited = register_from(STRANGER, "bob@example.com").await;
    assert!((590..=600).contains(&retry_after(&limited)));
    // Nothing was written for the refused request.
    assert_eq!(
        app.login("bob@example.com", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // An email change from that address counts against the same budget.
    let moved = app
        .patch("/api/v1/users/profile")
        .peer(STRANGER)
        .token(&ann.access)
        .json(&json!({"email": "elsewhere@example.com"}))
        .send()
        .await;
    retry_after(&moved);
    assert_eq!(me_email(&app, &ann.access).await, "ann@example.com");

    // Other addresses are not affected.
    assert_eq!(
        register_from(OWNER, "bob@example.com").await.status,
        StatusCode::CREATED
    );
    let moved = app
        .patch("/api/v1/users/profile")
        .peer(OWNER)
        .token(&ann.access)
        .json(&json!({"email": "bob@example.com"}))
        .send()
        .await;
    assert_problem(&moved, StatusCode::CONFLICT, "email_taken");
}

async fn me_email(app: &TestApp, access: &str) -> String {
    let me = app.get("/api/v1/auth/me").token(access).send().await;
    me.body["email"].as_str().unwrap().to_string()
}

fn assert_problem(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.code(), code, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/problem+json"));
}

// ---------------------------------------------------------------------------------------------
// Emails
// ---------------------------------------------------------------------------------------------

async fn emails_that_look_like_another_are_refused_or_are_the_same_account(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let ann = app.register_and_login("ann@example.com").await;
    for (spoof, message) in [
        ("ann\u{200B}@example.com", "invisible"),
        ("\u{0430}nn@example.com", "mix scripts"),
        ("ann@ex\u{0430}mple.com", "mix scripts"),
    ] {
        let reply = app.register(spoof, PASSWORD, "Not Ann").await;
        assert_problem(&reply, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(reply.body["errors"][0]["field"], "email", "{spoof:?}");
        let said = reply.body["errors"][0]["message"].as_str().unwrap();
        assert!(said.contains(message), "{spoof:?}: {said}");
        // Nor can an account move to such an address.
        let moved = app
            .patch("/api/v1/users/profile")
            .token(&ann.access)
            .json(&json!({"email": spoof}))
            .send()
            .await;
        assert_problem(&moved, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    // Full-width letters are the same address: the same account, taken for a newcomer, and a
    // way in for Ann.
    let wide = app.register("ＡＮＮ@example.com", PASSWORD, "Wide Ann").await;
    assert_problem(&wide, StatusCode::CONFLICT, "email_taken");
    assert_eq!(
        app.login("ＡＮＮ@ＥＸＡＭＰＬＥ.com", PASSWORD).await.status,
        StatusCode::OK
    );

    // A Unicode domain is kept in its punycode form, and either spelling signs in.
    let jorg = app.register("Jörg@Bücher.de", PASSWORD, "Jörg").await;
    assert_eq!(jorg.status, StatusCode::CREATED, "{}", jorg.text);
    assert_eq!(jorg.body["email"], "jörg@xn--bcher-kva.de");
    assert_eq!(app.login("jörg@bücher.de", PASSWORD).await.status, StatusCode::OK);
    assert_eq!(
        app.login("JÖRG@xn--bcher-kva.de", PASSWORD).await.status,
        StatusCode::OK
    );
}
