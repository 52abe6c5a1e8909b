//! `GET /analytics/pomodoro`: focus minutes, completed sessions and interruptions (cancelled
//! sessions) of work sessions, by bucket of their start and by task.
use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use joan_projections::analytics::pomodoro;
use serde::Serialize;
use utoipa::ToSchema;

use super::period::{AnalyticsPeriod, AnalyticsQuery, Period};
use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, Caller};
use crate::http::state::AppState;

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct AnalyticsFocus {
    /// Minutes of completed sessions, and those run before a cancellation.
    pub focus_minutes: i64,
    /// Work sessions completed.
    pub sessions: i64,
    /// Work sessions cancelled.
    pub interruptions: i64,
}

impl AnalyticsFocus {
    fn add(&mut self, outcome: &str, minutes: i64) {
        self.focus_minutes += minutes;
        match outcome {
            "completed" => self.sessions += 1,
            "cancelled" => self.interruptions += 1,
            _ => {}
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsFocusBucket {
    pub start: String,
    #[serde(flatten)]
    pub focus: AnalyticsFocus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsFocusByTask {
    /// Absent for sessions without a task.
    pub task_id: Option<String>,
    #[serde(flatten)]
    pub focus: AnalyticsFocus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsPomodoro {
    pub period: AnalyticsPeriod,
    pub buckets: Vec<AnalyticsFocusBucket>,
    pub totals: AnalyticsFocus,
    pub by_task: Vec<AnalyticsFocusByTask>,
}

/// The caller's focus time, bucketed by the local day each work session started.
#[utoipa::path(get, path = "/analytics/pomodoro", tag = "analytics", params(AnalyticsQuery),
    security(("bearer" = [])), responses((status = 200, body = AnalyticsPomodoro)))]
pub(super) async fn pomodoro(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Response, ApiError> {
    let user = caller.user.to_string();
    let period = Period::of(&state, &user, caller.ctx.at, query).await?;
    Ok(Json(report(&state, &user, &period).await?).into_response())
}

pub(super) async fn report(state: &AppState, user: &str, period: &Period) -> Result<AnalyticsPomodoro, ApiError> {
    let sessions = pomodoro::sessions(&mut state.core.store.db(), user, &period.utc_from(), &period.utc_to())
        .await
        .map_err(ApiError::internal)?;
    let mut buckets: Vec<AnalyticsFocus> = (0..period.len()).map(|_| AnalyticsFocus::default()).collect();
    let mut totals = AnalyticsFocus::default();
    let mut by_task: BTreeMap<Option<String>, AnalyticsFocus> = BTreeMap::new();
    for (task, started, outcome, minutes) in sessions {
        let Some(b) = period.bucket_of(&started) else { continue };
        buckets[b].add(&outcome, minutes);
        totals.add(&outcome, minutes);
        by_task.entry(task).or_default().add(&outcome, minutes);
    }
    Ok(AnalyticsPomodoro {
        period: period.describe(),
        buckets: period
            .labels()
            .into_iter()
            .zip(buckets)
            .map(|(start, focus)| AnalyticsFocusBucket { start, focus })
            .collect(),
        totals,
        by_task: by_task
            .into_iter()
            .map(|(task_id, focus)| AnalyticsFocusByTask { task_id, focus })
            .collect(),
    })
}
