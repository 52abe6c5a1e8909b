//! `/users`: the caller's profile and password.
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use joan_commands::{CommandError, StoreError};
use joan_domain::UserId;
use joan_domain::user::{Email, UserCommand, UserError, UserName};
use joan_projections::users::{self, UserRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::address::ClientAddr;
use crate::auth::credentials::{self, ChangeEmail, PasswordChangedMeanwhile, ReplacePassword};
use crate::auth::{password, write};
use crate::http::error::{ApiError, FieldError, Problem, from_command};
use crate::http::extract::{ApiJson, Caller, ConditionalHeaders, CurrentUser, IfMatch, etag};
use crate::http::schema;
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_profile, patch_profile))
        .routes(routes!(change_password))
}

/// A user as the API shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_active: bool,
    pub role: String,
    pub created_at: String,
    pub updated_at: String,
}

impl From<UserRow> for UserView {
    fn from(r: UserRow) -> Self {
        Self {
            id: r.id,
            email: r.email,
            name: r.name,
            is_active: r.is_active != 0,
            role: r.role,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// `PATCH /users/profile`: only these fields can change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchProfile {
    #[schema(schema_with = schema::person_name_or_null)]
    pub name: Option<String>,
    #[schema(schema_with = schema::email_or_null)]
    pub email: Option<String>,
}

/// `POST /users/password`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// 8 to 128 characters.
    #[schema(schema_with = schema::password)]
    pub new_password: String,
}

pub(crate) fn email_taken() -> ApiError {
    ApiError::Conflict {
        code: "email_taken",
        detail: "an account with this email already exists".into(),
    }
}

/// Maps a User command's failure, including refusals from the credentials written with it.
pub(crate) fn user_error(error: CommandError<UserError>) -> ApiError {
    match error {
        CommandError::Store(e) if credentials::is_email_taken(&e) => email_taken(),
        CommandError::Store(StoreError::Hook(e)) if e.is::<PasswordChangedMeanwhile>() => ApiError::Conflict {
            code: "concurrent_change",
            detail: e.to_string(),
        },
        CommandError::Domain(UserError::NotFound) => ApiError::Unauthenticated("the token names no user"),
        other => from_command(other),
    }
}

/// The caller's row; a valid token for a user that does not exist is refused like a bad one.
pub(crate) async fn read_user(state: &AppState, user: UserId) -> Result<UserRow, ApiError> {
    users::get(state.core.store.db(), &user.to_string())
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::Unauthenticated("the token names no user"))
}

/// `200` with the user and its `ETag`.
fn profile_response(row: UserRow) -> Response {
    let tag = HeaderValue::from_str(&etag(row.version)).ok();
    let mut response = axum::Json(UserView::from(row)).into_response();
    if let Some(tag) = tag {
        response.headers_mut().insert(header::ETAG, tag);
    }
    response
}

/// The caller's profile.
#[utoipa::path(get, path = "/users/profile", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = UserView, headers(("etag" = String))), (status = 401, body = Problem)))]
async fn get_profile(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> Result<Response, ApiError> {
    Ok(profile_response(read_user(&state, user).await?))
}

/// Changes the name or the email (which must be free). `If-Match` makes it conditional.
#[utoipa::path(patch, path = "/users/profile", tag = "users", request_body = PatchProfile, security(("bearer" = [])),
    params(ConditionalHeaders),
    responses((status = 200, body = UserView, headers(("etag" = String))), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, headers(("retry-after" = u64)))))]
async fn patch_profile(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchProfile>,
) -> Result<Response, ApiError> {
    let mut errors = Vec::new();
    let email = body
        .email
        .as_deref()
        .map(Email::parse)
        .transpose()
        .map_err(|e| errors.push(FieldError::new("email", e)))
        .ok()
        .flatten();
    let name = body
        .name
        .as_deref()
        .map(UserName::parse)
        .transpose()
        .map_err(|e| errors.push(FieldError::new("name", e)))
        .ok()
        .flatten();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let user = caller.user.to_string();
    let db = state.core.store.db();
    let mut hook = None;
    if let Some(email) = &email {
        // A 409 tells that an email is taken, so each address may ask only so often.
        state
            .email_checks
            .take(address)
            .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
        // The unique constraint written with the event is the guard; this is the quick answer.
        if credentials::email_taken(db, email.as_str(), Some(&user))
            .await
            .map_err(ApiError::internal)?
        {
            return Err(email_taken());
        }
        let change = ChangeEmail {
            user_id: user.clone(),
            email: email.as_str().to_string(),
            at: caller.ctx.at.to_rfc3339(),
        };
        hook = Some(write::hook(change).0);
    }
    state
        .core
        .users
        .execute(
            &user,
            &caller.ctx,
            UserCommand::ChangeProfile { email, name },
            expected,
            hook,
        )
        .await
        .map_err(user_error)?;
    Ok(profile_response(read_user(&state, caller.user).await?))
}

/// Replaces the password; every session of the user ends, this one included.
#[utoipa::path(post, path = "/users/password", tag = "users", request_body = ChangePassword, security(("bearer" = [])),
    responses((status = 204), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, headers(("retry-after" = u64)))))]
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<ChangePassword>,
) -> Result<StatusCode, ApiError> {
    password::check_length(&body.new_password).map_err(|e| ApiError::invalid("new_password", e))?;
    let user = read_user(&state, caller.user).await?;
    let db = state.core.store.db();
    let current = credentials::by_user(db, &user.id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::Unauthenticated("the token names no user"))?;
    // Guessing the current password with a stolen access token counts like a failed login.
    state
        .limiter
        .attempt(&user.email, address)
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let matches = body.current_password.chars().count() <= password::MAX_CHARS
        && password::verify(body.current_password, Some(current.password_hash.clone()))
            .await
            .map_err(ApiError::internal)?;
    if !matches {
        return Err(ApiError::InvalidCredentials);
    }
    state.limiter.succeeded(&user.email, address);
    let new_hash = password::hash(body.new_password).await.map_err(ApiError::internal)?;
    let replace = ReplacePassword {
        user_id: user.id.clone(),
        expected: current.password_hash,
        password_hash: new_hash,
        at: caller.ctx.at,
    };
    let (hook, ended) = write::hook(replace);
    state
        .core
        .users
        .execute(
            &user.id,
            &caller.ctx,
            UserCommand::RecordPasswordChange,
            None,
            Some(hook),
        )
        .await
        .map_err(user_error)?;
    state.sessions.ended_here(&ended.take().unwrap_or_default());
    tracing::info!(user_id = %user.id, "password changed; every session ended");
    Ok(StatusCode::NO_CONTENT)
}
