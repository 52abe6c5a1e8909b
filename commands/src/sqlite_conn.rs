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
    fn of(&self, sql: &str, fits: impl Fn(&T) -> bool, make: impl FnOnce() -> Arc<T>) -> Arc<T> {
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

/// A page's keys by statement text: what goes before each value (`{"key":` or `,"key":`) and
/// whether the value is embedded as it is; with the `raw` list they were made for.
pub(crate) type JsonKeys = PerStatement<(Vec<String>, Vec<(Vec<u8>, bool)>)>;

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

/// Rows rendered as one JSON array of objects, straight from SQLite's values.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPage {
    /// `[{"column": value, ...}, ...]` as UTF-8 bytes, ready to be a response body; keys in
    /// column order.
    pub json: Vec<u8>,
    /// The first column of the first row (not rendered): a total, say.
    pub lead: Option<i64>,
}

/// Where a page's buffer starts: a page of 50 tasks is about 22 KiB, so it is not grown.
const PAGE_CAPACITY: usize = 32 * 1024;

/// Every row of `sql` as a [`JsonPage`]: the first column is the page's `lead`, every other
/// one a key of the row's object. Integers and reals become numbers, text becomes strings,
/// and text columns named in `raw` hold JSON of the program's own making and are embedded as
/// they are. Writing the page here, into one buffer, costs a fraction of SQLite's
/// `json_object` per row (a string built and grown per row) and of decoding every field:
/// values are escaped straight into the buffer, with no string of their own.
pub(crate) fn json_page(
    conn: &Connection,
    keys: &JsonKeys,
    sql: &str,
    args: &[Arg<'_>],
    raw: &[&str],
) -> Result<JsonPage, sqlx::Error> {
    use rusqlite::types::ValueRef;
    use std::io::Write;
    let mut statement = conn.prepare_cached(sql).map_err(database_error)?;
    bind(&mut statement, args)?;
    let keys = keys.of(
        sql,
        |(made_for, _)| made_for.iter().eq(raw.iter()),
        || Arc::new((raw.iter().map(|r| r.to_string()).collect(), json_keys(&statement, raw))),
    );
    let keys = &keys.1;
    let mut rows = statement.raw_query();
    let mut json = Vec::with_capacity(PAGE_CAPACITY);
    json.push(b'[');
    let mut lead = None;
    let mut first = true;
    let mut digits = itoa::Buffer::new();
    while let Some(row) = rows.next().map_err(database_error)? {
        if first {
            lead = row.get::<_, Option<i64>>(0).map_err(database_error)?;
            first = false;
        } else {
            json.push(b',');
        }
        for (i, (prefix, embed)) in keys.iter().enumerate() {
            json.extend_from_slice(prefix);
            match row.get_ref(i + 1).map_err(database_error)? {
                ValueRef::Null => json.extend_from_slice(b"null"),
                ValueRef::Integer(n) => json.extend_from_slice(digits.format(n).as_bytes()),
                ValueRef::Real(x) if x.is_finite() => {
                    let _ = write!(json, "{x}");
                }
                ValueRef::Real(_) => json.extend_from_slice(b"null"),
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) if *embed => {
                    json.extend_from_slice(utf8(bytes).as_bytes());
                }
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) if plain(bytes) => {
                    json.push(b'"');
                    json.extend_from_slice(bytes);
                    json.push(b'"');
                }
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) => write_json_string(&mut json, &utf8(bytes)),
            }
        }
        if !keys.is_empty() {
            json.push(b'}');
        }
    }
    json.push(b']');
    Ok(JsonPage { json, lead })
}

/// What goes before each value of a row (`{"key":` or `,"key":`), and whether the value is
/// embedded as it is.
fn json_keys(statement: &Statement<'_>, raw: &[&str]) -> Vec<(Vec<u8>, bool)> {
    statement
        .column_names()
        .iter()
        .skip(1)
        .enumerate()
        .map(|(i, name)| {
            let mut prefix = Vec::with_capacity(name.len() + 8);
            prefix.push(if i == 0 { b'{' } else { b',' });
            write_json_string(&mut prefix, name);
            prefix.push(b':');
            (prefix, raw.contains(name))
        })
        .collect()
}

/// Text as SQLite holds it: UTF-8 as written, checked (not copied); anything else made valid.
fn utf8(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Whether `bytes` are a JSON string's contents as they are: printable ASCII without `"` or
/// `\`, as most stored text is. One pass with no early exit, which the compiler vectorizes.
fn plain(bytes: &[u8]) -> bool {
    bytes.iter().fold(true, |ok, &b| {
        ok & (0x20..0x80).contains(&b) & (b != b'"') & (b != b'\\')
    })
}

/// Appends `text` as a JSON string literal.
fn write_json_string(out: &mut Vec<u8>, text: &str) {
    // Writing a `str` into a `Vec` cannot fail.
    let _ = serde_json::to_writer(out, text);
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
    /// The write connection of a live file: WAL, commits written without an fsync of their own;
    /// the store acknowledges them once the log is fsynced (see [`crate::durable`]). It leaves
    /// WAL checkpoints to the store's checkpointer (see [`crate::wal`]).
    pub(crate) fn writer(path: &Path, wal_keep_bytes: i64) -> Result<Self, sqlx::Error> {
        Self::open(
            path,
            &format!(
                "pragma journal_mode = wal; pragma synchronous = normal; pragma foreign_keys = on; \
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
