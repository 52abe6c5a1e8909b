//! The single writer: owns the write connection and commits every append waiting in its
//! queue in one transaction, a savepoint per request so one conflict fails only its own
//! command. One fsync carries the whole batch; on SQLite it runs beside the next batch
//! (see [`crate::store::durable`]).
use std::collections::HashMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use sqlx::PgConnection;
use tokio::sync::{mpsc, oneshot, watch};

use super::appended::Appended;
use super::durable::{Durability, Reply, deliver};
use crate::db::batch::insert_many_returning;
use crate::db::connect::pg_writer;
use crate::db::pg::BEGIN_APPEND;
use crate::db::sqlite::conn::SqliteConn;
use crate::db::{Arg, Conn};
use crate::error::StoreError;
use crate::event::{NewEvent, StoredEvent};
use crate::hook::{AppendHook, ExclusiveJob};

/// Most requests folded into one transaction.
const MAX_BATCH: usize = 512;

pub(crate) enum OwnedConn {
    Sqlite(SqliteConn),
    Postgres(PgConnection),
}

impl OwnedConn {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            OwnedConn::Sqlite(c) => Conn::Sqlite(c),
            OwnedConn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

pub(crate) struct AppendRequest {
    pub events: Vec<NewEvent>,
    pub hook: Option<Box<dyn AppendHook>>,
    pub reply: oneshot::Sender<Result<Appended, StoreError>>,
}

pub(crate) enum WriterMsg {
    Append(AppendRequest),
    Exclusive(Box<dyn ExclusiveJob>, oneshot::Sender<Result<(), StoreError>>),
}

pub(crate) struct Writer {
    pub conn: OwnedConn,
    pub inline: Vec<Arc<dyn AppendHook>>,
    pub head: Arc<watch::Sender<i64>>,
    pub appended_events: Arc<std::sync::atomic::AtomicU64>,
    pub batches: Arc<std::sync::atomic::AtomicU64>,
    /// Where to reconnect when the connection is lost (PostgreSQL's URL).
    pub reconnect: Option<String>,
    /// SQLite: where committed replies wait for the log's fsync. PostgreSQL's commit returns
    /// once durable, so its replies go out at once.
    pub durability: Option<Durability>,
}

impl Writer {
    /// Starts the writer. SQLite's statements run on the calling thread and its commits wait
    /// for fsync, so its writer gets an OS thread of its own (with a runtime of its own for the
    /// hooks' futures) and never holds up a request's thread. PostgreSQL's is an async task.
    pub(crate) fn start(self, rx: mpsc::Receiver<WriterMsg>) -> Result<(), StoreError> {
        if matches!(self.conn, OwnedConn::Postgres(_)) {
            tokio::spawn(self.run(rx));
            return Ok(());
        }
        let io = |e| StoreError::Database(sqlx::Error::Io(e));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(io)?;
        std::thread::Builder::new()
            .name("joan-writer".into())
            .spawn(move || {
                yield_to_requests();
                runtime.block_on(self.run(rx))
            })
            .map_err(io)?;
        Ok(())
    }

    async fn run(mut self, mut rx: mpsc::Receiver<WriterMsg>) {
        let mut batch: Vec<AppendRequest> = Vec::with_capacity(MAX_BATCH);
        while let Some(msg) = rx.recv().await {
            let mut next = Some(msg);
            while let Some(msg) = next.take() {
                match msg {
                    WriterMsg::Append(req) => batch.push(req),
                    WriterMsg::Exclusive(job, reply) => {
                        // Appends queued before the job commit first, in order.
                        self.commit_batch(&mut batch).await;
                        let durable = job.durable();
                        let result = self.run_exclusive(job).await;
                        match &self.durability {
                            Some(d) if durable => d.after_fsync(None, vec![Reply::Job(reply, result)]),
                            _ => {
                                let _ = reply.send(result);
                            }
                        }
                    }
                }
                if batch.len() < MAX_BATCH {
                    next = rx.try_recv().ok();
                }
            }
            self.commit_batch(&mut batch).await;
        }
        tracing::debug!("event writer stopped");
    }

    async fn run_exclusive(&mut self, job: Box<dyn ExclusiveJob>) -> Result<(), StoreError> {
        job.run(&mut self.conn.conn()).await
    }

