//! `/pomodoro/settings`: the caller's pomodoro settings (the defaults until the first change),
//! kept in their pomodoro stream; the `ETag` is that stream's version, which sessions move too.
use axum::extract::State;
use axum::response::Response;
use joan_commands::CommandError;
use joan_domain::UserId;
use joan_domain::pomodoro::{PomodoroCommand, PomodoroEvent, PomodoroSettings};
use joan_projections::pomodoro::{PomodoroSettingsFold, PomodoroSettingsRow};
use joan_projections::projector::decode;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::body::PatchPomodoroSettings;
use super::{POMODORO, stream_id};
use crate::http::error::{ApiError, from_command};
use crate::http::extract::{ApiJson, ApiQuery, Caller, ConditionalHeaders, CurrentUser, IfMatch};
use crate::http::resource::{AsOf, HistoryEntry, row_or_defaults};
use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, patch_settings))
        .routes(routes!(settings_history))
}

/// A user's pomodoro settings as the API shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PomodoroSettingsView {
    #[schema(format = Uuid)]
    pub user_id: String,
    /// Minutes, 1 to 240 (25 by default).
    pub work_duration: i64,
    /// Minutes, 1 to 240 (5 by default).
    pub short_break_duration: i64,
    /// Minutes, 1 to 240 (15 by default).
    pub long_break_duration: i64,
    /// Completed work sessions before the suggested break is long, 1 to 12 (4 by default).
    pub sessions_until_long_break: i64,
    pub auto_start_breaks: bool,
    pub auto_start_pomodoros: bool,
    pub sound_enabled: bool,
    /// The pomodoro stream's version (also the `ETag`); 0 while the user has only the defaults.
    pub version: i64,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

impl From<PomodoroSettingsRow> for PomodoroSettingsView {
    fn from(r: PomodoroSettingsRow) -> Self {
        Self {
            user_id: r.user_id,
            work_duration: r.work_duration,
            short_break_duration: r.short_break_duration,
            long_break_duration: r.long_break_duration,
            sessions_until_long_break: r.sessions_until_long_break,
            auto_start_breaks: r.auto_start_breaks.0,
            auto_start_pomodoros: r.auto_start_pomodoros.0,
            sound_enabled: r.sound_enabled.0,
            version: r.version,
            created_at: Some(r.created_at),
            updated_at: Some(r.updated_at),
        }
    }
}

impl PomodoroSettingsView {
    /// What a user who never used the pomodoro has.
    fn defaults(user: UserId) -> Self {
        let d = PomodoroSettings::default();
        Self {
            user_id: user.to_string(),
            work_duration: i64::from(d.work_duration),
            short_break_duration: i64::from(d.short_break_duration),
            long_break_duration: i64::from(d.long_break_duration),
            sessions_until_long_break: i64::from(d.sessions_until_long_break),
            auto_start_breaks: d.auto_start_breaks,
            auto_start_pomodoros: d.auto_start_pomodoros,
            sound_enabled: d.sound_enabled,
            version: 0,
            created_at: None,
            updated_at: None,
        }
    }
}

/// The caller's pomodoro settings, now or `as_of` an earlier instant; the defaults before
/// their first use.
#[utoipa::path(get, path = "/pomodoro/settings", tag = "pomodoro", params(AsOf), security(("bearer" = [])),
    responses((status = 200, body = PomodoroSettingsView)))]
async fn get_settings(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    ApiQuery(as_of): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    let row = POMODORO
        .singleton::<PomodoroSettingsFold>(&state, user, &stream_id(user), as_of.parse()?)
        .await?;
    Ok(row_or_defaults(row, || PomodoroSettingsView::defaults(user)))
}

/// Changes some settings; a running session keeps its length. `If-Match` makes it
/// conditional on the version (412 while there are only the defaults).
#[utoipa::path(patch, path = "/pomodoro/settings", tag = "pomodoro", request_body = PatchPomodoroSettings,
    security(("bearer" = [])), params(ConditionalHeaders), responses((status = 200, body = PomodoroSettingsView)))]
async fn patch_settings(
    State(state): State<AppState>,
    caller: Caller,
    IfMatch(expected): IfMatch,
    ApiJson(body): ApiJson<PatchPomodoroSettings>,
) -> Result<Response, ApiError> {
    let changes = body.parse().map_err(ApiError::Validation)?;
    state
        .core
        .pomodoro
        .execute(
            &stream_id(caller.user),
            &caller.ctx,
            PomodoroCommand::ChangeSettings(changes),
            expected,
            None,
        )
        .await
        .map_err(|e| match e {
            // The caller's own stream, not there yet: the version named cannot match.
            CommandError::NotFound => ApiError::PreconditionFailed,
            other => from_command(other),
        })?;
    let row = POMODORO
        .singleton::<PomodoroSettingsFold>(&state, caller.user, &stream_id(caller.user), None)
        .await?;
    Ok(row_or_defaults(row, || PomodoroSettingsView::defaults(caller.user)))
}

/// The settings' events, oldest first (the stream's session events left out).
#[utoipa::path(get, path = "/pomodoro/settings/history", tag = "pomodoro", security(("bearer" = [])),
    responses((status = 200, body = [HistoryEntry])))]
async fn settings_history(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<axum::Json<Vec<HistoryEntry>>, ApiError> {
    let events = match POMODORO.stream(&state, user, &stream_id(user)).await {
        Ok(events) => events,
        Err(ApiError::NotFound) => Vec::new(),
        Err(e) => return Err(e),
    };
    let mut entries = Vec::new();
    for event in events {
        let change: PomodoroEvent = decode(&event).map_err(ApiError::internal)?;
        if change.session_id().is_none() {
            entries.push(HistoryEntry::from(event));
        }
    }
    Ok(axum::Json(entries))
}
