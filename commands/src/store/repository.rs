//! cqrs-es' `PersistedEventRepository` over Joan's event store, so `CqrsFramework` and
//! `PersistedEventStore` work on the same log. Event-store mode only: cqrs-es 0.5.0's
//! snapshot and aggregate-store modes apply each new event twice, so snapshots are refused.
use cqrs_es::Aggregate;
use cqrs_es::persist::{PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot};
use serde_json::Value;

use super::event_store::EventStore;
use crate::error::StoreError;
use crate::event::{NewEvent, StoredEvent};

/// Metadata keys this repository reads: the owner of the events and their time.
pub const OWNER_KEY: &str = "actor";
pub const RECORDED_AT_KEY: &str = "recorded_at";

#[derive(Clone)]
pub struct SqlEventRepository {
    store: EventStore,
}

impl SqlEventRepository {
    pub fn new(store: EventStore) -> Self {
        Self { store }
    }
}

impl From<StoreError> for PersistenceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } => PersistenceError::OptimisticLockError,
            StoreError::Serde(e) => PersistenceError::DeserializationError(Box::new(e)),
            StoreError::Database(e) => PersistenceError::ConnectionError(Box::new(e)),
            other => PersistenceError::UnknownError(Box::new(other)),
        }
    }
}

fn to_serialized(e: StoredEvent) -> Result<SerializedEvent, PersistenceError> {
    Ok(SerializedEvent {
        aggregate_id: e.aggregate_id,
        sequence: usize::try_from(e.sequence).map_err(|err| PersistenceError::UnknownError(Box::new(err)))?,
        aggregate_type: e.aggregate_type,
        event_type: e.event_type,
        event_version: e.event_version,
        payload: serde_json::from_str(&e.payload)?,
        metadata: serde_json::from_str(&e.metadata)?,
    })
}

fn to_new(e: &SerializedEvent) -> Result<NewEvent, PersistenceError> {
    let text = |key: &str| e.metadata.get(key).and_then(Value::as_str).map(str::to_string);
    let recorded_at = text(RECORDED_AT_KEY)
        .unwrap_or_else(|| joan_domain::Timestamp::from_datetime(time::OffsetDateTime::now_utc()).to_rfc3339());
    Ok(NewEvent {
        aggregate_type: e.aggregate_type.clone(),
        aggregate_id: e.aggregate_id.clone(),
        sequence: i64::try_from(e.sequence).map_err(|err| PersistenceError::UnknownError(Box::new(err)))?,
        event_type: e.event_type.clone(),
        event_version: e.event_version.clone(),
        payload: serde_json::to_string(&e.payload)?,
        metadata: serde_json::to_string(&e.metadata)?,
        owner_id: text(OWNER_KEY),
        recorded_at,
    })
}

async fn feed(events: Vec<StoredEvent>) -> ReplayStream {
    let (mut feed, stream) = ReplayStream::new(events.len().max(1));
    for e in events {
        let _ = feed.push(to_serialized(e)).await;
    }
    stream
}

impl PersistedEventRepository for SqlEventRepository {
    async fn get_events<A: Aggregate>(&self, aggregate_id: &str) -> Result<Vec<SerializedEvent>, PersistenceError> {
        self.store
            .load_stream(A::TYPE, aggregate_id)
            .await?
            .into_iter()
            .map(to_serialized)
            .collect()
    }

    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        let after = i64::try_from(last_sequence).map_err(|e| PersistenceError::UnknownError(Box::new(e)))?;
        self.store
            .load_stream_after(A::TYPE, aggregate_id, after)
            .await?
            .into_iter()
            .map(to_serialized)
            .collect()
    }

    async fn get_snapshot<A: Aggregate>(&self, _: &str) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        Ok(None)
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        if snapshot_update.is_some() {
            return Err(PersistenceError::UnknownError(
                "snapshots are not supported: use PersistedEventStore::new_event_store".into(),
            ));
        }
        if events.is_empty() {
            return Ok(());
        }
        let new_events = events.iter().map(to_new).collect::<Result<Vec<_>, _>>()?;
        self.store.append(new_events, None).await?;
        Ok(())
    }

    async fn stream_events<A: Aggregate>(&self, aggregate_id: &str) -> Result<ReplayStream, PersistenceError> {
        Ok(feed(self.store.load_stream(A::TYPE, aggregate_id).await?).await)
    }

    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        const SQL: &str = concat!(crate::select_events!(), "where aggregate_type = $1 order by position");
        let events: Vec<StoredEvent> = self
            .store
            .db()
            .fetch_all(SQL, &crate::args![A::TYPE])
            .await
            .map_err(StoreError::from)?;
        Ok(feed(events).await)
    }
}
