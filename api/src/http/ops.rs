//! Operations endpoints: liveness, readiness, metrics.
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
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

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(&state.core),
    )
}
