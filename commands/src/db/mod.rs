//! The database layer: portable SQL over SQLite and PostgreSQL, shared by the write side and
//! the read side.
//!
//! Read tables keep D1's shapes on both backends, so projector and query SQL is written once
//! with `$1`-style placeholders (SQLite accepts them too) and bound through [`Arg`]. A query
//! runs through an [`Executor`]: a lent connection ([`Conn`], usually in a transaction) or the
//! read pool ([`Database`]). SQLite runs through rusqlite on the calling thread ([`sqlite`]),
//! PostgreSQL through sqlx ([`pg`] holds its locks and notifications).
mod arg;
pub mod batch;
mod conn;
pub(crate) mod connect;
mod database;
mod executor;
mod json_page;
mod location;
mod migrate;
pub mod pg;
mod pg_readers;
mod row;
pub mod sqlite;

pub use arg::Arg;
pub use conn::Conn;
pub use database::Database;
pub use executor::Executor;
pub use json_page::JsonPage;
pub use location::{Location, remove_sqlite_files};
pub use migrate::{migrate, sqlite_scratch};
pub use pg_readers::{Lease, Readers};
pub use row::Row;
