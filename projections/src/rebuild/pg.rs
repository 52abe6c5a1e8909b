//! Rebuilding on PostgreSQL: replay into a scratch schema, swap the rows in under the
//! append lock.
//!
//! 1. On a connection of its own, holding the rebuild lock (one rebuild at a time across
//!    nodes; leftovers of a rebuild that died are dropped first), create the schema
//!    `joan_rebuild_<uuid>` with an unlogged copy of each table (`like ... including all`).
//! 2. Replay every settled event up to a bound fixed at the start, in tail order, in four
//!    lanes: each lane's projectors on a connection of its own that puts the scratch schema
//!    first on its `search_path` (their unqualified SQL writes there), one reader feeding
//!    them all.
//! 3. In one transaction holding the append lock (no node appends meanwhile) and each
//!    catch-up projector's apply lock: replace the live rows with the scratch rows, apply the
//!    events that arrived since (inline projectors: every committed one, as the append path
//!    did; catch-up projectors: the settled ones, and their checkpoints move there).
//! 4. Drop the scratch schema.
//!
//! Readers keep seeing the old rows until the swap commits, then the new ones.
use std::sync::Arc;
use std::time::{Duration, Instant};

use joan_commands::db::pg::{self, LockKind};
use joan_commands::store::tail::{self, Cursor, Horizon, Page};
use joan_commands::{Conn, EventStore, StoreError, args};
use sqlx::PgConnection;
use tokio::sync::mpsc;

use super::report::{PAGE, Progress, RebuildReport, Spent};
use super::{Paging, Replays, lanes};
use crate::checkpoint::save_checkpoint;
use crate::error::ProjectionError;
use crate::projector::{Projector, apply_all};
use crate::registry::Mode;

/// Lanes of a PostgreSQL replay, whatever the cores: a lane spends most of its time waiting
/// for its statements' round trips, so more of them than cores still run side by side.
const PG_LANES: usize = 4;

/// Scratch schemas are named with this prefix.
const SCRATCH_PREFIX: &str = "joan_rebuild_";

/// See the module documentation.
pub(super) async fn rebuild(
    store: &EventStore,
    url: &str,
    projectors: &[(Mode, Arc<dyn Projector>)],
    progress: &dyn Progress,
    paging: Paging,
) -> Result<RebuildReport, ProjectionError> {
    let started = Instant::now();
    let mut conn = pg::connect(url, "joan rebuild").await?;
    sqlx::query("select pg_advisory_lock($1)")
        .bind(pg::REBUILD_LOCK)
        .execute(&mut conn)
        .await?;
    drop_leftovers(&mut conn).await?;
    let (live,): (String,) = sqlx::query_as("select current_schema()").fetch_one(&mut conn).await?;
    let scratch = Scratch {
        live: quote(&live),
        name: format!("{SCRATCH_PREFIX}{}", uuid::Uuid::new_v4().simple()),
        url: url.to_string(),
        paging,
    };
    let mut spent = Spent::default();
    let result = scratch
        .rebuild(&mut conn, store, projectors, progress, &mut spent)
        .await;
    let dropped = sqlx::query(&format!("drop schema if exists {} cascade", scratch.name))
        .execute(&mut conn)
        .await;
    let (events, swap) = result?;
    dropped?;
    Ok(RebuildReport {
        projections: projectors.iter().map(|(_, p)| p.name()).collect(),
        events,
        elapsed: started.elapsed(),
        swap,
        spent: spent.ranked(),
    })
}

