//! Walking the log for tails (catch-up projectors, rebuilds) with a cursor that never skips
//! an event, whatever order transactions commit in.
//!
//! SQLite has one writer, which commits in position order: the cursor is the position.
//! PostgreSQL commits concurrent transactions in any order, so a plain `position > n` cursor
//! would skip an event whose transaction commits after a later position was read. There the
//! cursor is `(tx, position)`, `tx` being the writing transaction's id, and a settled read
//! only returns rows with `tx < pg_snapshot_xmin(pg_current_snapshot())`: every transaction
//! below that has ended, so no row can appear behind the cursor later.
use crate::db::{Arg, Conn, Database};
use crate::error::StoreError;
use crate::event::StoredEvent;

/// A place in the log as tails walk it, ordered by `(tx, position)`. On SQLite `tx` is 0.
/// On PostgreSQL it is the xid8 of the transaction that wrote the event (as a bigint).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub tx: i64,
    pub position: i64,
}

impl Cursor {
    /// Before the first event.
    pub const START: Cursor = Cursor { tx: 0, position: 0 };
}

/// Which events a page may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// Events no transaction still running can precede (what a tail may apply now).
    Settled,
    /// Every committed event. Only for a caller holding the append lock, when no append is
    /// in flight: then committed and settled agree, except for writers outside the store.
    Committed,
    /// Events strictly before this cursor (a bound taken with [`settled_bound`]).
    Before(Cursor),
}

/// A page of the log and the cursor of its last event (the cursor it was read after, when
/// empty).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub events: Vec<StoredEvent>,
    /// The cursor of the first event (`end` when empty): everything strictly between the
    /// cursor the page was read after and this one is in no page.
    pub first: Cursor,
    pub end: Cursor,
}

/// A row of a PostgreSQL page (SQLite's are built from plain events).
#[derive(sqlx::FromRow, serde::Deserialize)]
struct TailRow {
    /// PostgreSQL: `pg_snapshot_xmin` of the statement's snapshot (0 on SQLite).
    horizon: i64,
    tx: i64,
    #[sqlx(flatten)]
    #[serde(flatten)]
    event: StoredEvent,
}

impl TailRow {
    fn cursor(&self) -> Cursor {
        Cursor {
            tx: self.tx,
            position: self.event.position,
        }
    }
}

const COLUMNS: &str = "position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, \
     metadata, owner_id, recorded_at";

/// PostgreSQL pages walk the `(tx, position)` index from the cursor and stop at the limit. So
/// that the planner always picks that plan: the range is one-sided (a second bound such as
/// `tx < xmin` reads as a narrow range to generic plans, which then sort the whole rest of the
/// log per page), and `order by` names the table's columns (a bare `tx` would be the bigint
/// output column). Rows come ordered by `tx`, so the horizon (`xmin` of the statement's
/// snapshot, returned with each row) simply cuts the page.
static PG_PAGE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "select s.horizon, tx::text::bigint as tx, {COLUMNS} from events, \
         (select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as horizon) s \
         where (events.tx, events.position) > (($1::bigint)::text::xid8, $2) \
         order by events.tx, events.position limit $3"
    )
});

// SQLite reads plain events: its cursor is the position alone (`tx` and `horizon` are 0), and
// decoding rows straight into `StoredEvent` spares serde's `flatten`, which buffers every
// field of every row before handing it over.
const SQLITE_AFTER: &str = concat!(
    crate::select_events!(),
    "where position > $1 order by position limit $2"
);
const SQLITE_BEFORE: &str = concat!(
    crate::select_events!(),
    "where position > $1 and position < $2 order by position limit $3"
);

/// The statement and arguments of a page.
fn query(postgres: bool, after: Cursor, horizon: Horizon, limit: i64) -> (&'static str, Vec<Arg<'static>>) {
    match (postgres, horizon) {
        (true, _) => (
            PG_PAGE.as_str(),
            vec![after.tx.into(), after.position.into(), limit.into()],
        ),
        (false, Horizon::Before(b)) => (
            SQLITE_BEFORE,
            vec![after.position.into(), b.position.into(), limit.into()],
        ),
        (false, _) => (SQLITE_AFTER, vec![after.position.into(), limit.into()]),
    }
}

/// Cuts the rows at `horizon` (rows come in tail order, so what is beyond it is a suffix).
fn finish(rows: Vec<TailRow>, after: Cursor, horizon: Horizon, postgres: bool) -> Page {
    let keep = |r: &TailRow| match horizon {
        Horizon::Settled => !postgres || r.tx < r.horizon,
        Horizon::Committed => true,
        Horizon::Before(bound) => r.cursor() < bound,
    };
    let rows: Vec<TailRow> = rows.into_iter().take_while(keep).collect();
    let end = rows.last().map_or(after, TailRow::cursor);
    let first = rows.first().map_or(end, TailRow::cursor);
    Page {
        events: rows.into_iter().map(|r| r.event).collect(),
        first,
        end,
    }
}

