//! Reactors: process managers that turn events into commands, durably and exactly once.
//!
//! A reactor tails the log from its checkpoint (in `reactor_checkpoints`, apart from the
//! projections' so that no rebuild ever moves it) and hands each event its [`Reaction`]
//! handles to it; once a page is done, the checkpoint moves past it. A crash between a
//! reaction's command and the checkpoint hands the same events again after the restart, so
//! every reaction must be idempotent: its command is one the target aggregate refuses or
//! ignores the second time (`TaskCommand::LogPomodoro` names its session). At least once
//! delivered, counted once: nothing is lost, nothing is doubled.
//!
//! Every node runs its reactors; two nodes reacting to one event append once (the second
//! command finds the first one's event, or conflicts and then finds it).
mod pomodoro_minutes;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use self::pomodoro_minutes::PomodoroMinutes;
use crate::db::{Conn, Database};
use crate::error::StoreError;
use crate::event::StoredEvent;
use crate::hook::ExclusiveJob;
use crate::store::{Cursor, EventStore, Horizon, tail};

/// Events read per page.
const BATCH: i64 = 500;
/// How often an idle reactor on PostgreSQL looks for settled events without being woken.
const IDLE_POLL: Duration = Duration::from_millis(100);
/// Pause after a failure before the page is tried again.
const RETRY: Duration = Duration::from_secs(1);

/// What some events make the system do next.
#[async_trait]
pub trait Reaction: Send + Sync {
    /// Stable name: the checkpoint's key.
    fn name(&self) -> &'static str;

    /// Whether the reaction concerns `event` (others are passed over undecoded).
    fn handles(&self, event: &StoredEvent) -> bool;

    /// Reacts to one event. May be handed the same event again after a crash: must be
    /// idempotent. An error leaves the checkpoint where it was, to try again.
    async fn react(&self, event: &StoredEvent) -> Result<(), StoreError>;
}

/// A reaction's command outcome as the reactor sees it: a refusal or a vanished target is
/// nothing to retry (logged at debug); a lost race or a store failure is (the page is handed
/// again). Every reaction's command goes through this one mapping.
pub fn settle<T, E: std::error::Error>(
    aggregate_type: &str,
    aggregate_id: &str,
    outcome: Result<T, crate::service::CommandError<E>>,
) -> Result<(), StoreError> {
    use crate::service::CommandError;
    match outcome {
        Ok(_) | Err(CommandError::NotFound) => Ok(()),
        Err(CommandError::Domain(refused)) => {
            tracing::debug!(aggregate_type, aggregate_id, reason = %refused, "reaction's command refused");
            Ok(())
        }
        Err(CommandError::Store(e)) => Err(e),
        Err(CommandError::Conflict | CommandError::Stale { .. }) => Err(StoreError::Conflict {
            aggregate_type: aggregate_type.into(),
            aggregate_id: aggregate_id.into(),
            sequence: 0,
        }),
    }
}

/// A running reactor.
pub struct Reactor {
    name: &'static str,
    checkpoint: watch::Receiver<Cursor>,
    db: Database,
    task: JoinHandle<()>,
}

