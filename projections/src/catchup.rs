//! Catch-up projectors: tail the log from a checkpoint kept in the same transaction as
//! their rows, waking on every append. Their batches run on the store's single writer, so
//! they never fight the command path for SQLite's write lock.
use std::sync::Arc;

use async_trait::async_trait;
use joan_commands::{Conn, EventStore, ExclusiveJob, StoreError, StoredEvent, args};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::ProjectionError;
use crate::projector::{Projector, apply_all};

/// Events read per catch-up batch (one transaction each).
const BATCH: i64 = 1_000;
/// How long a woken projector waits for more appends before applying what it has.
const LINGER: std::time::Duration = std::time::Duration::from_millis(20);

/// A running catch-up projector.
pub struct CatchUp {
    name: &'static str,
    checkpoint: watch::Receiver<i64>,
    task: JoinHandle<()>,
}

impl CatchUp {
    /// Starts tailing the log with `projector` until `shutdown` turns true.
    pub async fn start(
        store: EventStore,
        projector: Arc<dyn Projector>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Self, ProjectionError> {
        let start = read_checkpoint(store.db(), projector.name()).await?;
        let (tx, checkpoint) = watch::channel(start);
        let name = projector.name();
        let task = tokio::spawn(async move {
            if let Err(e) = tail(store, projector, tx, shutdown).await {
                tracing::error!(projector = name, error = %e, "catch-up projector stopped");
            }
        });
        Ok(Self { name, checkpoint, task })
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The last position this projector has applied.
    pub fn position(&self) -> i64 {
        *self.checkpoint.borrow()
    }

    /// Waits until the projector has applied every event up to `position`.
    pub async fn wait_for(&self, position: i64) {
        let mut rx = self.checkpoint.clone();
        let _ = rx.wait_for(|p| *p >= position).await;
    }

    /// Stops the tail; an unfinished batch is rolled back with its checkpoint.
    pub fn abort(&self) {
        self.task.abort();
    }
}

async fn tail(
    store: EventStore,
    projector: Arc<dyn Projector>,
    checkpoint: watch::Sender<i64>,
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), ProjectionError> {
    let mut head = store.head();
    let mut position = *checkpoint.borrow();
    loop {
        if *shutdown.borrow() {
            return Ok(());
        }
        let events = store.read_from(position, BATCH).await?;
        if events.is_empty() {
            tokio::select! {
                changed = head.wait_for(|h| *h > position) => { changed.map_err(|_| StoreError::WriterStopped)?; }
                _ = shutdown.changed() => {}
            }
            // Let appends gather so one catch-up transaction (one fsync) carries many of them.
            tokio::time::sleep(LINGER).await;
            continue;
        }
        let last = events.last().map_or(position, |e| e.position);
        let job = ApplyBatch {
            projector: projector.clone(),
            from: position,
            events,
        };
        match store.exclusive(Box::new(job)).await {
            Ok(()) => position = last,
            // Someone else moved the checkpoint (a rebuild swapped in): start from theirs.
            Err(StoreError::Conflict { .. }) => position = read_checkpoint(store.db(), projector.name()).await?,
            Err(e) => return Err(e.into()),
        }
        checkpoint.send_replace(position);
    }
}

/// Applies one batch and moves the checkpoint, in one transaction, only if the checkpoint
/// is still where the batch was read from.
struct ApplyBatch {
    projector: Arc<dyn Projector>,
    from: i64,
    events: Vec<StoredEvent>,
}

#[async_trait]
impl ExclusiveJob for ApplyBatch {
    async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        conn.begin().await?;
        let result = async {
            let name = self.projector.name();
            let current = checkpoint_in(conn, name).await?;
            if current != self.from {
                return Err(StoreError::Conflict {
                    aggregate_type: "checkpoint".into(),
                    aggregate_id: name.into(),
                    sequence: current,
                });
            }
            apply_all(self.projector.as_ref(), conn, &self.events).await?;
            let last = self.events.last().map_or(self.from, |e| e.position);
            save_checkpoint(conn, name, last).await?;
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
}

/// A projector's checkpoint as seen by the read pool (0 when it has none yet).
pub async fn read_checkpoint(db: &joan_commands::Database, name: &str) -> Result<i64, ProjectionError> {
    let row: Option<(i64,)> = db
        .fetch_optional(
            "select position from projector_checkpoints where name = $1",
            &args![name],
        )
        .await?;
    Ok(row.map_or(0, |r| r.0))
}

/// A projector's checkpoint inside the current transaction.
pub async fn checkpoint_in(conn: &mut Conn<'_>, name: &str) -> Result<i64, sqlx::Error> {
    let row: Option<(i64,)> = conn
        .fetch_optional(
            "select position from projector_checkpoints where name = $1",
            &args![name],
        )
        .await?;
    Ok(row.map_or(0, |r| r.0))
}

pub async fn save_checkpoint(conn: &mut Conn<'_>, name: &str, position: i64) -> Result<(), sqlx::Error> {
    let now = joan_domain::Timestamp::from_datetime(time::OffsetDateTime::now_utc()).to_rfc3339();
    conn.execute(
        "insert into projector_checkpoints (name, position, updated_at) values ($1, $2, $3) \
         on conflict (name) do update set position = excluded.position, updated_at = excluded.updated_at",
        &args![name, position, now.as_str()],
    )
    .await?;
    Ok(())
}