/// SQLite's events as tail rows.
fn sqlite_rows(events: Vec<StoredEvent>) -> Vec<TailRow> {
    events
        .into_iter()
        .map(|event| TailRow {
            horizon: 0,
            tx: 0,
            event,
        })
        .collect()
}

/// At most `limit` events after `after` within `horizon`, in tail order, from the read pool.
pub async fn read_page(db: &Database, after: Cursor, horizon: Horizon, limit: i64) -> Result<Page, StoreError> {
    let postgres = db.is_postgres();
    let (sql, args) = query(postgres, after, horizon, limit);
    let rows = if postgres {
        db.fetch_all(sql, &args).await?
    } else {
        sqlite_rows(db.fetch_all(sql, &args).await?)
    };
    Ok(finish(rows, after, horizon, postgres))
}

/// Like [`read_page`], inside the transaction on `conn`.
pub async fn read_page_in(
    conn: &mut Conn<'_>,
    after: Cursor,
    horizon: Horizon,
    limit: i64,
) -> Result<Page, StoreError> {
    let postgres = conn.is_postgres();
    let (sql, args) = query(postgres, after, horizon, limit);
    let rows = if postgres {
        conn.fetch_all(sql, &args).await?
    } else {
        sqlite_rows(conn.fetch_all(sql, &args).await?)
    };
    Ok(finish(rows, after, horizon, postgres))
}

/// A cursor every event before which is settled now: PostgreSQL's `(xmin, 0)`, SQLite's
/// `(0, last position + 1)`. Reading up to it with [`Horizon::Before`] is repeatable.
pub async fn settled_bound(db: &Database) -> Result<Cursor, StoreError> {
    if db.is_postgres() {
        let tx = db
            .fetch_scalar_i64("select pg_snapshot_xmin(pg_current_snapshot())::text::bigint", &[])
            .await?;
        Ok(Cursor { tx, position: 0 })
    } else {
        let last = db
            .fetch_scalar_i64("select coalesce(max(position), 0) from events", &[])
            .await?;
        Ok(Cursor {
            tx: 0,
            position: last + 1,
        })
    }
}

/// The cursor of the last event at or below `position`, `None` when there is none. A tail
/// whose cursor has reached it has applied that event and everything before it in tail
/// order (on PostgreSQL's append path, where appends commit in position order, that is
/// every event up to `position`).
pub async fn cursor_at(db: &Database, position: i64) -> Result<Option<Cursor>, StoreError> {
    if !db.is_postgres() {
        return Ok((position > 0).then_some(Cursor { tx: 0, position }));
    }
    const SQL: &str = "select tx::text::bigint, position from events where position <= $1 \
         order by position desc limit 1";
    let row: Option<(i64, i64)> = db.fetch_optional(SQL, &[Arg::from(position)]).await?;
    Ok(row.map(|(tx, position)| Cursor { tx, position }))
}

/// Waits until the log may hold events after `cursor`: SQLite moves the head on every
/// durable commit; PostgreSQL events also settle when unrelated transactions end, which
/// nobody announces, so there the wait is also cut short every `idle_poll`. `false` when the
/// store is gone; a change of `shutdown` also ends the wait (the caller looks at it).
pub async fn wait_for_append(
    head: &mut tokio::sync::watch::Receiver<i64>,
    cursor: Cursor,
    postgres: bool,
    idle_poll: std::time::Duration,
    shutdown: &mut tokio::sync::watch::Receiver<bool>,
) -> bool {
    if postgres {
        tokio::select! {
            _ = head.changed() => {}
            _ = tokio::time::sleep(idle_poll) => {}
            _ = shutdown.changed() => {}
        }
        return true;
    }
    tokio::select! {
        changed = head.wait_for(|h| *h > cursor.position) => changed.is_ok(),
        _ = shutdown.changed() => true,
    }
}

/// [`cursor_at`], asked again every `pause` until the database answers: what a tail's
/// `wait_for` (catch-up projectors, reactors) looks up before it waits. `tail` names the
/// waiter in the warning.
pub async fn cursor_at_retrying(
    db: &Database,
    position: i64,
    tail: &str,
    pause: std::time::Duration,
) -> Option<Cursor> {
    loop {
        match cursor_at(db, position).await {
            Ok(target) => return target,
            Err(e) => {
                tracing::warn!(tail, error = %e, "cannot look up position {position}; retrying");
                tokio::time::sleep(pause).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_order_by_transaction_then_position() {
        let late = Cursor { tx: 5, position: 10 };
        let early = Cursor { tx: 6, position: 9 };
        assert!(late < early);
        assert!(Cursor::START < late);
    }

    #[test]
    fn postgres_pages_are_one_sided_range_scans_in_tail_order() {
        let sql = PG_PAGE.as_str();
        assert!(sql.contains("pg_snapshot_xmin(pg_current_snapshot())"), "{sql}");
        // Qualified: a bare `tx` in `order by` would name the bigint output column, so no index.
        assert!(sql.ends_with("order by events.tx, events.position limit $3"), "{sql}");
    }
}
