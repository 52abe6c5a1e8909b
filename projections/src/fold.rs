//! How one aggregate's events change one table's rows, and the projector that runs it.
//!
//! A batch is folded in memory: each row touched is read once (unless the batch creates it),
//! changed by all its events, and written once, so a group commit of many commands or a replay
//! page of thousands of events costs a few statements. A rebuild keeps the rows across pages
//! (as many as the rebuild allows) and writes each once. The same fold, run over one stream's
//! events up to an instant, gives the row as it was then (`?as_of=`).
use std::collections::HashMap;
use std::marker::PhantomData;

use async_trait::async_trait;
use joan_commands::{Conn, StoredEvent};
use joan_domain::Timestamp;
use serde::de::DeserializeOwned;

use crate::error::ProjectionError;
use crate::projector::{Projector, Replayer, decode};
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
        let mut held = Held::<F>::default();
        held.apply(conn, events).await?;
        held.write(conn).await
    }

    fn replayer(&self, hold: usize) -> Option<Box<dyn Replayer>> {
        Some(Box::new(HeldReplay::<F> {
            held: Held::default(),
            hold,
        }))
    }
}

/// A fold's rows read or made and not written yet, by id.
struct Held<F: Fold> {
    rows: HashMap<String, Slot<F::Row>>,
    /// Ids of the rows created, in event order (for [`Fold::AFTER_CREATE`]).
    born: Vec<String>,
}

/// A held row (`None`: not created, or deleted) and whether the table has it.
struct Slot<R> {
    row: Option<R>,
    stored: bool,
}

impl<F: Fold> Default for Held<F> {
    fn default() -> Self {
        Self {
            rows: HashMap::new(),
            born: Vec::new(),
        }
    }
}

impl<F: Fold> Held<F> {
    /// Folds `events` into the held rows; a row first seen past its stream's start is read.
    async fn apply(&mut self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        let decoded = events
            .iter()
            .map(|e| decode::<F::Event>(e).map(|d| (*e, d)))
            .collect::<Result<Vec<_>, _>>()?;
        let mut wanted: Vec<&str> = Vec::new();
        for (event, _) in &decoded {
            let id = event.aggregate_id.as_str();
            if !self.rows.contains_key(id) {
                if event.sequence > 1 {
                    wanted.push(id);
                }
                self.rows.insert(
                    id.to_string(),
                    Slot {
                        row: None,
                        stored: false,
                    },
                );
            }
        }
        for row in table::get_many::<F::Row>(conn, &wanted).await? {
            if let Some(slot) = self.rows.get_mut(row.id()) {
                *slot = Slot {
                    row: Some(row),
                    stored: true,
                };
            }
        }
        for (event, change) in decoded {
            let id = event.aggregate_id.as_str();
            let Some(slot) = self.rows.get_mut(id) else {
                continue;
            };
            let existed = slot.row.is_some();
            step::<F>(&mut slot.row, event, change);
            if !existed && slot.row.is_some() && F::AFTER_CREATE.is_some() {
                self.born.push(id.to_string());
            }
        }
        Ok(())
    }

    /// Writes the held rows (in id order) and deletes the stored ones that are gone; holds
    /// nothing afterwards.
    async fn write(&mut self, conn: &mut Conn<'_>) -> Result<(), ProjectionError> {
        let mut live: Vec<&F::Row> = self.rows.values().filter_map(|s| s.row.as_ref()).collect();
        live.sort_unstable_by(|a, b| a.id().cmp(b.id()));
        table::upsert(conn, &live).await?;
        if let Some(sql) = F::AFTER_CREATE {
            for id in &self.born {
                if matches!(self.rows.get(id), Some(Slot { row: Some(_), .. })) {
                    conn.execute(sql, &joan_commands::args![id.as_str()]).await?;
                }
            }
        }
        let gone: Vec<&str> = self
            .rows
            .iter()
            .filter(|(_, s)| s.stored && s.row.is_none())
            .map(|(id, _)| id.as_str())
            .collect();
        table::delete::<F::Row>(conn, &gone).await?;
        self.rows.clear();
        self.born.clear();
        Ok(())
    }
}

/// A rebuild's fold: rows held across pages, written when `hold` of them are held and at the
/// end.
struct HeldReplay<F: Fold> {
    held: Held<F>,
    hold: usize,
}

#[async_trait]
impl<F: Fold> Replayer for HeldReplay<F> {
    /// A fold whose creations run [`Fold::AFTER_CREATE`] writes every page, as inline: the
    /// statement reads the rows written before.
    async fn page(&mut self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        self.held.apply(conn, events).await?;
        if F::AFTER_CREATE.is_some() || self.held.rows.len() >= self.hold {
            self.held.write(conn).await?;
        }
        Ok(())
    }

    async fn finish(&mut self, conn: &mut Conn<'_>) -> Result<(), ProjectionError> {
        self.held.write(conn).await
    }
}
