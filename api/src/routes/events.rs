//! `GET /events/stream`: the caller's changes as Server-Sent Events, as they are committed
//! (see `crate::live`). Each event's id is its position in the log; a client that reconnects
//! with `Last-Event-ID` gets what it missed, nothing twice. A comment every 15 seconds keeps
//! idle connections (and the proxies between) open.
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::http::extract::CurrentUser;
use crate::http::state::AppState;
use crate::live::Rendered;
use crate::live::change::Change;
use crate::live::connection::Connection;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(stream))
}

const HEARTBEAT: Duration = Duration::from_secs(15);

/// The caller's changes, live: each SSE `data` is one [`Change`] as JSON, its `id` the
/// event's position. Send `Last-Event-ID` (browsers' `EventSource` does on reconnect) to
/// resume after that event.
#[utoipa::path(get, path = "/events/stream", tag = "history", security(("bearer" = [])),
    params(("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event's position")),
    responses((status = 200, description = "A `text/event-stream` of changes", content_type = "text/event-stream", body = Change)))]
async fn stream(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let resume = match headers.get("last-event-id") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .filter(|p| *p >= 0)
                .ok_or_else(|| ApiError::invalid("Last-Event-ID", "must be an event id this stream sent"))?,
        ),
    };
    let connection = Connection::open(&state.core.live, user.uuid(), resume)
        .await
        .map_err(ApiError::internal)?;
    Ok(Sse::new(events(connection))
        .keep_alive(KeepAlive::new().interval(HEARTBEAT))
        .into_response())
}

fn events(connection: Connection) -> impl Stream<Item = Result<Event, Infallible>> {
    futures::stream::unfold(connection, |mut connection| async move {
        match connection.next().await {
            Ok(Some(change)) => Some((Ok(event(&change)), connection)),
            Ok(None) => None,
            Err(e) => {
                // The client reconnects with the last id it got and loses nothing.
                tracing::warn!(error = %e, "live feed connection ended by a log read error");
                None
            }
        }
    })
}

fn event(change: &Rendered) -> Event {
    Event::default().id(change.position.to_string()).data(&change.json)
}
