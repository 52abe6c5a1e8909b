//! API-wide conventions: problem+json errors, security headers, operations endpoints, docs.
use axum::http::StatusCode;

use crate::app::TestApp;
use crate::backend::{Backend, on_both_backends};

on_both_backends!(
    unknown_routes_and_methods_answer_problem_json,
    api_responses_carry_security_headers_and_a_request_id,
    health_readiness_and_metrics_answer,
    openapi_document_and_docs_ui_are_served,
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
    let metrics = app.get("/metrics").send().await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics
            .text
            .contains("joan_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1"),
        "{}",
        metrics.text
    );
    assert!(
        metrics
            .text
            .contains("joan_projector_lag_events{projector=\"task_daily_stats\"}")
    );
    assert!(metrics.text.contains("joan_events_appended_total"));
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
