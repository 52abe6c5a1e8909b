//! Small value types shared by every aggregate.
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use crate::ids::UserId;

/// A UTC instant, serialised as RFC 3339 with microsecond precision so that the text order
/// of two timestamps is their time order (read tables sort on the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        let at = at.to_offset(time::UtcOffset::UTC);
        let micros = at.microsecond();
        Self(at.replace_microsecond(micros).unwrap_or(at))
    }

    pub fn from_unix_micros(micros: i64) -> Self {
        let at =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        Self(at)
    }

    pub fn parse(text: &str) -> Result<Self, time::error::Parse> {
        OffsetDateTime::parse(text, &Rfc3339).map(Self::from_datetime)
    }

    pub fn datetime(self) -> OffsetDateTime {
        self.0
    }

    /// `2026-11-27T19:06:10.123456Z`: fixed width, so text order is time order. Every event
    /// and row carries a few, so the digits are laid out by hand (`format!` showed in the
    /// profile of a create; docs/benchmarks.md).
    pub fn to_rfc3339(self) -> String {
        let (year, month, day) = self.0.to_calendar_date();
        let (hour, minute, second, micro) = self.0.to_hms_micro();
        let year = match u32::try_from(year) {
            Ok(y) if y <= 9999 => y,
            // Outside four digits, no fixed width to keep.
            _ => {
                return format!(
                    "{year:04}-{:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{micro:06}Z",
                    u8::from(month)
                );
            }
        };
        let mut text = *b"0000-00-00T00:00:00.000000Z";
        put_digits(&mut text[0..4], year);
        put_digits(&mut text[5..7], u32::from(u8::from(month)));
        put_digits(&mut text[8..10], u32::from(day));
        put_digits(&mut text[11..13], u32::from(hour));
        put_digits(&mut text[14..16], u32::from(minute));
        put_digits(&mut text[17..19], u32::from(second));
        put_digits(&mut text[20..26], micro);
        text.iter().map(|&b| char::from(b)).collect()
    }

    /// The UTC calendar day, `YYYY-MM-DD`.
    pub fn day(self) -> String {
        let mut text = self.to_rfc3339();
        text.truncate(text.len() - 17);
        text
    }
}

