//! Login attempt limits per account and per client address.

/// Placeholder until the auth issue lands: allows everything.
#[derive(Default)]
pub struct LoginLimiter;
