use joan_commands::StoreError;
use thiserror::Error;

/// Errors of the read side.
#[derive(Debug, Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("cannot decode event {position}: {source}")]
    Decode { position: i64, source: serde_json::Error },
    #[error("no projection named {0:?}")]
    UnknownProjection(String),
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<ProjectionError> for StoreError {
    fn from(e: ProjectionError) -> Self {
        match e {
            ProjectionError::Store(e) => e,
            ProjectionError::Database(e) => StoreError::Database(e),
            other => StoreError::hook(other),
        }
    }
}
