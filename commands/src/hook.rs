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

/// Work that must run alone on the write connection, in its own transaction, with no append
/// in between (swapping rebuilt tables into place).
#[async_trait]
pub trait ExclusiveJob: Send {
    async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError>;
}
