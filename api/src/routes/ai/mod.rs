//! `/ai`: the provider registry, one-off queries, and usage metrics.
pub mod body;
pub mod metrics;
pub mod providers;
pub mod query;

use utoipa_axum::router::OpenApiRouter;

use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(providers::router())
        .merge(query::router())
        .merge(metrics::router())
}
