//! The event store: one writer that appends in group commits ([`writer`]), acknowledged once
//! durable ([`durable`]), SQLite's write-ahead log kept small ([`wal`]); whole streams and
//! ordered tails read from the read pool ([`reader`], [`tail`]); and cqrs-es' repository over
//! the same log ([`repository`]).
mod appended;
mod durable;
mod event_store;
pub mod reader;
pub mod repository;
pub mod tail;
pub mod wal;
mod writer;

pub use appended::Appended;
pub use event_store::{EventStore, StoreOptions};
pub use tail::{Cursor, Horizon, Page};