    async fn commit_batch(&mut self, batch: &mut Vec<AppendRequest>) {
        if batch.is_empty() {
            return;
        }
        let requests: Vec<AppendRequest> = std::mem::take(batch);
        if self.durability.as_ref().is_some_and(Durability::failed) {
            // Nothing more is acknowledged, so nothing more is written.
            for req in requests {
                let _ = req
                    .reply
                    .send(Err(StoreError::NotDurable("an earlier fsync failed".into())));
            }
            return;
        }
        let batch_no = self.batches.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let inline = self.inline.clone();
        let mut conn = self.conn.conn();
        // Fast path: every request of the batch in a handful of multi-row statements. Any
        // failure (a conflict, a refusing hook) rolls it all back and the batch is redone
        // request by request under savepoints, so only the failing request fails.
        let results = match append_all(&mut conn, &inline, &requests, batch_no).await {
            Ok(results) => Ok(results),
            Err(_) => {
                let _ = conn.rollback().await;
                append_each(&mut conn, &inline, &requests, batch_no).await
            }
        };
        match results {
            Ok(results) => {
                let mut last = None;
                let mut count = 0u64;
                for a in results.iter().flatten() {
                    last = Some(a.last_position);
                    count += a.events.len() as u64;
                }
                self.appended_events
                    .fetch_add(count, std::sync::atomic::Ordering::Relaxed);
                let replies = requests
                    .into_iter()
                    .zip(results)
                    .map(|(req, r)| Reply::Append(req.reply, r));
                match &self.durability {
                    Some(durability) => durability.after_fsync(last, replies.collect()),
                    None => deliver(&self.head, last, replies),
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "append transaction failed; every command in it is refused");
                let _ = conn.rollback().await;
                let msg = e.to_string();
                for req in requests {
                    let _ = req
                        .reply
                        .send(Err(StoreError::Database(sqlx::Error::Protocol(msg.clone()))));
                }
                self.reconnect_if_lost().await;
            }
        }
    }

    /// PostgreSQL: after a failed transaction, replaces a connection that no longer answers
    /// (server restart, network cut), so the next batch can commit. SQLite's file does not go away.
    async fn reconnect_if_lost(&mut self) {
        let (OwnedConn::Postgres(c), Some(url)) = (&mut self.conn, &self.reconnect) else {
            return;
        };
        if sqlx::Connection::ping(c).await.is_ok() {
            return;
        }
        match pg_writer(url).await {
            Ok(fresh) => {
                tracing::warn!("the write connection was lost; reconnected");
                *c = fresh;
            }
            Err(e) => tracing::error!(error = %e, "the write connection was lost; reconnecting failed"),
        }
    }
}

/// Puts the calling thread (SQLite's writer) under Linux's `SCHED_BATCH`: a request handing it
/// an append no longer wakes it at once in front of the request threads. Under the default
/// policy the writer, asleep most of the time, preempted the request thread on every first
/// append, so it committed small batches while other requests sat parsed and waiting; now
/// the request threads finish what is ready and the writer takes it all in one commit, so
/// more creates go through per second (docs/benchmarks.md, 2026-11-29). Only the wake-up
/// changes: the thread keeps its nice value. Where the policy cannot be set (or off Linux),
/// the writer runs as before.
#[cfg(target_os = "linux")]
fn yield_to_requests() {
    use thread_priority::unix::{
        NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy, thread_native_id,
    };
    use thread_priority::{ThreadPriority, ThreadPriorityValue};
    let batch = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Batch);
    // The crate sets the nice value with the policy, from a 0-99 scale of its own: the value
    // on that scale that is the thread's nice value now (on Linux, this one thread's).
    let result = rustix::process::getpriority_process(None)
        .map_err(|e| e.to_string())
        .and_then(|nice| {
            (0..=u8::MAX)
                .filter_map(|p| ThreadPriorityValue::try_from(p).ok().map(ThreadPriority::Crossplatform))
                .find(|priority| priority.to_posix(batch).is_ok_and(|n| n == nice))
                .ok_or_else(|| format!("nice value {nice} has no match on the crate's scale"))
        })
        .and_then(|priority| {
            set_thread_priority_and_policy(thread_native_id(), priority, batch).map_err(|e| format!("{e:?}"))
        });
    if let Err(e) = result {
        tracing::debug!(error = %e, "could not put the writer under SCHED_BATCH");
    }
}

#[cfg(not(target_os = "linux"))]
fn yield_to_requests() {}

const INSERT_EVENTS: &str = "insert into events (aggregate_type, aggregate_id, sequence, event_type, event_version, \
     payload, metadata, owner_id, recorded_at)";

fn event_args(e: &NewEvent) -> [Arg<'_>; 9] {
    [
        Arg::from(&e.aggregate_type),
        Arg::from(&e.aggregate_id),
        Arg::from(e.sequence),
        Arg::from(&e.event_type),
        Arg::from(&e.event_version),
        Arg::from(&e.payload),
        Arg::from(&e.metadata),
        Arg::from(&e.owner_id),
        Arg::from(&e.recorded_at),
    ]
}

/// Opens an append transaction. On PostgreSQL it also waits for the append lock, so append
/// transactions of every node commit one after another, in position order.
fn begin_append<'a>(conn: &'a mut Conn<'_>) -> BoxFuture<'a, Result<(), sqlx::Error>> {
    Box::pin(async move {
        match conn {
            // A plain string runs as a simple query: both statements in one round trip.
            Conn::Postgres(c) => sqlx::Executor::execute(&mut **c, BEGIN_APPEND.as_str()).await.map(drop),
            Conn::Sqlite(_) => conn.begin().await,
        }
    })
}

