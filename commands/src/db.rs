//! Portable SQL over SQLite and PostgreSQL.
//!
//! Read tables keep D1's shapes on both backends, so projector and query SQL is written once
//! with `$1`-style placeholders (SQLite accepts them too) and bound through [`Arg`].
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, FromRow, PgConnection, SqliteConnection};

use futures::future::BoxFuture;
use serde::de::DeserializeOwned;

use crate::error::StoreError;
use crate::readers::Readers;
use crate::sqlite_conn::SqliteConn;
use crate::sqlite_read::SqliteReaders;

/// One bound value. Typed nulls keep PostgreSQL's parameter types right.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<&'a str>),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(v: &'a str) -> Self {
        Arg::Text(Some(v))
    }
}
impl<'a> From<&'a String> for Arg<'a> {
    fn from(v: &'a String) -> Self {
        Arg::Text(Some(v.as_str()))
    }
}
impl<'a> From<Option<&'a str>> for Arg<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Arg::Text(v)
    }
}
impl<'a> From<&'a Option<String>> for Arg<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Arg::Text(v.as_deref())
    }
}
impl From<i64> for Arg<'_> {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg<'_> {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<bool> for Arg<'_> {
    fn from(v: bool) -> Self {
        Arg::Int(Some(i64::from(v)))
    }
}
impl From<f64> for Arg<'_> {
    fn from(v: f64) -> Self {
        Arg::Real(Some(v))
    }
}

/// `args![a, b, c]` builds a `[Arg; N]` from anything convertible.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => { [$($crate::db::Arg::from($v)),*] };
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for arg in $args {
            q = match *arg {
                Arg::Int(v) => q.bind(v),
                Arg::Real(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
            };
        }
        q
    }};
}

/// A row type readable from both backends: through sqlx on PostgreSQL, through its
/// `Deserialize` impl on SQLite (see [`crate::sqlite_conn`]).
pub trait Row: for<'r> FromRow<'r, PgRow> + DeserializeOwned + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, PgRow> + DeserializeOwned + Send + Unpin {}

/// A connection (usually inside a transaction) lent to a projector or query.
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConn),
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Conn::Postgres(_))
    }

    /// Starts a write transaction (SQLite takes the write lock at once).
    pub async fn begin(&mut self) -> Result<(), sqlx::Error> {
        let sql = if self.is_postgres() { "begin" } else { "begin immediate" };
        self.raw(sql).await
    }

    pub async fn commit(&mut self) -> Result<(), sqlx::Error> {
        self.raw("commit").await
    }

    pub async fn rollback(&mut self) -> Result<(), sqlx::Error> {
        self.raw("rollback").await
    }

    pub fn execute<'a>(&'a mut self, sql: &'a str, args: &'a [Arg<'a>]) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        Box::pin(async move {
            Ok(match self {
                Conn::Sqlite(c) => c.execute(sql, args)?,
                Conn::Postgres(c) => bind_all!(sqlx::query(sql), args)
                    .execute(&mut **c)
                    .await?
                    .rows_affected(),
            })
        })
    }

    pub fn fetch_optional<'a, T: Row>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Option<T>, sqlx::Error>> {
        Box::pin(async move {
            match self {
                Conn::Sqlite(c) => Ok(c.rows(sql, args, 1)?.pop()),
                Conn::Postgres(c) => bind_all!(sqlx::query_as(sql), args).fetch_optional(&mut **c).await,
            }
        })
    }

    pub fn fetch_all<'a, T: Row>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Vec<T>, sqlx::Error>> {
        Box::pin(async move {
            match self {
                Conn::Sqlite(c) => c.rows(sql, args, usize::MAX),
                Conn::Postgres(c) => bind_all!(sqlx::query_as(sql), args).fetch_all(&mut **c).await,
            }
        })
    }

    /// Runs a statement with no parameters (transaction control, savepoints).
    pub fn raw<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<(), sqlx::Error>> {
        Box::pin(async move {
            match self {
                Conn::Sqlite(c) => c.execute(sql, &[]).map(drop),
                Conn::Postgres(c) => sqlx::query(sql).execute(&mut **c).await.map(drop),
            }
        })
    }
}

/// What both a lent connection ([`Conn`], usually in a transaction) and the read pool
/// ([`Database`]) can run, so a query is written once and called from either: a handler reads
/// through `&mut &Database`, a projector or an idempotent replay through its `Conn`.
pub trait Executor: Send {
    fn execute<'a>(&'a mut self, sql: &'a str, args: &'a [Arg<'a>]) -> BoxFuture<'a, Result<u64, sqlx::Error>>;

    fn fetch_optional<'a, T: Row>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Option<T>, sqlx::Error>>;

    fn fetch_all<'a, T: Row>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Vec<T>, sqlx::Error>>;

    /// The single `i64` of a one-row, one-column result (a count).
    fn fetch_scalar_i64<'a>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<i64, sqlx::Error>> {
        Box::pin(async move {
            let row: Option<(i64,)> = self.fetch_optional(sql, args).await?;
            row.map(|(v,)| v).ok_or(sqlx::Error::RowNotFound)
        })
    }
}

