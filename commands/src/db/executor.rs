//! [`Executor`]: one query API over a lent connection and the read pool.
use futures::future::BoxFuture;

use super::arg::Arg;
use super::conn::Conn;
use super::database::Database;
use super::row::Row;

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