/// The whole batch at once: one transaction, multi-row inserts, projectors over all events.
async fn append_all(
    conn: &mut Conn<'_>,
    inline: &[Arc<dyn AppendHook>],
    requests: &[AppendRequest],
    batch: u64,
) -> Result<Vec<Result<Appended, StoreError>>, StoreError> {
    begin_append(conn).await?;
    let args: Vec<Arg<'_>> = requests
        .iter()
        .flat_map(|r| r.events.iter().flat_map(event_args))
        .collect();
    let rows: Vec<(i64, String, String, i64)> = if args.is_empty() {
        Vec::new()
    } else {
        insert_many_returning(
            conn,
            INSERT_EVENTS,
            9,
            &args,
            "returning position, aggregate_type, aggregate_id, sequence",
        )
        .await?
    };
    let positions: HashMap<(&str, &str, i64), i64> = rows
        .iter()
        .map(|(p, t, id, s)| ((t.as_str(), id.as_str(), *s), *p))
        .collect();
    // Every stored event once, in request order; `ends[i]` closes request i's run.
    let mut all: Vec<StoredEvent> = Vec::with_capacity(rows.len());
    let mut ends = Vec::with_capacity(requests.len());
    for req in requests {
        for e in &req.events {
            let key = (e.aggregate_type.as_str(), e.aggregate_id.as_str(), e.sequence);
            let position = positions
                .get(&key)
                .copied()
                .ok_or(StoreError::Database(sqlx::Error::RowNotFound))?;
            all.push(StoredEvent::from_new(position, e.clone()));
        }
        ends.push(all.len());
    }
    // Positions are handed out in VALUES order, so this is log order already; projectors need
    // log order, so should a database ever number rows otherwise, they get a sorted copy.
    let sorted: Option<Vec<StoredEvent>> = (!all.is_sorted_by_key(|e| e.position)).then(|| {
        let mut copy = all.clone();
        copy.sort_by_key(|e| e.position);
        copy
    });
    let in_log_order = sorted.as_deref().unwrap_or(&all);
    for projector in inline {
        projector.on_append(conn, in_log_order).await?;
    }
    let mut start = 0;
    for (req, &end) in requests.iter().zip(&ends) {
        if let Some(hook) = &req.hook {
            hook.on_append(conn, &all[start..end]).await?;
        }
        start = end;
    }
    conn.commit().await?;
    let mut results = Vec::with_capacity(requests.len());
    let mut rest = all.into_iter();
    let mut start = 0;
    for end in ends {
        results.push(Ok(Appended::new(rest.by_ref().take(end - start).collect(), batch)));
        start = end;
    }
    Ok(results)
}

/// Request by request, each under a savepoint: a failure undoes only its own request.
async fn append_each(
    conn: &mut Conn<'_>,
    inline: &[Arc<dyn AppendHook>],
    requests: &[AppendRequest],
    batch: u64,
) -> Result<Vec<Result<Appended, StoreError>>, StoreError> {
    begin_append(conn).await?;
    let mut results = Vec::with_capacity(requests.len());
    for req in requests {
        conn.raw("savepoint cmd").await?;
        let result = append_one(conn, inline, &req.events, req.hook.as_deref(), batch).await;
        if result.is_err() {
            conn.raw("rollback to savepoint cmd").await?;
        }
        conn.raw("release savepoint cmd").await?;
        results.push(result);
    }
    conn.commit().await?;
    Ok(results)
}

async fn append_one(
    conn: &mut Conn<'_>,
    inline: &[Arc<dyn AppendHook>],
    events: &[NewEvent],
    hook: Option<&dyn AppendHook>,
    batch: u64,
) -> Result<Appended, StoreError> {
    let mut stored = Vec::with_capacity(events.len());
    for e in events {
        let sql = concat!(
            "insert into events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, ",
            "metadata, owner_id, recorded_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning position"
        );
        let row: Option<(i64,)> = conn.fetch_optional(sql, &event_args(e)).await.map_err(|err| {
            if is_unique_violation(&err) {
                StoreError::Conflict {
                    aggregate_type: e.aggregate_type.clone(),
                    aggregate_id: e.aggregate_id.clone(),
                    sequence: e.sequence,
                }
            } else {
                StoreError::Database(err)
            }
        })?;
        let position = row.map(|r| r.0).ok_or(StoreError::Database(sqlx::Error::RowNotFound))?;
        stored.push(StoredEvent::from_new(position, e.clone()));
    }
    for projector in inline {
        projector.on_append(conn, &stored).await?;
    }
    if let Some(hook) = hook {
        hook.on_append(conn, &stored).await?;
    }
    Ok(Appended::new(stored, batch))
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}
