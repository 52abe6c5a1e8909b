//! Refresh tokens: 32 random bytes (base64url), kept only as their SHA-256, rotated on every
//! use. Every token descended from one login shares a family; a spent token presented again
//! means it was copied, so the whole family is revoked.
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use joan_commands::{Conn, StoreError, args};
use joan_domain::Timestamp;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::auth::write::StateWrite;

/// Refresh tokens live 30 days.
pub const TTL_DAYS: i64 = 30;

/// A fresh token: the text the client keeps, and the digest the server keeps.
pub struct NewToken {
    pub token: String,
    pub hash: String,
}

impl NewToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let token = URL_SAFE_NO_PAD.encode(bytes);
        let hash = digest(&token);
        Self { token, hash }
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
    /// Spent; `next` now stands in its place.
    Rotated { user_id: String },
    /// It had been spent before: its family is now revoked.
    Reused { user_id: String },
    /// Unknown, expired or revoked.
    Invalid,
}

/// Spends the presented token and issues `next` in its family.
pub struct Rotate {
    pub presented: String,
    pub next: String,
    pub at: Timestamp,
}

#[async_trait]
impl StateWrite for Rotate {
    type Output = Rotation;

    async fn write(&self, conn: &mut Conn<'_>) -> Result<Rotation, StoreError> {
        let at = self.at.to_rfc3339();
        let row: Option<TokenRow> = conn
            .fetch_optional(
                "select family_id, user_id, expires_at, spent_at, revoked_at from refresh_tokens where token_hash = $1",
                &args![&self.presented],
            )
            .await?;
        let Some(row) = row else { return Ok(Rotation::Invalid) };
        if row.revoked_at.is_some() {
            return Ok(Rotation::Invalid);
        }
        if row.spent_at.is_some() {
            revoke_family(conn, &row.family_id, &at).await?;
            return Ok(Rotation::Reused { user_id: row.user_id });
        }
        if row.expires_at <= at {
            return Ok(Rotation::Invalid);
        }
        conn.execute(
            "update refresh_tokens set spent_at = $2 where token_hash = $1",
            &args![&self.presented, &at],
        )
        .await?;
        insert(conn, &self.next, &row.family_id, &row.user_id, self.at).await?;
        Ok(Rotation::Rotated { user_id: row.user_id })
    }
}

/// Revokes the family of one of `user_id`'s tokens (a logout). Someone else's token, or an
/// unknown one, revokes nothing.
pub struct RevokeFamilyOf {
    pub hash: String,
    pub user_id: String,
    pub at: Timestamp,
}

#[async_trait]
impl StateWrite for RevokeFamilyOf {
    type Output = u64;

    async fn write(&self, conn: &mut Conn<'_>) -> Result<u64, StoreError> {
        let family: Option<(String,)> = conn
            .fetch_optional(
                "select family_id from refresh_tokens where token_hash = $1 and user_id = $2",
                &args![&self.hash, &self.user_id],
            )
            .await?;
        match family {
            Some((family,)) => revoke_family(conn, &family, &self.at.to_rfc3339()).await,
            None => Ok(0),
        }
    }
}

/// Revokes every refresh token of a user (logout everywhere).
pub struct RevokeUser {
    pub user_id: String,
    pub at: Timestamp,
}

#[async_trait]
impl StateWrite for RevokeUser {
    type Output = u64;

    async fn write(&self, conn: &mut Conn<'_>) -> Result<u64, StoreError> {
        revoke_user(conn, &self.user_id, &self.at.to_rfc3339()).await
    }
}

async fn revoke_family(conn: &mut Conn<'_>, family: &str, at: &str) -> Result<u64, StoreError> {
    let sql = "update refresh_tokens set revoked_at = $2 where family_id = $1 and revoked_at is null";
    Ok(conn.execute(sql, &args![family, at]).await?)
}

/// Revokes every live refresh token of `user_id`.
pub async fn revoke_user(conn: &mut Conn<'_>, user_id: &str, at: &str) -> Result<u64, StoreError> {
    let sql = "update refresh_tokens set revoked_at = $2 where user_id = $1 and revoked_at is null";
    Ok(conn.execute(sql, &args![user_id, at]).await?)
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
}
