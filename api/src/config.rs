//! Configuration shared by every subcommand, parsed once from flags and `JOAN_*` variables.
use std::path::PathBuf;

use clap::Args;
use joan_commands::db::Location;

#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Directory for the SQLite file, attachments and generated secrets.
    #[arg(long, env = "JOAN_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// `postgres://...` for PostgreSQL; default: SQLite at `<data-dir>/joan.db`.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

impl StorageArgs {
    pub fn location(&self) -> Location {
        match &self.database_url {
            Some(url) => Location::parse(url),
            None => Location::Sqlite(self.data_dir.join("joan.db")),
        }
    }
}
