//! `/auth`: registration, login, refresh-token rotation, logout, and who the caller is.
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use joan_commands::service::CommandContext;
use joan_commands::{CommandError, StoreError};
use joan_domain::user::{Email, UserCommand, UserName};
use joan_domain::{Timestamp, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::address::ClientAddr;
use crate::auth::credentials::{self, Insert};
use crate::auth::refresh::{self, NewToken, Rotation};
use crate::auth::tokens::ACCESS_TTL_SECONDS;
use crate::auth::{password, write};
use crate::http::error::{ApiError, FieldError, Problem};
use crate::http::extract::{ApiJson, CurrentUser, OptionalJson, etag, header_text, now};
use crate::http::schema;
use crate::http::state::AppState;
use crate::routes::users::{UserView, email_taken, read_user, user_error};

pub fn router() -> OpenApiRouter<AppState> {
    // Build the dummy password hash before the first login needs it.
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(password::warm_up());
    }
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh_tokens))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// `POST /auth/register`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Register {
    #[schema(schema_with = schema::email)]
    pub email: String,
    /// 8 to 128 characters.
    #[schema(schema_with = schema::password)]
    pub password: String,
    #[schema(schema_with = schema::person_name)]
    pub name: String,
}

/// `POST /auth/login`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// `POST /auth/refresh`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Refresh {
    pub refresh_token: String,
}

/// `POST /auth/logout`: without a body, every session of the caller ends.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Logout {
    pub refresh_token: Option<String>,
}

/// A new account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Registered {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// An access token and the refresh token that renews it.
#[derive(Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: `POST /auth/refresh` spends it and returns a new pair.
    pub refresh_token: String,
}

/// The command context of a request with no access token (the actor is the account itself).
fn context_as(user: UserId, headers: &HeaderMap) -> CommandContext {
    let mut ctx = CommandContext::new(user, now());
    ctx.request_id = header_text(headers, "x-request-id");
    ctx.correlation_id = ctx.request_id.clone();
    ctx
}

fn user_id(raw: &str) -> Result<UserId, ApiError> {
    Uuid::parse_str(raw).map(UserId).map_err(ApiError::internal)
}

/// Tokens of `session` (the id of its refresh-token family).
fn pair(
    state: &AppState,
    user: UserId,
    session: &str,
    at: Timestamp,
    refresh_token: String,
) -> Result<TokenPair, ApiError> {
    let session = Uuid::parse_str(session).map_err(ApiError::internal)?;
    let access_token = state
        .tokens
        .issue(user, session, at.datetime().unix_timestamp())
        .map_err(ApiError::internal)?;
    Ok(TokenPair {
        access_token,
        token_type: "bearer",
        expires_in: ACCESS_TTL_SECONDS,
        refresh_token,
    })
}

/// Creates an account.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = Register,
    responses((status = 201, body = Registered, headers(("location" = String), ("etag" = String))),
        (status = 400, body = Problem), (status = 409, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem, headers(("retry-after" = u64)))))]
async fn register(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Register>,
) -> Result<Response, ApiError> {
    let mut errors = Vec::new();
    let email = Email::parse(&body.email).map_err(|e| errors.push(FieldError::new("email", e)));
    if let Err(e) = password::check_length(&body.password) {
        errors.push(FieldError::new("password", e));
    }
    let name = UserName::parse(&body.name).map_err(|e| errors.push(FieldError::new("name", e)));
    let (Ok(email), Ok(name)) = (email, name) else {
        return Err(ApiError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    // A 409 tells that an email is taken, so each address may ask only so often.
    state
        .email_checks
        .take(address)
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let db = state.core.store.db();
    // The unique constraint written with the event is the guard; this saves a hash.
    if credentials::email_taken(db, email.as_str(), None)
        .await
        .map_err(ApiError::internal)?
    {
        return Err(email_taken());
    }
    let password_hash = password::hash(body.password).await.map_err(ApiError::internal)?;
    let user = UserId(Uuid::new_v4());
    let id = user.to_string();
    let ctx = context_as(user, &headers);
    let insert = Insert {
        user_id: id.clone(),
        email: email.as_str().to_string(),
        password_hash,
        at: ctx.at.to_rfc3339(),
    };
    let outcome = state
        .core
        .users
        .execute_new(
            &id,
            &ctx,
            UserCommand::Register { email, name },
            Some(write::hook(insert).0),
        )
        .await
        .map_err(user_error)?;
    tracing::info!(user_id = %id, "user registered");
    let row = read_user(&state, user).await?;
    let mut response = (
        StatusCode::CREATED,
        axum::Json(Registered {
            id: row.id,
            email: row.email,
            name: row.name,
        }),
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, HeaderValue::from_static("/api/v1/users/profile"));
    if let Ok(tag) = HeaderValue::from_str(&etag(outcome.version)) {
        headers.insert(header::ETAG, tag);
    }
    Ok(response)
}

/// Exchanges an email and password for tokens. Unknown email and wrong password answer alike.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = Login,
    responses((status = 200, body = TokenPair), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, headers(("retry-after" = u64)))))]
