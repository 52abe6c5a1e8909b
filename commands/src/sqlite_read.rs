//! SQLite reads on the calling thread.
//!
//! sqlx-sqlite runs each connection on a worker thread of its own and hands every statement
//! over through a channel: two thread switches per query, which on one core cost more than the
//! query (a task read by id takes a few microseconds in SQLite). In WAL mode a reader never
//! waits for the writer, so a read can simply run where it is asked for, as embedded SQLite
//! is meant to be used. The connections here are read-only and kept in an idle list; rows
//! become the same types as on PostgreSQL through their `Deserialize` impls (by column name
//! for structs, by position for tuples). Writes keep going through sqlx on the writer.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Statement};
use serde::de::DeserializeOwned;

use crate::db::Arg;

/// Read-only connections to one SQLite file.
pub struct SqliteReaders {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Connections kept idle at most (more may be open at once, briefly).
    keep: usize,
    closed: AtomicBool,
    /// Column names by statement text: serde needs them for every row, and reading them off
    /// the statement allocates one string per column per query.
    columns: Mutex<HashMap<String, Arc<[String]>>>,
}

impl std::fmt::Debug for SqliteReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteReaders")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A failed SQLite read, as a sqlx error so both backends answer alike.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ReadError(#[source] rusqlite::Error);

impl sqlx::error::DatabaseError for ReadError {
    fn message(&self) -> &str {
        match &self.0 {
            rusqlite::Error::SqliteFailure(_, Some(message)) => message,
            _ => "SQLite read failed",
        }
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
        sqlx::error::ErrorKind::Other
    }
}

fn database_error(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Database(Box::new(ReadError(e)))
}

fn decode_error(e: serde_rusqlite::Error) -> sqlx::Error {
    match e {
        serde_rusqlite::Error::Rusqlite(e) => database_error(e),
        other => sqlx::Error::Decode(Box::new(other)),
    }
}

fn open(path: &Path) -> Result<Connection, sqlx::Error> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(database_error)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(database_error)?;
    conn.set_prepared_statement_cache_capacity(256);
    conn.pragma_update(None, "temp_store", "memory")
        .map_err(database_error)?;
    Ok(conn)
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

impl SqliteReaders {
    /// Opens one connection now, so that a wrong path fails at start.
    pub fn open(path: &Path, keep: u32) -> Result<Self, sqlx::Error> {
        let first = open(path)?;
        Ok(Self {
            path: path.to_path_buf(),
            idle: Mutex::new(vec![first]),
            keep: keep.max(1) as usize,
            closed: AtomicBool::new(false),
            columns: Mutex::new(HashMap::new()),
        })
    }

    /// Runs `read` on an idle connection (or a new one) and puts the connection back.
    fn with<T>(&self, read: impl FnOnce(&Connection) -> Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(sqlx::Error::PoolClosed);
        }
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => open(&self.path)?,
        };
        let result = read(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < self.keep && !self.closed.load(Ordering::SeqCst) {
            idle.push(conn);
        }
        result
    }

    /// At most `limit` rows of `sql`, decoded.
    fn rows<T: DeserializeOwned>(&self, sql: &str, args: &[Arg<'_>], limit: usize) -> Result<Vec<T>, sqlx::Error> {
        self.with(|conn| {
            let mut statement = conn.prepare_cached(sql).map_err(database_error)?;
            bind(&mut statement, args)?;
            let columns = self.columns_of(sql, &statement);
            let mut rows = statement.raw_query();
            let mut out = Vec::new();
            while out.len() < limit {
                let Some(row) = rows.next().map_err(database_error)? else {
                    break;
                };
                out.push(serde_rusqlite::from_row_with_columns(row, &columns).map_err(decode_error)?);
            }
            Ok(out)
        })
    }

    /// The column names of `statement` (whose text is `sql`), read once per text.
    fn columns_of(&self, sql: &str, statement: &Statement<'_>) -> Arc<[String]> {
        let mut known = self.columns.lock().unwrap_or_else(|p| p.into_inner());
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

    /// Every row of `sql`.
    pub fn fetch_all<T: DeserializeOwned>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<T>, sqlx::Error> {
        self.rows(sql, args, usize::MAX)
    }

    /// The first row of `sql`, if any.
    pub fn fetch_optional<T: DeserializeOwned>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<T>, sqlx::Error> {
        Ok(self.rows(sql, args, 1)?.pop())
    }

    /// Runs a statement that returns no rows (on a read-only connection: pragmas, mostly).
    pub fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64, sqlx::Error> {
        self.with(|conn| {
            let mut statement = conn.prepare_cached(sql).map_err(database_error)?;
            bind(&mut statement, args)?;
            Ok(statement.raw_execute().map_err(database_error)? as u64)
        })
    }

    /// Closes the idle connections; no read starts after this.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.idle.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Pair {
        name: String,
        n: Option<i64>,
    }

    fn readers() -> (tempfile::TempDir, SqliteReaders) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let setup = Connection::open(&path).unwrap();
        setup
            .execute_batch(
                "create table t (n integer, name text); insert into t values (1, 'a'), (2, 'b'), (null, 'c');",
            )
            .unwrap();
        let readers = SqliteReaders::open(&path, 2).unwrap();
        (dir, readers)
    }

    #[test]
    fn numbered_parameters_take_their_own_argument_whatever_their_order() {
        let (_dir, r) = readers();
        let args = [Arg::from("b"), Arg::from(2)];
        let row: Option<(i64,)> = r
            .fetch_optional("select n from t where n = $2 and name = $1", &args)
            .unwrap();
        assert_eq!(row, Some((2,)));
        let none: Option<(i64,)> = r
            .fetch_optional(
                "select n from t where n = $2 and name = $1",
                &[Arg::from("a"), Arg::from(2)],
            )
            .unwrap();
        assert_eq!(none, None);
    }

    #[test]
    fn structs_are_read_by_column_name_and_nulls_become_none() {
        let (_dir, r) = readers();
        let rows: Vec<Pair> = r.fetch_all("select n, name from t order by name", &[]).unwrap();
        assert_eq!(
            rows,
            [
                Pair {
                    name: "a".into(),
                    n: Some(1)
                },
                Pair {
                    name: "b".into(),
                    n: Some(2)
                },
                Pair {
                    name: "c".into(),
                    n: None
                },
            ]
        );
    }

    #[test]
    fn errors_are_sqlx_errors_and_the_connection_stays_usable() {
        let (_dir, r) = readers();
        let missing = r.fetch_all::<(i64,)>("select nope from t", &[]).unwrap_err();
        assert!(matches!(missing, sqlx::Error::Database(_)), "{missing:?}");
        assert!(missing.to_string().contains("nope"), "{missing}");
        let wrong_type = r.fetch_all::<(i64,)>("select name from t", &[]).unwrap_err();
        assert!(matches!(wrong_type, sqlx::Error::Decode(_)), "{wrong_type:?}");
        let refused = r.execute("insert into t values (3, 'd')", &[]).unwrap_err();
        assert!(refused.to_string().contains("readonly"), "{refused}");
        let count: Option<(i64,)> = r.fetch_optional("select count(*) from t", &[]).unwrap();
        assert_eq!(count, Some((3,)));
        r.close();
        assert!(matches!(
            r.fetch_all::<(i64,)>("select 1", &[]),
            Err(sqlx::Error::PoolClosed)
        ));
    }
}
