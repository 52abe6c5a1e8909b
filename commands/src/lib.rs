//! Joan's write side: the event store (append, load, tail), the command service, and the
//! database layer shared with the read side.
#![forbid(unsafe_code)]

pub mod catalog;
pub mod db;
pub mod error;
pub mod event;
pub mod hook;
pub mod reactor;
pub mod service;
pub mod store;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use db::{Arg, Conn, Database, Executor};
pub use error::StoreError;
pub use event::{EventMetadata, NewEvent, StoredEvent};
pub use hook::{AppendHook, ExclusiveJob};
pub use service::{CommandError, CommandOutcome, CommandService};
pub use store::{Appended, Cursor, EventStore, Horizon, Page, StoreOptions};

/// Paths from before the database layer had its own folder, kept so that branches written
/// against them still build once merged; new code uses the paths above.
#[doc(hidden)]
pub use db::batch;
#[doc(hidden)]
pub mod sqlite_conn {
    pub use crate::db::JsonPage;
}
