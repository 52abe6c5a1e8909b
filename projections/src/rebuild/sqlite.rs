//! Rebuilding on SQLite: replay into a scratch database file, swap the rows in on the store's
//! writer (see the [parent module](super)).
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use joan_commands::db::{remove_sqlite_files, sqlite_scratch};
use joan_commands::{Conn, Cursor, EventStore, ExclusiveJob, StoreError, StoredEvent, args, select_events};
use tokio::sync::mpsc;

use super::apply_timed;
use super::report::{PAGE, Progress, RebuildReport, Spent};
use crate::checkpoint::save_checkpoint;
use crate::error::ProjectionError;
use crate::projector::{Projector, apply_all};
use crate::registry::Mode;
use crate::search::{FullText, full_text_of};

/// Replays into a scratch file beside `main`, then swaps the rows in.
pub(super) async fn rebuild(
    store: &EventStore,
    main: &Path,
    projectors: &[(Mode, Arc<dyn Projector>)],
    progress: &dyn Progress,
) -> Result<RebuildReport, ProjectionError> {
    let started = Instant::now();
    let scratch = scratch_path(main);
    let upto = *store.head().borrow();
    let mut spent = Spent::default();
    let replayed = replay_into_scratch(store, &scratch, projectors, upto, progress, &mut spent).await;
    let swap_started = Instant::now();
    let swapped = match &replayed {
        Ok(_) => {
            let swap = Swap {
                scratch: scratch.clone(),
                projectors: projectors.to_vec(),
                from: upto,
            };
            store.exclusive(Box::new(swap)).await.map_err(ProjectionError::from)
        }
        Err(_) => Ok(()),
    };
    remove_scratch(&scratch);
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

/// Replays events `1..=upto` into the scratch file; a reader task fetches the next page
/// while this one applies the current.
async fn replay_into_scratch(
    store: &EventStore,
    scratch: &Path,
    projectors: &[(Mode, Arc<dyn Projector>)],
    upto: i64,
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
    let mut conn = sqlite_scratch(scratch).await?;
    drop_derived_triggers(&mut Conn::Sqlite(&mut conn)).await?;
    let (tx, mut rx) = mpsc::channel::<Result<Vec<StoredEvent>, StoreError>>(4);
    let reader_store = store.clone();
    let reader = tokio::spawn(async move {
        let mut position = 0;
        while position < upto {
            let page = reader_store.read_from(position, PAGE).await.map(|mut page| {
                page.retain(|e| e.position <= upto);
                page
            });
            let last = page.as_ref().ok().and_then(|p| p.last().map(|e| e.position));
            let stop = last.is_none();
            if tx.send(page).await.is_err() || stop {
                break;
            }
            position = last.unwrap_or(upto);
        }
    });
    // SQLite runs each statement on the calling thread: a page of thousands of events is
    // applied on a blocking thread, so the runtime's threads keep serving requests.
    let projectors: Vec<(Mode, Arc<dyn Projector>)> = projectors.to_vec();
    let mut done = 0u64;
    while let Some(page) = rx.recv().await {
        let page = page?;
        let count = page.len() as u64;
        let on_thread = projectors.clone();
        let mut timing = std::mem::take(spent);
        let (back, applied, timed) = tokio::task::spawn_blocking(move || {
            let applied =
                futures::executor::block_on(apply_page(&mut Conn::Sqlite(&mut conn), &on_thread, &page, &mut timing));
            (conn, applied, timing)
        })
        .await
        .map_err(|e| ProjectionError::Io(std::io::Error::other(e)))?;
        conn = back;
        *spent = timed;
        applied?;
        done += count;
        progress.advance(done, total);
    }
    reader
        .await
        .map_err(|e| ProjectionError::Io(std::io::Error::other(e)))?;
    Ok(done)
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

/// One page into the scratch file, in one transaction.
async fn apply_page(
    conn: &mut Conn<'_>,
    projectors: &[(Mode, Arc<dyn Projector>)],
    page: &[StoredEvent],
    spent: &mut Spent,
) -> Result<(), ProjectionError> {
    conn.begin().await?;
    apply_timed(conn, projectors, page, spent).await?;
    conn.commit().await?;
    Ok(())
}

/// Replaces the live rows of `table` by the scratch file's. Its triggers (they keep a
/// full-text index in step row by row) are dropped for the copy and made
/// again after it, and the index is rebuilt from the new rows in one pass: far faster than a
/// delete and an insert into the index per row. All of it is in the swap's transaction, so
/// readers see the old rows and the old index until it commits.
async fn replace_table(conn: &mut Conn<'_>, table: &str) -> Result<(), StoreError> {
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
    conn.raw(&format!("insert into main.{table} select * from rebuild.{table}"))
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
    scratch: PathBuf,
    projectors: Vec<(Mode, Arc<dyn Projector>)>,
    from: i64,
}

#[async_trait]
impl ExclusiveJob for Swap {
    async fn run(self: Box<Self>, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        let path = self.scratch.to_string_lossy().into_owned();
        conn.execute("attach database $1 as rebuild", &args![path.as_str()])
            .await?;
        // The swap rewrites whole tables in one transaction: a page cache that holds them
        // keeps it from spilling and re-reading pages. The writer's own size comes back after.
        let (cache,): (i64,) = conn
            .fetch_optional("pragma main.cache_size", &[])
            .await?
            .unwrap_or((SWAP_CACHE,));
        conn.raw(&format!("pragma main.cache_size = {SWAP_CACHE}")).await?;
        conn.raw(&format!("pragma rebuild.cache_size = {SWAP_CACHE}")).await?;
        conn.begin().await?;
        let result = self.replace(conn).await;
        let ended = match result {
            Ok(()) => conn.commit().await,
            Err(_) => conn.rollback().await,
        };
        let detached = conn.raw("detach database rebuild").await;
        conn.raw(&format!("pragma main.cache_size = {cache}")).await?;
        result?;
        ended?;
        detached?;
        Ok(())
    }
}

impl Swap {
    async fn replace(&self, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        for (_, projector) in &self.projectors {
            for table in projector.tables() {
                replace_table(conn, table).await?;
            }
        }
        let mut position = self.from;
        loop {
            const SQL: &str = concat!(select_events!(), "where position > $1 order by position limit $2");
            let page: Vec<StoredEvent> = conn.fetch_all(SQL, &args![position, PAGE]).await?;
            let Some(last) = page.last().map(|e| e.position) else {
                break;
            };
            for (_, projector) in &self.projectors {
                apply_all(projector.as_ref(), conn, &page).await?;
            }
            position = last;
        }
        for (_, projector) in self.projectors.iter().filter(|(m, _)| *m == Mode::CatchUp) {
            save_checkpoint(conn, projector.name(), Cursor { tx: 0, position }).await?;
        }
        Ok(())
    }
}
