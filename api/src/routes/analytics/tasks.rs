//! `GET /analytics/tasks`: created, completed, completion rate, overdue, lead and cycle time,
//! by bucket, project and goal.
use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use joan_projections::analytics::tasks;
use serde::Serialize;
use utoipa::ToSchema;

use super::AnalyticsStat;
use super::period::{AnalyticsPeriod, AnalyticsQuery, Period, parse_day};
use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, Caller};
use crate::http::state::AppState;

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct AnalyticsTaskCounts {
    pub created: i64,
    pub completed: i64,
    /// Tasks due on a day of the bucket, before today, not completed by the end of that day.
    pub overdue: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsTaskBucket {
    /// The bucket's first day.
    pub start: String,
    #[serde(flatten)]
    pub counts: AnalyticsTaskCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsTaskTotals {
    #[serde(flatten)]
    pub counts: AnalyticsTaskCounts,
    /// completed / created over the period; absent when none was created.
    pub completion_rate: Option<f64>,
    /// Seconds from creation to completion, of the tasks completed in the period.
    pub lead_time_seconds: AnalyticsStat,
    /// Seconds from first going in progress to completion (tasks that went in progress).
    pub cycle_time_seconds: AnalyticsStat,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsTaskGroup {
    /// The project or goal id; absent for tasks without a project.
    pub id: Option<String>,
    pub created: i64,
    pub completed: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsTasks {
    pub period: AnalyticsPeriod,
    pub buckets: Vec<AnalyticsTaskBucket>,
    pub totals: AnalyticsTaskTotals,
    pub by_project: Vec<AnalyticsTaskGroup>,
    /// By the goals the tasks count toward now.
    pub by_goal: Vec<AnalyticsTaskGroup>,
}

/// The caller's task numbers, bucketed by their local days.
#[utoipa::path(get, path = "/analytics/tasks", tag = "analytics", params(AnalyticsQuery),
    security(("bearer" = [])), responses((status = 200, body = AnalyticsTasks)))]
pub(super) async fn tasks(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Response, ApiError> {
    let user = caller.user.to_string();
    let period = Period::of(&state, &user, caller.ctx.at, query).await?;
    Ok(Json(report(&state, &user, &period).await?).into_response())
}

pub(super) async fn report(state: &AppState, user: &str, period: &Period) -> Result<AnalyticsTasks, ApiError> {
    let mut db = state.core.store.db();
    let facts = tasks::facts(&mut db, user, &period.utc_from(), &period.utc_to())
        .await
        .map_err(ApiError::internal)?;
    let due = tasks::due(&mut db, user).await.map_err(ApiError::internal)?;
    let links = tasks::goal_links(&mut db, user).await.map_err(ApiError::internal)?;
    let mut goals_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (task, goal) in &links {
        goals_of.entry(task.as_str()).or_default().push(goal.as_str());
    }

    let mut buckets: Vec<AnalyticsTaskCounts> = (0..period.len()).map(|_| AnalyticsTaskCounts::default()).collect();
    let mut totals = AnalyticsTaskCounts::default();
    let (mut lead, mut cycle) = (Vec::new(), Vec::new());
    let mut by_project: BTreeMap<Option<String>, (i64, i64)> = BTreeMap::new();
    let mut by_goal: BTreeMap<Option<String>, (i64, i64)> = BTreeMap::new();
    for (kind, at, project, lead_s, cycle_s, task) in &facts {
        let Some(b) = period.bucket_of(at) else { continue };
        let created = kind == "created";
        let (c, d) = if created { (1, 0) } else { (0, 1) };
        buckets[b].created += c;
        buckets[b].completed += d;
        totals.created += c;
        totals.completed += d;
        if !created {
            lead.extend(*lead_s);
            cycle.extend(*cycle_s);
        }
        let p = by_project.entry(project.clone()).or_default();
        p.0 += c;
        p.1 += d;
        for goal in goals_of.get(task.as_str()).into_iter().flatten() {
            let g = by_goal.entry(Some((*goal).to_string())).or_default();
            g.0 += c;
            g.1 += d;
        }
    }
    for (due_date, done_at) in &due {
        let Some(day) = due_day(period, due_date) else { continue };
        if day >= period.today {
            continue;
        }
        let done_in_time = done_at
            .as_deref()
            .and_then(|d| period.local_day(d))
            .is_some_and(|d| d <= day);
        if let (false, Some(b)) = (done_in_time, period.bucket_of_day(day)) {
            buckets[b].overdue += 1;
            totals.overdue += 1;
        }
    }
    let group = |m: BTreeMap<Option<String>, (i64, i64)>| {
        m.into_iter()
            .map(|(id, (created, completed))| AnalyticsTaskGroup { id, created, completed })
            .collect()
    };
    let completion_rate = (totals.created > 0).then(|| totals.completed as f64 / totals.created as f64);
    Ok(AnalyticsTasks {
        period: period.describe(),
        buckets: period
            .labels()
            .into_iter()
            .zip(buckets)
            .map(|(start, counts)| AnalyticsTaskBucket { start, counts })
            .collect(),
        totals: AnalyticsTaskTotals {
            counts: totals,
            completion_rate,
            lead_time_seconds: AnalyticsStat::of(lead),
            cycle_time_seconds: AnalyticsStat::of(cycle),
        },
        by_project: group(by_project),
        by_goal: group(by_goal),
    })
}

/// A due date's local day: a day as written, an instant in the user's zone.
fn due_day(period: &Period, due: &str) -> Option<jiff::civil::Date> {
    parse_day(due).ok().or_else(|| period.local_day(due))
}
