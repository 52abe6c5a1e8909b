//! `/ai/prompts` beyond the shared conventions (conformance.rs): variables from the
//! template, filters, and one user's library unseen by another.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    a_prompts_variables_follow_its_template,
    prompts_are_filtered_and_each_user_sees_only_their_own,
);

const PROMPTS: &str = "/api/v1/ai/prompts";

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = app.post(PROMPTS).token(token).json(&body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body
}

fn names(body: &Value) -> Vec<&str> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

async fn a_prompts_variables_follow_its_template(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let prompt = create(
        &app,
        &token,
        json!({"name": "Plan", "template": "Plan {day} around {input.schedule}; answer like {\"plan\": []} for {day}"}),
    )
    .await;
    assert_eq!(prompt["variables"], json!(["day", "input.schedule"]));
    assert_eq!(prompt["is_favorite"], false);
    assert_eq!(prompt["usage_count"], 0);
    assert_eq!(prompt["description"], Value::Null);
    let path = format!("{PROMPTS}/{}", prompt["id"].as_str().unwrap());
    let changed = app
        .patch(&path)
        .token(&token)
        .json(&json!({"template": "Summarise {text}", "description": "short"}))
        .send()
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.body["variables"], json!(["text"]));
    let read = app.get(&path).token(&token).send().await;
    assert_eq!(read.body, changed.body);
    for body in [
        json!({"template": null}),
        json!({"template": "\u{200B} "}),
        json!({"is_favorite": null}),
    ] {
        let reply = app.patch(&path).token(&token).json(&body).send().await;
        reply.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
}

async fn prompts_are_filtered_and_each_user_sees_only_their_own(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (ada, bob) = (app.token_for_new_user(), app.token_for_new_user());
    create(
        &app,
        &ada,
        json!({"name": "Daily plan", "category": "planning", "template": "Plan {day}"}),
    )
    .await;
    create(
        &app,
        &ada,
        json!({"name": "Essay", "category": "writing", "template": "Write {topic}", "is_favorite": true,
               "description": "Long form"}),
    )
    .await;
    let bobs = create(&app, &bob, json!({"name": "Bob's plan", "template": "Plan {day}"})).await;

    let all = app.get(PROMPTS).token(&ada).send().await;
    assert_eq!(names(&all.body), ["Essay", "Daily plan"]);
    assert_eq!(all.header("x-total-count"), Some("2"));
    for (query, expected) in [
        ("?category=planning", vec!["Daily plan"]),
        ("?is_favorite=true", vec!["Essay"]),
        ("?is_favorite=false", vec!["Daily plan"]),
        ("?q=LONG", vec!["Essay"]),
        ("?q=plan", vec!["Daily plan"]),
        ("?limit=1&offset=1", vec!["Daily plan"]),
    ] {
        let reply = app.get(&format!("{PROMPTS}{query}")).token(&ada).send().await;
        assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.text);
        assert_eq!(names(&reply.body), expected, "{query}");
    }
    let bad = app.get(&format!("{PROMPTS}?limit=0")).token(&ada).send().await;
    bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let theirs = format!("{PROMPTS}/{}", bobs["id"].as_str().unwrap());
    app.get(&theirs)
        .token(&ada)
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let bob_list = app.get(PROMPTS).token(&bob).send().await;
    assert_eq!(names(&bob_list.body), ["Bob's plan"]);
}
