//! Joan's write side: the event store (append, load, tail), the command service, and the
//! database plumbing shared with the read side.
#![forbid(unsafe_code)]

pub mod batch;
pub mod db;
mod durable;
pub mod error;
pub mod event;
pub mod hook;
pub mod pg;
pub mod reader;
pub mod readers;
pub mod repository;
pub mod service;
pub mod sqlite_conn;
pub mod sqlite_read;
pub mod store;
pub mod tail;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod wal;
mod writer;

pub use db::{Arg, Conn, Database, Executor};
pub use error::StoreError;
pub use event::{EventMetadata, NewEvent, StoredEvent};
pub use hook::{AppendHook, ExclusiveJob};
pub use service::{CommandError, CommandOutcome, CommandService};
pub use store::{Appended, EventStore, StoreOptions};
pub use tail::{Cursor, Horizon, Page};