/// Scratch schemas of rebuilds that died (only called while holding the rebuild lock).
async fn drop_leftovers(conn: &mut PgConnection) -> Result<(), ProjectionError> {
    let stale: Vec<(String,)> = sqlx::query_as("select nspname from pg_namespace where starts_with(nspname, $1)")
        .bind(SCRATCH_PREFIX)
        .fetch_all(&mut *conn)
        .await?;
    for (name,) in stale {
        tracing::info!(schema = %name, "dropping the scratch schema of an earlier rebuild");
        sqlx::query(&format!("drop schema if exists {} cascade", quote(&name)))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// `name` as a quoted SQL identifier.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

struct Scratch {
    /// The schema of the live tables, quoted.
    live: String,
    /// The scratch schema (generated, needs no quoting).
    name: String,
    /// The database, for the lanes' connections.
    url: String,
    paging: Paging,
}

impl Scratch {
    /// Replays into the scratch schema and swaps in; returns the events replayed and the
    /// time the swap took.
    async fn rebuild(
        &self,
        conn: &mut PgConnection,
        store: &EventStore,
        projectors: &[(Mode, Arc<dyn Projector>)],
        progress: &dyn Progress,
        spent: &mut Spent,
    ) -> Result<(u64, Duration), ProjectionError> {
        self.create(conn, projectors).await?;
        let bound = tail::settled_bound(store.db()).await?;
        let (events, end) = self.replay(store, projectors, bound, progress, spent).await?;
        let swap_started = Instant::now();
        let mut c = Conn::Postgres(conn);
        c.begin().await?;
        let swapped = self.swap(&mut c, projectors, end).await;
        match swapped {
            Ok(()) => c.commit().await?,
            Err(e) => {
                c.rollback().await?;
                return Err(e.into());
            }
        }
        Ok((events, swap_started.elapsed()))
    }

    async fn create(
        &self,
        conn: &mut PgConnection,
        projectors: &[(Mode, Arc<dyn Projector>)],
    ) -> Result<(), ProjectionError> {
        sqlx::query(&format!("create schema {}", self.name))
            .execute(&mut *conn)
            .await?;
        for (_, projector) in projectors {
            for table in projector.tables() {
                // Table names come from the projector's static list, never from input.
                let sql = format!(
                    "create unlogged table {}.{table} (like {}.{table} including all)",
                    self.name, self.live
                );
                sqlx::query(&sql).execute(&mut *conn).await?;
            }
        }
        Ok(())
    }

    /// Makes the scratch schema the one `conn`'s unqualified SQL writes to.
    async fn enter(&self, conn: &mut PgConnection) -> Result<(), ProjectionError> {
        sqlx::query(&format!("set search_path to {}, {}", self.name, self.live))
            .execute(&mut *conn)
            .await?;
        // Scratch rows are thrown away if anything fails: no need to wait for the disk.
        sqlx::query("set synchronous_commit to off").execute(&mut *conn).await?;
        Ok(())
    }

    /// Replays the events before `bound` into the scratch tables, in [lanes](super::lanes):
    /// each lane's projectors on a connection of their own, so the lanes' statements run side
    /// by side; a reader task fetches the next page meanwhile. Returns the count and the last
    /// cursor.
    async fn replay(
        &self,
        store: &EventStore,
        projectors: &[(Mode, Arc<dyn Projector>)],
        bound: Cursor,
        progress: &dyn Progress,
        spent: &mut Spent,
    ) -> Result<(u64, Cursor), ProjectionError> {
        let total = store
            .db()
            .fetch_scalar_i64(
                "select count(*) from events where tx < ($1::bigint)::text::xid8",
                &args![bound.tx],
            )
            .await?;
        let total = u64::try_from(total).unwrap_or(0);
        let lanes = lanes(projectors, PG_LANES);
        let (applied_tx, mut applied_rx) = mpsc::unbounded_channel::<(usize, u64)>();
        let mut senders = Vec::with_capacity(lanes.len());
        let mut runs = Vec::with_capacity(lanes.len());
        for (i, lane) in lanes.into_iter().enumerate() {
            let (tx, mut rx) = mpsc::channel::<Arc<Page>>(4);
            senders.push(tx);
            let mut conn = pg::connect(&self.url, "joan rebuild lane").await?;
            self.enter(&mut conn).await?;
            let mut replays = Replays::of(&lane, self.paging);
            let applied = applied_tx.clone();
            runs.push(tokio::spawn(async move {
                let mut spent = Spent::default();
                let mut conn = Conn::Postgres(&mut conn);
                while let Some(page) = rx.recv().await {
                    conn.begin().await?;
                    replays.page(&mut conn, &page.events, &mut spent).await?;
                    conn.commit().await?;
                    let _ = applied.send((i, page.events.len() as u64));
                }
                conn.begin().await?;
                replays.finish(&mut conn, &mut spent).await?;
                conn.commit().await?;
                Ok::<_, ProjectionError>(spent)
            }));
        }
        drop(applied_tx);
        let reader_store = store.clone();
        let page_size = self.paging.page;
        let reader = tokio::spawn(async move {
            let mut cursor = Cursor::START;
            let mut end = Cursor::START;
            loop {
                let page = reader_store
                    .read_after(cursor, Horizon::Before(bound), page_size)
                    .await?;
                if page.events.is_empty() {
                    return Ok::<_, StoreError>(end);
                }
                (cursor, end) = (page.end, page.end);
                let page = Arc::new(page);
                for tx in &senders {
                    if tx.send(page.clone()).await.is_err() {
                        // A lane stopped: its error is the rebuild's.
                        return Ok(end);
                    }
                }
            }
        });
        // Events each lane has applied; the slowest lane's count is the progress.
        let mut applied = vec![0u64; runs.len()];
        while let Some((lane, count)) = applied_rx.recv().await {
            applied[lane] += count;
            progress.advance(applied.iter().copied().min().unwrap_or(0), total);
        }
        let joined = |e: tokio::task::JoinError| ProjectionError::Io(std::io::Error::other(e));
        for run in runs {
            for (name, took) in run.await.map_err(joined)??.ranked() {
                spent.add(name, took);
            }
        }
        let end = reader.await.map_err(joined)??;
        Ok((applied.into_iter().max().unwrap_or(0), end))
    }

    /// Inside one transaction: live rows replaced, caught up to the log, checkpoints moved.
    async fn swap(
        &self,
        conn: &mut Conn<'_>,
        projectors: &[(Mode, Arc<dyn Projector>)],
        end: Cursor,
    ) -> Result<(), StoreError> {
        pg::lock_appends(conn).await?;
        for (_, projector) in projectors.iter().filter(|(m, _)| *m == Mode::CatchUp) {
            pg::xact_lock(conn, pg::named_lock(LockKind::CatchUpApply, projector.name())).await?;
        }
        // From here on the projectors' SQL writes the live tables.
        conn.raw(&format!("set local search_path to {}", self.live)).await?;
        for (_, projector) in projectors {
            for table in projector.tables() {
                // Named columns: a generated one (a search vector) takes no value.
                let (columns,): (String,) = conn
                    .fetch_optional(
                        "select string_agg(quote_ident(column_name), ', ' order by ordinal_position) \
                         from information_schema.columns \
                         where table_schema = $1 and table_name = $2 and is_generated = 'NEVER'",
                        &args![self.name.as_str(), *table],
                    )
                    .await?
                    .ok_or(sqlx::Error::RowNotFound)?;
                conn.raw(&format!("delete from {}.{table}", self.live)).await?;
                conn.raw(&format!(
                    "insert into {}.{table} ({columns}) select {columns} from {}.{table}",
                    self.live, self.name
                ))
                .await?;
            }
        }
        let inline: Vec<_> = projectors.iter().filter(|(m, _)| *m == Mode::Inline).collect();
        let catch_up: Vec<_> = projectors.iter().filter(|(m, _)| *m == Mode::CatchUp).collect();
        catch_up_in(conn, &inline, end, Horizon::Committed).await?;
        let reached = catch_up_in(conn, &catch_up, end, Horizon::Settled).await?;
        for (_, projector) in catch_up {
            save_checkpoint(conn, projector.name(), reached).await?;
        }
        Ok(())
    }
}

/// Applies the events after `from` within `horizon` through `projectors`; returns the cursor
/// reached.
async fn catch_up_in(
    conn: &mut Conn<'_>,
    projectors: &[&(Mode, Arc<dyn Projector>)],
    from: Cursor,
    horizon: Horizon,
) -> Result<Cursor, StoreError> {
    let mut cursor = from;
    if projectors.is_empty() {
        return Ok(cursor);
    }
    loop {
        let page = tail::read_page_in(conn, cursor, horizon, PAGE).await?;
        if page.events.is_empty() {
            return Ok(cursor);
        }
        for (_, projector) in projectors {
            apply_all(projector.as_ref(), conn, &page.events).await?;
        }
        cursor = page.end;
    }
}
