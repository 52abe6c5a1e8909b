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

/// What replaying each projection costs, in milliseconds for the 400,000-event log of every
/// domain that `joan bench replay` writes (docs/benchmarks.md, 2026-12-08); the others cost
/// under 30 and count as 30.
const COSTS: [(&str, u32); 13] = [
    ("analytics", 1240),
    ("task_activities", 910),
    ("tasks", 640),
    ("goals", 620),
    ("kanban", 470),
    ("notes", 400),
    ("personal_activities", 320),
    ("projects", 230),
    ("folders", 110),
    ("clients", 90),
    ("pomodoro_sessions", 80),
    ("schedule_templates", 60),
    ("task_daily_stats", 50),
];

/// The projectors split into at most `most` lanes: the costliest first, each to the lane with the least work so far, so the lanes end together.
/// Every projector reads only its own tables, so each lane replays on its own (a scratch file
/// or a connection of its own); the lanes share the reading of the log.
pub(super) fn lanes(projectors: &[(Mode, Arc<dyn Projector>)], most: usize) -> Vec<Vec<(Mode, Arc<dyn Projector>)>> {
    let count = most.min(projectors.len()).max(1);
    let cost = |p: &Arc<dyn Projector>| COSTS.iter().find(|(name, _)| *name == p.name()).map_or(30, |c| c.1);
    let mut order: Vec<&(Mode, Arc<dyn Projector>)> = projectors.iter().collect();
    order.sort_by_key(|(_, p)| std::cmp::Reverse(cost(p)));
    let mut lanes = vec![(0u32, Vec::new()); count];
    for projector in order {
        if let Some(lane) = lanes.iter_mut().min_by_key(|(work, _)| *work) {
            lane.0 += cost(&projector.1);
            lane.1.push(projector.clone());
        }
    }
    lanes.into_iter().map(|(_, lane)| lane).collect()
}

/// One lane per core, up to four: a SQLite lane keeps its core busy.
fn lanes_per_core() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from).clamp(1, 4)
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
