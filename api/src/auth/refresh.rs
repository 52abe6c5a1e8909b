//! Refresh tokens: 32 bytes (base64url), kept only as their SHA-256, rotated on every use.
//! Every token descended from one login shares a family, whose id is the session's.
//!
//! A login's token is random; each successor is derived, an HMAC of the token it replaces
//! under a server key. So when two tabs present the same token at once, the one that comes
//! second within [`AuthPolicy::refresh_grace`](crate::auth::policy::AuthPolicy) gets the very
//! successor the first got, recomputed, with no plaintext token stored anywhere. A spent token
//! presented after that window means it was copied: its whole family is revoked and its
//! session ends.
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use joan_commands::{Conn, StoreError, args};
use joan_domain::Timestamp;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::auth::sessions;
use crate::auth::write::StateWrite;
use crate::config::Secret;

/// Refresh tokens live 30 days.
pub const TTL_DAYS: i64 = 30;

/// How long an ended session is recorded: as long as a token of its family could live.
const ENDED_KEPT: Duration = Duration::from_secs(TTL_DAYS as u64 * 86_400);

/// A fresh token: the text the client keeps, and the digest the server keeps.
pub struct NewToken {
    pub token: String,
    pub hash: String,
}

impl NewToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Self {
        let token = URL_SAFE_NO_PAD.encode(bytes);
        let hash = digest(&token);
        Self { token, hash }
    }
}

/// Derives each token's successor.
pub struct Successors {
    key: Hmac<Sha256>,
}

impl Successors {
    /// The key is the server's secret; the message's prefix keeps these MACs apart from the
    /// access tokens' signatures (whose input never holds a NUL).
    pub fn new(secret: &Secret) -> Self {
        let key = Hmac::<Sha256>::new_from_slice(secret.expose().as_bytes()).expect("HMAC takes a key of any length");
        Self { key }
    }

    /// The token that replaces `presented`, the same every time it is asked.
    pub fn of(&self, presented: &str) -> NewToken {
        let mut mac = self.key.clone();
        mac.update(b"joan refresh successor\0");
        mac.update(presented.as_bytes());
        NewToken::from_bytes(&mac.finalize().into_bytes())
    }
}

/// The SHA-256 hex of a token: how it is stored and looked up.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// When a token issued at `at` expires.
pub fn expiry(at: Timestamp) -> String {
    Timestamp::from_datetime(at.datetime() + time::Duration::days(TTL_DAYS)).to_rfc3339()
}

#[derive(sqlx::FromRow, serde::Deserialize)]
struct TokenRow {
    family_id: String,
    user_id: String,
    expires_at: String,
    spent_at: Option<String>,
    revoked_at: Option<String>,
}

/// The first token of a new family (a login). Drops the user's expired tokens on the way.
pub struct Issue {
    pub hash: String,
    pub family_id: String,
    pub user_id: String,
    pub at: Timestamp,
}

#[async_trait]
impl StateWrite for Issue {
    type Output = ();

    async fn write(&self, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        let at = self.at.to_rfc3339();
        conn.execute(
            "delete from refresh_tokens where user_id = $1 and expires_at < $2",
            &args![&self.user_id, &at],
        )
        .await?;
        insert(conn, &self.hash, &self.family_id, &self.user_id, self.at).await
    }
}

async fn insert(conn: &mut Conn<'_>, hash: &str, family: &str, user: &str, at: Timestamp) -> Result<(), StoreError> {
    conn.execute(
        "insert into refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at) values ($1, $2, $3, $4, $5)",
        &args![hash, family, user, &at.to_rfc3339(), &expiry(at)],
    )
    .await?;
    Ok(())
}

/// What presenting a refresh token did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// Spent (now, or within the grace window); `next` stands in its place.
    Rotated { user_id: String, session: String },
    /// It had been spent before the grace window: its family is revoked, its session ended.
    Reused { user_id: String, session: String },
    /// Unknown, expired or revoked.
    Invalid,
}

/// Spends the presented token and issues `next`, its successor, in its family.
pub struct Rotate {
    /// Digests of the presented token and of its successor.
    pub presented: String,
    pub next: String,
    pub at: Timestamp,
    pub grace: Duration,
}

impl Rotate {
    async fn row(&self, conn: &mut Conn<'_>) -> Result<Option<TokenRow>, StoreError> {
        Ok(conn
            .fetch_optional(
                "select family_id, user_id, expires_at, spent_at, revoked_at from refresh_tokens where token_hash = $1",
                &args![&self.presented],
            )
            .await?)
    }

    /// Whether `next` is live in `family`: what a second presentation in the window gets.
    async fn successor_live(&self, conn: &mut Conn<'_>, family: &str) -> Result<bool, StoreError> {
        let found: Option<(String,)> = conn
            .fetch_optional(
                "select family_id from refresh_tokens where token_hash = $1 and family_id = $2 and revoked_at is null",
                &args![&self.next, family],
            )
            .await?;
        Ok(found.is_some())
    }
}

#[async_trait]
impl StateWrite for Rotate {
    type Output = Rotation;

