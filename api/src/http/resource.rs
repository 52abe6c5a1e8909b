//! What every resource's routes share, so a handler is a few explicit lines: path ids, streams
//! the caller may see, `?as_of=` and history from the events, idempotent POSTs, and responses
//! with their `ETag` and `Location`.
use std::future::Future;
use std::str::FromStr;

use async_trait::async_trait;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use joan_commands::{Conn, StoreError, StoredEvent};
use joan_domain::{Timestamp, UserId};
use joan_projections::fold::Fold;
use joan_projections::table::{self, TableRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::error::ApiError;
use crate::http::extract::{Caller, etag};
use crate::http::idempotency::{Idempotency, Render};
use crate::http::state::AppState;

/// One kind of resource: the aggregate whose streams hold it and where it lives.
#[derive(Debug, Clone, Copy)]
pub struct Resource {
    /// The aggregate type of its streams (`task`).
    pub aggregate: &'static str,
    /// Its collection's path under the API (`/api/v1/tasks`).
    pub base: &'static str,
}

impl Resource {
    pub const fn new(aggregate: &'static str, base: &'static str) -> Self {
        Self { aggregate, base }
    }

    pub fn location(&self, id: &str) -> String {
        format!("{}/{id}", self.base)
    }

    /// An id from the path. Anything that is not a UUID cannot name one, so it is a 404.
    pub fn id<I: FromStr + ToString>(&self, raw: &str) -> Result<(I, String), ApiError> {
        let id = I::from_str(raw).map_err(|_| ApiError::NotFound)?;
        let text = id.to_string();
        Ok((id, text))
    }

    /// The stream's events, whoever asks: for a resource that decides for itself who may see
    /// it (a project and its members).
    pub async fn events(&self, state: &AppState, id: &str) -> Result<Vec<StoredEvent>, ApiError> {
        state
            .core
            .store
            .load_stream(self.aggregate, id)
            .await
            .map_err(ApiError::internal)
    }

    /// The stream's events when the caller may see it (deleted ones too: their history stays),
    /// else 404, the same for a stranger's and for none.
    pub async fn stream(&self, state: &AppState, user: UserId, id: &str) -> Result<Vec<StoredEvent>, ApiError> {
        let events = self.events(state, id).await?;
        let owner = user.to_string();
        match events.first() {
            Some(first) if first.owner_id.as_deref() == Some(owner.as_str()) => Ok(events),
            _ => Err(ApiError::NotFound),
        }
    }

    /// The stream's events, oldest first.
    pub async fn history(&self, state: &AppState, user: UserId, id: &str) -> Result<Vec<HistoryEntry>, ApiError> {
        let events = self.stream(state, user, id).await?;
        Ok(events.into_iter().map(HistoryEntry::from).collect())
    }

    /// The row `F` made of the stream up to `at`, with its version: the same fold the live
    /// table runs, over a prefix of the log. 404 before its creation and after its deletion.
    pub async fn as_of<F: Fold>(
        &self,
        state: &AppState,
        user: UserId,
        id: &str,
        at: Timestamp,
    ) -> Result<F::Row, ApiError> {
        replay_until::<F>(self.stream(state, user, id).await?, at)
    }
}

impl Resource {
    /// A per-user singleton (settings) `id`: its row now, or as it was at `at`; `None`
    /// before its first event.
    pub async fn singleton<F: Fold>(
        &self,
        state: &AppState,
        user: UserId,
        id: &str,
        at: Option<Timestamp>,
    ) -> Result<Option<F::Row>, ApiError> {
        let Some(at) = at else {
            return table::get::<F::Row>(&mut state.core.store.db(), &user.to_string(), id)
                .await
                .map_err(ApiError::internal);
        };
        match self.as_of::<F>(state, user, id, at).await {
            Ok(row) => Ok(Some(row)),
            Err(ApiError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A singleton's view with its `ETag`, or its defaults (no `ETag`: no version to match yet).
pub fn row_or_defaults<R: TableRow, V: Serialize + From<R>>(row: Option<R>, defaults: impl FnOnce() -> V) -> Response {
    match row {
        Some(row) => respond(StatusCode::OK, row.version(), None, &V::from(row)),
        None => axum::Json(defaults()).into_response(),
    }
}

/// The row `F` makes of `events` recorded up to `at`; 404 when there is none then.
pub fn replay_until<F: Fold>(events: Vec<StoredEvent>, at: Timestamp) -> Result<F::Row, ApiError> {
    F::replay(&until(events, at))
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)
}

/// The events recorded at or before `at`.
pub fn until(mut events: Vec<StoredEvent>, at: Timestamp) -> Vec<StoredEvent> {
    let at = at.to_rfc3339();
    events.retain(|e| e.recorded_at <= at);
    events
}

/// The caller's row `id` of `R`'s table, or 404 (missing, deleted, or someone else's).
pub async fn read<R: TableRow>(state: &AppState, user: &str, id: &str) -> Result<R, ApiError> {
    table::get::<R>(&mut state.core.store.db(), user, id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)
}

/// `?as_of=`: a single resource as it was at an instant.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// The resource as it was at this instant (RFC 3339); empty or absent means now.
    #[param(schema_with = crate::http::schema::instant_or_empty)]
    pub as_of: Option<String>,
}

impl AsOf {
    pub fn parse(&self) -> Result<Option<Timestamp>, ApiError> {
        match self.as_of.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => Timestamp::parse(text)
                .map(Some)
                .map_err(|_| ApiError::invalid("as_of", "must be an RFC 3339 timestamp")),
        }
    }
}

/// One event of a resource's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub sequence: i64,
    #[serde(rename = "type")]
    pub event_type: String,
    pub version: String,
    pub actor: Option<String>,
    pub at: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<StoredEvent> for HistoryEntry {
    fn from(e: StoredEvent) -> Self {
        let mut data = match serde_json::from_str::<serde_json::Value>(&e.payload) {
            Ok(serde_json::Value::Object(outer)) => outer.into_iter().next().map(|(_, v)| v).unwrap_or_default(),
            _ => serde_json::Value::Null,
        };
        crate::live::change::seal(&mut data);
        Self {
            actor: e.meta().actor,
            sequence: e.sequence,
            event_type: e.event_type,
            version: e.event_version,
            at: e.recorded_at,
            data,
        }
    }
}

/// The headers of a single resource: its `ETag`, and its `Location` when given.
pub fn resource_headers(version: i64, location: Option<&str>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        headers.insert(header::ETAG, v);
    }
    if let Some(v) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        headers.insert(header::LOCATION, v);
    }
    headers
}

