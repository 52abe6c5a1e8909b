//! `joan replay`: rebuild one projection or all, with a progress bar and a summary line.
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use joan_commands::StoreOptions;
use joan_projections::rebuild::{Progress, rebuild};

use crate::config::StorageArgs;
use crate::core::Core;
use crate::error::AppError;

#[derive(Debug, Clone, Args)]
pub struct ReplayArgs {
    /// Rebuild only this projection (default: all).
    #[arg(long)]
    pub projection: Option<String>,
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn advance(&self, done: u64, total: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
    }
}

pub async fn run(storage: &StorageArgs, args: ReplayArgs) -> Result<(), AppError> {
    let core = Core::open(&storage.location(), StoreOptions::default()).await?;
    let selected = match &args.projection {
        Some(name) => vec![core.projections.find(name)?],
        None => core.projections.all().to_vec(),
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} events ({per_sec}, eta {eta})",
        )
        .map_err(|e| AppError::Config(e.to_string()))?,
    );
    let report = rebuild(&core.store, &selected, &Bar(bar.clone())).await;
    bar.finish_and_clear();
    let report = report?;
    println!(
        "replayed {}: {} events in {:.2} s ({:.0} events/s; swapping in took {:.2} s)",
        report.projections.join(", "),
        report.events,
        report.elapsed.as_secs_f64(),
        report.events_per_second(),
        report.swap.as_secs_f64()
    );
    core.close().await;
    Ok(())
}
