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

/// Applies a replayed page through every projector in turn, timing each.
async fn apply_timed(
    conn: &mut Conn<'_>,
    projectors: &[(Mode, Arc<dyn Projector>)],
    events: &[StoredEvent],
    spent: &mut Spent,
) -> Result<(), ProjectionError> {
    for (_, projector) in projectors {
        let started = std::time::Instant::now();
        crate::projector::apply_all(projector.as_ref(), conn, events).await?;
        spent.add(projector.name(), started.elapsed());
    }
    Ok(())
}

/// Rebuilds `projectors` from the start of the log and swaps their fresh tables in.
/// Commands keep flowing while it runs (they pause during the swap).
pub async fn rebuild(
    store: &EventStore,
    projectors: &[(Mode, Arc<dyn Projector>)],
    progress: &dyn Progress,
) -> Result<RebuildReport, ProjectionError> {
    match store.location().clone() {
        Location::Sqlite(main) => sqlite::rebuild(store, &main, projectors, progress).await,
        Location::Postgres(url) => pg::rebuild(store, &url, projectors, progress).await,
    }
}
