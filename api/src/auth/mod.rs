//! Identity: passwords, access tokens, refresh tokens, login rate limits, and the state
//! tables that hold the secrets (never the event log).
pub mod address;
pub mod credentials;
pub mod limiter;
pub mod password;
pub mod policy;
pub mod refresh;
pub mod sessions;
pub mod tokens;
pub mod write;
