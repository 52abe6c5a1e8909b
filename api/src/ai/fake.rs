//! A stand-in model for tests and benchmarks (`joan worker --fake-llm-delay-ms`, hidden): it
//! answers after a fixed delay, a JSON list of one task named after the prompt when JSON is
//! asked, else the prompt echoed. It calls nothing and needs no key.
use std::time::Duration;

use async_trait::async_trait;
use uuid::Uuid;

use crate::ai::{AiFailure, ChatRequest, Completion, Llm, ProviderKind, ProviderSpec};

pub struct FakeLlm {
    pub delay: Duration,
}

#[async_trait]
impl Llm for FakeLlm {
    async fn complete(&self, _: &[ProviderSpec], request: &ChatRequest) -> Result<Completion, AiFailure> {
        // A zero sleep still waits for the timer's next millisecond tick.
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        let title: String = request.prompt.chars().take(200).collect();
        let json = request.json.then(|| serde_json::json!([{ "title": title }]));
        Ok(Completion {
            text: json.as_ref().map_or_else(|| request.prompt.clone(), |j| j.to_string()),
            json,
            provider_id: Uuid::nil(),
            provider_kind: ProviderKind::OpenaiCompatible,
            model: "fake".into(),
            tokens_in: 1,
            tokens_out: 1,
            latency_ms: u64::try_from(self.delay.as_millis()).unwrap_or(u64::MAX),
            cost_micro_usd: 0,
            attempts: 1,
        })
    }
}
