//! What every handler can reach.
use std::sync::Arc;

use crate::auth::limiter::LoginLimiter;
use crate::auth::tokens::TokenKeys;
use crate::core::Core;
use crate::http::metrics::Metrics;

/// The application's shared parts behind one `Arc`: extractors clone the state several times
/// a request, and one reference count is cheaper than four.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub core: Arc<Core>,
    pub tokens: TokenKeys,
    pub limiter: LoginLimiter,
    pub metrics: Metrics,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(core: Core, jwt_secret: &crate::config::Secret) -> Self {
        Self(Arc::new(Shared {
            core: Arc::new(core),
            tokens: TokenKeys::new(jwt_secret),
            limiter: LoginLimiter::default(),
            metrics: Metrics::default(),
        }))
    }
}
