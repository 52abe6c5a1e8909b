//! Client addresses: how the server names one (an IPv6 /64 is one holder), and a fixed-window
//! count of attempts per address.
//!
//! In memory: a restart forgets, and several `joan serve` nodes each count their own.
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

/// The client's address as the listener saw it (no proxy headers are trusted).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        Ok(ClientAddr(address))
    }
}

/// One IPv6 holder usually has a whole /64, so that is what an IPv6 address counts as.
pub fn key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// At most `max` counted attempts per address in a window that opens at the first.
#[derive(Debug, Clone, Copy)]
pub struct RatePolicy {
    pub max: u32,
    pub window: Duration,
}

/// Keys tracked before expired windows are swept early.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    count: u32,
    opened: Instant,
}

#[derive(Default)]
struct Windows {
    by_address: HashMap<IpAddr, Window>,
    swept: Option<Instant>,
}

/// Counts attempts per address; an address that used its `max` waits for its window to close.
pub struct AddressLimit {
    policy: RatePolicy,
    windows: Mutex<Windows>,
}

impl AddressLimit {
    pub fn new(policy: RatePolicy) -> Self {
        Self {
            policy,
            windows: Mutex::new(Windows::default()),
        }
    }

    /// Counts an attempt, or `Err(seconds)` to wait when the address has none left (a refused
    /// attempt is not counted).
    pub fn take(&self, address: IpAddr) -> Result<(), u64> {
        self.take_at(address, Instant::now())
    }

    /// Gives back one counted attempt (it turned out not to be one to count).
    pub fn refund(&self, address: IpAddr) {
        if let Some(w) = self.lock().by_address.get_mut(&key(address)) {
            w.count = w.count.saturating_sub(1);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Windows> {
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn take_at(&self, address: IpAddr, now: Instant) -> Result<(), u64> {
        self.check_at(address, now)?;
        self.count_at(address, now);
        Ok(())
    }

    /// `Err(seconds)` to wait when the address has used its attempts; counts nothing.
    pub(crate) fn check_at(&self, address: IpAddr, now: Instant) -> Result<(), u64> {
        let windows = self.lock();
        let Some(w) = windows.by_address.get(&key(address)) else {
            return Ok(());
        };
        let left = (w.opened + self.policy.window).saturating_duration_since(now);
        if w.count >= self.policy.max && !left.is_zero() {
            Err(seconds_up(left))
        } else {
            Ok(())
        }
    }

    /// Counts an attempt without checking.
    pub(crate) fn count_at(&self, address: IpAddr, now: Instant) {
        let window = self.policy.window;
        let mut windows = self.lock();
        let due =
            windows.swept.is_none_or(|at| now.duration_since(at) >= window) || windows.by_address.len() >= SWEEP_AT;
        if due {
            windows.by_address.retain(|_, w| now.duration_since(w.opened) < window);
            windows.swept = Some(now);
        }
        let fresh = Window { count: 0, opened: now };
        let w = windows.by_address.entry(key(address)).or_insert(fresh);
        if now.duration_since(w.opened) >= window {
            *w = fresh;
        }
        w.count = w.count.saturating_add(1);
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.lock().by_address.len()
    }
}

/// Whole seconds, rounded up: a client that waits `Retry-After` seconds finds the wait over.
pub fn seconds_up(left: Duration) -> u64 {
    left.as_secs() + u64::from(left.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const THERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    fn limit() -> AddressLimit {
        AddressLimit::new(RatePolicy {
            max: 3,
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn an_address_waits_once_it_used_its_attempts_and_others_do_not() {
        let l = limit();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.take_at(HERE, t0), Ok(()));
        }
        assert_eq!(l.take_at(HERE, t0 + Duration::from_millis(500)), Err(60));
        assert_eq!(l.take_at(HERE, t0 + Duration::from_secs(59)), Err(1));
        assert_eq!(l.take_at(THERE, t0), Ok(()));
        assert_eq!(l.take_at(HERE, t0 + Duration::from_secs(60)), Ok(()), "a new window");
        assert_eq!(l.take_at(HERE, t0 + Duration::from_secs(61)), Ok(()));
    }

    #[test]
    fn expired_windows_are_swept() {
        let l = limit();
        let t0 = Instant::now();
        l.count_at(HERE, t0);
        l.count_at(THERE, t0 + Duration::from_secs(120));
        assert_eq!(l.tracked(), 1);
    }

    #[test]
    fn ipv6_addresses_count_per_64_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(key(a), key(b));
        assert_eq!(key(mapped), HERE);
    }
}
