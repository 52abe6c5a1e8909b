//! `/clients` beyond the shared conventions (conformance.rs): filters, paging, validation and
//! strangers.
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    clients_are_listed_newest_first_with_filters_and_a_total,
    invalid_clients_are_refused_field_by_field_and_change_nothing,
    another_users_client_is_not_found_and_not_listed,
);

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let reply = app.post("/api/v1/clients").token(token).json(&body).send().await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.body
}

fn names(body: &Value) -> Vec<&str> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

async fn clients_are_listed_newest_first_with_filters_and_a_total(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let token = app.token_for_new_user();
    let acme = create(&app, &token, json!({"name": "Acme", "company": "Acme Holdings"})).await;
    assert_eq!(acme["status"], "active");
    assert_eq!(acme["email"], Value::Null);
    create(
        &app,
        &token,
        json!({"name": "Globex", "email": "Boss@Globex.example", "status": "inactive"}),
    )
    .await;
    create(&app, &token, json!({"name": "Initech", "status": "archived"})).await;

    let all = app.get("/api/v1/clients").token(&token).send().await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(names(&all.body), ["Initech", "Globex", "Acme"]);
    assert_eq!(all.header("x-total-count"), Some("3"));

    let inactive = app.get("/api/v1/clients?status=inactive").token(&token).send().await;
    assert_eq!(names(&inactive.body), ["Globex"]);
    assert_eq!(inactive.body[0]["email"], "boss@globex.example");
    let by_company = app.get("/api/v1/clients?q=HOLDINGS").token(&token).send().await;
    assert_eq!(names(&by_company.body), ["Acme"]);
    let by_email = app.get("/api/v1/clients?q=globex.ex").token(&token).send().await;
    assert_eq!(names(&by_email.body), ["Globex"]);
    let page = app.get("/api/v1/clients?limit=1&offset=1").token(&token).send().await;
    assert_eq!(
        (names(&page.body), page.header("x-total-count")),
        (vec!["Globex"], Some("3"))
    );

    let bad = app
        .get("/api/v1/clients?status=gone&limit=0")
        .token(&token)
        .send()
        .await;
    bad.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(bad.body["errors"].as_array().unwrap().len(), 2, "{}", bad.text);
}

async fn invalid_clients_are_refused_field_by_field_and_change_nothing(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    // Only the ceremony catalog Joan defines at startup is in the log.
    let catalog = app.state.core.store.count_events().await.unwrap();
    let token = app.token_for_new_user();
    let body = json!({"name": " ", "email": "nope", "phone": "call me", "company": "", "status": "gone"});
    let refused = app.post("/api/v1/clients").token(&token).json(&body).send().await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "email", "phone", "company", "status"]);
    assert_eq!(app.state.core.store.count_events().await.unwrap(), catalog);

    let acme = create(&app, &token, json!({"name": "Acme", "phone": "+1 555 0100"})).await;
    let path = format!("/api/v1/clients/{}", acme["id"].as_str().unwrap());
    let nulls = app
        .patch(&path)
        .token(&token)
        .json(&json!({"name": null, "status": null, "phone": "x"}))
        .send()
        .await;
    nulls.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(nulls.body["errors"].as_array().unwrap().len(), 3, "{}", nulls.text);
    let unchanged = app.get(&path).token(&token).send().await;
    assert_eq!(unchanged.body, acme);

    let cleared = app
        .patch(&path)
        .token(&token)
        .json(&json!({"phone": null}))
        .send()
        .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.text);
    assert_eq!(cleared.body["phone"], Value::Null);
}

async fn another_users_client_is_not_found_and_not_listed(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let (owner, stranger) = (app.token_for_new_user(), app.token_for_new_user());
    let acme = create(&app, &owner, json!({"name": "Acme"})).await;
    let path = format!("/api/v1/clients/{}", acme["id"].as_str().unwrap());
    app.get(&path)
        .token(&stranger)
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    app.patch(&path)
        .token(&stranger)
        .json(&json!({"name": "Mine"}))
        .send()
        .await
        .assert_problem(StatusCode::NOT_FOUND, "not_found");
    let list = app.get("/api/v1/clients").token(&stranger).send().await;
    assert_eq!(
        (list.body.clone(), list.header("x-total-count")),
        (json!([]), Some("0"))
    );
    assert_eq!(app.get(&path).token(&owner).send().await.body, acme);
}
