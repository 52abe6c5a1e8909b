//! SQLite's commits acknowledged once their log is on disk, while the writer goes on.
//!
//! The writer commits with `synchronous = NORMAL`: SQLite writes the batch's frames into the
//! write-ahead log and returns without an fsync (its checkpoints still fsync the log before
//! copying it and the database after, so the file stays consistent whatever happens). The
//! batch's replies then wait here, on a thread of their own, for one `fdatasync` of the log,
//! and the writer starts the next batch at once: the fsync of one batch overlaps the work of
//! the next (flush pipelining, as in Aether, VLDB 2010). Before, the writer's core sat idle
//! through every fsync, which limits creates where fsync is slow (docs/benchmarks.md).
//!
//! What is acknowledged is on disk: no reply (and no move of the head, which the catch-up
//! projectors follow) comes before the fsync of the log that holds it. One fsync covers every
//! frame written before it, so a group of batches shares one. A power loss can still take
//! back a batch that was committed but not yet acknowledged, and that another request may have
//! read in the meantime (a window of about one fsync); the log is one file written in order, so
//! what survives is always a prefix of it and nothing later can depend on what was lost.
//!
//! An fsync that fails leaves the kernel's copy in an unknown state (retrying cannot tell), so
//! the store stops acknowledging: every reply waiting and every later append gets
//! [`StoreError::NotDurable`] until Joan is restarted, as PostgreSQL does.
use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

use tokio::sync::{oneshot, watch};

use super::appended::Appended;
use crate::db::pg::advance;
use crate::error::StoreError;

/// A reply the writer holds back until the log that carries it is durable.
pub(crate) enum Reply {
    Append(
        oneshot::Sender<Result<Appended, StoreError>>,
        Result<Appended, StoreError>,
    ),
    Job(oneshot::Sender<Result<(), StoreError>>, Result<(), StoreError>),
}

impl Reply {
    /// Sends the writer's result, or `failure` in its place.
    pub(crate) fn send(self, failure: Option<&str>) {
        let refused = || StoreError::NotDurable(failure.unwrap_or_default().to_owned());
        match self {
            Reply::Append(to, result) => {
                let _ = to.send(if failure.is_some() { Err(refused()) } else { result });
            }
            Reply::Job(to, result) => {
                let _ = to.send(if failure.is_some() { Err(refused()) } else { result });
            }
        }
    }
}

/// SQLite's log, fsynced through a descriptor of our own: fsync acts on the file, whichever
/// descriptor names it, so SQLite's stays private.
struct WalFile {
    path: PathBuf,
    file: File,
    /// The inode `file` names, to compare with the path's.
    ino: u64,
}

impl WalFile {
    fn open(path: PathBuf) -> io::Result<Self> {
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        let ino = file.metadata()?.ino();
        Ok(Self { path, file, ino })
    }

    /// fsyncs the log that is at the path now. SQLite deletes the log when its last connection
    /// closes and makes a new one on the next write; a descriptor of the old file would then
    /// sync nothing that matters, so a changed inode means reopening. (With no log at all,
    /// every commit is in the database file, which SQLite's checkpoint synced.)
    fn sync(&mut self) -> io::Result<()> {
        let now = match std::fs::metadata(&self.path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        if now.ino() != self.ino {
            *self = Self::open(self.path.clone())?;
        }
        self.file.sync_data()
    }
}

/// Sends the replies of durable commits, the head moved to `last` first: whoever hears back
/// sees a head at or past its events.
pub(crate) fn deliver(head: &watch::Sender<i64>, last: Option<i64>, replies: impl IntoIterator<Item = Reply>) {
    if let Some(last) = last {
        advance(head, last);
    }
    for reply in replies {
        reply.send(None);
    }
}

/// One commit's replies and the last position it wrote.
struct Committed {
    last: Option<i64>,
    replies: Vec<Reply>,
}

/// The handle the writer sends its committed batches to.
pub(crate) struct Durability {
    tx: mpsc::Sender<Committed>,
    failed: Arc<AtomicBool>,
}

impl Durability {
    /// Starts the thread that fsyncs the log at `wal` (SQLite's `-wal` file, created if absent)
    /// and then moves `head` and sends the replies; `syncs` counts its fsyncs.
    pub(crate) fn start(wal: &Path, head: Arc<watch::Sender<i64>>, syncs: Arc<AtomicU64>) -> io::Result<Self> {
        let mut log = WalFile::open(wal.to_owned())?;
        Self::start_with(move || log.sync(), head, syncs)
    }

