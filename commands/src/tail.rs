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
    pub end: Cursor,
}

#[derive(sqlx::FromRow)]
struct TailRow {
    tx: i64,
    #[sqlx(flatten)]
    event: StoredEvent,
}

macro_rules! select_tail {
    ($tx:literal) => {
        concat!(
            "select ",
            $tx,
            " as tx, position, aggregate_type, aggregate_id, sequence, event_type, event_version, payload, \
             metadata, owner_id, recorded_at from events "
        )
    };
}

const PG_AFTER: &str = "where (tx, position) > (($1::bigint)::text::xid8, $2) ";
const PG_ORDER: &str = "order by tx, position limit $3";

fn pg_sql(horizon: Horizon) -> String {
    let bound = match horizon {
        Horizon::Settled => "and tx < pg_snapshot_xmin(pg_current_snapshot()) ",
        Horizon::Committed => "",
        Horizon::Before(_) => "and (tx, position) < (($4::bigint)::text::xid8, $5) ",
    };
    format!("{}{PG_AFTER}{bound}{PG_ORDER}", select_tail!("tx::text::bigint"))
}

const SQLITE_AFTER: &str = concat!(select_tail!("0"), "where position > $1 order by position limit $2");
const SQLITE_BEFORE: &str = concat!(
    select_tail!("0"),
    "where position > $1 and position < $2 order by position limit $3"
);

fn finish(rows: Vec<TailRow>, after: Cursor) -> Page {
    let end = rows.last().map_or(after, |r| Cursor {
        tx: r.tx,
        position: r.event.position,
    });
    Page {
        events: rows.into_iter().map(|r| r.event).collect(),
        end,
    }
}

/// At most `limit` events after `after` within `horizon`, in tail order, from the read pool.
pub async fn read_page(db: &Database, after: Cursor, horizon: Horizon, limit: i64) -> Result<Page, StoreError> {
    let rows: Vec<TailRow> = match (db.is_postgres(), horizon) {
        (true, Horizon::Before(b)) => {
            let args = [after.tx, after.position, limit, b.tx, b.position].map(Arg::from);
            db.fetch_all(&pg_sql(horizon), &args).await?
        }
        (true, _) => {
            let args = [after.tx, after.position, limit].map(Arg::from);
            db.fetch_all(&pg_sql(horizon), &args).await?
        }
        (false, Horizon::Before(b)) => {
            let args = [after.position, b.position, limit].map(Arg::from);
            db.fetch_all(SQLITE_BEFORE, &args).await?
        }
        (false, _) => {
            let args = [after.position, limit].map(Arg::from);
            db.fetch_all(SQLITE_AFTER, &args).await?
        }
    };
    Ok(finish(rows, after))
}

/// Like [`read_page`], inside the transaction on `conn`.
pub async fn read_page_in(
    conn: &mut Conn<'_>,
    after: Cursor,
    horizon: Horizon,
    limit: i64,
) -> Result<Page, StoreError> {
    let rows: Vec<TailRow> = match (conn.is_postgres(), horizon) {
        (true, Horizon::Before(b)) => {
            let args = [after.tx, after.position, limit, b.tx, b.position].map(Arg::from);
            conn.fetch_all(&pg_sql(horizon), &args).await?
        }
        (true, _) => {
            let args = [after.tx, after.position, limit].map(Arg::from);
            conn.fetch_all(&pg_sql(horizon), &args).await?
        }
        (false, Horizon::Before(b)) => {
            let args = [after.position, b.position, limit].map(Arg::from);
            conn.fetch_all(SQLITE_BEFORE, &args).await?
        }
        (false, _) => {
            let args = [after.position, limit].map(Arg::from);
            conn.fetch_all(SQLITE_AFTER, &args).await?
        }
    };
    Ok(finish(rows, after))
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
    fn postgres_pages_read_settled_rows_in_tail_order() {
        let sql = pg_sql(Horizon::Settled);
        assert!(sql.contains("tx < pg_snapshot_xmin(pg_current_snapshot())"), "{sql}");
        assert!(sql.ends_with("order by tx, position limit $3"), "{sql}");
        assert!(!pg_sql(Horizon::Committed).contains("xmin"));
    }
}
