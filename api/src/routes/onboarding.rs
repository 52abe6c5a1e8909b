//! `/onboarding`: where the caller is in onboarding, kept on the User stream (the `users`
//! table's `onboarding_progress` and `onboarding_completed`).
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::user::{OnboardingProgress, UserCommand};
use joan_projections::users::UserRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, Caller, ConditionalHeaders, CurrentUser, IfMatch};
use crate::http::fields::{Fields, present};
use crate::http::resource::respond;
use crate::http::state::AppState;
use crate::routes::users::{read_user, user_error};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_onboarding, patch_onboarding))
}

/// The caller's onboarding.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnboardingView {
    /// Whatever the frontend keeps: a JSON object (`{}` at first).
    #[schema(value_type = Object)]
    pub progress: serde_json::Value,
    pub completed: bool,
}

/// `PATCH /onboarding`: absent fields stay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchOnboarding {
    /// The whole new progress: a JSON object of at most 10,000 characters, 8 levels deep.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Object, required = false)]
    pub progress: Option<Option<serde_json::Value>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool, required = false)]
    pub completed: Option<Option<bool>>,
}

/// `200` with the onboarding and the user's `ETag` (the User stream's version).
fn onboarding_response(row: UserRow) -> Result<Response, ApiError> {
    let view = OnboardingView {
        progress: serde_json::from_str(&row.onboarding_progress).map_err(ApiError::internal)?,
        completed: row.onboarding_completed != 0,
    };
    Ok(respond(StatusCode::OK, row.version, None, &view))
}

/// The caller's onboarding progress and whether it is done.
#[utoipa::path(get, path = "/onboarding", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = OnboardingView)))]
async fn get_onboarding(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> Result<Response, ApiError> {
    onboarding_response(read_user(&state, user).await?)
}

/// Replaces the progress object and/or sets `completed`. `If-Match` (the user's version)
/// makes it conditional.
#[utoipa::path(patch, path = "/onboarding", tag = "users", request_body = PatchOnboarding,
    security(("bearer" = [])), params(ConditionalHeaders), responses((status = 200, body = OnboardingView)))]
async fn patch_onboarding(
    State(state): State<AppState>,
    caller: Caller,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchOnboarding>,
) -> Result<Response, ApiError> {
    let mut f = Fields::default();
    let command = UserCommand::UpdateOnboarding {
        progress: f.required("progress", body.progress, OnboardingProgress::parse),
        completed: f.required("completed", body.completed, Ok::<_, String>),
    };
    let command = f.finish(command).map_err(ApiError::Validation)?;
    state
        .core
        .users
        .execute(&caller.user.to_string(), &caller.ctx, command, expected, None)
        .await
        .map_err(user_error)?;
    onboarding_response(read_user(&state, caller.user).await?)
}