/// A single resource: `status`, its `ETag` at `version`, its `Location` for creations.
pub fn respond<T: Serialize>(status: StatusCode, version: i64, location: Option<&str>, body: &T) -> Response {
    (status, resource_headers(version, location), axum::Json(body)).into_response()
}

/// A single resource already rendered as JSON (the fast read path).
pub fn respond_raw(version: i64, body: Vec<u8>) -> Response {
    let mut headers = resource_headers(version, None);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    (headers, body).into_response()
}

/// A page of a list already rendered as JSON, with `X-Total-Count`.
pub fn respond_page(page: Vec<u8>, total: i64) -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
        (
            header::HeaderName::from_static("x-total-count"),
            HeaderValue::from(total),
        ),
    ];
    (headers, page).into_response()
}

/// Runs a POST under its `Idempotency-Key`: a recorded response is replayed without running
/// `run`; otherwise `run` gets the [`Idempotency`] to record its response with its command
/// (`Idempotency::recorder`), and if it fails, a concurrent twin with the same key may have
/// won the race, whose response is then the answer.
pub async fn idempotent<B, F, Fut>(
    state: &AppState,
    caller: &Caller,
    route: &str,
    body: &B,
    run: F,
) -> Result<Response, ApiError>
where
    B: Serialize,
    F: FnOnce(Idempotency) -> Fut,
    Fut: Future<Output = Result<Response, ApiError>>,
{
    let idem = Idempotency::new(caller.user, caller.ctx.idempotency_key.as_deref(), route, body)?;
    let db = state.core.store.db();
    if let Some(replayed) = idem.replay(db).await? {
        return Ok(replayed);
    }
    match run(idem.clone()).await {
        Ok(response) => Ok(response),
        Err(error) => idem.replay_after_failure(db, error).await,
    }
}

/// Renders one row of a declared table from inside the append transaction, for idempotent
/// replays of a POST that answers with that row (or with `V`, a view made from it).
pub struct RenderRow<R, V = R> {
    pub user: String,
    pub id: String,
    _row: std::marker::PhantomData<fn() -> (R, V)>,
}

impl<R, V> RenderRow<R, V> {
    pub fn new(user: &str, id: &str) -> Box<Self> {
        Box::new(Self {
            user: user.to_string(),
            id: id.to_string(),
            _row: std::marker::PhantomData,
        })
    }
}

#[async_trait]
impl<R: TableRow, V: From<R> + Serialize + 'static> Render for RenderRow<R, V> {
    async fn render(&self, conn: &mut Conn<'_>) -> Result<(String, Option<String>), StoreError> {
        let row = table::get::<R>(conn, &self.user, &self.id).await?;
        let tag = row.as_ref().map(|r| etag(r.version()));
        let view = row.map(V::from);
        Ok((serde_json::to_string(&view)?, tag))
    }
}
