//! The projector contract: one event in, SQL out, inside the transaction it is given.
use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent};
use serde::de::DeserializeOwned;

use crate::error::ProjectionError;

/// A read model built from the log. The same code runs inline (in the append transaction),
/// as a catch-up tail (checkpointed), and in a rebuild (into fresh tables).
#[async_trait]
pub trait Projector: Send + Sync {
    /// Stable name: the checkpoint key and `joan replay --projection NAME`.
    fn name(&self) -> &'static str;

    /// The tables this projector owns and a rebuild replaces, nothing else.
    fn tables(&self) -> &'static [&'static str];

    /// Whether events of this aggregate type concern it (others are skipped undecoded).
    fn handles(&self, aggregate_type: &str) -> bool;

    /// Applies one event. Must be deterministic: the same log gives the same rows.
    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError>;

    /// Applies events in log order, all of them of a handled type. Projectors override it to
    /// write many rows per statement; the result must equal applying them one by one.
    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        for event in events {
            self.apply(conn, event).await?;
        }
        Ok(())
    }
}

/// Decodes an event's payload, naming its position on failure.
pub fn decode<E: DeserializeOwned>(event: &StoredEvent) -> Result<E, ProjectionError> {
    event.decode().map_err(|source| ProjectionError::Decode {
        position: event.position,
        source,
    })
}

/// Applies `events` in order through `projector`, skipping those it does not handle.
pub async fn apply_all(
    projector: &dyn Projector,
    conn: &mut Conn<'_>,
    events: &[StoredEvent],
) -> Result<(), ProjectionError> {
    let handled: Vec<&StoredEvent> = events.iter().filter(|e| projector.handles(&e.aggregate_type)).collect();
    if handled.is_empty() {
        return Ok(());
    }
    projector.apply_batch(conn, &handled).await
}
