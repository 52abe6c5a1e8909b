//! The period an analytics request covers: local days `from` to `to` (both included) of the
//! user's time zone (their settings, IANA), cut into days, ISO weeks (Monday first) or
//! calendar months. Facts are kept as UTC instants; this is where they land on a local day.
use jiff::ToSpan;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use joan_domain::Timestamp;
use joan_projections::activity_goals;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::error::ApiError;
use crate::http::fields::Fields;
use crate::http::state::AppState;

/// `from`, `to` and `granularity` of every analytics endpoint.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsQuery {
    /// First local day, included (`YYYY-MM-DD`); default: 29 days before `to`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last local day, included (`YYYY-MM-DD`); default: today in the user's time zone.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Buckets of `day` (at most 366), `week` (at most 260) or `month` (at most 120); default `day`.
    #[param(pattern = "^(day|week|month)$")]
    pub granularity: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AnalyticsGranularity {
    Day,
    Week,
    Month,
}

impl AnalyticsGranularity {
    fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw {
            "day" => Ok(Self::Day),
            "week" => Ok(Self::Week),
            "month" => Ok(Self::Month),
            _ => Err("must be day, week or month"),
        }
    }

    /// The most buckets one request may ask for.
    fn max_buckets(self) -> usize {
        match self {
            Self::Day => 366,
            Self::Week => 260,
            Self::Month => 120,
        }
    }

    /// The first day of the bucket that holds `day`.
    pub(super) fn start_of(self, day: Date) -> Date {
        match self {
            Self::Day => day,
            Self::Week => day
                .checked_sub(i64::from(day.weekday().to_monday_zero_offset()).days())
                .unwrap_or(day),
            Self::Month => day.first_of_month(),
        }
    }

    pub(super) fn next(self, start: Date) -> Option<Date> {
        match self {
            Self::Day => start.checked_add(1.day()).ok(),
            Self::Week => start.checked_add(1.week()).ok(),
            Self::Month => start.checked_add(1.month()).ok(),
        }
    }
}

/// What a response says of its period.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalyticsPeriod {
    /// The IANA time zone the days are counted in (the user's settings).
    pub timezone: String,
    pub granularity: AnalyticsGranularity,
    /// First local day, included.
    pub from: String,
    /// Last local day, included.
    pub to: String,
}

/// A parsed period with its buckets.
pub struct Period {
    zone: TimeZone,
    zone_name: String,
    pub from: Date,
    pub to: Date,
    /// The caller's local day now.
    pub today: Date,
    pub granularity: AnalyticsGranularity,
    /// The first day of each bucket (the first may start before `from`).
    starts: Vec<Date>,
}

impl Period {
    /// Reads the caller's time zone and checks the query: 422 for a malformed day or
    /// granularity, `to` before `from`, or more buckets than the granularity allows.
    pub async fn of(state: &AppState, user: &str, now: Timestamp, query: AnalyticsQuery) -> Result<Self, ApiError> {
        let zone_name = activity_goals::timezone(&mut state.core.store.db(), user)
            .await
            .map_err(ApiError::internal)?;
        let zone = TimeZone::get(&zone_name).unwrap_or(TimeZone::UTC);
        let today = local_date(&zone, now);
        Self::parse(zone, zone_name, today, query)
    }

    fn parse(zone: TimeZone, zone_name: String, today: Date, query: AnalyticsQuery) -> Result<Self, ApiError> {
        let mut f = Fields::default();
        let from = f.opt("from", query.from, |s| parse_day(&s));
        let to = f.opt("to", query.to, |s| parse_day(&s));
        let granularity = f
            .opt("granularity", query.granularity, |s| AnalyticsGranularity::parse(&s))
            .unwrap_or(AnalyticsGranularity::Day);
        let (from, to) = f.finish((from, to)).map_err(ApiError::Validation)?;
        let to = to.unwrap_or(today);
        let from = match from {
            Some(from) => from,
            None => to
                .checked_sub(29.days())
                .map_err(|_| ApiError::invalid("to", "is too early"))?,
        };
        if to < from {
            return Err(ApiError::invalid("to", "must not be before from"));
        }
        let max = granularity.max_buckets();
        let mut starts = vec![granularity.start_of(from)];
        while let Some(next) = granularity.next(starts[starts.len() - 1]).filter(|n| *n <= to) {
            if starts.len() == max {
                return Err(ApiError::invalid(
                    "from",
                    format!("the range holds more than {max} buckets of a {granularity:?}").to_lowercase(),
                ));
            }
            starts.push(next);
        }
        Ok(Self {
            zone,
            zone_name,
            from,
            to,
            today,
            granularity,
            starts,
        })
    }

