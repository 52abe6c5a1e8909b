//! API-wide conventions: problem+json errors, security headers, operations endpoints, docs.
use axum::http::StatusCode;
use serde_json::json;

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    unknown_routes_and_methods_answer_problem_json,
    api_responses_carry_security_headers_and_a_request_id,
    health_readiness_and_metrics_answer,
    openapi_document_and_docs_ui_are_served,
    cors_answers_only_the_configured_origins,
);

async fn unknown_routes_and_methods_answer_problem_json(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let missing = app.get("/api/v1/nope").send().await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("content-type"), Some("application/problem+json"));
    assert_eq!(missing.code(), "route_not_found");
    assert_eq!(missing.body["status"], 404);

    let wrong_method = app.call(axum::http::Method::PUT, "/api/v1/tasks").send().await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.code(), "method_not_allowed");
}

async fn api_responses_carry_security_headers_and_a_request_id(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let reply = app.get("/api/v1/tasks").send().await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert!(
        reply
            .header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(reply.header("x-request-id").is_some_and(|id| id.len() >= 32));

    let echoed = app.get("/healthz").header("x-request-id", "abc-123").send().await;
    assert_eq!(echoed.header("x-request-id"), Some("abc-123"));
}

async fn health_readiness_and_metrics_answer(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    assert_eq!(app.get("/healthz").send().await.body["status"], "ok");
    assert_eq!(app.get("/readyz").send().await.body["status"], "ready");
    app.get("/api/v1/nope").send().await;
    let exposition = metrics(&app).await;
    assert!(
        exposition.contains("joan_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1"),
        "{exposition}"
    );
    assert!(exposition.contains("joan_projector_lag_events{projector=\"task_daily_stats\"}"));
    let counter = |text: &str, name: &str| -> u64 {
        let line = text.lines().find(|l| l.starts_with(&format!("{name} ")));
        line.and_then(|l| l.split(' ').nth(1)?.parse().ok())
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let before = counter(&exposition, "joan_events_appended_total");
    let token = app.token_for_new_user();
    let created = app
        .post("/api/v1/tasks")
        .token(&token)
        .json(&json!({"title": "counted"}))
        .send()
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let after = metrics(&app).await;
    assert!(counter(&after, "joan_events_appended_total") > before);
    assert!(counter(&after, "joan_group_commits_total") >= 1);
    // SQLite acknowledges commits through fsyncs of its log; PostgreSQL's commits need none.
    let fsyncs = counter(&after, "joan_log_fsyncs_total");
    assert_eq!(fsyncs >= 1, backend == Backend::Sqlite, "{fsyncs} fsyncs");
}

/// The exposition of the metrics listener (not on the API port).
async fn metrics(app: &TestApp) -> String {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::get("/metrics")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = joan_api::http::metrics_router(app.state.clone())
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

async fn openapi_document_and_docs_ui_are_served(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else { return };
    let spec = app.get("/api/openapi.json").send().await;
    assert_eq!(spec.status, StatusCode::OK);
    assert!(spec.body["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(spec.body["components"]["securitySchemes"]["bearer"].is_object());
    let docs = app.get("/api/docs/").send().await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(
        docs.text.contains("swagger"),
        "{}",
        &docs.text[..docs.text.len().min(200)]
    );
}

async fn cors_answers_only_the_configured_origins(backend: Backend) {
    use axum::http::Method;
    use joan_api::http::{HttpOptions, router};

    async fn preflight(app: &TestApp, origin: &str) -> crate::app::Reply {
        app.call(Method::OPTIONS, "/api/v1/tasks")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
            .await
    }

    let Some(mut app) = TestApp::new(backend).await else {
        return;
    };
    // No allow-list (the default): no cross-origin call is allowed.
    let closed = preflight(&app, "https://app.example").await;
    assert_eq!(closed.header("access-control-allow-origin"), None);

    app.router = router(
        app.state.clone(),
        &HttpOptions {
            cors_origins: vec!["https://app.example".into()],
            ..HttpOptions::default()
        },
    );
    let allowed = preflight(&app, "https://app.example").await;
    assert!(allowed.status.is_success(), "{}", allowed.status);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    let methods = allowed.header("access-control-allow-methods").unwrap_or_default();
    assert!(methods.contains("POST") && methods.contains("PATCH"), "{methods}");

    let other = preflight(&app, "https://evil.example").await;
    assert_eq!(other.header("access-control-allow-origin"), None);
    // A simple call from the allowed origin is answered with the header too.
    let token = app.token_for_new_user();
    let list = app
        .get("/api/v1/tasks")
        .token(&token)
        .header("origin", "https://app.example")
        .send()
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.header("access-control-allow-origin"), Some("https://app.example"));
    assert!(
        list.header("access-control-expose-headers")
            .is_some_and(|h| h.contains("x-total-count")),
        "{:?}",
        list.headers
    );
}
