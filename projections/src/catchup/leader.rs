//! PostgreSQL: each catch-up projector runs on exactly one node at a time.
//!
//! Every node's runner opens a connection of its own and tries `pg_try_advisory_lock` on a
//! key derived from the projector's name. The winner tails the log and applies batches on
//! that connection; the lock lives as long as the connection, so when the node dies (even by
//! SIGKILL) PostgreSQL ends its session, releases the lock, and rolls back an unfinished
//! batch with its checkpoint. The others retry every [`FOLLOW_POLL`] and meanwhile follow the
//! checkpoint, so `wait_for` works on every node; one of them takes over from the checkpoint.
use std::sync::Arc;
use std::time::Duration;

use joan_commands::db::pg::{self, LockKind};
use joan_commands::{Conn, Cursor, EventStore, Horizon, StoreError};
use sqlx::PgConnection;
use tokio::sync::watch;

use super::batch::{BATCH, LINGER, apply_batch};
use crate::checkpoint::{checkpoint_in, read_checkpoint};
use crate::error::ProjectionError;
use crate::projector::Projector;

/// How often a node that does not run the projector tries to take over, and reads the
/// checkpoint of the node that does.
pub const FOLLOW_POLL: Duration = Duration::from_millis(250);
/// How often an idle runner looks for settled events without being woken: an event can
/// become settled when an unrelated transaction ends, which notifies nobody.
const IDLE_POLL: Duration = Duration::from_millis(100);
/// Pause after a failure (lost connection, failing batch) before trying again.
const RETRY: Duration = Duration::from_secs(1);

/// What a node does for one projector until `shutdown`: follow, lead when it gets the lock,
/// and start over after any failure.
pub(crate) async fn run(
    store: EventStore,
    url: String,
    projector: Arc<dyn Projector>,
    checkpoint: watch::Sender<Cursor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let name = projector.name();
    let application_name = format!("joan catch-up {name} pid={}", std::process::id());
    loop {
        if *shutdown.borrow() {
            return;
        }
        let outcome = match pg::connect(&url, &application_name).await {
            Ok(mut conn) => match follow(&mut conn, &store, name, &checkpoint, &mut shutdown).await {
                Ok(true) => {
                    tracing::info!(projector = name, "this node runs the catch-up projector");
                    lead(&mut conn, &store, projector.as_ref(), &checkpoint, &mut shutdown).await
                }
                Ok(false) => Ok(()),
                Err(e) => Err(e),
            },
            Err(e) => Err(e.into()),
        };
        // Dropping the connection (above) released the lock, if this node held it.
        match outcome {
            // Shutting down closes the store under the projector: not a failure to report.
            _ if *shutdown.borrow() => return,
            Ok(()) => {}
            Err(e) => tracing::warn!(projector = name, error = %e, "catch-up projector interrupted; retrying"),
        }
        tokio::select! {
            _ = tokio::time::sleep(RETRY) => {}
            _ = shutdown.changed() => {}
        }
    }
}

/// Follows the checkpoint until this node gets the runner lock (`true`) or shuts down.
async fn follow(
    conn: &mut PgConnection,
    store: &EventStore,
    name: &'static str,
    checkpoint: &watch::Sender<Cursor>,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<bool, ProjectionError> {
    let key = pg::named_lock(LockKind::CatchUpRunner, name);
    loop {
        if pg::try_session_lock(conn, key).await? {
            return Ok(true);
        }
        let theirs = read_checkpoint(store.db(), name).await?;
        checkpoint.send_if_modified(|c| std::mem::replace(c, theirs) != theirs);
        tokio::select! {
            _ = tokio::time::sleep(FOLLOW_POLL) => {}
            _ = shutdown.changed() => return Ok(false),
        }
    }
}

/// Tails the log from the checkpoint, applying batches on `conn`, until shutdown or failure.
async fn lead(
    conn: &mut PgConnection,
    store: &EventStore,
    projector: &dyn Projector,
    checkpoint: &watch::Sender<Cursor>,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<(), ProjectionError> {
    let name = projector.name();
    let mut cursor = checkpoint_in(&mut Conn::Postgres(conn), name).await?;
    checkpoint.send_replace(cursor);
    let mut head = store.head();
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        let page = store.read_after(cursor, Horizon::Settled, BATCH).await?;
        if page.events.is_empty() {
            // A rebuild may have moved the checkpoint back to events it found unsettled.
            let current = checkpoint_in(&mut Conn::Postgres(conn), name).await?;
            if current != cursor {
                cursor = current;
                checkpoint.send_replace(cursor);
                continue;
            }
            tokio::select! {
                changed = head.changed() => {
                    changed.map_err(|_| StoreError::WriterStopped)?;
                    // Let appends gather so one batch carries many of them.
                    tokio::time::sleep(LINGER).await;
                }
                _ = tokio::time::sleep(IDLE_POLL) => {}
                _ = shutdown.changed() => {}
            }
            continue;
        }
        match apply_batch(&mut Conn::Postgres(conn), projector, cursor, &page).await {
            Ok(()) => cursor = page.end,
            // A rebuild swapped new rows in and moved the checkpoint: start from there.
            Err(StoreError::Conflict { .. }) => cursor = checkpoint_in(&mut Conn::Postgres(conn), name).await?,
            Err(e) => return Err(e.into()),
        }
        checkpoint.send_replace(cursor);
    }
}
