//! [`Database`]: the read connections of either backend, each query on a connection of its own.
use std::sync::Arc;

use futures::future::BoxFuture;
use sqlx::PgConnection;

use super::arg::{Arg, bind_all};
use super::pg_readers::Readers;
use super::row::Row;
use super::sqlite::readers::SqliteReaders;

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
        self.fetch_rows(sql, args, true)
    }

    /// [`fetch_all`](Self::fetch_all) for a statement whose best plan depends on its
    /// arguments, such as a full-text match whose word may be in ten rows or in a hundred
    /// thousand: PostgreSQL plans it for these very values every time (an unnamed statement).
    /// A prepared statement switches to a generic plan after five runs, which cannot tell the
    /// two apart (a common word's page took 250 ms on it instead of 14).
    pub fn fetch_all_planned<'a, T: Row>(
        &'a self,
        sql: &'a str,
        args: &'a [Arg<'a>],
    ) -> BoxFuture<'a, Result<Vec<T>, sqlx::Error>> {
        self.fetch_rows(sql, args, false)
    }

    /// Every row; on PostgreSQL through a prepared statement kept on the connection
    /// (`prepared`) or an unnamed one planned for these arguments.
    fn fetch_rows<'a, T: Row>(
        &'a self,
        sql: &'a str,
        args: &'a [Arg<'a>],
        prepared: bool,
    ) -> BoxFuture<'a, Result<Vec<T>, sqlx::Error>> {
        Box::pin(async move {
            match self {
                Database::Sqlite(r) => r.fetch_all(sql, args),
                Database::Postgres(r) => read!(r, |c| bind_all!(sqlx::query_as(sql), args)
                    .persistent(prepared)
                    .fetch_all(&mut *c)),
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
