//! Request extractors: JSON bodies, the caller, paging, `If-Match`, `Idempotency-Key`.
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use joan_commands::service::CommandContext;
use joan_domain::{Timestamp, UserId};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use crate::http::error::{ApiError, FieldError};
use crate::http::request_id;
use crate::http::state::AppState;

/// A JSON object body; malformed JSON (trailing bytes included) is 400, a body that is not an
/// object, nests deeper than [`MAX_DEPTH`] or has a wrong or unknown field 422, and another
/// content type or a charset other than UTF-8 415.
pub struct ApiJson<T>(pub T);

/// The deepest nesting of arrays and objects a body may have: more is refused before parsing,
/// so no deeper value ever reaches a write (SQLite's and serde's own limits are far above it).
pub const MAX_DEPTH: usize = 32;

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        if !content_type.is_some_and(is_json_utf8) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match e {
            BytesRejection::FailedToBufferBody(_) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::PayloadTooLarge
            }
            other => ApiError::BadRequest(other.body_text()),
        })?;
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        if let Some(b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') = first {
            return Err(ApiError::Validation(vec![FieldError::new(
                "",
                "the body must be a JSON object",
            )]));
        }
        parse_json(&bytes).map(ApiJson)
    }
}

/// A JSON object body that may be left out: no `Content-Type` or an empty body is `None`;
/// a body sent is taken as [`ApiJson`] takes it.
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let headers = req.headers();
        let has_body = headers.contains_key(header::CONTENT_TYPE)
            && headers
                .get(header::CONTENT_LENGTH)
                .is_none_or(|length| length.as_bytes() != b"0");
        if !has_body {
            return Ok(OptionalJson(None));
        }
        ApiJson::from_request(req, state)
            .await
            .map(|ApiJson(body)| OptionalJson(Some(body)))
    }
}

/// `application/json` or `application/*+json`, with no charset or UTF-8 (JSON's only one).
fn is_json_utf8(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let json = essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"));
    json && parts.all(|param| match param.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    })
}

/// The deepest nesting of arrays and objects in `bytes`, outside strings; stops counting past
/// `limit`. Malformed input is left to the parser.
fn depth_over(bytes: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Parses one JSON document, telling syntax errors (400, anything after the value included)
/// from shape errors (422, with the path).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if depth_over(bytes, MAX_DEPTH) {
        let message = format!("nests arrays and objects deeper than {MAX_DEPTH} levels");
        return Err(ApiError::Validation(vec![FieldError::new("", message)]));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
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
            _ => malformed(inner),
        }
    })?;
    de.end().map_err(malformed)?;
    Ok(value)
}

fn malformed(error: serde_json::Error) -> ApiError {
    let message = error.to_string();
    if message.contains("surrogate") {
        let at = message.split(" at line ").nth(1).unwrap_or("");
        return ApiError::MalformedBody(format!(
            "malformed JSON: a \\u escape names a lone UTF-16 surrogate (D800-DFFF), which is not a character (line {at})"
        ));
    }
    if message.starts_with("trailing characters") {
        return ApiError::MalformedBody(format!("malformed JSON: something follows the JSON value ({message})"));
    }
    ApiError::MalformedBody(format!("malformed JSON: {message}"))
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
            .and_then(bearer)
            .ok_or(ApiError::Unauthenticated("missing bearer token"))?;
        let verified = state
            .tokens
            .verify(token.trim())
            .ok_or(ApiError::Unauthenticated("invalid or expired token"))?;
        let ended = state
            .sessions
            .is_ended(state.core.store.db(), verified.session)
            .await
            .map_err(ApiError::internal)?;
        if ended {
            return Err(ApiError::Unauthenticated("the session has ended"));
        }
        Ok(CurrentUser(verified.user))
    }
}

/// The token of `Bearer <token>`; the scheme's name is case-insensitive (RFC 9110 11.1).
pub(crate) fn bearer(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim_start().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
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
        ctx.request_id = header_text(&parts.headers, "x-request-id");
        ctx.correlation_id = header_text(&parts.headers, "x-correlation-id")
            .filter(|id| request_id::is_safe(id))
            .or_else(|| ctx.request_id.clone());
        ctx.idempotency_key = idempotency_key(&parts.headers)?;
        Ok(Caller { user, ctx })
    }
}

/// The longest `Idempotency-Key`; a longer one is refused, never cut (two keys cut to one
/// prefix would collide).
pub const MAX_IDEMPOTENCY_KEY: usize = 255;

/// `Idempotency-Key`: 1 to 255 visible ASCII characters, or 422. A key is never ignored.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(raw) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let bytes = raw.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_IDEMPOTENCY_KEY || !bytes.iter().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            format!("must be 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters"),
        ));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// A header's text when it is visible ASCII.
pub fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

pub fn now() -> Timestamp {
    Timestamp::from_datetime(time::OffsetDateTime::now_utc())
}

/// `limit` (default 50, at most 200) and `offset`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
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

/// The version in an ETag of ours: `"3"`, `W/"3"` or a bare `3` (1 to 18 digits).
fn version_tag(text: &str) -> Option<i64> {
    let text = text.trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    let digits = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
    let plain = (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    plain.then(|| digits.parse().ok()).flatten()
}

/// The preconditions and keys a request may send, as documented parameters.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ConditionalHeaders {
    /// The ETag of the version the change is based on; another version is 412.
    #[param(
        rename = "If-Match",
        nullable = false,
        pattern = r#"^\s*(W/)?("[0-9]{1,18}"|[0-9]{1,18})\s*$"#
    )]
    pub if_match: Option<String>,
}

/// `Idempotency-Key`, as a documented parameter.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyHeaders {
    /// Retry-safe key: 1 to 255 visible ASCII characters. A retry with the same key and body
    /// gets the first answer back; the same key with another body is 422.
    #[param(rename = "Idempotency-Key", nullable = false, pattern = r"^[!-~]{1,255}$")]
    pub idempotency_key: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        value
            .to_str()
            .ok()
            .and_then(version_tag)
            .map(|v| IfMatch(Some(v)))
            .ok_or_else(|| ApiError::invalid("If-Match", "must be an ETag this API gave out, like \"3\""))
    }
}

/// The `ETag` value for a stream version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}
