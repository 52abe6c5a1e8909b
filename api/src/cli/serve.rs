//! `joan serve`: the API, the projectors, graceful shutdown on Ctrl-C or SIGTERM.
use joan_commands::StoreOptions;

use crate::config::{ServeArgs, StorageArgs, stored_secret};
use crate::core::Core;
use crate::error::AppError;
use crate::http::state::AppState;
use crate::http::{HttpOptions, router, serve};

pub async fn run(storage: &StorageArgs, args: ServeArgs) -> Result<(), AppError> {
    std::fs::create_dir_all(&storage.data_dir)?;
    let secret = match args.jwt_secret.clone() {
        Some(secret) => secret,
        None => stored_secret(&storage.data_dir, "jwt_secret")?,
    };
    let core = Core::open(&storage.location(), StoreOptions::default()).await?;
    let state = AppState::new(core, &secret);
    let options = HttpOptions {
        cors_origins: args.cors_origins.clone(),
        max_body_bytes: args.max_body_bytes,
        ..HttpOptions::default()
    };
    let listener = tokio::net::TcpListener::bind(&args.bind).await?;
    tracing::info!(address = %listener.local_addr()?, "joan is listening");
    serve(listener, router(state.clone(), &options), shutdown_signal()).await?;
    state.core.shut_down().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
