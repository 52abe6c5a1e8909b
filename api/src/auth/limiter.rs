//! Login attempt limits per account and per client address.
//!
//! Each key gets a fixed window that opens at its first failure; once a key has used its
//! failures, attempts are refused until the window closes. In memory: a restart forgets, and
//! several `joan serve` nodes each count their own.
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

/// How many failures each key may have per window.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    pub per_account: u32,
    pub per_address: u32,
    pub window: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Keys tracked before expired windows are swept early.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    failures: u32,
    opened: Instant,
}

#[derive(Default)]
struct Counters {
    accounts: HashMap<String, Window>,
    addresses: HashMap<IpAddr, Window>,
    swept: Option<Instant>,
}

pub struct LoginLimiter {
    policy: LoginPolicy,
    counters: Mutex<Counters>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(LoginPolicy::default())
    }
}

impl LoginLimiter {
    pub fn new(policy: LoginPolicy) -> Self {
        Self {
            policy,
            counters: Mutex::new(Counters::default()),
        }
    }

    /// `Err(seconds)` to wait when the account or the address has no attempts left.
    pub fn check(&self, account: &str, address: IpAddr) -> Result<(), u64> {
        self.check_at(account, address, Instant::now())
    }

    /// Counts a failed attempt against both keys.
    pub fn failed(&self, account: &str, address: IpAddr) {
        self.failed_at(account, address, Instant::now());
    }

    /// A successful login clears the account's failures (not the address's).
    pub fn succeeded(&self, account: &str) {
        self.lock().accounts.remove(account);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.counters.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn check_at(&self, account: &str, address: IpAddr, now: Instant) -> Result<(), u64> {
        let counters = self.lock();
        let window = self.policy.window;
        let wait = |w: Option<&Window>, max: u32| {
            w.filter(|w| w.failures >= max)
                .map(|w| (w.opened + window).saturating_duration_since(now))
                .filter(|left| !left.is_zero())
        };
        let account_wait = wait(counters.accounts.get(account), self.policy.per_account);
        let address_wait = wait(counters.addresses.get(&key(address)), self.policy.per_address);
        match account_wait.max(address_wait) {
            // Round up: a client that waits `Retry-After` seconds finds the window closed.
            Some(left) => Err(left.as_secs() + u64::from(left.subsec_nanos() > 0)),
            None => Ok(()),
        }
    }

    fn failed_at(&self, account: &str, address: IpAddr, now: Instant) {
        let window = self.policy.window;
        let mut counters = self.lock();
        let due = counters.swept.is_none_or(|at| now.duration_since(at) >= window)
            || counters.accounts.len() + counters.addresses.len() >= SWEEP_AT;
        if due {
            let live = |w: &mut Window| now.duration_since(w.opened) < window;
            counters.accounts.retain(|_, w| live(w));
            counters.addresses.retain(|_, w| live(w));
            counters.swept = Some(now);
        }
        bump(
            counters.accounts.entry(account.to_string()).or_insert(fresh(now)),
            now,
            window,
        );
        bump(
            counters.addresses.entry(key(address)).or_insert(fresh(now)),
            now,
            window,
        );
    }
}

fn fresh(now: Instant) -> Window {
    Window {
        failures: 0,
        opened: now,
    }
}

fn bump(w: &mut Window, now: Instant, window: Duration) {
    if now.duration_since(w.opened) >= window {
        *w = fresh(now);
    }
    w.failures = w.failures.saturating_add(1);
}

/// One IPv6 holder usually has a whole /64, so that is what an IPv6 address counts as.
fn key(address: IpAddr) -> IpAddr {
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

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const THERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    fn limiter() -> LoginLimiter {
        LoginLimiter::new(LoginPolicy {
            per_account: 3,
            per_address: 5,
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn an_account_is_locked_after_its_failures_until_the_window_closes() {
        let l = limiter();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.check_at("a@x.org", HERE, t0), Ok(()));
            l.failed_at("a@x.org", HERE, t0);
        }
        assert_eq!(l.check_at("a@x.org", HERE, t0 + Duration::from_millis(500)), Err(60));
        assert_eq!(l.check_at("a@x.org", THERE, t0 + Duration::from_secs(59)), Err(1));
        assert_eq!(l.check_at("b@x.org", HERE, t0), Ok(()));
        assert_eq!(l.check_at("a@x.org", HERE, t0 + Duration::from_secs(60)), Ok(()));
        l.failed_at("a@x.org", HERE, t0 + Duration::from_secs(60));
        assert_eq!(l.check_at("a@x.org", HERE, t0 + Duration::from_secs(61)), Ok(()));
    }

    #[test]
    fn an_address_is_locked_across_accounts_and_success_clears_only_the_account() {
        let l = limiter();
        let t0 = Instant::now();
        for n in 0..5 {
            l.failed_at(&format!("user{n}@x.org"), HERE, t0);
        }
        assert!(l.check_at("new@x.org", HERE, t0).is_err());
        assert_eq!(l.check_at("new@x.org", THERE, t0), Ok(()));
        l.failed_at("c@x.org", THERE, t0);
        l.failed_at("c@x.org", THERE, t0);
        l.failed_at("c@x.org", THERE, t0);
        l.succeeded("c@x.org");
        assert_eq!(l.check_at("c@x.org", THERE, t0), Ok(()));
    }

    #[test]
    fn expired_windows_are_swept() {
        let l = limiter();
        let t0 = Instant::now();
        l.failed_at("a@x.org", HERE, t0);
        l.failed_at("b@x.org", THERE, t0 + Duration::from_secs(120));
        let counters = l.lock();
        assert!(!counters.accounts.contains_key("a@x.org"));
        assert!(!counters.addresses.contains_key(&HERE));
        assert_eq!(counters.accounts.len(), 1);
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
