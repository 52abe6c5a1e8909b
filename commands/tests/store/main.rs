//! Event store tests, each run on SQLite and on PostgreSQL.
#[path = "../common/backend.rs"]
mod backend;

mod append;
mod nodes;
mod repository;
mod scheduling;
mod schema;
mod support;
mod tail;
mod wal;
