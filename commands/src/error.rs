use thiserror::Error;

/// Errors of the write side.
#[derive(Debug, Error)]
pub enum StoreError {
    /// Another command appended to this stream first (optimistic concurrency).
    #[error("conflict on {aggregate_type} {aggregate_id} at sequence {sequence}")]
    Conflict {
        aggregate_type: String,
        aggregate_id: String,
        sequence: i64,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("event payload error: {0}")]
    Serde(#[from] serde_json::Error),
    /// A projector or request hook refused the append; nothing of the command was written.
    #[error("hook failed: {0}")]
    Hook(Box<dyn std::error::Error + Send + Sync>),
    #[error("the event writer has stopped")]
    WriterStopped,
    /// An fsync of SQLite's log failed: nothing is acknowledged any more (see [`crate::store::durable`]).
    #[error("the event log could not be made durable ({0}); restart Joan")]
    NotDurable(String),
}

impl StoreError {
    pub fn hook(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Hook(Box::new(err))
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}
