//! Rebuilding on SQLite: replay into a scratch database file, swap the rows in on the store's
//! writer (see the [parent module](super)).
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use async_trait::async_trait;
use joan_commands::db::sqlite::conn::SqliteConn;
use joan_commands::db::{remove_sqlite_files, sqlite_scratch};
use joan_commands::{Conn, Cursor, EventStore, ExclusiveJob, StoreError, StoredEvent, args, select_events};
use tokio::sync::mpsc;

use super::report::{PAGE, Progress, RebuildReport, Spent};
use super::{Paging, Replays, lanes, lanes_per_core};
use crate::checkpoint::save_checkpoint;
use crate::error::ProjectionError;
use crate::projector::{Projector, apply_all};
use crate::registry::Mode;
use crate::search::{FullText, full_text_of};

/// Replays into scratch files beside `main`, one per [lane](lanes), then swaps the rows in.
pub(super) async fn rebuild(
    store: &EventStore,
    main: &Path,
    projectors: &[(Mode, Arc<dyn Projector>)],
    progress: &dyn Progress,
    paging: Paging,
) -> Result<RebuildReport, ProjectionError> {
    let started = Instant::now();
    let lanes: Vec<Lane> = lanes(projectors, lanes_per_core())
        .into_iter()
        .map(|projectors| Lane {
            scratch: scratch_path(main),
            projectors,
        })
        .collect();
    let upto = *store.head().borrow();
    let mut spent = Spent::default();
    let replayed = replay_into_scratch(store, &lanes, upto, paging, progress, &mut spent).await;
    let swap_started = Instant::now();
    let swapped = match &replayed {
        Ok(_) => {
            let swap = Swap {
                lanes: lanes.clone(),
                from: upto,
            };
            store.exclusive(Box::new(swap)).await.map_err(ProjectionError::from)
        }
        Err(_) => Ok(()),
    };
    for lane in &lanes {
        remove_scratch(&lane.scratch);
    }
    let events = replayed?;
    swapped?;
    Ok(RebuildReport {
        projections: projectors.iter().map(|(_, p)| p.name()).collect(),
        events,
        elapsed: started.elapsed(),
        swap: swap_started.elapsed(),
        spent: spent.ranked(),
    })
}

/// Some projectors and the scratch file they replay into, on a thread of their own.
#[derive(Clone)]
struct Lane {
    scratch: PathBuf,
    projectors: Vec<(Mode, Arc<dyn Projector>)>,
}

fn scratch_path(main: &Path) -> PathBuf {
    let mut file = main.as_os_str().to_owned();
    file.push(format!(".rebuild-{}", uuid::Uuid::new_v4().simple()));
    PathBuf::from(file)
}

fn remove_scratch(path: &Path) {
    if let Err(e) = remove_sqlite_files(path) {
        tracing::warn!(error = %e, path = %path.display(), "the rebuild's scratch file was left behind");
    }
}

/// Replays events `1..=upto` into each lane's scratch file; a reader task fetches the next
/// page while the lanes apply the current one, each on a blocking thread of its own.
async fn replay_into_scratch(
    store: &EventStore,
    lanes: &[Lane],
    upto: i64,
    paging: Paging,
    progress: &dyn Progress,
    spent: &mut Spent,
) -> Result<u64, ProjectionError> {
    let total = u64::try_from(
        store
            .db()
            .fetch_scalar_i64("select count(*) from events where position <= $1", &args![upto])
            .await?,
    )
    .unwrap_or(0);
    let mut senders = Vec::with_capacity(lanes.len());
    let mut receivers = Vec::with_capacity(lanes.len());
    for _ in lanes {
        let (tx, rx) = mpsc::channel::<Result<Arc<Vec<StoredEvent>>, ProjectionError>>(4);
        senders.push(tx);
        receivers.push(rx);
    }
    let reader_store = store.clone();
    let reader = tokio::spawn(async move {
        let mut position = 0;
        while position < upto {
            let page = reader_store.read_from(position, paging.page).await.map(|mut page| {
                page.retain(|e| e.position <= upto);
                Arc::new(page)
            });
            let last = page.as_ref().ok().and_then(|p| p.last().map(|e| e.position));
            let stop = last.is_none();
            let page = page.map_err(ProjectionError::from);
            for tx in &senders {
                let copy = match &page {
                    Ok(page) => Ok(page.clone()),
                    Err(e) => Err(ProjectionError::Io(std::io::Error::other(e.to_string()))),
                };
                if tx.send(copy).await.is_err() {
                    return;
                }
            }
            if stop {
                break;
            }
            position = last.unwrap_or(upto);
        }
    });
    // Events each lane has applied; the slowest lane's count is the progress.
    let applied: Vec<AtomicU64> = lanes.iter().map(|_| AtomicU64::new(0)).collect();
    let report = |lane: usize, count: u64| {
        applied[lane].fetch_add(count, Ordering::Relaxed);
        let done = applied.iter().map(|a| a.load(Ordering::Relaxed)).min().unwrap_or(0);
        progress.advance(done, total);
    };
    let runs = lanes
        .iter()
        .zip(receivers)
        .enumerate()
        .map(|(i, (lane, rx))| replay_lane(lane, rx, paging, move |count| report(i, count)));
    let results = futures::future::join_all(runs).await;
    reader
        .await
        .map_err(|e| ProjectionError::Io(std::io::Error::other(e)))?;
    let mut done = 0;
    for result in results {
        let (count, timing) = result?;
        done = count;
        for (name, took) in timing.ranked() {
            spent.add(name, took);
        }
    }
    Ok(done)
}

