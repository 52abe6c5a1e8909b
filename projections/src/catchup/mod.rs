//! Catch-up projectors: tail the log from a checkpoint kept in the same transaction as
//! their rows, waking on every append.
//!
//! SQLite: batches run on the store's single writer, so they never fight the command path
//! for the write lock. PostgreSQL: one node at a time runs each projector (see
//! [`leader`]), on a connection of its own; the others follow its checkpoint.
//! Either way the checkpoint is a [`Cursor`], `(tx, position)`, read with the settled rule,
//! so an event whose transaction commits late is applied in its turn, never skipped.
mod batch;
mod leader;
mod sqlite;

use std::sync::Arc;
use std::time::Duration;

use joan_commands::db::Location;
use joan_commands::store::tail;
use joan_commands::{Cursor, Database, EventStore};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::checkpoint::read_checkpoint;
use crate::error::ProjectionError;
use crate::projector::Projector;

/// A running catch-up projector.
pub struct CatchUp {
    name: &'static str,
    checkpoint: watch::Receiver<Cursor>,
    db: Database,
    task: JoinHandle<()>,
}

impl CatchUp {
    /// Starts tailing the log with `projector` until `shutdown` turns true. On PostgreSQL
    /// this node runs it only while no other node does, and follows its checkpoint meanwhile.
    pub async fn start(
        store: EventStore,
        projector: Arc<dyn Projector>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Self, ProjectionError> {
        let name = projector.name();
        let start = read_checkpoint(store.db(), name).await?;
        let (tx, checkpoint) = watch::channel(start);
        let db = store.db().clone();
        let task = match store.location().clone() {
            Location::Sqlite(_) => tokio::spawn(async move {
                if let Err(e) = sqlite::tail(store, projector, tx, shutdown).await {
                    tracing::error!(projector = name, error = %e, "catch-up projector stopped");
                }
            }),
            Location::Postgres(url) => tokio::spawn(leader::run(store, url, projector, tx, shutdown)),
        };
        Ok(Self {
            name,
            checkpoint,
            db,
            task,
        })
    }

    /// The projector's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The position of the last event applied (in tail order).
    pub fn position(&self) -> i64 {
        self.checkpoint.borrow().position
    }

    /// The checkpoint: the cursor of the last event applied.
    pub fn cursor(&self) -> Cursor {
        *self.checkpoint.borrow()
    }

    /// Waits until the projector has applied the event at `position` and everything before
    /// it (on whichever node runs it).
    pub async fn wait_for(&self, position: i64) {
        let Some(target) = tail::cursor_at_retrying(&self.db, position, self.name, Duration::from_millis(200)).await
        else {
            return;
        };
        let mut rx = self.checkpoint.clone();
        loop {
            if rx.wait_for(|c| *c >= target).await.is_err() || !self.db.is_postgres() {
                return;
            }
            // The checkpoint in the database decides: a rebuild may have moved it back.
            match read_checkpoint(&self.db, self.name).await {
                Ok(current) if current >= target => return,
                _ => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Stops the tail; an unfinished batch is rolled back with its checkpoint.
    pub fn abort(&self) {
        self.task.abort();
    }
}
