//! The limits of the identity endpoints in one place: production defaults, shorter ones in
//! tests.
use std::time::Duration;

use crate::auth::address::RatePolicy;
use crate::auth::limiter::LoginPolicy;

#[derive(Debug, Clone, Copy)]
pub struct AuthPolicy {
    pub login: LoginPolicy,
    /// Registrations and email changes per address: each tells whether an email is taken.
    pub email_checks: RatePolicy,
    /// How long a just-spent refresh token still yields the same successor (two tabs that
    /// refresh at once) instead of revoking its family.
    pub refresh_grace: Duration,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        Self {
            login: LoginPolicy::default(),
            email_checks: RatePolicy {
                max: 10,
                window: Duration::from_secs(15 * 60),
            },
            refresh_grace: Duration::from_secs(30),
        }
    }
}
