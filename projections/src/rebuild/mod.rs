//! Rebuilding a projection from position 0 into fresh tables, swapped in when caught up,
//! while the old tables keep serving reads.
//!
//! SQLite: the projector replays the log into a scratch database file (same migrations, so
//! the same SQL runs unchanged); then one exclusive job on the store's writer attaches it,
//! replaces the live tables' rows in one transaction, applies the events appended meanwhile,
//! and (for catch-up projectors) moves the checkpoint. Readers on WAL snapshots see the old
//! rows until that transaction commits, then the new ones.
//!
//! PostgreSQL: the same, with a scratch schema instead of a scratch file (see [`pg`]).
mod pg;
mod report;
mod sqlite;

use std::sync::Arc;

use joan_commands::EventStore;
use joan_commands::db::Location;

use crate::error::ProjectionError;
use crate::projector::Projector;
use crate::registry::Mode;

pub use report::{Progress, RebuildReport};

use joan_commands::{Conn, StoredEvent};
use report::Spent;

use crate::projector::Replayer;

/// A replay's projectors, each with what it holds across pages.
struct Replays {
    runs: Vec<(Arc<dyn Projector>, Box<dyn Replayer>)>,
}

/// The default replay: every page through [`Projector::apply_batch`], holding nothing.
struct Pages(Arc<dyn Projector>);

#[async_trait::async_trait]
impl Replayer for Pages {
    async fn page(&mut self, conn: &mut Conn<'_>, events: &[&StoredEvent]) -> Result<(), ProjectionError> {
        self.0.apply_batch(conn, events).await
    }

    async fn finish(&mut self, _: &mut Conn<'_>) -> Result<(), ProjectionError> {
        Ok(())
    }
}

/// How a rebuild goes through the log.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    /// Events per page read, and per scratch transaction.
    pub page: i64,
    /// Rows a projector holds back at most across pages before writing them: a row changed
    /// on many pages is written once, not once a page, while memory stays bounded.
    pub hold: usize,
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            page: report::PAGE,
            hold: 50_000,
        }
    }
}

impl Replays {
    fn of(projectors: &[(Mode, Arc<dyn Projector>)], paging: Paging) -> Self {
        let runs = projectors
            .iter()
            .map(|(_, p)| {
                let replayer = p.replayer(paging.hold).unwrap_or_else(|| Box::new(Pages(p.clone())));
                (p.clone(), replayer)
            })
            .collect();
        Self { runs }
    }

    /// Applies a replayed page through every projector in turn, timing each.
    async fn page(
        &mut self,
        conn: &mut Conn<'_>,
        events: &[StoredEvent],
        spent: &mut Spent,
    ) -> Result<(), ProjectionError> {
        for (projector, replayer) in &mut self.runs {
            let started = std::time::Instant::now();
            let handled: Vec<&StoredEvent> = events.iter().filter(|e| projector.handles(&e.aggregate_type)).collect();
            if !handled.is_empty() {
                replayer.page(conn, &handled).await?;
            }
            spent.add(projector.name(), started.elapsed());
        }
        Ok(())
    }

    /// Writes what each projector holds, timing each.
    async fn finish(&mut self, conn: &mut Conn<'_>, spent: &mut Spent) -> Result<(), ProjectionError> {
        for (projector, replayer) in &mut self.runs {
            let started = std::time::Instant::now();
            replayer.finish(conn).await?;
            spent.add(projector.name(), started.elapsed());
        }
        Ok(())
    }
}

/// Rebuilds `projectors` from the start of the log and swaps their fresh tables in.
/// Commands keep flowing while it runs (they pause during the swap).
pub async fn rebuild(
    store: &EventStore,
    projectors: &[(Mode, Arc<dyn Projector>)],
    progress: &dyn Progress,
) -> Result<RebuildReport, ProjectionError> {
    rebuild_paged(store, projectors, progress, Paging::default()).await
}

/// [`rebuild`] with pages and holds of the given sizes.
pub async fn rebuild_paged(
    store: &EventStore,
    projectors: &[(Mode, Arc<dyn Projector>)],
    progress: &dyn Progress,
    paging: Paging,
) -> Result<RebuildReport, ProjectionError> {
    match store.location().clone() {
        Location::Sqlite(main) => sqlite::rebuild(store, &main, projectors, progress, paging).await,
        Location::Postgres(url) => pg::rebuild(store, &url, projectors, progress, paging).await,
    }
}
