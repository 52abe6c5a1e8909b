//! `Idempotency-Key` on POST: the first response is recorded in the same transaction as the
//! command's events; a retry with the same key and body gets it back and appends nothing, the
//! same key with another body is refused.
use async_trait::async_trait;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use joan_commands::{AppendHook, Conn, Database, StoreError, StoredEvent, args};
use joan_domain::UserId;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::http::error::ApiError;
use crate::http::extract::MAX_IDEMPOTENCY_KEY;

/// Renders the response body (and its ETag, if any) inside the append transaction, from the
/// rows just projected.
#[async_trait]
pub trait Render: Send + Sync {
    async fn render(&self, conn: &mut Conn<'_>) -> Result<(String, Option<String>), StoreError>;
}

/// The idempotency context of one POST.
#[derive(Clone)]
pub struct Idempotency {
    user: String,
    key: Option<String>,
    hash: String,
}

#[derive(sqlx::FromRow, serde::Deserialize)]
struct Recorded {
    request_hash: String,
    status: i64,
    body: String,
    location: Option<String>,
    etag: Option<String>,
}

impl Idempotency {
    /// `route` names the operation (`POST /tasks`); `body` is the parsed request.
    pub fn new(user: UserId, key: Option<&str>, route: &str, body: &impl Serialize) -> Result<Self, ApiError> {
        if let Some(key) = key {
            if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY {
                return Err(ApiError::invalid("Idempotency-Key", "must be 1 to 255 characters"));
            }
        }
        // Without a key nothing is recorded or compared: no hash to compute.
        let hash = match key {
            Some(_) => {
                let mut hasher = Sha256::new();
                hasher.update(route.as_bytes());
                hasher.update([0]);
                hasher.update(serde_json::to_vec(body).map_err(ApiError::internal)?);
                hex::encode(hasher.finalize())
            }
            None => String::new(),
        };
        Ok(Self {
            user: user.to_string(),
            key: key.map(str::to_string),
            hash,
        })
    }

    /// The recorded response for this key, if any (422 when the key came with another body).
    pub async fn replay(&self, db: &Database) -> Result<Option<Response>, ApiError> {
        let Some(key) = &self.key else { return Ok(None) };
        let recorded: Option<Recorded> = db
            .fetch_optional(
                "select request_hash, status, body, location, etag from idempotency_keys where user_id = $1 and key = $2",
                &args![self.user.as_str(), key.as_str()],
            )
            .await
            .map_err(ApiError::internal)?;
        let Some(r) = recorded else { return Ok(None) };
        if r.request_hash != self.hash {
            return Err(ApiError::IdempotencyKeyReused);
        }
        let status = StatusCode::from_u16(u16::try_from(r.status).unwrap_or(200)).unwrap_or(StatusCode::OK);
        let mut response = (status, [(header::CONTENT_TYPE, "application/json")], r.body).into_response();
        let headers = response.headers_mut();
        for (name, value) in [(header::LOCATION, r.location), (header::ETAG, r.etag)] {
            if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
                headers.insert(name, v);
            }
        }
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
        Ok(Some(response))
    }

    /// The hook that records the response with the command, when a key was sent.
    pub fn recorder(
        &self,
        status: StatusCode,
        location: Option<String>,
        render: Box<dyn Render>,
    ) -> Option<Box<dyn AppendHook>> {
        let key = self.key.clone()?;
        Some(Box::new(Recorder {
            user: self.user.clone(),
            key,
            hash: self.hash.clone(),
            status,
            location,
            render,
        }))
    }

    /// After a failed command: a concurrent twin with the same key may have won the race.
    pub async fn replay_after_failure(&self, db: &Database, error: ApiError) -> Result<Response, ApiError> {
        match self.replay(db).await? {
            Some(response) => Ok(response),
            None => Err(error),
        }
    }
}

struct Recorder {
    user: String,
    key: String,
    hash: String,
    status: StatusCode,
    location: Option<String>,
    render: Box<dyn Render>,
}

#[async_trait]
impl AppendHook for Recorder {
    async fn on_append(&self, conn: &mut Conn<'_>, _: &[StoredEvent]) -> Result<(), StoreError> {
        let (body, etag) = self.render.render(conn).await?;
        let now = crate::http::extract::now().to_rfc3339();
        conn.execute(
            "insert into idempotency_keys (user_id, key, request_hash, status, body, location, etag, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
            &args![
                self.user.as_str(),
                self.key.as_str(),
                self.hash.as_str(),
                i64::from(self.status.as_u16()),
                body.as_str(),
                self.location.as_deref(),
                etag.as_deref(),
                now.as_str()
            ],
        )
        .await?;
        Ok(())
    }
}
