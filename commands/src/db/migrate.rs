//! The schema: the embedded migrations applied to a live database or to a scratch file.
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

use super::connect::{pg_writer, sqlite_migrator};
use super::location::{Location, remove_sqlite_files};
use super::sqlite::conn::SqliteConn;
use crate::error::StoreError;

/// Applies the embedded migrations of the backend at `location`.
pub async fn migrate(location: &Location) -> Result<(), StoreError> {
    match location {
        Location::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            }
            let mut conn = sqlite_migrator(path).await?;
            sqlx::migrate!("../migrations/sqlite").run(&mut conn).await?;
            conn.close().await?;
        }
        Location::Postgres(url) => {
            let mut conn = pg_writer(url).await?;
            sqlx::migrate!("../migrations/postgres").run(&mut conn).await?;
            conn.close().await?;
        }
    }
    Ok(())
}

/// A throwaway SQLite file with every table, for rebuilding projections beside the live ones.
/// Durability is off: if the process dies the file is simply rebuilt.
pub async fn sqlite_scratch(path: &std::path::Path) -> Result<SqliteConn, StoreError> {
    remove_sqlite_files(path).map_err(sqlx::Error::Io)?;
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Off)
        .synchronous(SqliteSynchronous::Off)
        .log_statements(tracing::log::LevelFilter::Trace)
        .connect()
        .await?;
    sqlx::migrate!("../migrations/sqlite").run(&mut conn).await?;
    conn.close().await?;
    Ok(SqliteConn::scratch(path)?)
}
