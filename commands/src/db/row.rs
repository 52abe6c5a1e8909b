//! What a query's rows decode into, on either backend.
use serde::de::DeserializeOwned;
use sqlx::FromRow;
use sqlx::postgres::PgRow;

/// A row type readable from both backends: through sqlx on PostgreSQL, through its
/// `Deserialize` impl on SQLite (see [`crate::db::sqlite`]).
pub trait Row: for<'r> FromRow<'r, PgRow> + DeserializeOwned + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, PgRow> + DeserializeOwned + Send + Unpin {}
