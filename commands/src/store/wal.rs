//! SQLite's write-ahead log, copied back into the database file and kept small.
//!
//! The writer never checkpoints on its own (`wal_autocheckpoint = 0`), so no commit waits for
//! one: a background connection copies the log into the database file every 250 ms (a passive
//! checkpoint, which blocks no one). That alone never shortens the log under a steady stream
//! of appends: SQLite only starts the log over when a checkpoint has copied every frame and no
//! reader still uses one, and by then the writer has always added more. Left so, the log grew
//! by gigabytes in a few minutes of load, and every read had to search its whole index. So once
//! the log passes [`RESTART_FRAMES`] (`StoreOptions::wal_restart_frames`), the writer itself runs a restart checkpoint between two
//! batches: the passive ones have already copied nearly everything, so it copies the last
//! frames and waits for the (short) reads still on the log; the next commit then writes from
//! the log's start, and `journal_size_limit` gives back the file's excess.
use std::time::Duration;

use async_trait::async_trait;
use sqlx::ConnectOptions;
use tokio::sync::{mpsc, oneshot};

use super::writer::WriterMsg;
use crate::db::Conn;
use crate::db::connect::sqlite_options;
use crate::db::sqlite::statement::BUSY_TIMEOUT;
use crate::error::StoreError;
use crate::hook::ExclusiveJob;

/// Frames (pages of 4 KiB) past which the log is started over, unless configured: 64 MiB.
pub const RESTART_FRAMES: i64 = 16_384;

/// What the writer's connection keeps of the log file after it starts over, in bytes.
pub(crate) fn keep_bytes(restart_frames: i64) -> i64 {
    restart_frames.max(1) * 4096
}

/// How long the restart waits for reads still on the log before giving up until next time.
const RESTART_WAIT: Duration = Duration::from_millis(100);

/// Starts the background checkpoints; restarts (past `restart_frames`) go through `writer`.
pub(crate) async fn checkpointer(
    path: &std::path::Path,
    restart_frames: i64,
    writer: mpsc::Sender<WriterMsg>,
) -> Result<tokio::task::JoinHandle<()>, StoreError> {
    // A checkpoint after a burst of writes may take seconds; that is its job, not a slow query.
    let mut conn = sqlite_options(path)
        .log_slow_statements(tracing::log::LevelFilter::Off, Duration::ZERO)
        .connect()
        .await?;
    Ok(tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tick.tick().await;
            let log = match sqlx::query_as::<_, (i64, i64, i64)>("pragma wal_checkpoint(passive)")
                .fetch_one(&mut conn)
                .await
            {
                Ok((_, log, _)) => log,
                Err(e) => {
                    tracing::warn!(error = %e, "wal checkpoint failed");
                    continue;
                }
            };
            if log < restart_frames {
                continue;
            }
            let (reply, done) = oneshot::channel();
            if writer
                .send(WriterMsg::Exclusive(Box::new(Restart), reply))
                .await
                .is_err()
            {
                break; // the store is closed
            }
            match done.await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, frames = log, "wal restart failed"),
                Err(_) => break,
            }
        }
    }))
}

/// A restart checkpoint on the writer's connection, between two batches.
struct Restart;

#[async_trait]
impl ExclusiveJob for Restart {
    async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        conn.raw(&format!("pragma busy_timeout = {}", RESTART_WAIT.as_millis()))
            .await?;
        let result: Result<Option<(i64, i64, i64)>, _> =
            conn.fetch_optional("pragma wal_checkpoint(restart)", &[]).await;
        conn.raw(&format!("pragma busy_timeout = {}", BUSY_TIMEOUT.as_millis()))
            .await?;
        match result? {
            Some((1, log, copied)) => tracing::debug!(log, copied, "wal restart waited too long for readers; later"),
            _ => tracing::debug!("wal restarted"),
        }
        Ok(())
    }

    /// A checkpoint writes no new data, and fsyncs what it copies itself.
    fn durable(&self) -> bool {
        false
    }
}
