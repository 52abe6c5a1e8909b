//! Login throttling: per account and address pair, with delays that double.
//!
//! A stranger who guesses an account's password from their address slows only that pair down:
//! the owner, from their own address, signs in as ever. No count is kept per account alone,
//! since any such limit is a lockout anyone can trigger. Each address also has a budget of
//! failures across accounts (a spray of guesses at many accounts), which again stops only
//! that address. In memory, like [`AddressLimit`].
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::auth::address::{AddressLimit, RatePolicy, key, seconds_up};

/// How login failures are throttled.
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    /// Failures of one pair before it has to wait.
    pub free_failures: u32,
    /// The first wait; each further failure doubles it, up to `max_delay`.
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// A pair with no failure for this long starts afresh.
    pub forget_after: Duration,
    /// Failures per address across accounts.
    pub per_address: RatePolicy,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        Self {
            free_failures: 5,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(60 * 60),
            per_address: RatePolicy {
                max: 20,
                window: Duration::from_secs(15 * 60),
            },
        }
    }
}

/// Pairs tracked before idle ones are swept early.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
}

#[derive(Default)]
struct Pairs {
    failures: HashMap<(String, IpAddr), Failures>,
    swept: Option<Instant>,
}

pub struct LoginLimiter {
    policy: LoginPolicy,
    pairs: Mutex<Pairs>,
    addresses: AddressLimit,
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
            pairs: Mutex::new(Pairs::default()),
            addresses: AddressLimit::new(policy.per_address),
        }
    }

    /// `Err(seconds)` to wait before this address may try this account's password again.
    pub fn check(&self, account: &str, address: IpAddr) -> Result<(), u64> {
        self.check_at(account, address, Instant::now())
    }

    /// Counts a failed attempt against the pair and the address.
    pub fn failed(&self, account: &str, address: IpAddr) {
        self.failed_at(account, address, Instant::now());
    }

    /// A successful login clears the pair's failures (not the address's).
    pub fn succeeded(&self, account: &str, address: IpAddr) {
        self.lock().failures.remove(&(account.to_string(), key(address)));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pairs> {
        self.pairs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long a pair with `count` failures waits after its last one.
    fn delay(&self, count: u32) -> Duration {
        let over = count.saturating_sub(self.policy.free_failures);
        if count < self.policy.free_failures {
            return Duration::ZERO;
        }
        let factor = 1u32.checked_shl(over.min(31)).unwrap_or(u32::MAX);
        self.policy
            .first_delay
            .checked_mul(factor)
            .map_or(self.policy.max_delay, |d| d.min(self.policy.max_delay))
    }

    fn check_at(&self, account: &str, address: IpAddr, now: Instant) -> Result<(), u64> {
        let pair_wait = self
            .lock()
            .failures
            .get(&(account.to_string(), key(address)))
            .map(|f| (f.last + self.delay(f.count)).saturating_duration_since(now))
            .filter(|left| !left.is_zero());
        let address_wait = self.addresses.check_at(address, now).err();
        match (pair_wait.map(seconds_up), address_wait) {
            (None, None) => Ok(()),
            (a, b) => Err(a.max(b).unwrap_or_default()),
        }
    }

    fn failed_at(&self, account: &str, address: IpAddr, now: Instant) {
        self.addresses.count_at(address, now);
        let forget = self.policy.forget_after;
        let mut pairs = self.lock();
        let due = pairs.swept.is_none_or(|at| now.duration_since(at) >= forget) || pairs.failures.len() >= SWEEP_AT;
        if due {
            pairs.failures.retain(|_, f| now.duration_since(f.last) < forget);
            pairs.swept = Some(now);
        }
        let f = pairs
            .failures
            .entry((account.to_string(), key(address)))
            .or_insert(Failures { count: 0, last: now });
        if now.duration_since(f.last) >= forget {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const THERE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    fn limiter() -> LoginLimiter {
        LoginLimiter::new(LoginPolicy {
            free_failures: 3,
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
            forget_after: Duration::from_secs(600),
            per_address: RatePolicy {
                max: 10,
                window: Duration::from_secs(60),
            },
        })
    }

    #[test]
    fn a_pair_waits_longer_after_each_failure_beyond_its_free_ones() {
        let l = limiter();
        let mut t = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.check_at("a@x.org", HERE, t), Ok(()));
            l.failed_at("a@x.org", HERE, t);
        }
        // 2 s, then 4, 8, 16, 32, and never more than 60.
        for wait in [2, 4, 8, 16, 32, 60, 60] {
            assert_eq!(l.check_at("a@x.org", HERE, t), Err(wait));
            t += Duration::from_secs(wait);
            assert_eq!(l.check_at("a@x.org", HERE, t), Ok(()));
            l.failed_at("a@x.org", HERE, t);
        }
    }

    #[test]
    fn the_owner_from_another_address_is_not_slowed_and_success_clears_the_pair() {
        let l = limiter();
        let t0 = Instant::now();
        for _ in 0..8 {
            l.failed_at("a@x.org", HERE, t0);
        }
        assert!(l.check_at("a@x.org", HERE, t0).is_err());
        assert_eq!(l.check_at("a@x.org", THERE, t0), Ok(()));
        assert_eq!(l.check_at("b@x.org", HERE, t0), Ok(()));
        l.succeeded("a@x.org", HERE);
        assert_eq!(l.check_at("a@x.org", HERE, t0), Ok(()));
    }

    #[test]
    fn an_address_spraying_many_accounts_is_stopped_and_idle_pairs_are_forgotten() {
        let l = limiter();
        let t0 = Instant::now();
        for n in 0..10 {
            l.failed_at(&format!("user{n}@x.org"), HERE, t0);
        }
        assert_eq!(l.check_at("new@x.org", HERE, t0), Err(60));
        assert_eq!(l.check_at("new@x.org", THERE, t0), Ok(()));
        let later = t0 + Duration::from_secs(600);
        l.failed_at("other@x.org", THERE, later);
        assert_eq!(l.lock().failures.len(), 1);
    }
}
