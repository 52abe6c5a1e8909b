//! `ApiError`: every failure the HTTP layer reports, and its one problem+json shape
//! (RFC 9457). The status and `code` of each variant are decided in one table below.
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use joan_domain::{Refusal, Refuse};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field's path in the body or query (`title`, `tasks[2].priority`).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl ToString) -> Self {
        Self {
            field: field.into(),
            message: message.to_string(),
        }
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable error code.
    pub code: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    MalformedBody(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// Unknown email and wrong password alike.
    #[error("the email or password is incorrect")]
    InvalidCredentials,
    #[error("not found")]
    NotFound,
    #[error("no route for this path")]
    RouteNotFound,
    #[error("method not allowed on this path")]
    MethodNotAllowed,
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// The caller may see the resource but not do this to it.
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    #[error("the resource has changed since the version in If-Match")]
    PreconditionFailed,
    #[error("the request body is too large")]
    PayloadTooLarge,
    #[error("expected Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("expected Content-Type: multipart/form-data with a boundary")]
    NotMultipart,
    #[error("the file is larger than the {0}-byte limit")]
    UploadTooLarge(u64),
    #[error("this upload would bring your attachments to {needed} bytes, over your quota of {quota}")]
    QuotaExceeded { needed: u64, quota: u64 },
    #[error("the request is invalid")]
    Validation(Vec<FieldError>),
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    #[error("too many attempts; retry after {retry_after} s")]
    RateLimited { retry_after: u64 },
    /// The server cannot take writes now (the event log could not be made durable).
    #[error("{0}")]
    Unavailable(String),
    /// An AI call failed after its retries and fallbacks; the message never holds a key.
    #[error("{message}")]
    Ai {
        class: crate::ai::FailureClass,
        message: String,
    },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn internal(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(e))
    }

    /// A write-side failure: 503 when the log can no longer be made durable, else a 500.
    pub fn store(e: joan_commands::StoreError) -> Self {
        match e {
            joan_commands::StoreError::NotDurable(_) => ApiError::Unavailable(e.to_string()),
            other => ApiError::internal(other),
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl ToString) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    /// Status, code and title: the one table of every error Joan reports.
    fn describe(&self) -> (StatusCode, &'static str, &'static str) {
        use ApiError::*;
        match self {
            MalformedBody(_) => (StatusCode::BAD_REQUEST, "malformed_body", "Malformed request body"),
            BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request", "Bad request"),
            Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated", "Authentication required"),
            InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials", "Invalid credentials"),
            NotFound => (StatusCode::NOT_FOUND, "not_found", "Not found"),
            RouteNotFound => (StatusCode::NOT_FOUND, "route_not_found", "Not found"),
            MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed",
            ),
            Conflict { code, .. } => (StatusCode::CONFLICT, code, "Conflict"),
            Forbidden { code, .. } => (StatusCode::FORBIDDEN, code, "Forbidden"),
            PreconditionFailed => (StatusCode::PRECONDITION_FAILED, "stale_version", "Precondition failed"),
            PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "Payload too large"),
            UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
            ),
            NotMultipart => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
            ),
            UploadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "Payload too large"),
            QuotaExceeded { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "quota_exceeded", "Quota exceeded"),
            Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "Invalid request"),
            IdempotencyKeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "Idempotency-Key reused",
            ),
            RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited", "Too many requests"),
            Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Service unavailable"),
            Ai { class, .. } => ai_failure(*class),
            Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal server error"),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.describe().0
    }
}

/// How an AI failure reads: the caller's setup (no provider) is a conflict to fix in the
/// settings; a provider's failure is a bad gateway, its absence or slowness 503 or 504.
fn ai_failure(class: crate::ai::FailureClass) -> (StatusCode, &'static str, &'static str) {
    use crate::ai::FailureClass::*;
    match class {
        NoProvider => (StatusCode::CONFLICT, "no_ai_provider", "No AI provider"),
        InvalidKey => (StatusCode::BAD_GATEWAY, "ai_invalid_key", "AI provider refused the key"),
        BadRequest => (
            StatusCode::BAD_GATEWAY,
            "ai_bad_request",
            "AI provider refused the request",
        ),
        InvalidResponse => (StatusCode::BAD_GATEWAY, "ai_invalid_response", "AI answer unusable"),
        Refused => (StatusCode::BAD_GATEWAY, "ai_endpoint_refused", "AI endpoint refused"),
        RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "ai_rate_limited",
            "AI provider rate limit",
        ),
        Unavailable | CircuitOpen => (
            StatusCode::SERVICE_UNAVAILABLE,
            "ai_unavailable",
            "AI provider unavailable",
        ),
        Timeout => (StatusCode::GATEWAY_TIMEOUT, "ai_timeout", "AI provider timed out"),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, title) = self.describe();
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = %cause, "request failed");
        }
        let retry_after = match &self {
            ApiError::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        };
        let detail = match &self {
            ApiError::Internal(_) => "the server failed to handle this request".to_string(),
            other => other.to_string(),
        };
        let errors = match self {
            ApiError::Validation(errors) => errors,
            _ => Vec::new(),
        };
        let problem = Problem {
            kind: format!("/problems/{code}"),
            title,
            status: status.as_u16(),
            detail,
            code,
            errors,
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A domain refusal as the client sees it: the one place its kinds become statuses.
impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::NotFound => ApiError::NotFound,
            Refusal::Conflict { code } => ApiError::Conflict {
                code,
                detail: code.replace('_', " "),
            },
            Refusal::Invalid { field } => ApiError::invalid(field, "is not allowed in the resource's current state"),
            Refusal::Forbidden { code } => ApiError::Forbidden {
                code,
                detail: code.replace('_', " "),
            },
        }
    }
}

/// Maps a command's failure: the domain's refusals through their kind, the rest the same way
/// for every resource.
pub fn from_command<E: Refuse>(error: joan_commands::CommandError<E>) -> ApiError {
    use joan_commands::CommandError;
    match error {
        CommandError::Domain(e) => {
            let detail = e.to_string();
            match ApiError::from(e.refusal()) {
                ApiError::Conflict { code, .. } => ApiError::Conflict { code, detail },
                ApiError::Forbidden { code, .. } => ApiError::Forbidden { code, detail },
                other => other,
            }
        }
        CommandError::Conflict => ApiError::Conflict {
            code: "concurrent_change",
            detail: "the resource was changed concurrently; retry".into(),
        },
        CommandError::NotFound => ApiError::NotFound,
        CommandError::Stale { .. } => ApiError::PreconditionFailed,
        CommandError::Store(e) => ApiError::store(e),
    }
}
