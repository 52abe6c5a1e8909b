//! Operations endpoints: liveness and readiness on the API port; metrics on their own listener
//! or, with a token, on the API port.
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::config::Secret;
use crate::http::error::ApiError;
use crate::http::extract::bearer;
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// `/metrics` open to whoever reaches it: for a listener of its own (loopback by default).
pub fn metrics_router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

/// `/metrics` for the API port: only with `Authorization: Bearer <token>`.
pub fn guarded_metrics_router(token: Secret) -> Router<AppState> {
    let expected = Sha256::digest(token.expose().as_bytes());
    let handler = move |State(state): State<AppState>, headers: HeaderMap| async move {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer);
        // Digests compared, so the time taken says nothing about the token.
        match given {
            Some(given) if Sha256::digest(given.as_bytes()) == expected => metrics(State(state)).await,
            _ => ApiError::Unauthenticated("/metrics needs the metrics token").into_response(),
        }
    };
    Router::new().route("/metrics", get(handler))
}

/// The process is up.
async fn healthz() -> impl IntoResponse {
    axum::Json(serde_json::json!({"status": "ok"}))
}

/// The database answers and the event log still takes appends. (`1` alone is an `int4` on
/// PostgreSQL, not the `i64` asked for.)
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if !state.core.store.is_durable() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(
                serde_json::json!({"status": "unavailable", "reason": "the event log could not be made durable; restart Joan"}),
            ),
        );
    }
    match state
        .core
        .store
        .db()
        .fetch_scalar_i64("select cast(1 as bigint)", &[])
        .await
    {
        Ok(_) => (StatusCode::OK, axum::Json(serde_json::json!({"status": "ready"}))),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(&state.core),
    )
        .into_response()
}
