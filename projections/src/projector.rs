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

    /// How a rebuild replays this projector, when it does better than page by page through
    /// [`apply_batch`](Self::apply_batch): a [`Replayer`] that keeps rows in memory across
    /// pages (up to `hold` of them) and writes each once.
    fn replayer(&self, hold: usize) -> Option<Box<dyn Replayer>> {
        let _ = hold;
        None
    }
}

/// One projector's replay during a rebuild, into tables that start empty and that nothing
/// else writes. It may hold changes back between pages; once [`finish`](Self::finish) has
/// run, the tables must equal what applying every page through the projector gives.
#[async_trait]
pub trait Replayer: Send {
    /// Applies a page's events (all of a handled type, in log order).
    async fn page(&mut self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError>;

    /// Writes whatever is held.
    async fn finish(&mut self, conn: &mut Conn<'_>) -> Result<(), ProjectionError>;
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