async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Login>,
) -> Result<axum::Json<TokenPair>, ApiError> {
    // Spelled as registration stores it; what is not an address finds no account.
    let email = Email::parse(&body.email).map_or_else(|_| body.email.trim().to_lowercase(), String::from);
    state
        .limiter
        .attempt(&email, address)
        .map_err(|retry_after| ApiError::RateLimited { retry_after })?;
    let db = state.core.store.db();
    let found = credentials::by_email(db, &email).await.map_err(ApiError::internal)?;
    // A password longer than any accepted one cannot match; it is not worth hashing.
    let matches = body.password.chars().count() <= password::MAX_CHARS
        && password::verify(body.password.clone(), found.as_ref().map(|c| c.password_hash.clone()))
            .await
            .map_err(ApiError::internal)?;
    let user = match &found {
        Some(c) if matches => read_user(&state, user_id(&c.user_id)?).await?,
        // The attempt stays counted as a failure.
        _ => return Err(ApiError::InvalidCredentials),
    };
    if user.is_active == 0 {
        return Err(ApiError::InvalidCredentials);
    }
    state.limiter.succeeded(&email, address);
    let id = user_id(&user.id)?;
    let ctx = context_as(id, &headers);
    if let Some(legacy) = found.filter(|c| password::is_legacy(&c.password_hash)) {
        rehash(&state, &ctx, legacy.password_hash, body.password).await?;
    }
    let token = NewToken::generate();
    let session = Uuid::new_v4().to_string();
    let issue = || refresh::Issue {
        hash: token.hash.clone(),
        family_id: session.clone(),
        user_id: user.id.clone(),
        at: ctx.at,
    };
    let store = &state.core.store;
    if user.first_login_at.is_none() {
        let first = state
            .core
            .users
            .execute(
                &user.id,
                &ctx,
                UserCommand::RecordLogin,
                None,
                Some(write::hook(issue()).0),
            )
            .await;
        match first {
            Ok(_) => {}
            // A concurrent login recorded the first one; this one only needs its token.
            Err(CommandError::Conflict) => write::run(store, issue()).await.map_err(ApiError::store)?,
            Err(e) => return Err(user_error(e)),
        }
    } else {
        write::run(store, issue()).await.map_err(ApiError::store)?;
    }
    tracing::info!(user_id = %user.id, "logged in");
    Ok(axum::Json(pair(&state, id, &session, ctx.at, token.token)?))
}

/// Replaces an imported bcrypt hash, just verified, by an argon2id one, and records that it
/// happened. A concurrent login that rehashed first leaves nothing to do.
async fn rehash(state: &AppState, ctx: &CommandContext, legacy: String, password: String) -> Result<(), ApiError> {
    let new_hash = password::hash(password).await.map_err(ApiError::internal)?;
    let write = credentials::Rehash {
        user_id: ctx.actor.to_string(),
        expected: legacy,
        password_hash: new_hash,
        at: ctx.at,
    };
    let recorded = state
        .core
        .users
        .execute(
            &ctx.actor.to_string(),
            ctx,
            UserCommand::RecordPasswordRehash,
            None,
            Some(write::hook(write).0),
        )
        .await;
    match recorded {
        Ok(_) => {
            tracing::info!(user_id = %ctx.actor, "imported password rehashed as argon2id");
            Ok(())
        }
        Err(CommandError::Store(StoreError::Hook(e))) if e.is::<credentials::PasswordChangedMeanwhile>() => Ok(()),
        Err(CommandError::Conflict) => Ok(()),
        Err(e) => Err(user_error(e)),
    }
}

/// Spends a refresh token for a new pair. Presented again within a short grace window (two
/// tabs refreshing at once), it gives the same pair's refresh token again; after it, every
/// token of its login is revoked and the session ends.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = Refresh,
    responses((status = 200, body = TokenPair), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn refresh_tokens(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<Refresh>,
) -> Result<axum::Json<TokenPair>, ApiError> {
    let next = state.successors.of(&body.refresh_token);
    let at = now();
    let rotate = refresh::Rotate {
        presented: refresh::digest(&body.refresh_token),
        next: next.hash,
        at,
        grace: state.policy.refresh_grace,
    };
    match write::run(&state.core.store, rotate).await.map_err(ApiError::store)? {
        Rotation::Rotated { user_id: user, session } => {
            Ok(axum::Json(pair(&state, user_id(&user)?, &session, at, next.token)?))
        }
        Rotation::Reused { user_id: user, session } => {
            state.sessions.ended_here(&[session]);
            tracing::warn!(user_id = %user, "a spent refresh token was presented again; its session is ended");
            Err(ApiError::Unauthenticated("invalid refresh token"))
        }
        Rotation::Invalid => Err(ApiError::Unauthenticated("invalid refresh token")),
    }
}

/// Ends the session of the given refresh token, or every session of the caller without one:
/// their refresh tokens are revoked and their access tokens refused from the next request on.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = Option<Logout>, security(("bearer" = [])),
    responses((status = 204), (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn logout(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    OptionalJson(body): OptionalJson<Logout>,
) -> Result<StatusCode, ApiError> {
    let token = body.and_then(|b| b.refresh_token);
    let store = &state.core.store;
    let (user_id, at) = (user.to_string(), now());
    let ended = match token {
        Some(token) => {
            let hash = refresh::digest(&token);
            write::run(store, refresh::RevokeFamilyOf { hash, user_id, at }).await
        }
        None => write::run(store, refresh::RevokeUser { user_id, at }).await,
    }
    .map_err(ApiError::store)?;
    state.sessions.ended_here(&ended);
    tracing::info!(user_id = %user, sessions = ended.len(), "logged out");
    Ok(StatusCode::NO_CONTENT)
}

/// The caller.
#[utoipa::path(get, path = "/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = Problem)))]
async fn me(State(state): State<AppState>, CurrentUser(user): CurrentUser) -> Result<axum::Json<UserView>, ApiError> {
    Ok(axum::Json(UserView::from(read_user(&state, user).await?)))
}