impl Reactor {
    /// Starts tailing the log with `reaction` until `shutdown` turns true.
    pub async fn start(
        store: EventStore,
        reaction: Arc<dyn Reaction>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Self, StoreError> {
        let name = reaction.name();
        let start = read_checkpoint(store.db(), name).await?;
        let (tx, checkpoint) = watch::channel(start);
        let db = store.db().clone();
        let task = tokio::spawn(run(store, reaction, tx, shutdown));
        Ok(Self {
            name,
            checkpoint,
            db,
            task,
        })
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Waits until the reactor has handled the event at `position` and everything before it.
    pub async fn wait_for(&self, position: i64) {
        if let Some(target) = tail::cursor_at_retrying(&self.db, position, self.name, RETRY).await {
            let _ = self.checkpoint.clone().wait_for(|c| *c >= target).await;
        }
    }

    /// Stops the tail; a page half done is handed again at the next start.
    pub fn abort(&self) {
        self.task.abort();
    }
}

async fn run(
    store: EventStore,
    reaction: Arc<dyn Reaction>,
    checkpoint: watch::Sender<Cursor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let name = reaction.name();
    let mut head = store.head();
    let mut cursor = *checkpoint.borrow();
    let postgres = store.db().is_postgres();
    loop {
        if *shutdown.borrow() {
            return;
        }
        match step(&store, reaction.as_ref(), cursor).await {
            Ok(Some(end)) => {
                cursor = end;
                checkpoint.send_replace(cursor);
            }
            Ok(None) => {
                if !tail::wait_for_append(&mut head, cursor, postgres, IDLE_POLL, &mut shutdown).await {
                    return;
                }
            }
            Err(e) => {
                if *shutdown.borrow() {
                    return;
                }
                tracing::warn!(reactor = name, error = %e, "reaction failed; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(RETRY) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }
}

/// One page after `cursor`: each handled event reacted to, then the checkpoint moved past the
/// page. The new cursor, or `None` when there was nothing new.
///
/// A partial page with nothing to react to leaves the stored checkpoint behind (only the
/// running reactor's moves): every append wakes the reactor, and a write to the writer for
/// each would double its transactions. After a restart those events are read again, and
/// passed over again.
pub async fn step(store: &EventStore, reaction: &dyn Reaction, cursor: Cursor) -> Result<Option<Cursor>, StoreError> {
    let page = store.read_after(cursor, Horizon::Settled, BATCH).await?;
    if page.events.is_empty() {
        return Ok(None);
    }
    let mut reacted = false;
    for event in page.events.iter().filter(|e| reaction.handles(e)) {
        reaction.react(event).await?;
        reacted = true;
    }
    let full = i64::try_from(page.events.len()).is_ok_and(|n| n >= BATCH);
    if !(reacted || full) {
        return Ok(Some(page.end));
    }
    let save = SaveCheckpoint {
        name: reaction.name(),
        cursor: Some(page.end),
    };
    store.exclusive(Box::new(save)).await?;
    Ok(Some(page.end))
}

/// Runs `reaction` from its checkpoint until nothing new is left: what a running reactor
/// does, at once.
pub async fn drain(store: &EventStore, reaction: &dyn Reaction) -> Result<Cursor, StoreError> {
    let mut cursor = read_checkpoint(store.db(), reaction.name()).await?;
    while let Some(end) = step(store, reaction, cursor).await? {
        cursor = end;
    }
    Ok(cursor)
}

/// A reactor's checkpoint ([`Cursor::START`] when it has none).
pub async fn read_checkpoint(db: &Database, name: &str) -> Result<Cursor, StoreError> {
    let row: Option<(i64, i64)> = db
        .fetch_optional(
            "select tx, position from reactor_checkpoints where name = $1",
            &crate::args![name],
        )
        .await?;
    Ok(row.map_or(Cursor::START, |(tx, position)| Cursor { tx, position }))
}

/// Forgets a reactor's checkpoint, so that it reacts to the whole log again (which its
/// idempotent reactions make harmless): for operators, and for tests of that very property.
pub async fn reset_checkpoint(store: &EventStore, name: &'static str) -> Result<(), StoreError> {
    store.exclusive(Box::new(SaveCheckpoint { name, cursor: None })).await
}

/// Moves a reactor's checkpoint forward (never back: two nodes may race), or forgets it.
struct SaveCheckpoint {
    name: &'static str,
    cursor: Option<Cursor>,
}

#[async_trait]
impl ExclusiveJob for SaveCheckpoint {
    async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        let now = joan_domain::Timestamp::from_datetime(time::OffsetDateTime::now_utc()).to_rfc3339();
        conn.begin().await?;
        let saved = match self.cursor {
            Some(cursor) => {
                conn.execute(
                    "insert into reactor_checkpoints (name, position, tx, updated_at) values ($1, $2, $3, $4) \
                     on conflict (name) do update set position = excluded.position, tx = excluded.tx, \
                     updated_at = excluded.updated_at \
                     where (reactor_checkpoints.tx, reactor_checkpoints.position) < (excluded.tx, excluded.position)",
                    &crate::args![self.name, cursor.position, cursor.tx, now.as_str()],
                )
                .await
            }
            None => {
                conn.execute(
                    "delete from reactor_checkpoints where name = $1",
                    &crate::args![self.name],
                )
                .await
            }
        };
        match saved {
            Ok(_) => Ok(conn.commit().await?),
            Err(e) => {
                conn.rollback().await?;
                Err(e.into())
            }
        }
    }

    /// A checkpoint lost in a crash only hands some events again, which reactions ignore.
    fn durable(&self) -> bool {
        false
    }
}
