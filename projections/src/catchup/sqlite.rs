//! SQLite: the store's single writer applies each batch, as an exclusive job between appends.
use std::sync::Arc;

use async_trait::async_trait;
use joan_commands::{Conn, Cursor, EventStore, ExclusiveJob, Horizon, Page, StoreError};
use tokio::sync::watch;

use super::batch::{BATCH, LINGER, apply_batch};
use crate::checkpoint::read_checkpoint;
use crate::error::ProjectionError;
use crate::projector::Projector;

/// SQLite: the single writer applies each batch.
pub(super) async fn tail(
    store: EventStore,
    projector: Arc<dyn Projector>,
    checkpoint: watch::Sender<Cursor>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), ProjectionError> {
    let mut head = store.head();
    let mut cursor = *checkpoint.borrow();
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        let page = store.read_after(cursor, Horizon::Settled, BATCH).await?;
        if page.events.is_empty() {
            tokio::select! {
                changed = head.wait_for(|h| *h > cursor.position) => { changed.map_err(|_| StoreError::WriterStopped)?; }
                _ = shutdown.changed() => {}
            }
            // Let appends gather so one catch-up transaction (one fsync) carries many of them.
            tokio::time::sleep(LINGER).await;
            continue;
        }
        let end = page.end;
        let job = ApplyBatch {
            projector: projector.clone(),
            from: cursor,
            page,
        };
        match store.exclusive(Box::new(job)).await {
            Ok(()) => cursor = end,
            // Someone else moved the checkpoint (a rebuild swapped in): start from theirs.
            Err(StoreError::Conflict { .. }) => cursor = read_checkpoint(store.db(), projector.name()).await?,
            Err(e) => return Err(e.into()),
        }
        checkpoint.send_replace(cursor);
    }
}

/// Applies one page on the writer (SQLite).
struct ApplyBatch {
    projector: Arc<dyn Projector>,
    from: Cursor,
    page: Page,
}

#[async_trait]
impl ExclusiveJob for ApplyBatch {
    async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        apply_batch(conn, self.projector.as_ref(), self.from, &self.page).await
    }

    /// The reply does not wait for an fsync: a crash can only lose the last pages together
    /// with their checkpoint (one transaction), and they are applied again from the log.
    fn durable(&self) -> bool {
        false
    }
}
