//! What every handler can reach.
use std::sync::Arc;

use crate::ai::providers::{AiSettings, Providers};
use crate::auth::address::AddressLimit;
use crate::auth::limiter::LoginLimiter;
use crate::auth::policy::AuthPolicy;
use crate::auth::refresh::Successors;
use crate::auth::sessions::Sessions;
use crate::auth::tokens::TokenKeys;
use crate::core::Core;
use crate::crypto::Keyring;
use crate::http::metrics::Metrics;
use crate::uploads::Uploads;

/// The application's shared parts behind one `Arc`: extractors clone the state several times
/// a request, and one reference count is cheaper than four.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

pub struct Shared {
    pub core: Arc<Core>,
    pub tokens: TokenKeys,
    /// Derives each refresh token's successor.
    pub successors: Successors,
    /// Which sessions have ended.
    pub sessions: Sessions,
    pub limiter: LoginLimiter,
    /// Registrations and email changes per address.
    pub email_checks: AddressLimit,
    pub policy: AuthPolicy,
    pub metrics: Metrics,
    /// Seals and opens users' API keys.
    pub keyring: Keyring,
    /// Where attachments' bytes are kept, and their limits.
    pub uploads: Uploads,
    /// Calls AI providers (through the outbound guard).
    pub ai: Arc<Providers>,
    /// The AI ports of the ceremony routes (unwired until the providers are put in place).
    pub ceremony_ai: crate::routes::ceremonies::ai::CeremonyAi,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(core: Core, jwt_secret: &crate::config::Secret, keyring: Keyring) -> Self {
        Self::with_policy(core, jwt_secret, keyring, AuthPolicy::default())
    }

    /// [`AppState::new`] with other limits (tests shorten them).
    pub fn with_policy(core: Core, jwt_secret: &crate::config::Secret, keyring: Keyring, policy: AuthPolicy) -> Self {
        Self::with_uploads(core, jwt_secret, keyring, policy, Uploads::default())
    }

    /// [`AppState::with_policy`] keeping attachments in `uploads` (by default: in memory).
    pub fn with_uploads(
        core: Core,
        jwt_secret: &crate::config::Secret,
        keyring: Keyring,
        policy: AuthPolicy,
        uploads: Uploads,
    ) -> Self {
        // The default settings always parse: no allow list, a well-formed Ollama URL.
        let ai = Arc::new(Providers::new(AiSettings::default(), keyring.clone()).expect("the default AI settings"));
        Self::with_ai(core, jwt_secret, keyring, policy, uploads, ai)
    }

    /// [`AppState::with_uploads`] calling AI providers with `ai`.
    pub fn with_ai(
        core: Core,
        jwt_secret: &crate::config::Secret,
        keyring: Keyring,
        policy: AuthPolicy,
        uploads: Uploads,
        ai: Arc<Providers>,
    ) -> Self {
        let ceremony_ai =
            crate::routes::ceremonies::ai::CeremonyAi::wired(ai.clone(), crate::ai::wiring::chain_source(&core.store));
        Self(Arc::new(Shared {
            sessions: Sessions::new(core.store.db()),
            core: Arc::new(core),
            tokens: TokenKeys::new(jwt_secret),
            successors: Successors::new(jwt_secret),
            limiter: LoginLimiter::new(policy.login),
            email_checks: AddressLimit::new(policy.email_checks),
            policy,
            metrics: Metrics::default(),
            keyring,
            uploads,
            ai,
            ceremony_ai,
        }))
    }
}
