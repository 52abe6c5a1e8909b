//! `/ai/workflows`: the caller's workflow templates ([`templates`]) and their executions
//! ([`executions`]).
use utoipa_axum::router::OpenApiRouter;

use crate::http::state::AppState;

pub mod executions;
pub mod templates;

pub fn router() -> OpenApiRouter<AppState> {
    templates::router().merge(executions::router())
}
