//! The live feed: every committed event, read once from the log by one tail per process and
//! fanned out to each `GET /events/stream` connection, which keeps only what its user may
//! see ([`audience`]).
//!
//! Gapless by construction: each batch carries the cursor it follows, and a connection that
//! finds a gap between what it has sent and a batch (it lagged behind the channel, or it
//! resumed from `Last-Event-ID`) reads the gap from the log itself before going on
//! ([`connection`]). So a slow client costs the log a read, never the others a wait, and an
//! event is delivered once, in log order.
pub mod audience;
pub mod change;
pub mod connection;

use std::sync::Arc;
use std::time::Duration;

use joan_commands::store::tail::{self, Horizon};
use joan_commands::{Cursor, EventStore, StoredEvent};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use self::audience::{Audience, Audiences};

/// Events read per page of the tail.
const PAGE: i64 = 500;
/// Batches a connection may fall behind before it reads the log instead.
const CHANNEL: usize = 1024;
const IDLE_POLL: Duration = Duration::from_millis(100);
const RETRY: Duration = Duration::from_secs(1);

/// One event and who may see it.
#[derive(Debug)]
pub struct LiveEvent {
    pub audience: Audience,
    pub rendered: Arc<Rendered>,
}

/// An event as a connection sends it, rendered once for every connection that may see it.
#[derive(Debug)]
pub struct Rendered {
    pub position: i64,
    /// The [`change::Change`] as JSON.
    pub json: String,
}

impl Rendered {
    pub fn of(event: &StoredEvent) -> Arc<Self> {
        let change = change::Change::from(event);
        Arc::new(Self {
            position: event.position,
            json: serde_json::to_string(&change).unwrap_or_else(|_| "{}".into()),
        })
    }
}

/// Consecutive events of the log: everything after `after` up to `end`, in tail order.
#[derive(Debug)]
pub struct Batch {
    pub after: Cursor,
    pub first: Cursor,
    pub end: Cursor,
    pub events: Vec<LiveEvent>,
}

/// The process's feed: subscribe to follow the log from now on.
#[derive(Clone)]
pub struct LiveFeed {
    batches: broadcast::Sender<Arc<Batch>>,
    store: EventStore,
    audiences: Arc<Audiences>,
    closed: watch::Receiver<bool>,
    close: Arc<watch::Sender<bool>>,
    task: Arc<JoinHandle<()>>,
}

impl LiveFeed {
    /// Starts following the log from its current end.
    pub async fn start(store: EventStore) -> Result<Self, joan_commands::StoreError> {
        let from = start_cursor(&store).await?;
        let (batches, _) = broadcast::channel(CHANNEL);
        let (close, closed) = watch::channel(false);
        let audiences = Arc::new(Audiences::new(store.db().clone()));
        let task = tokio::spawn(follow(
            store.clone(),
            from,
            batches.clone(),
            audiences.clone(),
            closed.clone(),
        ));
        Ok(Self {
            batches,
            store,
            audiences,
            closed,
            close: Arc::new(close),
            task: Arc::new(task),
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Batch>> {
        self.batches.subscribe()
    }

    pub fn store(&self) -> &EventStore {
        &self.store
    }

    pub fn audiences(&self) -> &Audiences {
        &self.audiences
    }

    /// Turns true when the feed closes: connections end then, so that a graceful shutdown
    /// does not wait for clients that never hang up.
    pub fn closed(&self) -> watch::Receiver<bool> {
        self.closed.clone()
    }

    /// Ends every connection and the tail.
    pub fn close(&self) {
        let _ = self.close.send(true);
        self.task.abort();
    }

    /// Connections open now.
    pub fn connections(&self) -> usize {
        self.batches.receiver_count()
    }
}

/// Where a tail that starts now begins: after the last committed event. (The settled bound
/// would be too early on PostgreSQL: any transaction still open, however unrelated, holds
/// it back, and what committed since would be passed again.) Appends commit in position
/// order, so what commits from here on comes after this cursor.
pub async fn start_cursor(store: &EventStore) -> Result<Cursor, joan_commands::StoreError> {
    let last = store
        .db()
        .fetch_scalar_i64("select coalesce(max(position), 0) from events", &[])
        .await?;
    Ok(tail::cursor_at(store.db(), last).await?.unwrap_or(Cursor::START))
}

async fn follow(
    store: EventStore,
    mut cursor: Cursor,
    batches: broadcast::Sender<Arc<Batch>>,
    audiences: Arc<Audiences>,
    mut closed: watch::Receiver<bool>,
) {
    let mut head = store.head();
    let postgres = store.db().is_postgres();
    loop {
        if *closed.borrow() {
            return;
        }
        let page = match tail::read_page(store.db(), cursor, Horizon::Settled, PAGE).await {
            Ok(page) => page,
            Err(e) => {
                tracing::warn!(error = %e, "live feed cannot read the log; retrying");
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        if page.events.is_empty() {
            if !tail::wait_for_append(&mut head, cursor, postgres, IDLE_POLL, &mut closed).await {
                return;
            }
            continue;
        }
        // Nobody listening: nothing to work out. A connection opened later finds the gap
        // between its start and the next batch and reads it from the log itself.
        if batches.receiver_count() == 0 {
            cursor = page.end;
            continue;
        }
        let mut events = Vec::with_capacity(page.events.len());
        for event in page.events {
            let audience = audiences.of(&event).await;
            let rendered = Rendered::of(&event);
            events.push(LiveEvent { audience, rendered });
        }
        let batch = Batch {
            after: cursor,
            first: page.first,
            end: page.end,
            events,
        };
        cursor = page.end;
        // No receiver is not an error: the feed runs whether anyone listens or not.
        let _ = batches.send(Arc::new(batch));
    }
}
