//! The `joan` command line.
use clap::{Parser, Subcommand};

use crate::config::{ServeArgs, StorageArgs};
use crate::error::AppError;

mod bench;
mod bench_ai;
mod bench_import;
mod bench_notes;
mod bench_replay;
mod bench_sse;
mod import;
mod openapi;
mod replay;
mod serve;
mod worker;

#[derive(Debug, Parser)]
#[command(name = "joan", version, about = "Joan: an event-sourced productivity backend")]
pub struct Cli {
    #[command(flatten)]
    pub storage: StorageArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (applies migrations first). Boxed: its settings outweigh the others'.
    Serve(Box<ServeArgs>),
    /// Apply migrations and exit.
    Migrate,
    /// Rebuild projections from the event log.
    Replay(replay::ReplayArgs),
    /// Measure the command path and replay speed (prints figures; not a test).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Take in data of the FastAPI system Joan replaces.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Run AI workflow steps from NATS JetStream (no database; needs JOAN_ENCRYPTION_KEY).
    Worker(Box<worker::WorkerArgs>),
    /// Hand the data to Cloudflare: the read tables to D1, the attachments to R2.
    #[command(subcommand)]
    Export(crate::export::ExportCommand),
    /// Print the OpenAPI document (JSON) and exit.
    Openapi,
}

impl Cli {
    pub async fn run(self) -> Result<(), AppError> {
        let command = match self.command {
            // A worker keeps nothing on disk.
            Command::Worker(args) => return worker::run(*args).await,
            Command::Openapi => return openapi::run(),
            other => other,
        };
        crate::data_dir::prepare(&self.storage.data_dir)?;
        match command {
            Command::Serve(args) => serve::run(&self.storage, *args).await,
            Command::Migrate => {
                joan_commands::db::migrate(&self.storage.location()).await?;
                Ok(())
            }
            Command::Replay(args) => replay::run(&self.storage, args).await,
            Command::Bench(cmd) => bench::run(&self.storage, cmd).await,
            Command::Import(cmd) => import::run(&self.storage, cmd).await,
            Command::Worker(args) => worker::run(*args).await,
            Command::Export(cmd) => Ok(crate::export::run(&self.storage, cmd).await?),
            Command::Openapi => openapi::run(),
        }
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default: info for Joan, warn elsewhere); coloured
/// only on a terminal.
pub fn init_tracing() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,joan=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
