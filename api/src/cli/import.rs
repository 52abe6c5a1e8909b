//! `joan import legacy` and `joan import fixture`: take in a FastAPI system's database, or
//! write one to try it on. A progress bar per table, then the summary on standard output.
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use joan_commands::StoreOptions;

use crate::config::{Secret, StorageArgs, UploadArgs, stored_secret};
use crate::core::Core;
use crate::crypto::Keyring;
use crate::error::AppError;
use crate::import::{self, ImportOptions, Progress};
use crate::uploads::Uploads;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Take in a SQLite database of the FastAPI system (idempotent: a second run adds nothing).
    Legacy(LegacyArgs),
    /// Write a legacy database with edge cases (Unicode, NULLs, bad rows) to try an import on.
    Fixture(FixtureArgs),
}

#[derive(Debug, Args)]
pub struct LegacyArgs {
    /// The old system's SQLite file.
    pub path: PathBuf,
    /// The old system's attachments folder: each row's file (by its `storage_key`) is put
    /// into the object store below. Without it, attachment rows are reported as skipped.
    #[arg(long)]
    pub attachments: Option<PathBuf>,
    /// Check every row and report, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The key `joan serve` seals users' LLM API keys with (default: the one kept in the data
    /// dir): the old settings' keys are sealed with it.
    #[arg(long, env = "JOAN_ENCRYPTION_KEY", hide_env_values = true)]
    pub encryption_key: Option<Secret>,
    /// Where attachment files go (the same settings as `joan serve`).
    #[command(flatten)]
    pub upload: UploadArgs,
}

#[derive(Debug, Args)]
pub struct FixtureArgs {
    /// Where to write the database (replaced if it exists).
    #[arg(long)]
    pub out: PathBuf,
    /// Good tasks to write.
    #[arg(long, default_value_t = 300)]
    pub tasks: usize,
}

/// A bar per table, on standard error.
pub struct Bars(Mutex<Option<ProgressBar>>);

impl Bars {
    pub fn new() -> Self {
        Self(Mutex::new(None))
    }

    fn current(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for Bars {
    fn table(&self, table: &str, rows: u64) {
        let style =
            ProgressStyle::with_template("{prefix:>24} [{elapsed_precise}] {wide_bar} {pos}/{len} rows ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::new(rows).with_style(style).with_prefix(table.to_string());
        *self.current() = Some(bar);
    }

    fn advance(&self, rows: u64) {
        if let Some(bar) = self.current().as_ref() {
            bar.inc(rows);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.current().take() {
            bar.finish();
        }
    }
}

/// The keyring `joan serve` seals API keys with: `key`, or the one kept in the data dir.
pub(super) fn keyring(storage: &StorageArgs, key: Option<Secret>) -> Result<Keyring, AppError> {
    let key = match key {
        Some(key) => key,
        None => stored_secret(&storage.data_dir, "encryption_key")?,
    };
    Keyring::new(&key, &[]).map_err(|e| AppError::Config(format!("JOAN_ENCRYPTION_KEY: {e}")))
}

pub async fn run(storage: &StorageArgs, cmd: ImportCommand) -> Result<(), AppError> {
    match cmd {
        ImportCommand::Fixture(args) => {
            let fixture = tokio::task::spawn_blocking(move || import::fixture::write(&args.out, args.tasks))
                .await
                .map_err(|e| AppError::Config(e.to_string()))??;
            tracing::info!(
                users = fixture.good_users,
                tasks = fixture.good_tasks,
                activities = fixture.good_activities,
                bad = fixture.bad.len(),
                "legacy fixture written"
            );
            Ok(())
        }
        ImportCommand::Legacy(args) => {
            let keyring = keyring(storage, args.encryption_key)?;
            let core = Core::open(&storage.location(), StoreOptions::default()).await?;
            // A dry run reads the files but opens no store (it writes nothing).
            let uploads = match &args.attachments {
                Some(_) if !args.dry_run => Some(Uploads::open(&args.upload, &storage.data_dir)?),
                _ => None,
            };
            let options = ImportOptions {
                dry_run: args.dry_run,
                attachments: args.attachments,
                uploads,
                keyring: Some(keyring),
            };
            let report = import::import_legacy(&core.store, &args.path, &options, &Bars::new()).await;
            core.close().await;
            let report = report?;
            // The summary is the command's answer, for people and scripts alike.
            writeln!(std::io::stdout().lock(), "{report}")?;
            Ok(())
        }
    }
}
