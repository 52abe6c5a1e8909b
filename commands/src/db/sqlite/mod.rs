//! SQLite through rusqlite, on the calling thread: the statement helpers ([`statement`]) shared
//! by the read connections ([`readers`]) and the write connection ([`conn`]).
//!
//! sqlx-sqlite runs each connection on a worker thread of its own and hands every statement
//! over through a channel: two thread switches per statement, which on one core cost more than
//! the statement. Embedded SQLite is meant to run where it is called; the writer has an OS
//! thread of its own for that (see [`crate::store::writer`]), and reads run on the caller's
//! thread (in WAL mode a reader never waits for the writer). Rows become the same types as on
//! PostgreSQL through their `Deserialize` impls (by column name for structs, by position for
//! tuples); errors become sqlx errors, so both backends answer alike.
pub mod conn;
pub mod readers;
pub(crate) mod statement;
