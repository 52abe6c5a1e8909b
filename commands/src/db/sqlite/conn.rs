//! [`SqliteConn`]: a write connection owned by one thread.
use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use serde::de::DeserializeOwned;

use super::statement::{ColumnNames, execute, open, rows};
use crate::db::arg::Arg;

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
    /// the store acknowledges them once the log is fsynced (see [`crate::store::durable`]). It leaves
    /// WAL checkpoints to the store's checkpointer (see [`crate::store::wal`]).
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
            "pragma journal_mode = off; pragma synchronous = off; pragma temp_store = memory; \
             pragma locking_mode = exclusive; pragma cache_size = -262144;",
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
