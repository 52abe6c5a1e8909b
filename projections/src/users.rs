//! The `users` read table (D1 shape), kept inline, and its reads.
//!
//! Passwords are not here: they live in the `credentials` state table, because events never
//! carry secrets and this table is whatever a replay of the events makes it.
use async_trait::async_trait;
use joan_commands::{Conn, Database, StoredEvent, args};
use joan_domain::user::UserEvent;

use crate::error::ProjectionError;
use crate::projector::{Projector, decode};

pub struct UsersProjector;

#[async_trait]
impl Projector for UsersProjector {
    fn name(&self) -> &'static str {
        "users"
    }

    fn tables(&self) -> &'static [&'static str] {
        &["users"]
    }

    fn handles(&self, aggregate_type: &str) -> bool {
        aggregate_type == "user"
    }

    async fn apply(&self, conn: &mut Conn<'_>, event: &StoredEvent) -> Result<(), ProjectionError> {
        let id = event.aggregate_id.as_str();
        let version = event.sequence;
        let change = decode::<UserEvent>(event)?;
        let at = change.at().to_rfc3339();
        match change {
            UserEvent::UserRegistered { email, name, .. } => {
                conn.execute(
                    "insert into users (id, email, name, version, created_at, updated_at) \
                     values ($1, $2, $3, $4, $5, $5)",
                    &args![id, &email, &name, version, &at],
                )
                .await?;
            }
            UserEvent::UserImported {
                email,
                name,
                is_active,
                role,
                created_at,
                ..
            } => {
                conn.execute(
                    "insert into users (id, email, name, is_active, role, version, created_at, updated_at) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &args![
                        id,
                        &email,
                        &name,
                        i64::from(is_active),
                        &role,
                        version,
                        &created_at.to_rfc3339(),
                        &at
                    ],
                )
                .await?;
            }
            // Not a profile edit: `updated_at` stays.
            UserEvent::UserPasswordRehashed { .. } => {
                conn.execute("update users set version = $2 where id = $1", &args![id, version])
                    .await?;
            }
            UserEvent::UserEmailChanged { to, .. } => {
                conn.execute(
                    "update users set email = $2, version = $3, updated_at = $4 where id = $1",
                    &args![id, &to, version, &at],
                )
                .await?;
            }
            UserEvent::UserNameChanged { to, .. } => {
                conn.execute(
                    "update users set name = $2, version = $3, updated_at = $4 where id = $1",
                    &args![id, &to, version, &at],
                )
                .await?;
            }
            UserEvent::UserPasswordChanged { .. } => {
                conn.execute(
                    "update users set version = $2, updated_at = $3 where id = $1",
                    &args![id, version, &at],
                )
                .await?;
            }
            // Onboarding, like a login, is not a profile edit: `updated_at` stays.
            UserEvent::UserOnboardingProgressChanged { progress, .. } => {
                let progress = crate::table::JsonText::of(&progress).0;
                conn.execute(
                    "update users set onboarding_progress = $2, version = $3 where id = $1",
                    &args![id, &progress, version],
                )
                .await?;
            }
            UserEvent::UserOnboardingCompletionChanged { completed, .. } => {
                conn.execute(
                    "update users set onboarding_completed = $2, version = $3 where id = $1",
                    &args![id, i64::from(completed), version],
                )
                .await?;
            }
            // A login is not a profile edit: `updated_at` stays.
            UserEvent::UserFirstLoggedIn { .. } => {
                conn.execute(
                    "update users set first_login_at = $2, version = $3 where id = $1",
                    &args![id, &at, version],
                )
                .await?;
            }
        }
        Ok(())
    }
}

/// A row of `users`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Deserialize)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_active: i64,
    pub is_superuser: i64,
    pub role: String,
    pub onboarding_completed: i64,
    pub onboarding_progress: String,
    pub first_login_at: Option<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// One user by id.
pub async fn get(db: &Database, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    db.fetch_optional(
        "select id, email, name, is_active, is_superuser, role, onboarding_completed, onboarding_progress, \
         first_login_at, version, created_at, updated_at from users where id = $1",
        &args![id],
    )
    .await
}
