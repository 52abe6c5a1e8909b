//! [`Conn`]: a connection lent for a while (usually for one transaction), on either backend.
use futures::future::BoxFuture;
use sqlx::PgConnection;

use super::arg::{Arg, bind_all};
use super::row::Row;
use super::sqlite::conn::SqliteConn;

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
