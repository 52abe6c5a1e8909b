//! Identity: passwords, access tokens, refresh tokens, login rate limits.
pub mod limiter;
pub mod tokens;
