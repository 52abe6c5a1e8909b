//! Accounts that cannot be locked by a stranger or spoofed: login throttling per account and
//! address, rate limits on the requests that tell whether an email is taken, and emails that
//! look like another.
use axum::http::StatusCode;
use serde_json::json;

use crate::app::{PASSWORD, Reply, TestApp};
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    emails_that_look_like_another_are_refused_or_are_the_same_account,
);

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
    assert_eq!(app.login("ＡＮＮ@ＥＸＡＭＰＬＥ.com", PASSWORD).await.status, StatusCode::OK);

    // A Unicode domain is kept in its punycode form, and either spelling signs in.
    let jorg = app.register("Jörg@Bücher.de", PASSWORD, "Jörg").await;
    assert_eq!(jorg.status, StatusCode::CREATED, "{}", jorg.text);
    assert_eq!(jorg.body["email"], "jörg@xn--bcher-kva.de");
    assert_eq!(app.login("jörg@bücher.de", PASSWORD).await.status, StatusCode::OK);
    assert_eq!(app.login("JÖRG@xn--bcher-kva.de", PASSWORD).await.status, StatusCode::OK);
}
