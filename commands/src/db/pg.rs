//! PostgreSQL specifics: advisory locks that keep several nodes in step, and the listener
//! that tells this node about appends committed by the others.
//!
//! Advisory locks are scoped to one database, so separate databases (tests, tenants) never
//! contend. Every key starts with "joan" in its high 32 bits.
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::{Connection, PgConnection};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::arg::Arg;
use super::conn::Conn;
use super::connect::pg_options;
use super::database::Database;
use crate::error::StoreError;

const PREFIX: i64 = 0x6a6f_616e << 32;

/// Taken (transaction scope) by every append transaction and by a rebuild's swap: appends
/// commit one at a time across nodes, so commit order, transaction id order and position
/// order agree, and inline projectors see the same order a replay does.
pub const APPEND_LOCK: i64 = PREFIX | 1;

/// Held (session scope) by the node rebuilding projections: one rebuild at a time.
pub const REBUILD_LOCK: i64 = PREFIX | 2;

/// Kinds of per-name locks, see [`named_lock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum LockKind {
    /// Session scope, held by the one node that runs a catch-up projector.
    CatchUpRunner = 1,
    /// Transaction scope, taken by each catch-up batch and by a rebuild's swap, so a swap
    /// never interleaves with a batch of the same projector.
    CatchUpApply = 2,
}

/// The key of the lock of `kind` for `name` (FNV-1a of the name in the low 28 bits).
pub fn named_lock(kind: LockKind, name: &str) -> i64 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in name.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    PREFIX | (i64::from(kind as u8) << 28) | i64::from(hash & 0x0fff_ffff)
}

/// The channel the `events_notify` trigger notifies on commit, with the highest position.
pub const CHANNEL: &str = "joan_events";

/// `begin` and the append lock in one round trip.
pub(crate) static BEGIN_APPEND: LazyLock<String> =
    LazyLock::new(|| format!("begin; select pg_advisory_xact_lock({APPEND_LOCK})"));

/// Waits for the append lock inside the current transaction (PostgreSQL only; on SQLite the
/// single writer already serialises appends, so this does nothing).
pub async fn lock_appends(conn: &mut Conn<'_>) -> Result<(), sqlx::Error> {
    if conn.is_postgres() {
        conn.execute("select pg_advisory_xact_lock($1)", &[Arg::Int(Some(APPEND_LOCK))])
            .await?;
    }
    Ok(())
}

/// Waits for a transaction-scoped lock (PostgreSQL only).
pub async fn xact_lock(conn: &mut Conn<'_>, key: i64) -> Result<(), sqlx::Error> {
    if conn.is_postgres() {
        conn.execute("select pg_advisory_xact_lock($1)", &[Arg::Int(Some(key))])
            .await?;
    }
    Ok(())
}

/// A connection of its own (for a session lock, or a rebuild's scratch work), named
/// `application_name` in `pg_stat_activity`.
pub async fn connect(url: &str, application_name: &str) -> Result<PgConnection, StoreError> {
    Ok(PgConnection::connect_with(&pg_options(url)?.application_name(application_name)).await?)
}

/// Tries to take a session-scoped lock on `conn`; it is held until released or until the
/// connection ends (also when the process dies).
pub async fn try_session_lock(conn: &mut PgConnection, key: i64) -> Result<bool, StoreError> {
    let (locked,): (bool,) = sqlx::query_as("select pg_try_advisory_lock($1)")
        .bind(key)
        .fetch_one(conn)
        .await?;
    Ok(locked)
}

/// Moves `head` forward to `position` (never back).
pub(crate) fn advance(head: &watch::Sender<i64>, position: i64) {
    head.send_if_modified(|h| {
        let moved = position > *h;
        *h = (*h).max(position);
        moved
    });
}

/// Follows the appends of every node: each notification moves `head`. After a lost
/// connection (notifications missed meanwhile) the head is read from the log again.
pub(crate) async fn follow_appends(
    url: &str,
    db: Database,
    head: Arc<watch::Sender<i64>>,
) -> Result<JoinHandle<()>, StoreError> {
    let options = pg_options(url)?.application_name("joan listener");
    let pool = PgPoolOptions::new().max_connections(1).connect_lazy_with(options);
    let mut listener = PgListener::connect_with(&pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(tokio::spawn(async move {
        loop {
            match listener.try_recv().await {
                Ok(Some(note)) => {
                    if let Ok(position) = note.payload().parse::<i64>() {
                        advance(&head, position);
                    }
                }
                Ok(None) => {
                    tracing::warn!("lost the append notification connection; reconnecting");
                    if let Ok(position) = db
                        .fetch_scalar_i64("select coalesce(max(position), 0) from events", &[])
                        .await
                    {
                        advance(&head, position);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "append notifications failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_keys_are_distinct_and_stable() {
        let a = named_lock(LockKind::CatchUpRunner, "task_daily_stats");
        let b = named_lock(LockKind::CatchUpApply, "task_daily_stats");
        assert_ne!(a, b);
        assert_ne!(a, APPEND_LOCK);
        assert_eq!(a, named_lock(LockKind::CatchUpRunner, "task_daily_stats"));
        assert!(a > 0 && b > 0 && APPEND_LOCK > 0 && REBUILD_LOCK > 0);
    }
}
