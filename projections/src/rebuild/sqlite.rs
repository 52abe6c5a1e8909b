//! Rebuilding on SQLite: replay into a scratch database file, swap the rows in on the store's
//! writer (see the [parent module](super)).
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use joan_commands::db::{remove_sqlite_files, sqlite_scratch};
use joan_commands::{Conn, Cursor, EventStore, ExclusiveJob, StoreError, StoredEvent, args, select_events};
use tokio::sync::mpsc;

use super::report::{PAGE, Progress, RebuildReport};
use crate::checkpoint::save_checkpoint;
use crate::error::ProjectionError;
use crate::projector::{Projector, apply_all};
use crate::registry::Mode;

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
    let replayed = replay_into_scratch(store, &scratch, projectors, upto, progress).await;
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
) -> Result<u64, ProjectionError> {
    let total = u64::try_from(
        store
            .db()
            .fetch_scalar_i64("select count(*) from events where position <= $1", &args![upto])
            .await?,
    )
    .unwrap_or(0);
    let mut conn = sqlite_scratch(scratch).await?;
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
        let (back, applied) = tokio::task::spawn_blocking(move || {
            let applied = futures::executor::block_on(apply_page(&mut Conn::Sqlite(&mut conn), &on_thread, &page));
            (conn, applied)
        })
        .await
        .map_err(|e| ProjectionError::Io(std::io::Error::other(e)))?;
        conn = back;
        applied?;
        done += count;
        progress.advance(done, total);
    }
    reader
        .await
        .map_err(|e| ProjectionError::Io(std::io::Error::other(e)))?;
    Ok(done)
}

/// One page into the scratch file, in one transaction.
async fn apply_page(
    conn: &mut Conn<'_>,
    projectors: &[(Mode, Arc<dyn Projector>)],
    page: &[StoredEvent],
) -> Result<(), ProjectionError> {
    conn.begin().await?;
    for (_, projector) in projectors {
        apply_all(projector.as_ref(), conn, page).await?;
    }
    conn.commit().await?;
    Ok(())
}

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
        conn.begin().await?;
        let result = self.replace(conn).await;
        let ended = match result {
            Ok(()) => conn.commit().await,
            Err(_) => conn.rollback().await,
        };
        let detached = conn.raw("detach database rebuild").await;
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
                // Table names come from the projector's static list, never from input.
                conn.raw(&format!("delete from main.{table}")).await?;
                conn.raw(&format!("insert into main.{table} select * from rebuild.{table}"))
                    .await?;
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
