//! Sessions: one per login, named by the id of its refresh-token family, which every access
//! token of the session carries as its `sid` claim. A session ends on logout, on a password
//! change (all of the user's) and when a spent refresh token comes back after the grace
//! window; its refresh tokens are revoked and its id written to `ended_sessions` in one
//! transaction, and from the next request on its access tokens are refused on every node.
//!
//! How a request learns that its session ended, at the least cost to the common path:
//! - Each node keeps the ids it has seen ended in memory, filled before the request that
//!   ended them is answered (and, after a restart, from the table's recent rows). The
//!   verified-token cache of `tokens.rs` only spares the signature check: this set is asked
//!   after it on every request, so a remembered token cannot outlive its session.
//! - On SQLite that set is the whole truth: the database is one process's, so every session is
//!   ended on this node. A request pays a hash lookup and no read (the HTTP benchmark's path).
//! - On PostgreSQL other nodes end sessions too, so a session not known ended here costs one
//!   point read by primary key (`ended_sessions.session_id`) per request. It is exact: a
//!   logout committed on node A is seen by node B's very next request, which a periodic poll,
//!   a revocation counter read now and then, or `LISTEN`/`NOTIFY` (delivered after the
//!   commit, asynchronously) would not promise. It is one indexed read on a small table, in
//!   the same round trip budget as the request's own read.
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use joan_commands::{Conn, Database, StoreError, args};
use joan_domain::Timestamp;
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::auth::tokens::ACCESS_TTL_SECONDS;

/// How long an ended id is kept in memory: past it every access token of the session has
/// expired (a minute beyond the token's life covers the clock leeway).
const REMEMBERED: Duration = Duration::from_secs(ACCESS_TTL_SECONDS as u64 + 60);

/// The sessions this node knows have ended.
pub struct Sessions {
    /// Whether other processes may end sessions (PostgreSQL), so the table must be asked.
    shared: bool,
    ended: RwLock<HashMap<Uuid, Instant>>,
    /// Recent rows of `ended_sessions`, read once before the first check.
    loaded: OnceCell<()>,
}

impl Sessions {
    pub fn new(db: &Database) -> Self {
        Self {
            shared: db.is_postgres(),
            ended: RwLock::new(HashMap::new()),
            loaded: OnceCell::new(),
        }
    }

    /// Whether session `sid` has ended.
    pub async fn is_ended(&self, db: &Database, sid: Uuid) -> Result<bool, sqlx::Error> {
        self.loaded.get_or_try_init(|| self.load(db)).await?;
        if self.read().contains_key(&sid) {
            return Ok(true);
        }
        if !self.shared {
            return Ok(false);
        }
        let id = sid.to_string();
        let found: Option<(String,)> = db
            .fetch_optional(
                "select session_id from ended_sessions where session_id = $1",
                &args![&id],
            )
            .await?;
        if found.is_some() {
            self.remember([sid]);
        }
        Ok(found.is_some())
    }

    /// Sessions this node has just ended (their transaction committed): refused from now on.
    pub fn ended_here(&self, sids: &[String]) {
        self.remember(sids.iter().filter_map(|s| Uuid::parse_str(s).ok()));
    }

    async fn load(&self, db: &Database) -> Result<(), sqlx::Error> {
        let since = ago(Timestamp::from_datetime(time::OffsetDateTime::now_utc()), REMEMBERED);
        let rows: Vec<(String,)> = db
            .fetch_all(
                "select session_id from ended_sessions where ended_at >= $1",
                &args![&since],
            )
            .await?;
        self.remember(rows.iter().filter_map(|(s,)| Uuid::parse_str(s).ok()));
        Ok(())
    }

    fn remember(&self, sids: impl IntoIterator<Item = Uuid>) {
        let now = Instant::now();
        let mut ended = self.ended.write().unwrap_or_else(|e| e.into_inner());
        ended.retain(|_, at| now.duration_since(*at) < REMEMBERED);
        ended.extend(sids.into_iter().map(|sid| (sid, now)));
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<Uuid, Instant>> {
        self.ended.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// `at - span`, in the fixed-width text the tables compare.
pub fn ago(at: Timestamp, span: Duration) -> String {
    let span = time::Duration::try_from(span).unwrap_or(time::Duration::ZERO);
    Timestamp::from_datetime(at.datetime() - span).to_rfc3339()
}

/// Records `sessions` of `user_id` as ended at `at`, and drops rows older than `kept` (by
/// then no token of theirs can be valid).
pub async fn record_ended(
    conn: &mut Conn<'_>,
    sessions: &[String],
    user_id: &str,
    at: Timestamp,
    kept: Duration,
) -> Result<(), StoreError> {
    let now = at.to_rfc3339();
    for sid in sessions {
        conn.execute(
            "insert into ended_sessions (session_id, user_id, ended_at) values ($1, $2, $3) \
             on conflict (session_id) do nothing",
            &args![sid, user_id, &now],
        )
        .await?;
    }
    let expired = ago(at, kept);
    conn.execute("delete from ended_sessions where ended_at < $1", &args![&expired])
        .await?;
    Ok(())
}

/// Whether session `sid` was ended (a refresh in a race with its end must not revive it).
pub async fn was_ended(conn: &mut Conn<'_>, sid: &str) -> Result<bool, StoreError> {
    let found: Option<(String,)> = conn
        .fetch_optional(
            "select session_id from ended_sessions where session_id = $1",
            &args![sid],
        )
        .await?;
    Ok(found.is_some())
}
