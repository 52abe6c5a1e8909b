//! One circuit breaker per provider: after `threshold` failures in a row the provider is
//! skipped for `cooldown`; then one trial call is let through (half-open), which closes the
//! circuit on success and opens it again on failure.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// The cool-down is over and one trial call is out.
    HalfOpen,
}

#[derive(Debug)]
pub struct Breakers {
    threshold: u32,
    cooldown: Duration,
    states: Mutex<HashMap<Uuid, State>>,
}

impl Breakers {
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            cooldown,
            states: Mutex::new(HashMap::new()),
        }
    }

    fn states(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, State>> {
        self.states.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether a call to `provider` may go out now.
    pub fn allow(&self, provider: Uuid) -> bool {
        let mut states = self.states();
        let state = states.entry(provider).or_insert(State::Closed { failures: 0 });
        match *state {
            State::Closed { .. } => true,
            State::Open { until } if Instant::now() >= until => {
                *state = State::HalfOpen;
                true
            }
            State::Open { .. } | State::HalfOpen => false,
        }
    }

    pub fn success(&self, provider: Uuid) {
        self.states().insert(provider, State::Closed { failures: 0 });
    }

    /// A failure that says the provider is unwell (not one that says the request was wrong).
    pub fn failure(&self, provider: Uuid) {
        let mut states = self.states();
        let open = State::Open {
            until: Instant::now() + self.cooldown,
        };
        let state = states.entry(provider).or_insert(State::Closed { failures: 0 });
        *state = match *state {
            State::Closed { failures } if failures + 1 >= self.threshold => open,
            State::Closed { failures } => State::Closed { failures: failures + 1 },
            State::HalfOpen | State::Open { .. } => open,
        };
    }

    /// A call that ended without saying anything of the provider's health (a bad request):
    /// a half-open trial is over, and the next call may try again.
    pub fn neutral(&self, provider: Uuid) {
        let mut states = self.states();
        if let Some(state @ State::HalfOpen) = states.get_mut(&provider) {
            *state = State::Closed { failures: 0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_the_threshold_then_half_opens_after_the_cooldown() {
        let b = Breakers::new(2, Duration::from_millis(30));
        let p = Uuid::new_v4();
        b.failure(p);
        assert!(b.allow(p));
        b.failure(p);
        assert!(!b.allow(p), "open after 2 failures in a row");
        std::thread::sleep(Duration::from_millis(40));
        assert!(b.allow(p), "one trial after the cool-down");
        assert!(!b.allow(p), "only one");
        b.failure(p);
        assert!(!b.allow(p), "a failed trial opens it again");
        std::thread::sleep(Duration::from_millis(40));
        assert!(b.allow(p));
        b.success(p);
        assert!(b.allow(p) && b.allow(p), "closed");
    }

    #[test]
    fn a_success_resets_the_count() {
        let b = Breakers::new(2, Duration::from_secs(60));
        let p = Uuid::new_v4();
        b.failure(p);
        b.success(p);
        b.failure(p);
        assert!(b.allow(p));
    }
}
