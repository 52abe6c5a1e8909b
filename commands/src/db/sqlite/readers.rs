//! SQLite reads on the calling thread, on read-only connections kept in an idle list (see
//! [`crate::db::sqlite`] for why rusqlite and not sqlx).
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Connection, OpenFlags};
use serde::de::DeserializeOwned;

use super::statement::{self, ColumnNames};
use crate::db::arg::Arg;
use crate::db::json_page::{self, JsonKeys, JsonPage};

/// Read-only connections to one SQLite file.
pub struct SqliteReaders {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    /// Connections kept idle at most (more may be open at once, briefly).
    keep: usize,
    closed: AtomicBool,
    columns: ColumnNames,
    keys: JsonKeys,
}

impl std::fmt::Debug for SqliteReaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteReaders")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn open(path: &Path) -> Result<Connection, sqlx::Error> {
    statement::open(path, OpenFlags::SQLITE_OPEN_READ_ONLY, "pragma temp_store = memory;")
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
            columns: ColumnNames::default(),
            keys: JsonKeys::default(),
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

    /// Every row of `sql`.
    pub fn fetch_all<T: DeserializeOwned>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<T>, sqlx::Error> {
        self.with(|conn| statement::rows(conn, &self.columns, sql, args, usize::MAX))
    }

    /// The first row of `sql`, if any.
    pub fn fetch_optional<T: DeserializeOwned>(&self, sql: &str, args: &[Arg<'_>]) -> Result<Option<T>, sqlx::Error> {
        Ok(self
            .with(|conn| statement::rows(conn, &self.columns, sql, args, 1))?
            .pop())
    }

    /// Every row of `sql` as one JSON array (see [`JsonPage`]).
    pub fn json_page(&self, sql: &str, args: &[Arg<'_>], raw: &[&str]) -> Result<JsonPage, sqlx::Error> {
        self.with(|conn| json_page::json_page(conn, &self.keys, sql, args, raw))
    }

    /// Runs a statement that returns no rows (on a read-only connection: pragmas, mostly).
    pub fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64, sqlx::Error> {
        self.with(|conn| statement::execute(conn, sql, args))
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
    fn pages_render_as_json_arrays_with_the_lead_column_apart() {
        let (_dir, r) = readers();
        let sql = "select (select count(*) from t) as total, n, name || ' \"q\"' || char(10) as name, \
                   '[1,\"x\"]' as raw, 0.5 as x from t where n is null or n < $1 order by name";
        let page = r.json_page(sql, &[Arg::from(5)], &["raw"]).unwrap();
        let rows: serde_json::Value = serde_json::from_slice(&page.json).unwrap();
        assert_eq!((rows.as_array().map(Vec::len), page.lead), (Some(3), Some(3)));
        let row = |n: serde_json::Value, name: &str| serde_json::json!({"n": n, "name": format!("{name} \"q\"\n"), "raw": [1, "x"], "x": 0.5});
        assert_eq!(
            rows,
            serde_json::json!([
                row(1.into(), "a"),
                row(2.into(), "b"),
                row(serde_json::Value::Null, "c")
            ])
        );
        // Keys keep the statement's column order.
        let text = String::from_utf8(page.json).unwrap();
        assert!(
            text.starts_with(r#"[{"n":1,"name":"a \"q\"\n","raw":[1,"x"],"x":0.5}"#),
            "{text}"
        );

        let empty = r
            .json_page("select 1 as total, n from t where n > $1", &[Arg::from(5)], &[])
            .unwrap();
        assert_eq!((empty.json.as_slice(), empty.lead), (&b"[]"[..], None));

        // Text that is not UTF-8 (written by another program) still gives valid JSON.
        let bad = r.json_page("select 0, cast(x'ff41' as text) as t", &[], &[]).unwrap();
        assert_eq!(String::from_utf8(bad.json).unwrap(), "[{\"t\":\"\u{fffd}A\"}]");
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
