//! The one place the providers plug into the workflow engine: the same [`Providers`] for
//! `joan serve` (its queries and its in-process workers) and `joan worker`, and users' chains
//! read from their providers and settings.
use std::sync::Arc;

use async_trait::async_trait;
use joan_commands::EventStore;

use crate::ai::chain::StoredChains;
use crate::ai::providers::{AiSettings, Providers};
use crate::ai::{AiFailure, ChainSource, ChatRequest, Completion, FailureClass, Llm, ProviderSpec};
use crate::crypto::Keyring;
use crate::error::AppError;

/// The providers every completion goes through; `keyring` opens the sealed keys of a chain
/// at the moment of a call (`joan serve`'s in-process workers and `joan worker` alike).
pub fn providers(settings: AiSettings, keyring: &Keyring) -> Result<Arc<Providers>, AppError> {
    Providers::new(settings, keyring.clone())
        .map(Arc::new)
        .map_err(AppError::Config)
}

/// A model that refuses every call with `no_provider` (`Core::open` without providers).
pub fn unconfigured() -> Arc<dyn Llm> {
    Arc::new(Unconfigured)
}

/// Where a user's provider chain is read (their providers and settings, in `store`'s tables).
pub fn chain_source(store: &EventStore) -> Arc<dyn ChainSource> {
    Arc::new(StoredChains::new(store.db().clone()))
}

/// No providers at all (a core opened by the command line's other tools).
struct Unconfigured;

#[async_trait]
impl Llm for Unconfigured {
    async fn complete(&self, _: &[ProviderSpec], _: &ChatRequest) -> Result<Completion, AiFailure> {
        Err(AiFailure {
            class: FailureClass::NoProvider,
            message: "no AI provider is configured".into(),
            attempts: 0,
            provider_id: None,
        })
    }
}
