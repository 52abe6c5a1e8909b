//! SQLite through rusqlite, on the calling thread: the statement helpers shared by the read
//! connections ([`crate::sqlite_read`]) and the write connection ([`SqliteConn`]).
//!
//! sqlx-sqlite runs each connection on a worker thread of its own and hands every statement
//! over through a channel: two thread switches per statement, which on one core cost more than
//! the statement. Embedded SQLite is meant to run where it is called; the writer has an OS
//! thread of its own for that (see [`crate::store`]), and reads run on the caller's thread
//! (in WAL mode a reader never waits for the writer). Rows become the same types as on
//! PostgreSQL through their `Deserialize` impls (by column name for structs, by position for
//! tuples); errors become sqlx errors, so both backends answer alike.
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Statement, ffi};
use serde::de::DeserializeOwned;

use crate::db::Arg;

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

/// Column names by statement text: serde needs them for every row, and reading them off the
/// statement allocates one string per column per query.
#[derive(Default)]
pub(crate) struct ColumnNames(Mutex<HashMap<String, Arc<[String]>>>);

impl ColumnNames {
    /// The column names of `statement` (whose text is `sql`), read once per text.
    fn of(&self, sql: &str, statement: &Statement<'_>) -> Arc<[String]> {
        let mut known = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(columns) = known.get(sql) {
            return columns.clone();
        }
        let columns: Arc<[String]> = serde_rusqlite::columns_from_statement(statement).into();
        // Statement texts are the program's own (list filters combine into a few dozen);
        // should that ever grow, forget them all rather than grow without bound.
        if known.len() >= 1024 {
            known.clear();
        }
        known.insert(sql.to_string(), columns.clone());
        columns
    }
}

/// Binds `args` to the statement's parameters: `$N` and `?N` take argument N (as sqlx binds
/// them), a bare `?` the next one.
fn bind(statement: &mut Statement<'_>, args: &[Arg<'_>]) -> Result<(), sqlx::Error> {
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
    let columns = columns.of(sql, &statement);
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

/// Rows rendered as one JSON array of objects, straight from SQLite's values.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPage {
    /// `[{"column": value, ...}, ...]`, keys in column order.
    pub json: String,
    /// The first column of the first row (not rendered): a total, say.
    pub lead: Option<i64>,
}

/// Every row of `sql` as a [`JsonPage`]: the first column is the page's `lead`, every other
/// one a key of the row's object. Integers and reals become numbers, text becomes strings,
/// and text columns named in `raw` hold JSON of the program's own making and are embedded as
/// they are. Writing the page here, into one buffer, costs a fraction of SQLite's
/// `json_object` per row (a string built and grown per row) and of decoding every field.
pub(crate) fn json_page(conn: &Connection, sql: &str, args: &[Arg<'_>], raw: &[&str]) -> Result<JsonPage, sqlx::Error> {
    use rusqlite::types::ValueRef;
    use std::fmt::Write;
    let mut statement = conn.prepare_cached(sql).map_err(database_error)?;
    bind(&mut statement, args)?;
    // Each key once, quoted and escaped, with whether its value is embedded as it is.
    let keys: Vec<(String, bool)> = statement
        .column_names()
        .iter()
        .skip(1)
        .map(|name| (json_string(name), raw.contains(name)))
        .collect();
    let mut rows = statement.raw_query();
    let mut page = JsonPage {
        json: String::from("["),
        lead: None,
    };
    let mut first = true;
    while let Some(row) = rows.next().map_err(database_error)? {
        if first {
            page.lead = row.get::<_, Option<i64>>(0).map_err(database_error)?;
            first = false;
        } else {
            page.json.push(',');
        }
        for (i, (key, embed)) in keys.iter().enumerate() {
            page.json.push(if i == 0 { '{' } else { ',' });
            page.json.push_str(key);
            page.json.push(':');
            match row.get_ref(i + 1).map_err(database_error)? {
                ValueRef::Null => page.json.push_str("null"),
                ValueRef::Integer(n) => {
                    let _ = write!(page.json, "{n}");
                }
                ValueRef::Real(x) if x.is_finite() => {
                    let _ = write!(page.json, "{x}");
                }
                ValueRef::Real(_) => page.json.push_str("null"),
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                    let text = String::from_utf8_lossy(bytes);
                    if *embed {
                        page.json.push_str(&text);
                    } else {
                        page.json.push_str(&json_string(&text));
                    }
                }
            }
        }
        if !keys.is_empty() {
            page.json.push('}');
        }
    }
    page.json.push(']');
    Ok(page)
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| String::from("\"\""))
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
    Ok(conn)
}

/// A connection owned by one thread: the writer's, or a rebuild's scratch file.
pub struct SqliteConn {
    conn: Connection,
    columns: ColumnNames,
}

impl std::fmt::Debug for SqliteConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteConn")
            .field("path", &self.conn.path())
            .finish_non_exhaustive()
    }
}

impl SqliteConn {
    /// The write connection of a live file: WAL, every commit fsynced. It leaves WAL
    /// checkpoints to the store's checkpointer (see [`crate::wal`]).
    pub(crate) fn writer(path: &Path, wal_keep_bytes: i64) -> Result<Self, sqlx::Error> {
        Self::open(
            path,
            &format!(
                "pragma journal_mode = wal; pragma synchronous = full; pragma foreign_keys = on; \
                 pragma temp_store = memory; pragma wal_autocheckpoint = 0; pragma cache_size = -16384; \
                 pragma journal_size_limit = {};",
                wal_keep_bytes
            ),
        )
    }

    /// A throwaway file (already migrated) written without a journal or fsync.
    pub(crate) fn scratch(path: &Path) -> Result<Self, sqlx::Error> {
        Self::open(
            path,
            "pragma journal_mode = off; pragma synchronous = off; pragma temp_store = memory;",
        )
    }

    fn open(path: &Path, pragmas: &str) -> Result<Self, sqlx::Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        Ok(Self {
            conn: open(path, flags, pragmas)?,
            columns: ColumnNames::default(),
        })
    }

    pub fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64, sqlx::Error> {
        execute(&self.conn, sql, args)
    }

    pub fn rows<T: DeserializeOwned>(&self, sql: &str, args: &[Arg<'_>], limit: usize) -> Result<Vec<T>, sqlx::Error> {
        rows(&self.conn, &self.columns, sql, args, limit)
    }
}