/// One lane's replay: every page it is sent, into its scratch file, then what its projectors
/// held back. SQLite runs each statement on the calling thread, so a page is applied on a
/// blocking thread and the runtime's threads keep serving requests.
async fn replay_lane(
    lane: &Lane,
    mut pages: mpsc::Receiver<Result<Arc<Vec<StoredEvent>>, ProjectionError>>,
    paging: Paging,
    report: impl Fn(u64),
) -> Result<(u64, Spent), ProjectionError> {
    let conn = sqlite_scratch(&lane.scratch).await?;
    let mut work = Work {
        conn,
        replays: Replays::of(&lane.projectors, paging),
        spent: Spent::default(),
    };
    drop_derived_triggers(&mut Conn::Sqlite(&mut work.conn)).await?;
    let mut done = 0u64;
    while let Some(page) = pages.recv().await {
        let page = page?;
        let count = page.len() as u64;
        work = work.on_thread(Some(page)).await?;
        done += count;
        report(count);
    }
    work = work.on_thread(None).await?;
    Ok((done, work.spent))
}

/// A lane's scratch connection and replays, moved to a blocking thread for each step.
struct Work {
    conn: SqliteConn,
    replays: Replays,
    spent: Spent,
}

impl Work {
    /// Applies `page` (or, given none, finishes the replays) in one transaction.
    async fn on_thread(mut self, page: Option<Arc<Vec<StoredEvent>>>) -> Result<Self, ProjectionError> {
        let (back, applied) = tokio::task::spawn_blocking(move || {
            let applied = futures::executor::block_on(self.step(page.as_deref().map(Vec::as_slice)));
            (self, applied)
        })
        .await
        .map_err(|e| ProjectionError::Io(std::io::Error::other(e)))?;
        applied?;
        Ok(back)
    }

    async fn step(&mut self, page: Option<&[StoredEvent]>) -> Result<(), ProjectionError> {
        let conn = &mut Conn::Sqlite(&mut self.conn);
        conn.begin().await?;
        match page {
            Some(page) => self.replays.page(conn, page, &mut self.spent).await?,
            None => self.replays.finish(conn, &mut self.spent).await?,
        }
        conn.commit().await?;
        Ok(())
    }
}

/// The scratch file's full-text indexes are never read (the swap copies only the projectors'
/// tables and indexes them once in the live file), so their triggers go: every row written
/// there would otherwise be tokenised and merged into an index that is thrown away.
async fn drop_derived_triggers(conn: &mut Conn<'_>) -> Result<(), ProjectionError> {
    let triggers: Vec<(String,)> = conn
        .fetch_all(
            "select name from sqlite_master where type = 'trigger' and tbl_name <> 'events'",
            &[],
        )
        .await?;
    for (name,) in triggers {
        // Names come from the schema, never from input.
        conn.raw(&format!("drop trigger \"{name}\"")).await?;
    }
    Ok(())
}

