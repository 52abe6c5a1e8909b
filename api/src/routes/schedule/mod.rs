//! `/schedule`: the caller's days ([`daily`]) and the templates they apply to them
//! ([`templates`]).
use utoipa_axum::router::OpenApiRouter;

use crate::http::state::AppState;

pub mod blocks;
pub mod daily;
pub mod templates;

pub fn router() -> OpenApiRouter<AppState> {
    daily::router().merge(templates::router())
}
