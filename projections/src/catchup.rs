//! Catch-up projectors: tail the log from a checkpoint kept in the same transaction as
//! their rows, waking on every append.
//!
//! SQLite: batches run on the store's single writer, so they never fight the command path
//! for the write lock. PostgreSQL: one node at a time runs each projector (see
//! [`crate::leader`]), on a connection of its own; the others follow its checkpoint.
//! Either way the checkpoint is a [`Cursor`], `(tx, position)`, read with the settled rule,
//! so an event whose transaction commits late is applied in its turn, never skipped.
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use joan_commands::db::Location;
use joan_commands::pg::{self, LockKind};
use joan_commands::tail::{self, Cursor, Horizon, Page};
use joan_commands::{Conn, Database, EventStore, ExclusiveJob, StoreError, args};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::ProjectionError;
use crate::projector::{Projector, apply_all};

/// Events read per catch-up batch (one transaction each).
pub(crate) const BATCH: i64 = 1_000;
/// How long a woken projector waits for more appends before applying what it has.
pub(crate) const LINGER: Duration = Duration::from_millis(20);

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
                if let Err(e) = tail(store, projector, tx, shutdown).await {
                    tracing::error!(projector = name, error = %e, "catch-up projector stopped");
                }
            }),
            Location::Postgres(url) => tokio::spawn(crate::leader::run(store, url, projector, tx, shutdown)),
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
        let target = loop {
            match tail::cursor_at(&self.db, position).await {
                Ok(target) => break target,
                Err(e) => {
                    tracing::warn!(projector = self.name, error = %e, "cannot look up position {position}; retrying");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        };
        let Some(target) = target else {
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

/// SQLite: the single writer applies each batch.
async fn tail(
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

const SELECT_CHECKPOINT: &str = "select tx, position from projector_checkpoints where name = $1";

fn to_cursor(row: Option<(i64, i64)>) -> Cursor {
    row.map_or(Cursor::START, |(tx, position)| Cursor { tx, position })
}

/// A projector's checkpoint as seen by the read pool ([`Cursor::START`] when it has none).
pub async fn read_checkpoint(db: &Database, name: &str) -> Result<Cursor, ProjectionError> {
    Ok(to_cursor(db.fetch_optional(SELECT_CHECKPOINT, &args![name]).await?))
}

/// A projector's checkpoint inside the current transaction.
pub async fn checkpoint_in(conn: &mut Conn<'_>, name: &str) -> Result<Cursor, sqlx::Error> {
    Ok(to_cursor(conn.fetch_optional(SELECT_CHECKPOINT, &args![name]).await?))
}

/// Moves a projector's checkpoint to `cursor` (in the caller's transaction).
pub async fn save_checkpoint(conn: &mut Conn<'_>, name: &str, cursor: Cursor) -> Result<(), sqlx::Error> {
    let now = joan_domain::Timestamp::from_datetime(time::OffsetDateTime::now_utc()).to_rfc3339();
    conn.execute(
        "insert into projector_checkpoints (name, position, tx, updated_at) values ($1, $2, $3, $4) \
         on conflict (name) do update set position = excluded.position, tx = excluded.tx, \
         updated_at = excluded.updated_at",
        &args![name, cursor.position, cursor.tx, now.as_str()],
    )
    .await?;
    Ok(())
}
