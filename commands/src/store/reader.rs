//! Reading the log: whole streams for aggregates, ordered pages for projectors.
use super::event_store::EventStore;
use super::tail::{self, Cursor, Horizon, Page};
use crate::db::Database;
use crate::error::StoreError;
use crate::event::StoredEvent;

impl EventStore {
    /// Events after `position`, in log order, at most `limit`.
    pub async fn read_from(&self, position: i64, limit: i64) -> Result<Vec<StoredEvent>, StoreError> {
        read_from(self.db(), position, limit).await
    }

    /// One stream, from its first event.
    pub async fn load_stream(&self, aggregate_type: &str, aggregate_id: &str) -> Result<Vec<StoredEvent>, StoreError> {
        self.load_stream_after(aggregate_type, aggregate_id, 0).await
    }

    /// One stream's events with a sequence above `sequence`.
    pub async fn load_stream_after(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        sequence: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        const SQL: &str = concat!(
            crate::select_events!(),
            "where aggregate_type = $1 and aggregate_id = $2 and sequence > $3 order by sequence"
        );
        Ok(self
            .db()
            .fetch_all(SQL, &crate::args![aggregate_type, aggregate_id, sequence])
            .await?)
    }

    /// At most `limit` events after `cursor` within `horizon`, in tail order: what catch-up
    /// projectors and rebuilds read (see [`crate::store::tail`]).
    pub async fn read_after(&self, cursor: Cursor, horizon: Horizon, limit: i64) -> Result<Page, StoreError> {
        tail::read_page(self.db(), cursor, horizon, limit).await
    }

    /// The number of events in the log.
    pub async fn count_events(&self) -> Result<i64, StoreError> {
        Ok(self.db().fetch_scalar_i64("select count(*) from events", &[]).await?)
    }
}

/// Events after `position`, in log order, at most `limit`.
pub async fn read_from(db: &Database, position: i64, limit: i64) -> Result<Vec<StoredEvent>, StoreError> {
    const SQL: &str = concat!(
        crate::select_events!(),
        "where position > $1 order by position limit $2"
    );
    Ok(db.fetch_all(SQL, &crate::args![position, limit]).await?)
}