/// Writes `n` in decimal into `out`, zero-padded to its length (`n` fits).
fn put_digits(out: &mut [u8], mut n: u32) {
    for digit in out.iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A free-form JSON object (display settings, onboarding progress) with bounds: at most
/// `max_chars` characters serialised and `max_depth` levels of objects and arrays (the
/// object itself is level 1).
pub fn json_object(
    raw: serde_json::Value,
    max_chars: usize,
    max_depth: usize,
) -> Result<serde_json::Map<String, serde_json::Value>, crate::text::ValueError> {
    use crate::text::ValueError;
    fn depth(value: &serde_json::Value) -> usize {
        match value {
            serde_json::Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
            serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    let serde_json::Value::Object(map) = raw else {
        return Err(ValueError::NotAnObject);
    };
    let size = serde_json::to_string(&map).map_or(usize::MAX, |text| text.chars().count());
    if size > max_chars {
        return Err(ValueError::TooLong(max_chars));
    }
    if map.values().map(depth).max().unwrap_or(0) + 1 > max_depth {
        return Err(ValueError::TooDeep(max_depth));
    }
    Ok(map)
}

/// A whole number in a closed range, one type per rule: `parse` refuses anything outside
/// `MIN..=MAX` with the range; `default N` adds a `DEFAULT`. Once built, always valid.
#[macro_export]
macro_rules! bounded_number {
    ($(#[$meta:meta])* $name:ident: $repr:ty, $min:literal..=$max:literal $(, default $default:literal)?) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name($repr);

        impl $name {
            pub const MIN: i64 = $min;
            pub const MAX: i64 = $max;
            $(pub const DEFAULT: $repr = $default;)?

            pub fn parse(raw: i64) -> Result<Self, $crate::text::ValueError> {
                <$repr>::try_from(raw)
                    .ok()
                    .filter(|n| (Self::MIN..=Self::MAX).contains(&i64::from(*n)))
                    .map(Self)
                    .ok_or($crate::text::ValueError::OutOfRange(Self::MIN, Self::MAX))
            }
        }

        impl From<$name> for $repr {
            fn from(n: $name) -> $repr {
                n.0
            }
        }
    };
}

/// Declares a closed set of words as an enum: serialised as its word, with `ALL`, `as_str` and
/// a `parse` that refuses any other word with the list of the allowed ones.
#[macro_export]
macro_rules! word_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $(#[$first_meta:meta])* $first:ident = $first_word:literal
            $(, $(#[$variant_meta:meta])* $variant:ident = $word:literal)* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[$first_meta])* #[serde(rename = $first_word)] $first,
            $($(#[$variant_meta])* #[serde(rename = $word)] $variant),*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$name::$first $(, $name::$variant)*];
            /// Every word, in order, for schemas.
            pub const WORDS: &'static [&'static str] = &[$first_word $(, $word)*];
            /// The words as one text, for messages.
            pub const NAMES: &'static str = concat!($first_word $(, ", ", $word)*);

            pub fn as_str(self) -> &'static str {
                match self {
                    $name::$first => $first_word,
                    $($name::$variant => $word),*
                }
            }

            pub fn parse(raw: &str) -> Result<Self, $crate::text::ValueError> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == raw)
                    .ok_or($crate::text::ValueError::NotOneOf(Self::NAMES))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_text_and_sort_as_text() {
        let a = Timestamp::parse("2026-01-02T03:04:05.5+01:00").unwrap();
        assert_eq!(a.to_rfc3339(), "2026-01-02T02:04:05.500000Z");
        let b = Timestamp::parse("2026-01-02T02:04:05.500001Z").unwrap();
        assert!(a < b && a.to_rfc3339() < b.to_rfc3339());
        assert_eq!(Timestamp::parse(&a.to_rfc3339()).unwrap(), a);
        assert_eq!(a.day(), "2026-01-02");
    }

    #[test]
    fn text_form_is_fixed_width_at_every_edge() {
        for (input, text) in [
            ("2024-02-29T23:59:59.999999Z", "2024-02-29T23:59:59.999999Z"),
            ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000000Z"),
            ("9999-12-31T23:59:59.000001Z", "9999-12-31T23:59:59.000001Z"),
            ("2026-11-28T01:02:03.04+00:00", "2026-11-28T01:02:03.040000Z"),
        ] {
            let t = Timestamp::parse(input).unwrap();
            assert_eq!(t.to_rfc3339(), text, "{input}");
            assert_eq!(t.day(), text[..10], "{input}");
        }
    }
}

/// A free-form JSON object (settings, metrics) of at most 10,000 characters when serialised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JsonObject(serde_json::Map<String, serde_json::Value>);

impl JsonObject {
    pub const MAX_CHARS: usize = 10_000;

    /// Levels of objects and arrays, the object itself included.
    pub const MAX_DEPTH: usize = 16;

    pub fn parse(raw: serde_json::Value) -> Result<Self, crate::text::ValueError> {
        json_object(raw, Self::MAX_CHARS, Self::MAX_DEPTH).map(Self)
    }
}

impl From<JsonObject> for serde_json::Map<String, serde_json::Value> {
    fn from(o: JsonObject) -> Self {
        o.0
    }
}

/// A calendar day, `YYYY-MM-DD`; text order is time order. Project dates, schedule days,
/// activity days and goal dates.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(String);

impl Day {
    pub fn parse(raw: &str) -> Result<Self, crate::text::ValueError> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        match time::Date::parse(raw, &format) {
            Ok(_) if raw.len() == 10 => Ok(Self(raw.to_string())),
            _ => Err(crate::text::ValueError::NotADay),
        }
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.0
    }
}

impl From<time::Date> for Day {
    fn from(date: time::Date) -> Self {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        // A four-digit year always formats; the fallback is never reached.
        Self(date.format(&format).unwrap_or_default())
    }
}

/// A time of day, `HH:MM` (24-hour), kept as minutes since midnight; serialised as its text.
/// `24:00` (the end of the day) only where [`ClockTime::parse_end`] takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(u16);

impl ClockTime {
    /// `00:00` to `23:59`.
    pub const PATTERN: &'static str = "^([01][0-9]|2[0-3]):[0-5][0-9]$";
    /// `00:00` to `24:00`.
    pub const END_PATTERN: &'static str = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";
    pub const MIDNIGHT_END: u16 = 24 * 60;

    /// A time within the day, `00:00` to `23:59`.
    pub fn parse(raw: &str) -> Result<Self, crate::text::ValueError> {
        Self::parse_end(raw).and_then(|t| {
            if t.0 < Self::MIDNIGHT_END {
                Ok(t)
            } else {
                Err(crate::text::ValueError::NotAClockTime)
            }
        })
    }

    /// A time within the day or its end, `00:00` to `24:00`.
    pub fn parse_end(raw: &str) -> Result<Self, crate::text::ValueError> {
        let bytes = raw.as_bytes();
        let digit = |i: usize| bytes.get(i).filter(|b| b.is_ascii_digit()).map(|b| u16::from(b - b'0'));
        let (Some(h1), Some(h2), Some(b':'), Some(m1), Some(m2), 5) = (
            digit(0),
            digit(1),
            bytes.get(2).copied(),
            digit(3),
            digit(4),
            bytes.len(),
        ) else {
            return Err(crate::text::ValueError::NotAClockTime);
        };
        let (hours, minutes) = (h1 * 10 + h2, m1 * 10 + m2);
        let total = hours * 60 + minutes;
        if minutes > 59 || total > Self::MIDNIGHT_END {
            return Err(crate::text::ValueError::NotAClockTime);
        }
        Ok(Self(total))
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        ClockTime::parse_end(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod clock_tests {
    use super::ClockTime;

    #[test]
    fn clock_times_are_hh_mm_within_the_day_and_only_ends_may_be_midnight() {
        assert_eq!(ClockTime::parse("09:05").unwrap().minutes(), 545);
        assert_eq!(ClockTime::parse("23:59").unwrap().to_string(), "23:59");
        assert!(ClockTime::parse("24:00").is_err());
        assert_eq!(ClockTime::parse_end("24:00").unwrap().minutes(), 1440);
        for bad in ["24:01", "9:05", "09:60", "09-05", "09:05 ", "", "ab:cd", "٠٩:٠٥"] {
            assert!(ClockTime::parse_end(bad).is_err(), "{bad}");
        }
    }
}
