//! Import events on their way to the log: built with the run's metadata, appended in batches
//! that the writer group-commits, several in flight.
use cqrs_es::DomainEvent;
use futures::StreamExt;
use joan_commands::{AppendHook, EventMetadata, EventStore, NewEvent};
use joan_domain::Timestamp;
use serde::Serialize;

use super::{ImportError, Progress};

/// Events per append: large enough that a commit carries tens of thousands of rows, small
/// enough that the progress bar moves. The rows' ids are random, so every commit dirties
/// pages all over each index; fewer, larger commits write each page to the log fewer times
/// (docs/benchmarks.md, 2026-12-07 20:40).
pub const EVENTS_PER_BATCH: usize = 20_000;
/// Appends waiting at the writer at once: the next batch is ready when a commit ends.
const IN_FLIGHT: usize = 2;

/// Who and what wrote an import's events.
pub struct Stamp {
    pub run_id: String,
}

impl Stamp {
    /// The metadata of an event of `owner`'s: the owner as actor, the run as its cause.
    fn metadata(&self, owner: &str) -> Result<String, ImportError> {
        let meta = EventMetadata {
            actor: Some(owner.to_string()),
            correlation_id: Some(self.run_id.clone()),
            import_run: Some(self.run_id.clone()),
            ..EventMetadata::default()
        };
        Ok(serde_json::to_string(&meta)?)
    }

    /// One stream's events from sequence 1, recorded at their own old times.
    pub fn stream<E: DomainEvent + Serialize>(
        &self,
        aggregate_type: &str,
        id: &str,
        owner: &str,
        events: &[(E, Timestamp)],
    ) -> Result<Vec<NewEvent>, ImportError> {
        self.stream_from(aggregate_type, id, owner, 1, events)
    }

    /// Events added to a stream that holds `first - 1` events already.
    pub fn stream_from<E: DomainEvent + Serialize>(
        &self,
        aggregate_type: &str,
        id: &str,
        owner: &str,
        first: i64,
        events: &[(E, Timestamp)],
    ) -> Result<Vec<NewEvent>, ImportError> {
        let metadata = self.metadata(owner)?;
        events
            .iter()
            .zip(first..)
            .map(|((event, recorded_at), sequence)| {
                Ok(NewEvent {
                    aggregate_type: aggregate_type.to_string(),
                    aggregate_id: id.to_string(),
                    sequence,
                    event_type: event.event_type(),
                    event_version: event.event_version(),
                    payload: serde_json::to_string(event)?,
                    metadata: metadata.clone(),
                    owner_id: Some(owner.to_string()),
                    recorded_at: recorded_at.to_rfc3339(),
                })
            })
            .collect()
    }
}

/// One append: whole streams, the rows they carry, and a write beside them.
pub struct Batch {
    pub events: Vec<NewEvent>,
    pub rows: u64,
    pub hook: Option<Box<dyn AppendHook>>,
}

impl Batch {
    pub fn new() -> Self {
        Self {
            events: Vec::new(),
            rows: 0,
            hook: None,
        }
    }
}

/// Cuts streams into batches of about [`EVENTS_PER_BATCH`] events (a stream is never split).
#[derive(Default)]
pub struct Batcher {
    pub batches: Vec<Batch>,
}

impl Batcher {
    pub fn push(&mut self, events: Vec<NewEvent>, rows: u64) {
        let full = self.batches.last().is_none_or(|b| b.events.len() >= EVENTS_PER_BATCH);
        if full {
            self.batches.push(Batch::new());
        }
        if let Some(batch) = self.batches.last_mut() {
            batch.events.extend(events);
            batch.rows += rows;
        }
    }
}

/// Appends every batch, [`IN_FLIGHT`] at a time; the first failure stops the run (what was
/// committed stays, and a second run takes in the rest).
pub async fn append_all(store: &EventStore, batches: Vec<Batch>, progress: &dyn Progress) -> Result<(), ImportError> {
    let mut appends = futures::stream::iter(batches.into_iter().map(|batch| async move {
        let rows = batch.rows;
        store.append(batch.events, batch.hook).await.map(|_| rows)
    }))
    .buffer_unordered(IN_FLIGHT);
    while let Some(done) = appends.next().await {
        progress.advance(done?);
    }
    Ok(())
}
