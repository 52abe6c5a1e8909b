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

    /// Starts an attempt of this address at this account's password, or `Err(seconds)` to
    /// wait first. The attempt counts as a failure from now on, until [`succeeded`] says
    /// otherwise: parallel guesses are counted before any of them is answered, so a burst
    /// gets no more tries than a sequence.
    ///
    /// [`succeeded`]: LoginLimiter::succeeded
    pub fn attempt(&self, account: &str, address: IpAddr) -> Result<(), u64> {
        self.attempt_at(account, address, Instant::now())
    }

    /// The password matched: the pair starts afresh and the address gets its attempt back.
    pub fn succeeded(&self, account: &str, address: IpAddr) {
        self.lock().failures.remove(&(account.to_string(), key(address)));
        self.addresses.refund(address);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Pairs> {
        self.pairs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long a pair with `count` failures waits after its last one.
    fn delay(&self, count: u32) -> Duration {
        if count < self.policy.free_failures {
            return Duration::ZERO;
        }
        let over = count - self.policy.free_failures;
        let factor = 1u32.checked_shl(over.min(31)).unwrap_or(u32::MAX);
        self.policy
            .first_delay
            .checked_mul(factor)
            .map_or(self.policy.max_delay, |d| d.min(self.policy.max_delay))
    }

    fn attempt_at(&self, account: &str, address: IpAddr, now: Instant) -> Result<(), u64> {
        let forget = self.policy.forget_after;
        let pair = (account.to_string(), key(address));
        // The pair stays locked from its check to its count; the address's take is atomic.
        let mut pairs = self.lock();
        let due = pairs.swept.is_none_or(|at| now.duration_since(at) >= forget) || pairs.failures.len() >= SWEEP_AT;
        if due {
            pairs.failures.retain(|_, f| now.duration_since(f.last) < forget);
            pairs.swept = Some(now);
        }
        let failures = pairs
            .failures
            .get(&pair)
            .copied()
            .filter(|f| now.duration_since(f.last) < forget);
        let pair_wait = failures
            .map(|f| (f.last + self.delay(f.count)).saturating_duration_since(now))
            .filter(|left| !left.is_zero())
            .map(seconds_up);
        let address_wait = self.addresses.check_at(address, now).err();
        if pair_wait.is_some() || address_wait.is_some() {
            return Err(pair_wait.max(address_wait).unwrap_or_default());
        }
        self.addresses.count_at(address, now);
        let count = failures.map_or(0, |f| f.count).saturating_add(1);
        pairs.failures.insert(pair, Failures { count, last: now });
        Ok(())
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
            assert_eq!(l.attempt_at("a@x.org", HERE, t), Ok(()));
        }
        // 2 s, then 4, 8, 16, 32, and never more than 60.
        for wait in [2, 4, 8, 16, 32, 60, 60] {
            assert_eq!(l.attempt_at("a@x.org", HERE, t), Err(wait));
            t += Duration::from_secs(wait);
            assert_eq!(l.attempt_at("a@x.org", HERE, t), Ok(()));
        }
    }

    #[test]
    fn the_owner_from_another_address_is_not_slowed_and_success_clears_the_pair() {
        let l = limiter();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.attempt_at("a@x.org", HERE, t0), Ok(()));
        }
        assert!(l.attempt_at("a@x.org", HERE, t0).is_err());
        assert_eq!(l.attempt_at("a@x.org", THERE, t0), Ok(()));
        assert_eq!(l.attempt_at("b@x.org", HERE, t0), Ok(()));
        l.succeeded("a@x.org", HERE);
        assert_eq!(l.attempt_at("a@x.org", HERE, t0), Ok(()));
    }

    #[test]
    fn an_address_spraying_many_accounts_is_stopped_and_idle_pairs_are_forgotten() {
        let l = limiter();
        let t0 = Instant::now();
        for n in 0..10 {
            assert_eq!(l.attempt_at(&format!("user{n}@x.org"), HERE, t0), Ok(()));
        }
        assert_eq!(l.attempt_at("new@x.org", HERE, t0), Err(60));
        // A success gives the address its attempt back.
        l.succeeded("user0@x.org", HERE);
        assert_eq!(l.attempt_at("new@x.org", HERE, t0), Ok(()));
        assert_eq!(l.attempt_at("new@x.org", THERE, t0), Ok(()));
        let later = t0 + Duration::from_secs(600);
        assert_eq!(l.attempt_at("other@x.org", THERE, later), Ok(()));
        assert_eq!(l.lock().failures.len(), 1);
    }
}
