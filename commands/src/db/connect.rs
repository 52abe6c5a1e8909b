//! Opening connections: the options each backend is opened with, the write connection, the
//! read connections.
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, PgConnection, SqliteConnection};

use super::database::Database;
use super::pg_readers::Readers;
use super::sqlite::readers::SqliteReaders;
use crate::error::StoreError;

/// Options of the sqlx connections to a SQLite file (migrations, the WAL checkpointer).
pub(crate) fn sqlite_options(path: &std::path::Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true)
        .statement_cache_capacity(256)
        // Statement journals of multi-row inserts stay in memory, not in temp files.
        .pragma("temp_store", "memory")
        .log_statements(tracing::log::LevelFilter::Trace)
}

/// A sqlx connection for migrations (the writer and readers use rusqlite).
pub(crate) async fn sqlite_migrator(path: &std::path::Path) -> Result<SqliteConnection, StoreError> {
    Ok(sqlite_options(path).connect().await?)
}

/// The read connections to a SQLite file.
pub(crate) fn sqlite_readers(path: &std::path::Path, size: u32) -> Result<Database, StoreError> {
    Ok(Database::Sqlite(Arc::new(SqliteReaders::open(path, size)?)))
}

/// Options of every PostgreSQL connection; callers name theirs with `application_name`.
/// JIT compilation is off: Joan's statements are short, and JIT spent about 30 ms compiling
/// whenever a plan's estimated cost passed its threshold (counting a common word's matches
/// among a user's 100,000 notes took 330 ms with it, 300 without).
pub(crate) fn pg_options(url: &str) -> Result<PgConnectOptions, StoreError> {
    Ok(PgConnectOptions::from_str(url)?
        .options([("jit", "off")])
        .log_statements(tracing::log::LevelFilter::Trace))
}

/// PostgreSQL's write connection (also the one migrations run on).
pub(crate) async fn pg_writer(url: &str) -> Result<PgConnection, StoreError> {
    Ok(PgConnection::connect_with(&pg_options(url)?.application_name("joan writer")).await?)
}

/// PostgreSQL's read connections, at most `size`.
pub(crate) async fn pg_readers(url: &str, size: u32) -> Result<Database, StoreError> {
    let options = pg_options(url)?.application_name("joan reader");
    let connect = Box::new(move || {
        let options = options.clone();
        Box::pin(async move { PgConnection::connect_with(&options).await }) as BoxFuture<'static, _>
    });
    Ok(Database::Postgres(Arc::new(Readers::open(size, connect).await?)))
}