    /// As [`Durability::start`], with `sync` in place of the fsync (tests make it fail).
    pub(crate) fn start_with(
        mut sync: impl FnMut() -> io::Result<()> + Send + 'static,
        head: Arc<watch::Sender<i64>>,
        syncs: Arc<AtomicU64>,
    ) -> io::Result<Self> {
        let (tx, rx) = mpsc::channel::<Committed>();
        let failed = Arc::new(AtomicBool::new(false));
        let flag = failed.clone();
        std::thread::Builder::new().name("joan-fsync".into()).spawn(move || {
            let mut failure: Option<String> = None;
            while let Ok(first) = rx.recv() {
                // Every commit made while the last fsync ran: one fsync for them all.
                let group: Vec<Committed> = std::iter::once(first).chain(rx.try_iter()).collect();
                if failure.is_none() {
                    match sync() {
                        Ok(()) => {
                            syncs.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "fsync of the event log failed; no append is acknowledged until Joan restarts");
                            flag.store(true, Ordering::SeqCst);
                            failure = Some(e.to_string());
                        }
                    }
                }
                let last = group.iter().filter_map(|c| c.last).max();
                let replies = group.into_iter().flat_map(|c| c.replies);
                match &failure {
                    None => deliver(&head, last, replies),
                    Some(failure) => replies.for_each(|reply| reply.send(Some(failure))),
                }
            }
        })?;
        Ok(Self { tx, failed })
    }

    /// Hands over a committed batch: its replies go out once the log is on disk.
    pub(crate) fn after_fsync(&self, last: Option<i64>, replies: Vec<Reply>) {
        if let Err(mpsc::SendError(lost)) = self.tx.send(Committed { last, replies }) {
            // The thread is gone (it never panics, so only at exit): nothing can be confirmed.
            for reply in lost.replies {
                reply.send(Some("the fsync thread has stopped"));
            }
        }
    }

    /// Whether an fsync has failed: the store then refuses every append.
    pub(crate) fn failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }

    /// The flag behind [`Durability::failed`], for whoever reports readiness.
    pub(crate) fn failure_flag(&self) -> Arc<AtomicBool> {
        self.failed.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn appended(position: i64) -> Result<Appended, StoreError> {
        Ok(Appended::new(Vec::new(), position as u64))
    }

    #[test]
    fn the_log_is_reopened_when_sqlite_has_made_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("joan.db-wal");
        let mut log = WalFile::open(path.clone()).unwrap();
        std::fs::remove_file(&path).unwrap();
        log.sync().expect("no log: nothing to sync");
        std::fs::write(&path, b"frames").unwrap();
        log.sync().unwrap();
        assert_eq!(
            log.file.metadata().unwrap().ino(),
            std::fs::metadata(&path).unwrap().ino()
        );
    }

    #[tokio::test]
    async fn replies_wait_for_the_fsync_and_a_failed_fsync_refuses_them_and_all_later_ones() {
        let (head, mut heard) = watch::channel(0);
        let head = Arc::new(head);
        let syncs = Arc::new(AtomicU64::new(0));
        let results = Arc::new(std::sync::Mutex::new(vec![Ok(()), Err(io::Error::other("disk gone"))]));
        let script = results.clone();
        let durability = Durability::start_with(move || script.lock().unwrap().remove(0), head, syncs.clone()).unwrap();

        let (to, reply) = oneshot::channel();
        durability.after_fsync(Some(7), vec![Reply::Append(to, appended(1))]);
        assert_eq!(reply.await.unwrap().unwrap().batch, 1);
        assert_eq!(syncs.load(Ordering::Relaxed), 1, "the reply came after one fsync");
        assert_eq!(*heard.borrow_and_update(), 7, "the head moved with it");
        assert!(!durability.failed());

        let (to, reply) = oneshot::channel();
        durability.after_fsync(Some(9), vec![Reply::Append(to, appended(2))]);
        assert!(matches!(reply.await.unwrap(), Err(StoreError::NotDurable(m)) if m == "disk gone"));
        assert!(durability.failed());
        assert_eq!(*heard.borrow(), 7, "nothing unsynced is announced");

        // No fsync is tried again (the script is empty): what follows is refused as well.
        let (to, reply) = oneshot::channel();
        durability.after_fsync(Some(11), vec![Reply::Job(to, Ok(()))]);
        assert!(matches!(reply.await.unwrap(), Err(StoreError::NotDurable(_))));
        assert_eq!(syncs.load(Ordering::Relaxed), 1);
        assert!(results.lock().unwrap().is_empty());
    }
}
