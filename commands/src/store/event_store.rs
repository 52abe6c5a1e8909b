//! [`EventStore`], the store's handle: appends go to the single writer, reads to the read pool.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use tokio::sync::{mpsc, oneshot, watch};

use super::appended::Appended;
use super::durable::Durability;
use super::wal;
use super::writer::{AppendRequest, OwnedConn, Writer, WriterMsg};
use crate::db::connect::{pg_readers, pg_writer, sqlite_readers};
use crate::db::pg;
use crate::db::sqlite::conn::SqliteConn;
use crate::db::{Database, Location};
use crate::error::StoreError;
use crate::event::NewEvent;
use crate::hook::{AppendHook, ExclusiveJob};

/// How the store is opened.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Size of the read pool.
    pub read_connections: u32,
    /// Appends that may wait for the writer before callers are slowed down.
    pub queue_depth: usize,
    /// SQLite: log frames past which the write-ahead log is started over (see [`crate::store::wal`]).
    pub wal_restart_frames: i64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            read_connections: 4,
            queue_depth: 4096,
            wal_restart_frames: wal::RESTART_FRAMES,
        }
    }
}

struct Inner {
    tx: mpsc::Sender<WriterMsg>,
    db: Database,
    head: watch::Receiver<i64>,
    appended: Arc<AtomicU64>,
    batches: Arc<AtomicU64>,
    syncs: Arc<AtomicU64>,
    /// Set once an fsync of SQLite's log has failed (never on PostgreSQL).
    not_durable: Arc<AtomicBool>,
    location: Location,
    /// Background tasks that live as long as the store: SQLite's WAL checkpointer,
    /// PostgreSQL's append listener.
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        for task in &self.background {
            task.abort();
        }
    }
}

/// Cheap to clone; every clone talks to the same writer.
#[derive(Clone)]
pub struct EventStore {
    inner: Arc<Inner>,
}

impl EventStore {
    /// Opens the store at `location` (migrations must already be applied) and starts its
    /// writer with `inline` hooks, which run inside every append transaction.
    pub async fn open(
        location: &Location,
        options: StoreOptions,
        inline: Vec<Arc<dyn AppendHook>>,
    ) -> Result<Self, StoreError> {
        let (conn, db) = match location {
            Location::Sqlite(path) => (
                OwnedConn::Sqlite(SqliteConn::writer(path, wal::keep_bytes(options.wal_restart_frames))?),
                sqlite_readers(path, options.read_connections)?,
            ),
            Location::Postgres(url) => (
                OwnedConn::Postgres(pg_writer(url).await?),
                pg_readers(url, options.read_connections).await?,
            ),
        };
        let (head_tx, head_rx) = watch::channel(0);
        let head_tx = Arc::new(head_tx);
        let (tx, rx) = mpsc::channel(options.queue_depth);
        let background = match location {
            Location::Sqlite(path) => vec![wal::checkpointer(path, options.wal_restart_frames, tx.clone()).await?],
            // Listening first: an append another node commits from here on moves the head.
            Location::Postgres(url) => vec![pg::follow_appends(url, db.clone(), head_tx.clone()).await?],
        };
        let start = db
            .fetch_scalar_i64("select coalesce(max(position), 0) from events", &[])
            .await?;
        pg::advance(&head_tx, start);
        let appended = Arc::new(AtomicU64::new(0));
        let batches = Arc::new(AtomicU64::new(0));
        let syncs = Arc::new(AtomicU64::new(0));
        let durability = match location {
            Location::Sqlite(path) => {
                let mut wal = path.clone().into_os_string();
                wal.push("-wal");
                let started = Durability::start(wal.as_ref(), head_tx.clone(), syncs.clone());
                Some(started.map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?)
            }
            Location::Postgres(_) => None,
        };
        let not_durable = durability.as_ref().map(Durability::failure_flag).unwrap_or_default();
        let writer = Writer {
            conn,
            inline,
            head: head_tx,
            appended_events: appended.clone(),
            batches: batches.clone(),
            reconnect: match location {
                Location::Postgres(url) => Some(url.clone()),
                Location::Sqlite(_) => None,
            },
            durability,
        };
        writer.start(rx)?;
        Ok(Self {
            inner: Arc::new(Inner {
                tx,
                db,
                head: head_rx,
                appended,
                batches,
                syncs,
                not_durable,
                location: location.clone(),
                background,
            }),
        })
    }

    /// Appends one command's events atomically. `hook` runs in the same transaction.
    pub async fn append(
        &self,
        events: Vec<NewEvent>,
        hook: Option<Box<dyn AppendHook>>,
    ) -> Result<Appended, StoreError> {
        let (reply, rx) = oneshot::channel();
        self.inner
            .tx
            .send(WriterMsg::Append(AppendRequest { events, hook, reply }))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        rx.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// Runs `job` alone on the write connection in its own transaction.
    pub async fn exclusive(&self, job: Box<dyn ExclusiveJob>) -> Result<(), StoreError> {
        let (reply, rx) = oneshot::channel();
        self.inner
            .tx
            .send(WriterMsg::Exclusive(job, reply))
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        rx.await.map_err(|_| StoreError::WriterStopped)?
    }

    /// The read pool.
    pub fn db(&self) -> &Database {
        &self.inner.db
    }

    pub fn location(&self) -> &Location {
        &self.inner.location
    }

    /// The position of the last committed event, updated after every commit (on SQLite, once
    /// the commit is fsynced). On PostgreSQL it follows the appends of every node (through
    /// notifications), not only this one's.
    pub fn head(&self) -> watch::Receiver<i64> {
        self.inner.head.clone()
    }

    /// Requests waiting for the writer (the group-commit queue's depth).
    pub fn queued(&self) -> usize {
        self.inner.tx.max_capacity() - self.inner.tx.capacity()
    }

    /// Group commits made by this process since it opened the store.
    pub fn batches(&self) -> u64 {
        self.inner.batches.load(Ordering::Relaxed)
    }

    /// fsyncs of SQLite's log made to acknowledge commits (0 on PostgreSQL, whose commits
    /// are durable themselves).
    pub fn syncs(&self) -> u64 {
        self.inner.syncs.load(Ordering::Relaxed)
    }

    /// Whether the store still acknowledges appends: false once an fsync of SQLite's log has
    /// failed, until the process restarts (see [`crate::store::durable`]).
    pub fn is_durable(&self) -> bool {
        !self.inner.not_durable.load(Ordering::SeqCst)
    }

    /// Events appended by this process since it opened the store.
    pub fn appended_events(&self) -> u64 {
        self.inner.appended.load(Ordering::Relaxed)
    }
}
