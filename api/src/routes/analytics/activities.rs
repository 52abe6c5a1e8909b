//! `GET /analytics/activities`: activities by bucket, mood and energy before and after by
//! activity type, and streaks against the active activity goals. Activities carry their own
//! local day, so they need no time zone.
use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use jiff::ToSpan;
use jiff::civil::Date;
use joan_projections::analytics::activities::{self, ActivityFact};
use serde::Serialize;
use utoipa::ToSchema;

use super::mean;
use super::period::{AnalyticsGranularity, AnalyticsPeriod, AnalyticsQuery, Period, parse_day};
use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, Caller};
use crate::http::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsActivityBucket {
    pub start: String,
    pub count: i64,
    pub minutes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsActivityType {
    pub activity_type: String,
    pub count: i64,
    pub minutes: i64,
    /// Means of the levels given (1 to 10); absent when none was.
    pub mood_before: Option<f64>,
    pub mood_after: Option<f64>,
    pub energy_before: Option<f64>,
    pub energy_after: Option<f64>,
    /// Mean of after minus before, over the activities that have both.
    pub mood_change: Option<f64>,
    pub energy_change: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsStreak {
    pub goal_id: String,
    pub activity_type: String,
    /// `daily`, `weekly` or `monthly`.
    pub frequency: String,
    pub target_count: i64,
    /// Periods in a row met, up to the one holding `to` (or the one before, while that is
    /// today's and not met yet).
    pub current: i64,
    /// The longest run of periods met within the range.
    pub longest: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsActivities {
    pub period: AnalyticsPeriod,
    pub buckets: Vec<AnalyticsActivityBucket>,
    pub by_type: Vec<AnalyticsActivityType>,
    pub streaks: Vec<AnalyticsStreak>,
}

/// The caller's activities and how they felt, over their local days.
#[utoipa::path(get, path = "/analytics/activities", tag = "analytics", params(AnalyticsQuery),
    security(("bearer" = [])), responses((status = 200, body = AnalyticsActivities)))]
pub(super) async fn activities(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Response, ApiError> {
    let user = caller.user.to_string();
    let period = Period::of(&state, &user, caller.ctx.at, query).await?;
    Ok(Json(report(&state, &user, &period).await?).into_response())
}

pub(super) async fn report(state: &AppState, user: &str, period: &Period) -> Result<AnalyticsActivities, ApiError> {
    let mut db = state.core.store.db();
    // From the start of the month before `from`: a streak's first week or month may begin earlier.
    let earliest = period
        .from
        .first_of_month()
        .checked_sub(1.month())
        .unwrap_or(period.from);
    let all = activities::between(&mut db, user, &earliest.to_string(), &period.to.to_string())
        .await
        .map_err(ApiError::internal)?;
    let goals = activities::goals(&mut db, user).await.map_err(ApiError::internal)?;
    let dated: Vec<(Date, &ActivityFact)> = all
        .iter()
        .filter_map(|a| parse_day(&a.1).ok().map(|d| (d, a)))
        .collect();

    let mut buckets: Vec<(i64, i64)> = vec![(0, 0); period.len()];
    let mut by_type: BTreeMap<&str, Vec<&ActivityFact>> = BTreeMap::new();
    for (day, a) in &dated {
        let Some(b) = period.bucket_of_day(*day) else { continue };
        buckets[b].0 += 1;
        buckets[b].1 += a.2.unwrap_or(0);
        by_type.entry(a.0.as_str()).or_default().push(a);
    }
    let change = |list: &[&ActivityFact], pick: fn(&ActivityFact) -> (Option<i64>, Option<i64>)| {
        mean(list.iter().map(|a| match pick(a) {
            (Some(before), Some(after)) => Some(after - before),
            _ => None,
        }))
    };
    let by_type = by_type
        .into_iter()
        .map(|(activity_type, list)| AnalyticsActivityType {
            activity_type: activity_type.to_string(),
            count: list.len() as i64,
            minutes: list.iter().map(|a| a.2.unwrap_or(0)).sum(),
            mood_before: mean(list.iter().map(|a| a.3)),
            mood_after: mean(list.iter().map(|a| a.4)),
            energy_before: mean(list.iter().map(|a| a.5)),
            energy_after: mean(list.iter().map(|a| a.6)),
            mood_change: change(&list, |a| (a.3, a.4)),
            energy_change: change(&list, |a| (a.5, a.6)),
        })
        .collect();
    let streaks = goals
        .into_iter()
        .filter_map(|(goal_id, activity_type, frequency, target_count)| {
            let unit = match frequency.as_str() {
                "daily" => AnalyticsGranularity::Day,
                "weekly" => AnalyticsGranularity::Week,
                "monthly" => AnalyticsGranularity::Month,
                _ => return None,
            };
            let days: Vec<Date> = dated
                .iter()
                .filter(|(_, a)| a.0 == activity_type)
                .map(|(d, _)| *d)
                .collect();
            let (current, longest) = streak(period, unit, &days, target_count);
            Some(AnalyticsStreak {
                goal_id,
                activity_type,
                frequency,
                target_count,
                current,
                longest,
            })
        })
        .collect();
    Ok(AnalyticsActivities {
        period: period.describe(),
        buckets: period
            .labels()
            .into_iter()
            .zip(buckets)
            .map(|(start, (count, minutes))| AnalyticsActivityBucket { start, count, minutes })
            .collect(),
        by_type,
        streaks,
    })
}

/// The current and longest runs of periods (of `unit`, from the one holding `from` to the one
/// holding `to`) with at least `target` of `days`.
fn streak(period: &Period, unit: AnalyticsGranularity, days: &[Date], target: i64) -> (i64, i64) {
    let mut met = Vec::new();
    let mut start = unit.start_of(period.from);
    while start <= period.to {
        let next = unit.next(start);
        let count = days
            .iter()
            .filter(|d| **d >= start && next.is_none_or(|n| **d < n))
            .count() as i64;
        met.push(count >= target);
        match next {
            Some(n) => start = n,
            None => break,
        }
    }
    let (mut run, mut longest) = (0i64, 0i64);
    for m in &met {
        run = if *m { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    // The period holding today may still be met: count the run up to the one before it.
    let open = period.to >= period.today && met.last() == Some(&false);
    let current = met.iter().rev().skip(usize::from(open)).take_while(|m| **m).count() as i64;
    (current, longest)
}
