//! The one place the real providers plug in. Until `ai::providers` lands, steps fail with a
//! clear `no_provider` error instead of hanging.
use std::sync::Arc;

use async_trait::async_trait;
use joan_commands::EventStore;
use joan_domain::UserId;

use crate::ai::{AiFailure, ChainSource, ChatRequest, Completion, FailureClass, Llm, ProviderSpec};
use crate::crypto::Keyring;
use crate::http::error::ApiError;

/// The providers every completion goes through; `keyring` opens the sealed keys of a chain
/// at the moment of a call (`joan serve`'s in-process workers and `joan worker` alike).
pub fn llm(keyring: &Keyring) -> Arc<dyn Llm> {
    let _ = keyring;
    unconfigured()
}

/// A model that refuses every call with `no_provider` (`Core::open` without providers).
pub fn unconfigured() -> Arc<dyn Llm> {
    Arc::new(Unconfigured)
}

/// Where a user's provider chain is read (their providers and settings, in `store`'s tables).
pub fn chain_source(store: &EventStore) -> Arc<dyn ChainSource> {
    let _ = store;
    Arc::new(Unconfigured)
}

/// No providers in this build.
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

#[async_trait]
impl ChainSource for Unconfigured {
    async fn chain(&self, _: UserId) -> Result<Vec<ProviderSpec>, ApiError> {
        Ok(Vec::new())
    }
}
