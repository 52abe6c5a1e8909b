//! `GET /analytics/goals`: each goal's progress at the end of every bucket.
use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use joan_projections::analytics::goals;
use serde::Serialize;
use utoipa::ToSchema;

use super::period::{AnalyticsPeriod, AnalyticsQuery, Period};
use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, Caller};
use crate::http::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsGoalPoint {
    pub start: String,
    /// Percent at the bucket's end; absent before the goal existed.
    pub progress: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsGoal {
    pub goal_id: String,
    pub title: String,
    /// Percent now.
    pub progress: i64,
    pub points: Vec<AnalyticsGoalPoint>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsGoals {
    pub period: AnalyticsPeriod,
    pub goals: Vec<AnalyticsGoal>,
}

/// The caller's goals and their progress over time.
#[utoipa::path(get, path = "/analytics/goals", tag = "analytics", params(AnalyticsQuery),
    security(("bearer" = [])), responses((status = 200, body = AnalyticsGoals)))]
pub(super) async fn goals(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Response, ApiError> {
    let user = caller.user.to_string();
    let period = Period::of(&state, &user, caller.ctx.at, query).await?;
    Ok(Json(report(&state, &user, &period).await?).into_response())
}

pub(super) async fn report(state: &AppState, user: &str, period: &Period) -> Result<AnalyticsGoals, ApiError> {
    let mut db = state.core.store.db();
    let list = goals::list(&mut db, user).await.map_err(ApiError::internal)?;
    let changes = goals::changes(&mut db, user, &period.utc_to())
        .await
        .map_err(ApiError::internal)?;
    let mut history: HashMap<&str, Vec<(&str, i64)>> = HashMap::new();
    for (goal, at, progress) in &changes {
        history.entry(goal.as_str()).or_default().push((at.as_str(), *progress));
    }
    let ends: Vec<String> = (0..period.len()).map(|i| period.utc_end_of(i)).collect();
    let labels = period.labels();
    let goals = list
        .into_iter()
        .map(|(goal_id, title, progress)| {
            let steps = history.get(goal_id.as_str()).map(Vec::as_slice).unwrap_or_default();
            let points = labels
                .iter()
                .zip(&ends)
                .map(|(start, end)| AnalyticsGoalPoint {
                    start: start.clone(),
                    progress: steps
                        .iter()
                        .take_while(|(at, _)| *at < end.as_str())
                        .last()
                        .map(|(_, p)| *p),
                })
                .collect();
            AnalyticsGoal {
                goal_id,
                title,
                progress,
                points,
            }
        })
        .collect();
    Ok(AnalyticsGoals {
        period: period.describe(),
        goals,
    })
}