    pub fn describe(&self) -> AnalyticsPeriod {
        AnalyticsPeriod {
            timezone: self.zone_name.clone(),
            granularity: self.granularity,
            from: self.from.to_string(),
            to: self.to.to_string(),
        }
    }

    /// The first day of each bucket, as `YYYY-MM-DD`.
    pub fn labels(&self) -> Vec<String> {
        self.starts.iter().map(Date::to_string).collect()
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// The UTC instant (as stored) the local day `day` starts at.
    fn instant(&self, day: Date) -> String {
        let micros = day
            .to_zoned(self.zone.clone())
            .map(|z| z.timestamp().as_microsecond())
            .unwrap_or(0);
        Timestamp::from_unix_micros(micros).to_rfc3339()
    }

    /// The instant the period starts at, included.
    pub fn utc_from(&self) -> String {
        self.instant(self.from)
    }

    /// The instant the period ends at, excluded (the start of the day after `to`).
    pub fn utc_to(&self) -> String {
        self.instant(self.to.tomorrow().unwrap_or(self.to))
    }

    /// The instant bucket `i` ends at, excluded (never past the period's end).
    pub fn utc_end_of(&self, i: usize) -> String {
        match self.starts.get(i + 1) {
            Some(next) => self.instant(*next),
            None => self.utc_to(),
        }
    }

    /// The local day of a stored instant.
    pub fn local_day(&self, at: &str) -> Option<Date> {
        let at = at.parse::<jiff::Timestamp>().ok()?;
        Some(at.to_zoned(self.zone.clone()).date())
    }

    /// The bucket of a local day within the period.
    pub fn bucket_of_day(&self, day: Date) -> Option<usize> {
        if day < self.from || day > self.to {
            return None;
        }
        Some(self.starts.partition_point(|s| *s <= day).saturating_sub(1))
    }

    /// The bucket of a stored instant.
    pub fn bucket_of(&self, at: &str) -> Option<usize> {
        self.bucket_of_day(self.local_day(at)?)
    }
}

/// A `YYYY-MM-DD` day.
pub fn parse_day(raw: &str) -> Result<Date, &'static str> {
    if raw.len() != 10 {
        return Err("must be a day, YYYY-MM-DD");
    }
    raw.parse::<Date>().map_err(|_| "must be a day, YYYY-MM-DD")
}

fn local_date(zone: &TimeZone, at: Timestamp) -> Date {
    let micros = i64::try_from(at.datetime().unix_timestamp_nanos() / 1_000).unwrap_or(0);
    jiff::Timestamp::from_microsecond(micros)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(zone.clone())
        .date()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(from: &str, to: &str, granularity: &str) -> Result<Period, ApiError> {
        let zone = TimeZone::get("Pacific/Auckland").unwrap();
        let query = AnalyticsQuery {
            from: Some(from.into()),
            to: Some(to.into()),
            granularity: Some(granularity.into()),
        };
        Period::parse(zone, "Pacific/Auckland".into(), parse_day("2026-03-10").unwrap(), query)
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        let p = period("2026-03-04", "2026-03-16", "week").unwrap();
        assert_eq!(p.labels(), ["2026-03-02", "2026-03-09", "2026-03-16"]);
        assert_eq!(p.bucket_of_day(parse_day("2026-03-15").unwrap()), Some(1));
        assert_eq!(p.bucket_of_day(parse_day("2026-03-03").unwrap()), None);
        let p = period("2026-01-31", "2026-03-01", "month").unwrap();
        assert_eq!(p.labels(), ["2026-01-01", "2026-02-01", "2026-03-01"]);
    }

    #[test]
    fn an_instant_lands_on_the_users_own_day() {
        let p = period("2026-03-01", "2026-03-07", "day").unwrap();
        // 11:30 UTC on the 2nd is 00:30 on the 3rd in Auckland (UTC+13 in March).
        assert_eq!(p.bucket_of("2026-03-02T11:30:00.000000Z"), Some(2));
        assert_eq!(p.utc_from(), "2026-02-28T11:00:00.000000Z");
        assert_eq!(p.utc_to(), "2026-03-07T11:00:00.000000Z");
    }

    #[test]
    fn too_many_buckets_or_a_reversed_range_is_refused() {
        assert!(period("2025-01-01", "2026-03-01", "day").is_err());
        assert!(period("2025-01-01", "2026-03-01", "week").is_ok());
        assert!(period("2026-03-02", "2026-03-01", "day").is_err());
        assert!(period("2026-03-02", "2026-03-01", "year").is_err());
    }
}
