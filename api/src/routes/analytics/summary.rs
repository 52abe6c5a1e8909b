//! `GET /analytics/summary`: the dashboard's digest of the period, the totals of every other
//! analytics endpoint.
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::period::{AnalyticsPeriod, AnalyticsQuery, Period};
use super::{activities, ai, goals, pomodoro, tasks};
use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, Caller};
use crate::http::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsSummaryTasks {
    pub created: i64,
    pub completed: i64,
    pub overdue: i64,
    pub completion_rate: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsSummaryFocus {
    pub focus_minutes: i64,
    pub sessions: i64,
    pub interruptions: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsSummaryGoals {
    pub goals: i64,
    /// Mean progress now, in percent; absent without goals.
    pub average_progress: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsSummaryActivities {
    pub count: i64,
    pub minutes: i64,
    /// Activity goals whose current streak is at least one period.
    pub streaks_alive: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsSummaryAi {
    pub requests: i64,
    pub failures: i64,
    pub tokens: i64,
    pub cost_micro_usd: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsSummary {
    pub period: AnalyticsPeriod,
    pub tasks: AnalyticsSummaryTasks,
    pub pomodoro: AnalyticsSummaryFocus,
    pub goals: AnalyticsSummaryGoals,
    pub activities: AnalyticsSummaryActivities,
    pub ai: AnalyticsSummaryAi,
}

/// The caller's digest of the period, for a dashboard.
#[utoipa::path(get, path = "/analytics/summary", tag = "analytics", params(AnalyticsQuery),
    security(("bearer" = [])), responses((status = 200, body = AnalyticsSummary)))]
pub(super) async fn summary(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Response, ApiError> {
    let user = caller.user.to_string();
    let period = Period::of(&state, &user, caller.ctx.at, query).await?;
    let t = tasks::report(&state, &user, &period).await?.totals;
    let p = pomodoro::report(&state, &user, &period).await?.totals;
    let g = goals::report(&state, &user, &period).await?.goals;
    let a = activities::report(&state, &user, &period).await?;
    let ai = ai::report(&state, &user, &period).await?.totals;
    let progress: Vec<i64> = g.iter().map(|g| g.progress).collect();
    Ok(Json(AnalyticsSummary {
        period: period.describe(),
        tasks: AnalyticsSummaryTasks {
            created: t.counts.created,
            completed: t.counts.completed,
            overdue: t.counts.overdue,
            completion_rate: t.completion_rate,
        },
        pomodoro: AnalyticsSummaryFocus {
            focus_minutes: p.focus_minutes,
            sessions: p.sessions,
            interruptions: p.interruptions,
        },
        goals: AnalyticsSummaryGoals {
            goals: progress.len() as i64,
            average_progress: super::mean(progress.into_iter().map(Some)),
        },
        activities: AnalyticsSummaryActivities {
            count: a.buckets.iter().map(|b| b.count).sum(),
            minutes: a.buckets.iter().map(|b| b.minutes).sum(),
            streaks_alive: a.streaks.iter().filter(|s| s.current > 0).count() as i64,
        },
        ai: AnalyticsSummaryAi {
            requests: ai.requests,
            failures: ai.failures,
            tokens: ai.tokens_in + ai.tokens_out,
            cost_micro_usd: ai.cost_micro_usd,
        },
    })
    .into_response())
}
