//! `joan worker`: runs AI steps from NATS JetStream. No database: it needs the queue and the
//! key that opens the users' sealed API keys (`JOAN_ENCRYPTION_KEY`, the one `joan serve` seals
//! with).
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::ai::Llm;
use crate::ai::queue::nats::{self, Nats, NatsArgs};
use crate::config::Secret;
use crate::crypto::Keyring;
use crate::error::AppError;

#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub nats: NatsArgs,
    #[command(flatten)]
    pub ai: crate::config::AiArgs,
    /// The key `joan serve` seals users' API keys with (64 hex digits or base64 of 32 bytes).
    #[arg(long, env = "JOAN_ENCRYPTION_KEY", hide_env_values = true)]
    pub encryption_key: Option<Secret>,
    #[arg(
        long,
        env = "JOAN_ENCRYPTION_OLD_KEYS",
        hide_env_values = true,
        value_delimiter = ','
    )]
    pub encryption_old_keys: Vec<Secret>,
    /// Tests and benchmarks only: answer every step with a fake model after this delay.
    #[arg(long, hide = true)]
    pub fake_llm_delay_ms: Option<u64>,
}

pub async fn run(args: WorkerArgs) -> Result<(), AppError> {
    let url = args
        .nats
        .nats_url
        .clone()
        .ok_or_else(|| AppError::Config("joan worker needs --nats-url or NATS_URL".into()))?;
    let key = args.encryption_key.as_ref().ok_or_else(|| {
        AppError::Config("joan worker needs JOAN_ENCRYPTION_KEY: the key joan serve seals API keys with".into())
    })?;
    let keyring = Keyring::new(key, &args.encryption_old_keys)
        .map_err(|e| AppError::Config(format!("JOAN_ENCRYPTION_KEY or JOAN_ENCRYPTION_OLD_KEYS: {e}")))?;
    let llm: Arc<dyn Llm> = match args.fake_llm_delay_ms {
        Some(ms) => Arc::new(crate::ai::fake::FakeLlm {
            delay: Duration::from_millis(ms),
        }),
        None => crate::ai::wiring::providers(args.ai.settings(), &keyring)?,
    };
    let queue = Nats::connect(&url, args.nats)
        .await
        .map_err(|e| AppError::Config(e.to_string()))?;
    tracing::info!(nats = %url, "joan worker is pulling AI steps");
    tokio::select! {
        result = nats::work(queue, llm) => result.map_err(|e| AppError::Config(e.to_string())),
        () = super::serve::shutdown_signal() => Ok(()),
    }
}
