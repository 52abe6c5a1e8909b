//! The seams the read side plugs into the write path.
use async_trait::async_trait;

use crate::db::Conn;
use crate::error::StoreError;
use crate::event::StoredEvent;

/// Runs inside the append transaction, after the command's events are inserted. Inline
/// projectors and per-request records (idempotency keys) are hooks: their writes commit or
/// roll back with the events.
#[async_trait]
pub trait AppendHook: Send + Sync {
    async fn on_append(&self, conn: &mut Conn<'_>, events: &[StoredEvent]) -> Result<(), StoreError>;
}

/// Work that must run alone on the write connection with no append in between (catch-up
/// batches, swapping rebuilt tables into place). The job opens and ends its own transaction
/// (`Conn::begin`, `commit`, `rollback`), because some steps (SQLite's ATTACH) must run outside one.
#[async_trait]
pub trait ExclusiveJob: Send {
    async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError>;

    /// Whether the reply waits until what the job wrote is on disk (SQLite; PostgreSQL's
    /// commits are durable themselves). A job whose writes can be redone from the log may say no.
    fn durable(&self) -> bool {
        true
    }
}
