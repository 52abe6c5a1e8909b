//! Errors of the outer layer (command line and start-up).
use joan_commands::StoreError;
use joan_projections::ProjectionError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Projection(#[from] ProjectionError),
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    /// The ceremony catalog could not be recorded at startup.
    #[error("defining the ceremony catalog failed: {0}")]
    Catalog(#[from] joan_commands::CommandError<joan_domain::ceremony::component::DefinitionError>),
}
