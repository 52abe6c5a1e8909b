//! When to try again: exponential backoff with full jitter, or what `Retry-After` asks.
use std::time::Duration;

use rand::Rng;

/// How long to wait before retry number `retry` (0 for the first): a random time between 0 and
/// `min(cap, base * 2^retry)` (full jitter: clients that failed together do not retry together).
pub fn backoff(base: Duration, cap: Duration, retry: u32) -> Duration {
    let ceiling = base.saturating_mul(2u32.saturating_pow(retry.min(20))).min(cap);
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rand::rng().random_range(0..=millis))
}

/// A `Retry-After` value: whole seconds, or an HTTP date (its distance from now; 0 if past).
pub fn retry_after(value: &str, now: time::OffsetDateTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let at = time::PrimitiveDateTime::parse(value, &format).ok()?.assume_utc();
    Some(Duration::try_from(at - now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_its_ceiling() {
        let (base, cap) = (Duration::from_millis(100), Duration::from_millis(250));
        for _ in 0..100 {
            assert!(backoff(base, cap, 0) <= Duration::from_millis(100));
            assert!(backoff(base, cap, 5) <= cap);
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = time::macros::datetime!(2015-10-21 07:28:00 UTC);
        assert_eq!(retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
    }
}
