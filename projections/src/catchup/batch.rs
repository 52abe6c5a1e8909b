//! One catch-up batch: a page of events applied and the checkpoint moved, in one transaction;
//! and how much a batch takes.
use std::time::Duration;

use joan_commands::db::pg::{self, LockKind};
use joan_commands::{Conn, Cursor, Page, StoreError};

use crate::checkpoint::{checkpoint_in, save_checkpoint};
use crate::projector::{Projector, apply_all};

/// Events read per catch-up batch (one transaction each).
pub(crate) const BATCH: i64 = 1_000;
/// How long a woken projector waits for more appends before applying what it has.
pub(crate) const LINGER: Duration = Duration::from_millis(20);

/// Applies `page` and moves the checkpoint to its end, in one transaction, only if the
/// checkpoint is still `from` (else [`StoreError::Conflict`], and nothing is written).
pub(crate) async fn apply_batch(
    conn: &mut Conn<'_>,
    projector: &dyn Projector,
    from: Cursor,
    page: &Page,
) -> Result<(), StoreError> {
    conn.begin().await?;
    let result = async {
        let name = projector.name();
        // A rebuild's swap of this projector takes the same lock (PostgreSQL).
        pg::xact_lock(conn, pg::named_lock(LockKind::CatchUpApply, name)).await?;
        let current = checkpoint_in(conn, name).await?;
        if current != from {
            return Err(StoreError::Conflict {
                aggregate_type: "checkpoint".into(),
                aggregate_id: name.into(),
                sequence: current.position,
            });
        }
        apply_all(projector, conn, &page.events).await?;
        save_checkpoint(conn, name, page.end).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(conn.commit().await?),
        Err(e) => {
            conn.rollback().await?;
            Err(e)
        }
    }
}
