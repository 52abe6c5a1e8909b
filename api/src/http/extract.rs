//! Request extractors: JSON bodies, the caller, paging, `If-Match`, `Idempotency-Key`.
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header;
use axum::http::request::Parts;
use joan_commands::service::CommandContext;
use joan_domain::{Timestamp, UserId};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use crate::http::error::{ApiError, FieldError};
use crate::http::state::AppState;

/// A JSON body; malformed JSON is 400, a wrong or unknown field 422, another content type 415.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| {
                let v = v.trim().to_ascii_lowercase();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match e {
            BytesRejection::FailedToBufferBody(_) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge
            }
            other => ApiError::BadRequest(other.body_text()),
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses a JSON document, telling syntax errors (400) from shape errors (422, with the path).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { String::new() } else { path };
                let message = inner.to_string();
                let message = message.split(" at line ").next().unwrap_or(&message).to_string();
                let field = unknown_field(&message).map(|f| join_path(&field, f)).unwrap_or(field);
                ApiError::Validation(vec![FieldError::new(field, message)])
            }
            _ => ApiError::MalformedBody(format!("malformed JSON: {inner}")),
        }
    })
}

/// serde names an unknown or missing field only in its message: "unknown field `x`, ...".
fn unknown_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("missing field `"))?
        .split('`')
        .next()
}

fn join_path(parent: &str, field: &str) -> String {
    if parent.is_empty() || parent == "." {
        field.to_string()
    } else if parent == field || parent.ends_with(&format!(".{field}")) {
        parent.to_string()
    } else {
        format!("{parent}.{field}")
    }
}

/// The authenticated caller, from `Authorization: Bearer <access token>`.
#[derive(Debug, Clone, Copy)]
pub struct CurrentUser(pub UserId);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .ok_or(ApiError::Unauthenticated("missing bearer token"))?;
        state
            .tokens
            .verify(token.trim())
            .map(CurrentUser)
            .ok_or(ApiError::Unauthenticated("invalid or expired token"))
    }
}

/// The caller plus this request's ids: everything a command's metadata needs.
pub struct Caller {
    pub user: UserId,
    pub ctx: CommandContext,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        let mut ctx = CommandContext::new(user, now());
        ctx.request_id = header_text(parts, "x-request-id");
        ctx.correlation_id = header_text(parts, "x-correlation-id").or_else(|| ctx.request_id.clone());
        ctx.idempotency_key = header_text(parts, "idempotency-key");
        Ok(Caller { user, ctx })
    }
}

fn header_text(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(200).collect())
}

pub fn now() -> Timestamp {
    Timestamp::from_datetime(time::OffsetDateTime::now_utc())
}

/// `limit` (default 50, at most 200) and `offset`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Rows to return, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    pub offset: Option<i64>,
}

impl Page {
    pub const DEFAULT: i64 = 50;
    pub const MAX: i64 = 200;

    pub fn validate(self) -> Result<(i64, i64), ApiError> {
        let limit = self.limit.unwrap_or(Self::DEFAULT);
        let offset = self.offset.unwrap_or(0);
        let mut errors = Vec::new();
        if !(1..=Self::MAX).contains(&limit) {
            errors.push(FieldError::new("limit", format!("must be between 1 and {}", Self::MAX)));
        }
        if offset < 0 {
            errors.push(FieldError::new("offset", "must not be negative"));
        }
        if errors.is_empty() {
            Ok((limit, offset))
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// Query strings with 422 for bad values.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|e: QueryRejection| {
                let message = e.body_text();
                let message = message
                    .strip_prefix("Failed to deserialize query string: ")
                    .unwrap_or(&message)
                    .to_string();
                ApiError::Validation(vec![FieldError::new(
                    unknown_field(&message).unwrap_or("query"),
                    message.clone(),
                )])
            })
    }
}

/// `If-Match: "<version>"`, when sent.
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or_default().trim();
        let text = text.strip_prefix("W/").unwrap_or(text);
        text.trim_matches('"')
            .parse::<i64>()
            .map(|v| IfMatch(Some(v)))
            .map_err(|_| ApiError::BadRequest("If-Match must be an ETag this API gave out, like \"3\"".into()))
    }
}

/// The `ETag` value for a stream version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}
