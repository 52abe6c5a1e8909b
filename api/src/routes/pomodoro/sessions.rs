//! `/pomodoro/sessions`: the caller's sessions, filtered and paged; one session now or as it
//! was, and its history (the events of the user's stream that concern it).
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use joan_domain::PomodoroSessionId;
use joan_domain::pomodoro::{PomodoroEvent, SessionType};
use joan_domain::project::Day;
use joan_projections::pomodoro::{self, PomodoroSessionRow, SessionFilter};
use joan_projections::projector::decode;
use joan_projections::table;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{POMODORO, SESSIONS, body, stream_id};
use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, CurrentUser, Page};
use crate::http::fields::Fields;
use crate::http::resource::{AsOf, HistoryEntry, respond, respond_page, respond_raw};
use crate::http::schema::date;
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sessions))
        .routes(routes!(get_session))
        .routes(routes!(session_history))
}

/// Filters of `GET /pomodoro/sessions`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    /// Started on or after this UTC day (`YYYY-MM-DD`).
    #[param(schema_with = day)]
    pub from: Option<String>,
    /// Started on or before this UTC day (`YYYY-MM-DD`).
    #[param(schema_with = day)]
    pub to: Option<String>,
    /// Linked to this task.
    pub task_id: Option<Uuid>,
    /// work, short_break or long_break.
    #[serde(rename = "type")]
    #[param(rename = "type", schema_with = body::schemas::session_type)]
    pub session_type: Option<String>,
    /// Rows to return, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Rows to skip (default 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
}

fn day() -> utoipa::openapi::schema::Object {
    date().build()
}

/// The day after `day` (`YYYY-MM-DD`), where a range up to `day` inclusive stops.
fn next_day(day: Day) -> Option<String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(&String::from(day), &format).ok()?.next_day()?;
    date.format(&format).ok()
}

impl SessionQuery {
    fn parse(self) -> Result<(SessionFilter, i64, i64), ApiError> {
        let mut f = Fields::default();
        let from = f.opt("from", self.from.as_deref(), Day::parse);
        let to = f.opt("to", self.to.as_deref(), Day::parse);
        let session_type = f.opt("type", self.session_type.as_deref(), SessionType::parse);
        let (limit, offset) = f.page(Page {
            limit: self.limit,
            offset: self.offset,
        });
        let filter = SessionFilter {
            from: from.map(String::from),
            // The last day has no next one in the calendar: nothing starts after it anyway.
            before: to.map(|d| next_day(d).unwrap_or_else(|| "9999-12-32".into())),
            task_id: self.task_id.map(|t| t.to_string()),
            session_type: session_type.map(|t| t.as_str().to_string()),
        };
        f.finish((filter, limit, offset)).map_err(ApiError::Validation)
    }
}

/// The caller's sessions, latest started first.
#[utoipa::path(get, path = "/pomodoro/sessions", tag = "pomodoro", params(SessionQuery),
    security(("bearer" = [])), responses((status = 200, body = [PomodoroSessionRow], headers(("x-total-count" = i64)))))]
async fn list_sessions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<SessionQuery>,
) -> Result<Response, ApiError> {
    let (filter, limit, offset) = query.parse()?;
    let (page, total) = pomodoro::list_json(state.core.store.db(), &user.to_string(), &filter, limit, offset)
        .await
        .map_err(ApiError::internal)?;
    Ok(respond_page(page, total))
}

/// One session, now or `as_of` an earlier instant.
#[utoipa::path(get, path = "/pomodoro/sessions/{id}", tag = "pomodoro", params(("id" = Uuid, Path), AsOf),
    security(("bearer" = [])), responses((status = 200, body = PomodoroSessionRow)))]
async fn get_session(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let (_, id) = SESSIONS.id::<PomodoroSessionId>(&id)?;
    if let Some(at) = as_of.parse()? {
        let events = POMODORO.stream(&state, user, &stream_id(user)).await?;
        let row = pomodoro::session_as_of(&events, &id, at)
            .map_err(ApiError::internal)?
            .ok_or(ApiError::NotFound)?;
        return Ok(respond(StatusCode::OK, row.version, None, &row));
    }
    let (body, version) = table::get_json::<PomodoroSessionRow>(state.core.store.db(), &user.to_string(), &id)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(respond_raw(version, body))
}

/// The session's events, oldest first (with their sequence in the user's pomodoro stream).
#[utoipa::path(get, path = "/pomodoro/sessions/{id}/history", tag = "pomodoro", params(("id" = Uuid, Path)),
    security(("bearer" = [])), responses((status = 200, body = [HistoryEntry])))]
async fn session_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let (session, _) = SESSIONS.id::<PomodoroSessionId>(&id)?;
    let mut entries = Vec::new();
    for event in POMODORO.stream(&state, user, &stream_id(user)).await? {
        let change: PomodoroEvent = decode(&event).map_err(ApiError::internal)?;
        if change.session_id() == Some(session) {
            entries.push(HistoryEntry::from(event));
        }
    }
    if entries.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(axum::Json(entries))
}