/// Replaces the live rows of `table` by those of the scratch file attached as `scratch`. Its triggers (they keep a
/// full-text index in step row by row) are dropped for the copy and made
/// again after it, and the index is rebuilt from the new rows in one pass: far faster than a
/// delete and an insert into the index per row. All of it is in the swap's transaction, so
/// readers see the old rows and the old index until it commits.
async fn replace_table(conn: &mut Conn<'_>, scratch: &str, table: &str) -> Result<(), StoreError> {
    let triggers: Vec<(String, String)> = conn
        .fetch_all(
            "select name, sql from main.sqlite_master where type = 'trigger' and tbl_name = $1",
            &args![table],
        )
        .await?;
    // Table and trigger names come from the projector's static list and the schema, never
    // from input.
    for (name, _) in &triggers {
        conn.raw(&format!("drop trigger main.\"{name}\"")).await?;
    }
    conn.raw(&format!("delete from main.{table}")).await?;
    conn.raw(&format!("insert into main.{table} select * from {scratch}.{table}"))
        .await?;
    if let Some(index) = full_text_of(table) {
        let FullText {
            fts5,
            fts5_columns,
            fts5_values,
            ..
        } = index;
        conn.raw(&format!("insert into main.{fts5} ({fts5}) values ('delete-all')"))
            .await?;
        let rowid = crate::search::key::sql("user_id");
        conn.raw(&format!(
            "insert into main.{fts5} (rowid, {fts5_columns}) select {rowid} + rowid, {fts5_values} from main.{table}"
        ))
        .await?;
    }
    for (_, sql) in &triggers {
        conn.raw(sql).await?;
    }
    Ok(())
}

/// The swap's page cache, in SQLite's negative-KiB form (256 MiB).
const SWAP_CACHE: i64 = -262_144;

/// Puts the scratch rows in place of the live ones and catches up to the head.
struct Swap {
    lanes: Vec<Lane>,
    from: i64,
}

/// The schema name lane `i`'s scratch file is attached as.
fn attached(i: usize) -> String {
    format!("rebuild{i}")
}

#[async_trait]
impl ExclusiveJob for Swap {
    async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        // The swap rewrites whole tables in one transaction: a page cache that holds them
        // keeps it from spilling and re-reading pages. The writer's own size comes back after.
        let (cache,): (i64,) = conn
            .fetch_optional("pragma main.cache_size", &[])
            .await?
            .unwrap_or((SWAP_CACHE,));
        conn.raw(&format!("pragma main.cache_size = {SWAP_CACHE}")).await?;
        let mut attached_ok = Ok(());
        let mut count = 0;
        for (i, lane) in self.lanes.iter().enumerate() {
            let path = lane.scratch.to_string_lossy().into_owned();
            let schema = attached(i);
            attached_ok = conn
                .execute(&format!("attach database $1 as {schema}"), &args![path.as_str()])
                .await
                .map(|_| ());
            if attached_ok.is_err() {
                break;
            }
            count += 1;
            conn.raw(&format!("pragma {schema}.cache_size = {SWAP_CACHE}")).await?;
        }
        let result = match attached_ok {
            Ok(()) => {
                conn.begin().await?;
                let result = self.replace(conn).await;
                match result {
                    Ok(()) => conn.commit().await.map_err(StoreError::from),
                    Err(e) => {
                        conn.rollback().await?;
                        Err(e)
                    }
                }
            }
            Err(e) => Err(e.into()),
        };
        let mut detached = Ok(());
        for i in 0..count {
            let done = conn.raw(&format!("detach database {}", attached(i))).await;
            detached = detached.and(done);
        }
        conn.raw(&format!("pragma main.cache_size = {cache}")).await?;
        result?;
        detached?;
        Ok(())
    }
}

impl Swap {
    async fn replace(&self, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        for (i, lane) in self.lanes.iter().enumerate() {
            for (_, projector) in &lane.projectors {
                for table in projector.tables() {
                    replace_table(conn, &attached(i), table).await?;
                }
            }
        }
        let projectors: Vec<&(Mode, Arc<dyn Projector>)> = self.lanes.iter().flat_map(|l| &l.projectors).collect();
        let mut position = self.from;
        loop {
            const SQL: &str = concat!(select_events!(), "where position > $1 order by position limit $2");
            let page: Vec<StoredEvent> = conn.fetch_all(SQL, &args![position, PAGE]).await?;
            let Some(last) = page.last().map(|e| e.position) else {
                break;
            };
            for (_, projector) in &projectors {
                apply_all(projector.as_ref(), conn, &page).await?;
            }
            position = last;
        }
        for (_, projector) in projectors.iter().filter(|(m, _)| *m == Mode::CatchUp) {
            save_checkpoint(conn, projector.name(), Cursor { tx: 0, position }).await?;
        }
        Ok(())
    }
}
