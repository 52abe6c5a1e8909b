//! `joan bench replay`: fills the log (if short) with task commands or with a mix of every
//! domain sent through the router, then rebuilds every projection and prints the speed.
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use joan_commands::StoreOptions;
use joan_projections::rebuild::rebuild;

use crate::config::{Secret, StorageArgs};
use crate::core::Core;
use crate::crypto::Keyring;
use crate::error::AppError;
use crate::http::state::AppState;
use crate::http::{HttpOptions, router};
use crate::workload::Workload;

#[derive(Debug, Args)]
pub struct ReplayBenchArgs {
    /// Events in the log before the rebuild.
    #[arg(long, default_value_t = 1_000_000)]
    pub events: i64,
    /// What fills the log.
    #[arg(long, value_enum, default_value_t = Mix::All)]
    pub mix: Mix,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Mix {
    /// Task commands (create, retitle, start, complete).
    Tasks,
    /// Requests over every domain, through the router ([`Workload`]).
    All,
}

/// Concurrent actors filling the log (commits group their appends).
const WRITERS: u64 = 32;

pub async fn run(storage: &StorageArgs, args: ReplayBenchArgs) -> Result<(), AppError> {
    let core = Core::open(&storage.location(), StoreOptions::default()).await?;
    let have = core.store.count_events().await?;
    let core = if have >= args.events {
        Arc::new(core)
    } else {
        match args.mix {
            Mix::Tasks => {
                let core = Arc::new(core);
                super::bench::fill_log(&core, args.events - have).await?;
                core
            }
            Mix::All => fill_with_every_domain(core, have, args.events).await?,
        }
    };
    let total = core.store.count_events().await?;
    let kinds: Vec<(String, i64)> = core
        .store
        .db()
        .fetch_all(
            "select aggregate_type, count(*) from events group by aggregate_type order by 2 desc",
            &[],
        )
        .await
        .map_err(joan_commands::StoreError::from)?;
    let kinds: Vec<String> = kinds.iter().map(|(kind, n)| format!("{kind} {n}")).collect();
    println!("log: {total} events ({})", kinds.join(", "));
    let report = rebuild(&core.store, core.projections.all(), &()).await?;
    println!(
        "replay: {} events ({} projections) in {:.2} s = {:.0} events/s (swap {:.2} s)",
        report.events,
        report.projections.len(),
        report.elapsed.as_secs_f64(),
        report.events_per_second(),
        report.swap.as_secs_f64()
    );
    let spent: Vec<String> = report
        .spent
        .iter()
        .map(|(name, took)| format!("{name} {:.2} s", took.as_secs_f64()))
        .collect();
    println!("applying, per projection: {}", spent.join(", "));
    if let Ok(core) = Arc::try_unwrap(core) {
        core.close().await;
    }
    Ok(())
}

/// Runs [`Workload`] actors until the log holds `events`, with a progress bar; the core back.
async fn fill_with_every_domain(core: Core, have: i64, events: i64) -> Result<Arc<Core>, AppError> {
    let state = AppState::new(
        core,
        &Secret::new(uuid::Uuid::new_v4().to_string()),
        Keyring::from_bytes(&rand::random()),
    );
    let app = router(state.clone(), &HttpOptions::default());
    let store = state.core.store.clone();
    let target = u64::try_from(events).unwrap_or(0);
    let (have, start) = (u64::try_from(have).unwrap_or(0), store.appended_events());
    let filled = move |store: &joan_commands::EventStore| have + store.appended_events() - start;
    let bar = ProgressBar::new(target).with_style(
        ProgressStyle::with_template("filling the log {wide_bar} {pos}/{len} events ({per_sec}, eta {eta})")
            .map_err(|e| AppError::Config(e.to_string()))?,
    );
    let mut actors = Vec::new();
    for seed in 0..WRITERS {
        let (app, state, store) = (app.clone(), state.clone(), store.clone());
        actors.push(tokio::spawn(async move {
            let failed = |e: crate::workload::WorkloadError| AppError::Config(e.to_string());
            let mut workload = Workload::start(app, &state, 2, seed).await.map_err(failed)?;
            while filled(&store) < target {
                workload.run(200).await.map_err(failed)?;
            }
            Ok::<(), AppError>(())
        }));
    }
    let ticker = tokio::spawn({
        let (bar, store) = (bar.clone(), store.clone());
        async move {
            loop {
                bar.set_position(filled(&store));
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    });
    let finished = futures::future::try_join_all(actors).await;
    ticker.abort();
    bar.finish_and_clear();
    for result in finished.map_err(|e| AppError::Config(e.to_string()))? {
        result?;
    }
    Ok(state.core.clone())
}