    async fn write(&self, conn: &mut Conn<'_>) -> Result<Rotation, StoreError> {
        let at = self.at.to_rfc3339();
        let Some(mut row) = self.row(conn).await? else {
            return Ok(Rotation::Invalid);
        };
        if row.revoked_at.is_some() || row.expires_at <= at || sessions::was_ended(conn, &row.family_id).await? {
            return Ok(Rotation::Invalid);
        }
        if row.spent_at.is_none() {
            // Guarded: of two nodes spending it at once, one does; the other reads it spent.
            let spent = conn
                .execute(
                    "update refresh_tokens set spent_at = $2 where token_hash = $1 and spent_at is null and revoked_at is null",
                    &args![&self.presented, &at],
                )
                .await?;
            if spent == 1 {
                insert(conn, &self.next, &row.family_id, &row.user_id, self.at).await?;
                return Ok(Rotation::Rotated {
                    user_id: row.user_id,
                    session: row.family_id,
                });
            }
            row = match self.row(conn).await? {
                Some(row) if row.revoked_at.is_none() => row,
                _ => return Ok(Rotation::Invalid),
            };
        }
        let since = sessions::ago(self.at, self.grace);
        let in_grace = row.spent_at.as_deref().is_some_and(|spent| spent > since.as_str());
        if in_grace && self.successor_live(conn, &row.family_id).await? {
            return Ok(Rotation::Rotated {
                user_id: row.user_id,
                session: row.family_id,
            });
        }
        end_sessions(conn, &[row.family_id.clone()], &row.user_id, self.at).await?;
        Ok(Rotation::Reused {
            user_id: row.user_id,
            session: row.family_id,
        })
    }
}

/// Ends the session of one of `user_id`'s tokens (a logout); its output is the sessions it
/// ended. Someone else's token, or an unknown one, ends nothing.
pub struct RevokeFamilyOf {
    pub hash: String,
    pub user_id: String,
    pub at: Timestamp,
}

#[async_trait]
impl StateWrite for RevokeFamilyOf {
    type Output = Vec<String>;

    async fn write(&self, conn: &mut Conn<'_>) -> Result<Vec<String>, StoreError> {
        let family: Option<(String,)> = conn
            .fetch_optional(
                "select family_id from refresh_tokens where token_hash = $1 and user_id = $2",
                &args![&self.hash, &self.user_id],
            )
            .await?;
        let ended: Vec<String> = family.into_iter().map(|(f,)| f).collect();
        end_sessions(conn, &ended, &self.user_id, self.at).await?;
        Ok(ended)
    }
}

/// Ends every session of a user (logout everywhere); its output is the sessions it ended.
pub struct RevokeUser {
    pub user_id: String,
    pub at: Timestamp,
}

#[async_trait]
impl StateWrite for RevokeUser {
    type Output = Vec<String>;

    async fn write(&self, conn: &mut Conn<'_>) -> Result<Vec<String>, StoreError> {
        revoke_user(conn, &self.user_id, self.at).await
    }
}

/// Revokes the refresh tokens of `sessions` and records them ended.
async fn end_sessions(
    conn: &mut Conn<'_>,
    sessions: &[String],
    user_id: &str,
    at: Timestamp,
) -> Result<(), StoreError> {
    let now = at.to_rfc3339();
    for family in sessions {
        let sql = "update refresh_tokens set revoked_at = $2 where family_id = $1 and revoked_at is null";
        conn.execute(sql, &args![family, &now]).await?;
    }
    sessions::record_ended(conn, sessions, user_id, at, ENDED_KEPT).await
}

/// Ends every session of `user_id` that still has a live refresh token, and returns them.
pub async fn revoke_user(conn: &mut Conn<'_>, user_id: &str, at: Timestamp) -> Result<Vec<String>, StoreError> {
    let live: Vec<(String,)> = conn
        .fetch_all(
            "select distinct family_id from refresh_tokens where user_id = $1 and revoked_at is null",
            &args![user_id],
        )
        .await?;
    let sessions: Vec<String> = live.into_iter().map(|(f,)| f).collect();
    let sql = "update refresh_tokens set revoked_at = $2 where user_id = $1 and revoked_at is null";
    conn.execute(sql, &args![user_id, &at.to_rfc3339()]).await?;
    sessions::record_ended(conn, &sessions, user_id, at, ENDED_KEPT).await?;
    Ok(sessions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_32_random_bytes_in_base64url_stored_as_sha256_hex() {
        let a = NewToken::generate();
        let b = NewToken::generate();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a.token).unwrap().len(), 32);
        assert_ne!(a.token, b.token);
        assert_eq!(a.hash.len(), 64);
        assert_eq!(a.hash, digest(&a.token));
        assert!(!a.hash.contains(&a.token));
    }

    #[test]
    fn a_successor_is_the_same_each_time_and_differs_by_token_and_secret() {
        let ours = Successors::new(&Secret::new("a-test-secret-of-enough-length"));
        let theirs = Successors::new(&Secret::new("another-secret-entirely-000000"));
        let a = NewToken::generate();
        let next = ours.of(&a.token);
        assert_eq!(next.token, ours.of(&a.token).token);
        assert_eq!(URL_SAFE_NO_PAD.decode(&next.token).unwrap().len(), 32);
        assert_ne!(next.token, ours.of(&NewToken::generate().token).token);
        assert_ne!(next.token, theirs.of(&a.token).token);
        assert_eq!(next.hash, digest(&next.token));
    }
}
