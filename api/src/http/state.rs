//! What every handler can reach.
use std::sync::Arc;

use crate::auth::limiter::LoginLimiter;
use crate::auth::tokens::TokenKeys;
use crate::core::Core;
use crate::http::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub core: Arc<Core>,
    pub tokens: Arc<TokenKeys>,
    pub limiter: Arc<LoginLimiter>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    pub fn new(core: Core, jwt_secret: &crate::config::Secret) -> Self {
        Self {
            core: Arc::new(core),
            tokens: Arc::new(TokenKeys::new(jwt_secret)),
            limiter: Arc::new(LoginLimiter::default()),
            metrics: Arc::new(Metrics::default()),
        }
    }
}