impl Executor for Conn<'_> {
    fn execute<'a>(&'a mut self, sql: &'a str, args: &'a [Arg<'a>]) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        Conn::execute(self, sql, args)
    }

    fn fetch_optional<'a, T: Row>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Option<T>, sqlx::Error>> {
        Conn::fetch_optional(self, sql, args)
    }

    fn fetch_all<'a, T: Row>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Vec<T>, sqlx::Error>> {
        Conn::fetch_all(self, sql, args)
    }
}

impl Executor for &Database {
    fn execute<'a>(&'a mut self, sql: &'a str, args: &'a [Arg<'a>]) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        Database::execute(self, sql, args)
    }

    fn fetch_optional<'a, T: Row>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Option<T>, sqlx::Error>> {
        Database::fetch_optional(self, sql, args)
    }

    fn fetch_all<'a, T: Row>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Vec<T>, sqlx::Error>> {
        Database::fetch_all(self, sql, args)
    }

    fn fetch_scalar_i64<'a>(
        &'a mut self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<i64, sqlx::Error>> {
        Database::fetch_scalar_i64(self, sql, args)
    }
}

/// The read connections of either backend.
#[derive(Clone, Debug)]
pub enum Database {
    Sqlite(Arc<SqliteReaders>),
    Postgres(Arc<Readers<PgConnection>>),
}

/// Runs `$query` (an expression over `$conn`, a lent connection) on `$readers`, once more on a
/// new connection when a reused one had gone away.
macro_rules! read {
    ($readers:expr, |$conn:ident| $query:expr) => {{
        let mut retried = false;
        loop {
            let mut lease = $readers.lease().await?;
            let $conn = lease.conn();
            let result = $query.await;
            if lease.finish(&result, retried) {
                retried = true;
                continue;
            }
            break result;
        }
    }};
}

impl Database {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Database::Postgres(_))
    }

    pub fn execute<'a>(&'a self, sql: &'a str, args: &'a [Arg<'a>]) -> BoxFuture<'a, Result<u64, sqlx::Error>> {
        Box::pin(async move {
            Ok(match self {
                Database::Sqlite(r) => r.execute(sql, args)?,
                Database::Postgres(r) => {
                    read!(r, |c| bind_all!(sqlx::query(sql), args).execute(&mut *c))?.rows_affected()
                }
            })
        })
    }

    pub fn fetch_optional<'a, T: Row>(
        &'a self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Option<T>, sqlx::Error>> {
        Box::pin(async move {
            match self {
                Database::Sqlite(r) => r.fetch_optional(sql, args),
                Database::Postgres(r) => read!(r, |c| bind_all!(sqlx::query_as(sql), args).fetch_optional(&mut *c)),
            }
        })
    }

    pub fn fetch_all<'a, T: Row>(
        &'a self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Vec<T>, sqlx::Error>> {
        Box::pin(async move {
            match self {
                Database::Sqlite(r) => r.fetch_all(sql, args),
                Database::Postgres(r) => read!(r, |c| bind_all!(sqlx::query_as(sql), args).fetch_all(&mut *c)),
            }
        })
    }

    pub fn fetch_scalar_i64<'a>(
        &'a self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<i64, sqlx::Error>> {
        Box::pin(async move {
            let (v,): (i64,) = match self {
                Database::Sqlite(r) => r.fetch_optional(sql, args)?.ok_or(sqlx::Error::RowNotFound)?,
                Database::Postgres(r) => read!(r, |c| bind_all!(sqlx::query_as(sql), args).fetch_one(&mut *c))?,
            };
            Ok(v)
        })
    }

    pub async fn close(&self) {
        match self {
            Database::Sqlite(r) => r.close(),
            Database::Postgres(r) => r.close().await,
        }
    }
}

/// Where the data lives: a SQLite file (the embedded default) or a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Location {
    pub fn parse(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Location::Postgres(url.to_string())
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            Location::Sqlite(path.into())
        }
    }
}

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

pub(crate) fn sqlite_readers(path: &std::path::Path, size: u32) -> Result<Database, StoreError> {
    Ok(Database::Sqlite(Arc::new(SqliteReaders::open(path, size)?)))
}

pub(crate) fn pg_options(url: &str) -> Result<PgConnectOptions, StoreError> {
    Ok(PgConnectOptions::from_str(url)?.log_statements(tracing::log::LevelFilter::Trace))
}

pub(crate) async fn pg_writer(url: &str) -> Result<PgConnection, StoreError> {
    Ok(PgConnection::connect_with(&pg_options(url)?.application_name("joan writer")).await?)
}

pub(crate) async fn pg_readers(url: &str, size: u32) -> Result<Database, StoreError> {
    let options = pg_options(url)?.application_name("joan reader");
    let connect = Box::new(move || {
        let options = options.clone();
        Box::pin(async move { PgConnection::connect_with(&options).await }) as BoxFuture<'static, _>
    });
    Ok(Database::Postgres(Arc::new(Readers::open(size, connect).await?)))
}

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

/// Removes a SQLite file and its journal, WAL and shared-memory files; missing ones are fine.
pub fn remove_sqlite_files(path: &std::path::Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
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
