//! Running one statement on a rusqlite connection: binding [`Arg`]s, decoding rows, and
//! errors as sqlx errors.
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Statement, ffi};
use serde::de::DeserializeOwned;

use crate::db::arg::Arg;

/// How long a statement waits for a lock another connection holds.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A failed SQLite statement, as a sqlx database error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SqliteError(#[source] rusqlite::Error);

impl SqliteError {
    fn extended_code(&self) -> Option<i32> {
        match &self.0 {
            rusqlite::Error::SqliteFailure(e, _) => Some(e.extended_code),
            _ => None,
        }
    }
}

impl sqlx::error::DatabaseError for SqliteError {
    fn message(&self) -> &str {
        match &self.0 {
            rusqlite::Error::SqliteFailure(_, Some(message)) => message,
            _ => "SQLite statement failed",
        }
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        self.extended_code().map(|c| Cow::Owned(c.to_string()))
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use sqlx::error::ErrorKind;
        match self.extended_code() {
            Some(ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY) => ErrorKind::UniqueViolation,
            Some(ffi::SQLITE_CONSTRAINT_FOREIGNKEY) => ErrorKind::ForeignKeyViolation,
            Some(ffi::SQLITE_CONSTRAINT_NOTNULL) => ErrorKind::NotNullViolation,
            Some(ffi::SQLITE_CONSTRAINT_CHECK) => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

pub(crate) fn database_error(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Database(Box::new(SqliteError(e)))
}

fn decode_error(e: serde_rusqlite::Error) -> sqlx::Error {
    match e {
        serde_rusqlite::Error::Rusqlite(e) => database_error(e),
        other => sqlx::Error::Decode(Box::new(other)),
    }
}

/// What is derived once per statement text and kept: reading it off the statement again
/// would allocate per column per query.
pub(crate) struct PerStatement<T: ?Sized>(Mutex<HashMap<String, Arc<T>>>);

impl<T: ?Sized> Default for PerStatement<T> {
    fn default() -> Self {
        Self(Mutex::default())
    }
}

impl<T: ?Sized> PerStatement<T> {
    /// What is kept for `sql`, made by `make` the first time (or when `fits` refuses it).
    pub(crate) fn of(&self, sql: &str, fits: impl Fn(&T) -> bool, make: impl FnOnce() -> Arc<T>) -> Arc<T> {
        let mut known = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(kept) = known.get(sql).filter(|kept| fits(kept)) {
            return kept.clone();
        }
        let made = make();
        // Statement texts are the program's own (list filters combine into a few dozen);
        // should that ever grow, forget them all rather than grow without bound.
        if known.len() >= 1024 {
            known.clear();
        }
        known.insert(sql.to_string(), made.clone());
        made
    }
}

/// Column names by statement text, which serde needs for every row.
pub(crate) type ColumnNames = PerStatement<[String]>;

/// Binds `args` to the statement's parameters: `$N` and `?N` take argument N (as sqlx binds
/// them), a bare `?` the next one.
pub(crate) fn bind(statement: &mut Statement<'_>, args: &[Arg<'_>]) -> Result<(), sqlx::Error> {
    for index in 1..=statement.parameter_count() {
        let n = statement
            .parameter_name(index)
            .and_then(|name| name.get(1..))
            .and_then(|digits| digits.parse::<usize>().ok())
            .unwrap_or(index);
        let arg = args
            .get(n.wrapping_sub(1))
            .ok_or_else(|| sqlx::Error::Protocol(format!("no argument for parameter {n}")))?;
        let bound = match *arg {
            Arg::Int(v) => statement.raw_bind_parameter(index, v),
            Arg::Real(v) => statement.raw_bind_parameter(index, v),
            Arg::Text(v) => statement.raw_bind_parameter(index, v),
            Arg::Blob(v) => statement.raw_bind_parameter(index, v),
        };
        bound.map_err(database_error)?;
    }
    Ok(())
}

/// At most `limit` rows of `sql`, decoded.
pub(crate) fn rows<T: DeserializeOwned>(
    conn: &Connection,
    columns: &ColumnNames,
    sql: &str,
    args: &[Arg<'_>],
    limit: usize,
) -> Result<Vec<T>, sqlx::Error> {
    let mut statement = conn.prepare_cached(sql).map_err(database_error)?;
    bind(&mut statement, args)?;
    let columns = columns.of(
        sql,
        |_| true,
        || serde_rusqlite::columns_from_statement(&statement).into(),
    );
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while out.len() < limit {
        let Some(row) = rows.next().map_err(database_error)? else {
            break;
        };
        out.push(serde_rusqlite::from_row_with_columns(row, &columns).map_err(decode_error)?);
    }
    Ok(out)
}

/// Runs `sql` to its end, ignoring any rows it yields (pragmas answer with one); returns the
/// rows it changed.
pub(crate) fn execute(conn: &Connection, sql: &str, args: &[Arg<'_>]) -> Result<u64, sqlx::Error> {
    let mut statement = conn.prepare_cached(sql).map_err(database_error)?;
    bind(&mut statement, args)?;
    let mut rows = statement.raw_query();
    while rows.next().map_err(database_error)?.is_some() {}
    drop(rows);
    Ok(conn.changes())
}

/// Opens `path` with `flags` and `pragmas` (a `;`-separated batch), statement cache ready.
pub(crate) fn open(path: &Path, flags: OpenFlags, pragmas: &str) -> Result<Connection, sqlx::Error> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(database_error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(database_error)?;
    conn.set_prepared_statement_cache_capacity(256);
    conn.execute_batch(pragmas).map_err(database_error)?;
    joan_sqlite_rank::register(&conn).map_err(database_error)?;
    Ok(conn)
}
