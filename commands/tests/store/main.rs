//! Event store tests, each run on SQLite and on PostgreSQL.
use joan_commands::testkit as backend;

mod append;
mod nodes;
mod repository;
mod scheduling;
mod schema;
mod service;
mod support;
mod tail;
mod wal;
