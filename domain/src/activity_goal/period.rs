//! The periods a goal's target applies to: a day, an ISO week (Monday to Sunday), a calendar
//! month, all in the user's own time zone.
use time::{Date, Duration, Month};

use super::Frequency;
use crate::values::Timestamp;

/// The user's calendar day at `at` in the IANA zone `timezone` (UTC when the name is unknown).
pub fn local_day(at: Timestamp, timezone: &str) -> Date {
    let micros = at.datetime().unix_timestamp_nanos() / 1_000;
    let instant = i64::try_from(micros)
        .ok()
        .and_then(|m| jiff::Timestamp::from_microsecond(m).ok())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let zone = jiff::tz::TimeZone::get(timezone).unwrap_or(jiff::tz::TimeZone::UTC);
    let day = instant.to_zoned(zone).date();
    let month = Month::try_from(day.month().unsigned_abs()).unwrap_or(Month::January);
    Date::from_calendar_date(i32::from(day.year()), month, day.day().unsigned_abs()).unwrap_or(Date::MIN)
}

impl Frequency {
    /// The first and last day (both included) of the period that holds `day`.
    pub fn period(self, day: Date) -> (Date, Date) {
        match self {
            Frequency::Daily => (day, day),
            Frequency::Weekly => {
                let monday = day - Duration::days(i64::from(day.weekday().number_days_from_monday()));
                (monday, monday + Duration::days(6))
            }
            Frequency::Monthly => {
                let first = day.replace_day(1).unwrap_or(day);
                let last = day.replace_day(day.month().length(day.year())).unwrap_or(day);
                (first, last)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn weeks_run_monday_to_sunday_across_months_and_years() {
        assert_eq!(
            Frequency::Weekly.period(date!(2026 - 01 - 01)),
            (date!(2025 - 12 - 29), date!(2026 - 01 - 04))
        );
        assert_eq!(
            Frequency::Weekly.period(date!(2026 - 03 - 01)),
            (date!(2026 - 02 - 23), date!(2026 - 03 - 01))
        );
        assert_eq!(
            Frequency::Weekly.period(date!(2026 - 03 - 02)),
            (date!(2026 - 03 - 02), date!(2026 - 03 - 08))
        );
    }

    #[test]
    fn months_end_on_their_last_day_leap_years_included() {
        assert_eq!(
            Frequency::Monthly.period(date!(2024 - 02 - 10)),
            (date!(2024 - 02 - 01), date!(2024 - 02 - 29))
        );
        assert_eq!(
            Frequency::Monthly.period(date!(2026 - 12 - 31)),
            (date!(2026 - 12 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(
            Frequency::Daily.period(date!(2026 - 12 - 31)),
            (date!(2026 - 12 - 31), date!(2026 - 12 - 31))
        );
    }

    #[test]
    fn the_day_is_the_users_own() {
        let at = Timestamp::parse("2026-03-01T23:30:00Z").unwrap();
        assert_eq!(local_day(at, "UTC"), date!(2026 - 03 - 01));
        assert_eq!(local_day(at, "Europe/Paris"), date!(2026 - 03 - 02));
        assert_eq!(local_day(at, "America/New_York"), date!(2026 - 03 - 01));
        assert_eq!(local_day(at, "Nowhere/Nothing"), date!(2026 - 03 - 01));
    }
}
