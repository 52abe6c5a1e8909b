//! The `credentials` state table: each user's sign-in email and password hash.
//!
//! Hashes are secrets, so they are never in events; and because the `users` read table is
//! whatever a replay of the events makes it, it cannot hold them either. Rows here are written
//! in the same transaction as the User event they go with.
use async_trait::async_trait;
use joan_commands::{Conn, Database, StoreError, args};
use joan_domain::Timestamp;

use crate::auth::refresh;
use crate::auth::write::StateWrite;

/// What signing in needs to know about an account.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct Credential {
    pub user_id: String,
    pub password_hash: String,
}

/// Another account has this email (`credentials_email_unique`).
#[derive(Debug, thiserror::Error)]
#[error("the email address is already registered")]
pub struct EmailTaken;

/// The password changed between checking the current one and storing the new one.
#[derive(Debug, thiserror::Error)]
#[error("the password was changed concurrently")]
pub struct PasswordChangedMeanwhile;

pub async fn by_email(db: &Database, email: &str) -> Result<Option<Credential>, sqlx::Error> {
    db.fetch_optional(
        "select user_id, password_hash from credentials where email = $1",
        &args![email],
    )
    .await
}

pub async fn by_user(db: &Database, user_id: &str) -> Result<Option<Credential>, sqlx::Error> {
    db.fetch_optional(
        "select user_id, password_hash from credentials where user_id = $1",
        &args![user_id],
    )
    .await
}

/// Whether an account other than `except` signs in with `email`.
pub async fn email_taken(db: &Database, email: &str, except: Option<&str>) -> Result<bool, sqlx::Error> {
    let found = db
        .fetch_scalar_i64(
            "select count(*) from credentials where email = $1 and user_id <> $2",
            &args![email, except.unwrap_or("")],
        )
        .await?;
    Ok(found > 0)
}

/// Whether an append failed because the email belongs to another account.
pub fn is_email_taken(error: &StoreError) -> bool {
    matches!(error, StoreError::Hook(e) if e.is::<EmailTaken>())
}

/// Translates a violation of the email's unique constraint; anything else stays as it is.
fn on_constraint(error: sqlx::Error) -> StoreError {
    let email_clash = match &error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                // PostgreSQL names the constraint; SQLite names the column.
                && (db.constraint() == Some("credentials_email_unique") || db.message().contains("credentials.email"))
        }
        _ => false,
    };
    if email_clash {
        StoreError::hook(EmailTaken)
    } else {
        StoreError::Database(error)
    }
}

/// A new account's credentials, with its `UserRegistered`.
pub struct Insert {
    pub user_id: String,
    pub email: String,
    pub password_hash: String,
    pub at: String,
}

#[async_trait]
impl StateWrite for Insert {
    type Output = ();

    async fn write(&self, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        conn.execute(
            "insert into credentials (user_id, email, password_hash, updated_at) values ($1, $2, $3, $4)",
            &args![&self.user_id, &self.email, &self.password_hash, &self.at],
        )
        .await
        .map_err(on_constraint)?;
        Ok(())
    }
}

/// A new sign-in email, with its `UserEmailChanged`.
pub struct ChangeEmail {
    pub user_id: String,
    pub email: String,
    pub at: String,
}

#[async_trait]
impl StateWrite for ChangeEmail {
    type Output = ();

    async fn write(&self, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        conn.execute(
            "update credentials set email = $2, updated_at = $3 where user_id = $1 and email <> $2",
            &args![&self.user_id, &self.email, &self.at],
        )
        .await
        .map_err(on_constraint)?;
        Ok(())
    }
}

/// A new password hash, with its `UserPasswordChanged`; every session of the user ends (its
/// output). Only replaces the hash the caller verified (`expected`): of two concurrent
/// changes, one wins.
pub struct ReplacePassword {
    pub user_id: String,
    pub expected: String,
    pub password_hash: String,
    pub at: Timestamp,
}

#[async_trait]
impl StateWrite for ReplacePassword {
    type Output = Vec<String>;

    async fn write(&self, conn: &mut Conn<'_>) -> Result<Vec<String>, StoreError> {
        let changed = conn
            .execute(
                "update credentials set password_hash = $3, updated_at = $4 where user_id = $1 and password_hash = $2",
                &args![
                    &self.user_id,
                    &self.expected,
                    &self.password_hash,
                    &self.at.to_rfc3339()
                ],
            )
            .await?;
        if changed != 1 {
            return Err(StoreError::hook(PasswordChangedMeanwhile));
        }
        refresh::revoke_user(conn, &self.user_id, self.at).await
    }
}

/// An imported bcrypt hash replaced by an argon2id one after a successful login, with its
/// `UserPasswordRehashed`. Only replaces the hash that was verified (`expected`): of two
/// concurrent first logins, one rehashes.
pub struct Rehash {
    pub user_id: String,
    pub expected: String,
    pub password_hash: String,
    pub at: Timestamp,
}

#[async_trait]
impl StateWrite for Rehash {
    type Output = ();

    async fn write(&self, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        let changed = conn
            .execute(
                "update credentials set password_hash = $3, updated_at = $4 where user_id = $1 and password_hash = $2",
                &args![
                    &self.user_id,
                    &self.expected,
                    &self.password_hash,
                    &self.at.to_rfc3339()
                ],
            )
            .await?;
        if changed != 1 {
            return Err(StoreError::hook(PasswordChangedMeanwhile));
        }
        Ok(())
    }
}

/// Credentials of imported accounts, written with their `UserImported` events: the old
/// bcrypt hash as it was. An account whose email another already signs in with is refused.
pub struct Import(pub Vec<Insert>);

#[async_trait]
impl StateWrite for Import {
    type Output = ();

    async fn write(&self, conn: &mut Conn<'_>) -> Result<(), StoreError> {
        for insert in &self.0 {
            insert.write(conn).await?;
        }
        Ok(())
    }
}
