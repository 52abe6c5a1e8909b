//! How one aggregate's events change one table's rows, and the projector that runs it.
//!
//! A batch is folded in memory: each row touched is read once (unless the batch creates it),
//! changed by all its events, and written once, so a group commit of many commands or a replay
//! page of thousands of events costs a few statements. The same fold, run over one stream's
//! events up to an instant, gives the row as it was then (`?as_of=`).
use std::collections::HashMap;
use std::marker::PhantomData;

use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent};
use joan_domain::Timestamp;
use serde::de::DeserializeOwned;

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};
use crate::table::{self, TableRow};

/// A read table kept from one aggregate's events.
pub trait Fold: Send + Sync + 'static {
    type Row: TableRow;
    type Event: DeserializeOwned + Send;
    /// The projection's name (checkpoints, `joan replay --projection`).
    const NAME: &'static str;
    /// The aggregate type whose events make the rows.
    const AGGREGATE: &'static str;

    /// Run with `$1` = the id of each row this fold created, in event order, after the rows
    /// are written: for a column computed from other rows (a board's place among its owner's).
    const AFTER_CREATE: Option<&'static str> = None;

    /// When the event happened (the row's `updated_at`).
    fn at(change: &Self::Event) -> Timestamp;

    /// Whether `change` moves the row's `updated_at`; old history taken in by an import
    /// (older than the row's own `updated_at`) only moves its version.
    fn moves_updated_at(change: &Self::Event) -> bool {
        let _ = change;
        true
    }

    /// What `change` does to the row: `None` before its creation and after its deletion.
    /// `event` is the stored envelope (stream id, sequence). Version and `updated_at` are
    /// stamped afterwards for every event that leaves a row.
    fn apply(row: &mut Option<Self::Row>, event: &StoredEvent, change: Self::Event);

    /// The row a stream's events make, or `None` (never created, or deleted).
    fn replay(events: &[StoredEvent]) -> Result<Option<Self::Row>, ProjectionError> {
        let mut row = None;
        for event in events {
            step::<Self>(&mut row, event, decode(event)?);
        }
        Ok(row)
    }
}

/// One event through the fold, with the stamp every row carries.
fn step<F: Fold + ?Sized>(row: &mut Option<F::Row>, event: &StoredEvent, change: F::Event) {
    let at = F::moves_updated_at(&change).then(|| F::at(&change).to_rfc3339());
    F::apply(row, event, change);
    if let Some(row) = row {
        let at = at.unwrap_or_else(|| row.updated_at().to_string());
        row.stamp(event.sequence, at);
    }
}

/// Runs a [`Fold`] as a projector.
pub struct FoldProjector<F>(PhantomData<fn() -> F>);

impl<F> Default for FoldProjector<F> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

#[async_trait]
impl<F: Fold> Projector for FoldProjector<F> {
    fn name(&self) -> &'static str {
        F::NAME
    }

    fn tables(&self) -> &'static [&'static str] {
        std::slice::from_ref(&<F::Row as TableRow>::sql().table)
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == F::AGGREGATE
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        self.apply_batch(conn, &[event]).await
    }

    async fn apply_batch(&self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        let decoded = events
            .iter()
            .map(|e| decode::<F::Event>(e).map(|d| (*e, d)))
            .collect::<Result<Vec<_>, _>>()?;
        // A stream's first event creates its row; any other first sight of a row reads it.
        let mut rows: HashMap<&str, Option<F::Row>> = HashMap::new();
        let mut wanted: Vec<&str> = Vec::new();
        for (event, _) in &decoded {
            let id = event.aggregate_id.as_str();
            rows.entry(id).or_insert_with(|| {
                if event.sequence > 1 {
                    wanted.push(id);
                }
                None
            });
        }
        for row in table::get_many::<F::Row>(conn, &wanted).await? {
            if let Some(slot) = wanted
                .iter()
                .find(|id| **id == row.id())
                .and_then(|id| rows.get_mut(id))
            {
                *slot = Some(row);
            }
        }
        let mut gone: Vec<&str> = Vec::new();
        let mut born: Vec<&str> = Vec::new();
        for (event, change) in decoded {
            let id = event.aggregate_id.as_str();
            let row = rows.entry(id).or_default();
            let existed = row.is_some();
            step::<F>(row, event, change);
            match (existed, row.is_some()) {
                (true, false) => gone.push(id),
                (false, true) => born.push(id),
                _ => {}
            }
        }
        let live: Vec<&F::Row> = rows.values().flatten().collect();
        table::upsert(conn, &live).await?;
        if let Some(sql) = F::AFTER_CREATE {
            for id in born.iter().filter(|id| matches!(rows.get(*id), Some(Some(_)))) {
                conn.execute(sql, &joan_commands::args![*id]).await?;
            }
        }
        gone.retain(|id| matches!(rows.get(id), Some(None)));
        gone.dedup();
        table::delete::<F::Row>(conn, &gone).await
    }
}
