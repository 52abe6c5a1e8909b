//! `GET /analytics/...`: the caller's numbers over local days, weeks or months, read from the
//! `analytics` catch-up projection ([`joan_projections::analytics`]). [`period`] places each
//! fact in a bucket of the user's time zone; one file per endpoint family.
mod activities;
mod ai;
mod goals;
mod period;
mod pomodoro;
mod summary;
mod tasks;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(summary::summary))
        .routes(routes!(tasks::tasks))
        .routes(routes!(pomodoro::pomodoro))
        .routes(routes!(goals::goals))
        .routes(routes!(activities::activities))
        .routes(routes!(ai::ai))
}

/// The median and mean of some durations or values; absent without any.
#[derive(Debug, Default, Serialize, ToSchema, PartialEq)]
pub struct AnalyticsStat {
    pub p50: Option<f64>,
    pub avg: Option<f64>,
}

impl AnalyticsStat {
    /// p50 is the mean of the two middle values when their count is even.
    fn of(mut values: Vec<i64>) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        values.sort_unstable();
        let n = values.len();
        let p50 = if n % 2 == 1 {
            values[n / 2] as f64
        } else {
            (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0
        };
        let avg = values.iter().sum::<i64>() as f64 / n as f64;
        Self {
            p50: Some(p50),
            avg: Some(avg),
        }
    }
}

/// The mean of the values present, absent without any.
fn mean(values: impl IntoIterator<Item = Option<i64>>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .flatten()
        .fold((0i64, 0i64), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum as f64 / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(
            AnalyticsStat::of(vec![10, 1, 4, 7]),
            AnalyticsStat {
                p50: Some(5.5),
                avg: Some(5.5)
            }
        );
        assert_eq!(
            AnalyticsStat::of(vec![3, 1, 100]),
            AnalyticsStat {
                p50: Some(3.0),
                avg: Some(104.0 / 3.0)
            }
        );
        assert_eq!(AnalyticsStat::of(vec![]), AnalyticsStat::default());
        assert_eq!(mean([Some(2), None, Some(5)]), Some(3.5));
    }
}
