//! `joan bench import`: writes a legacy fixture of `--tasks` tasks with their activities,
//! imports it into the configured database and prints the rows per second.
use std::time::Instant;

use clap::Args;
use joan_commands::StoreOptions;

use crate::config::StorageArgs;
use crate::core::Core;
use crate::error::AppError;
use crate::import::{self, ImportOptions};

#[derive(Debug, Args)]
pub struct ImportBenchArgs {
    /// Good tasks in the legacy database (with about 1.5 activities each).
    #[arg(long, default_value_t = 100_000)]
    pub tasks: usize,
}

pub async fn run(storage: &StorageArgs, args: ImportBenchArgs) -> Result<(), AppError> {
    let path = storage.data_dir.join("legacy-bench.db");
    let started = Instant::now();
    let out = path.clone();
    let fixture = tokio::task::spawn_blocking(move || import::fixture::write(&out, args.tasks))
        .await
        .map_err(|e| AppError::Config(e.to_string()))??;
    println!(
        "legacy database: {} users, {} tasks, {} activities (+{} bad rows), written in {:.2} s",
        fixture.good_users,
        fixture.good_tasks,
        fixture.good_activities,
        fixture.bad.len(),
        started.elapsed().as_secs_f64()
    );
    let options = ImportOptions {
        keyring: Some(super::import::keyring(storage, None)?),
        ..ImportOptions::default()
    };
    let core = Core::open(&storage.location(), StoreOptions::default()).await?;
    let report = import::import_legacy(&core.store, &path, &options, &()).await;
    core.close().await;
    let report = report?;
    for t in &report.tables {
        println!(
            "{}: {} imported, {} already, {} skipped",
            t.table,
            t.imported,
            t.already,
            t.bad.len()
        );
    }
    println!(
        "import: {} rows in {:.2} s = {:.0} rows/s",
        report.imported(),
        report.elapsed.as_secs_f64(),
        report.rows_per_second()
    );
    let _ = std::fs::remove_file(&path);
    Ok(())
}
