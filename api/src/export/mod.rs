//! `joan export`: Joan's data handed to Cloudflare: the read tables as a D1 database
//! (`joan export d1`) and the attachments' objects to an R2 bucket (`joan export r2`).
use std::path::PathBuf;

use clap::{Args, Subcommand};
use joan_commands::db::Location;
use joan_commands::{EventStore, StoreOptions};
use thiserror::Error;

use crate::config::{Secret, StorageArgs, UploadArgs};
use crate::uploads::{S3Settings, Uploads, s3_store};

pub mod d1;
pub mod r2;
pub mod sql;
pub mod tables;

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write every read table as a SQL file for Cloudflare D1 (`wrangler d1 execute DB --file`).
    D1(D1Args),
    /// Copy every attachment's object to an S3-compatible bucket (Cloudflare R2).
    R2(Box<R2Args>),
}

#[derive(Debug, Clone, Args)]
pub struct D1Args {
    /// The SQL file to write (first as FILE.partial, renamed when complete).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct R2Args {
    /// The bucket's S3 endpoint (R2: `https://<account>.r2.cloudflarestorage.com`).
    #[arg(long, env = "JOAN_R2_ENDPOINT")]
    pub r2_endpoint: String,
    #[arg(long, env = "JOAN_R2_BUCKET")]
    pub r2_bucket: String,
    /// The region requests are signed for.
    #[arg(long, env = "JOAN_R2_REGION", default_value = "auto")]
    pub r2_region: String,
    #[arg(long, env = "JOAN_R2_ACCESS_KEY_ID", hide_env_values = true)]
    pub r2_access_key_id: Option<Secret>,
    #[arg(long, env = "JOAN_R2_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub r2_secret_access_key: Option<Secret>,
    /// Where the attachments are now (the same settings as `joan serve`).
    #[command(flatten)]
    pub source: UploadArgs,
}

#[derive(Debug, Error)]
pub enum ExportError {
    #[error("reading Joan's tables: {0}")]
    Database(#[from] sqlx::Error),
    #[error("a row that is not JSON: {0}")]
    Row(#[from] serde_json::Error),
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("{0} attachment objects are missing from the store (see the warnings above)")]
    Missing(u64),
    #[error(transparent)]
    Open(Box<crate::error::AppError>),
}

impl From<crate::error::AppError> for ExportError {
    fn from(e: crate::error::AppError) -> Self {
        ExportError::Open(Box::new(e))
    }
}

impl From<joan_commands::StoreError> for ExportError {
    fn from(e: joan_commands::StoreError) -> Self {
        ExportError::Open(Box::new(e.into()))
    }
}

pub async fn run(storage: &StorageArgs, command: ExportCommand) -> Result<(), ExportError> {
    let location = storage.location();
    let store = open(&location).await?;
    let db = store.db();
    match command {
        ExportCommand::D1(args) => {
            let summary = d1::export(db, &args.out).await?;
            let rows: u64 = summary.tables.iter().map(|t| t.1).sum();
            tracing::info!(
                file = %args.out.display(),
                tables = summary.tables.len(),
                rows,
                left_out = summary.left_out,
                bytes = summary.bytes,
                "D1 export written"
            );
        }
        ExportCommand::R2(args) => {
            let source = Uploads::open(&args.source, &storage.data_dir)?;
            let target = s3_store(&S3Settings {
                endpoint: Some(&args.r2_endpoint),
                bucket: &args.r2_bucket,
                region: &args.r2_region,
                access_key_id: args.r2_access_key_id.as_ref(),
                secret_access_key: args.r2_secret_access_key.as_ref(),
            })?;
            let copied = r2::copy(db, source.store.as_ref(), &target).await?;
            if copied.missing > 0 {
                return Err(ExportError::Missing(copied.missing));
            }
        }
    }
    Ok(())
}

/// The store at `location` (migrated first), for reading: nothing is appended.
async fn open(location: &Location) -> Result<EventStore, ExportError> {
    joan_commands::db::migrate(location).await?;
    Ok(EventStore::open(location, StoreOptions::default(), Vec::new()).await?)
}
