//! `joan serve`: the API, the metrics listener, the projectors, graceful shutdown on Ctrl-C or
//! SIGTERM.
use std::time::Duration;

use futures::FutureExt;
use joan_commands::StoreOptions;
use tokio::net::TcpListener;

use crate::ai::workflows::AiOptions;
use crate::auth::policy::AuthPolicy;
use crate::config::{ServeArgs, StorageArgs, stored_secret};
use crate::core::Core;
use crate::crypto::Keyring;
use crate::error::AppError;
use crate::http::server::{ServerOptions, connection_cap, raise_descriptor_limit, serve};
use crate::http::state::AppState;
use crate::http::{HttpOptions, metrics_router, router};
use crate::uploads::Uploads;

pub async fn run(storage: &StorageArgs, args: ServeArgs) -> Result<(), AppError> {
    let secret = match args.jwt_secret.clone() {
        Some(secret) => secret,
        None => stored_secret(&storage.data_dir, "jwt_secret")?,
    };
    let encryption_key = match args.encryption_key.clone() {
        Some(key) => key,
        None => stored_secret(&storage.data_dir, "encryption_key")?,
    };
    let keyring = Keyring::new(&encryption_key, &args.encryption_old_keys)
        .map_err(|e| AppError::Config(format!("JOAN_ENCRYPTION_KEY or JOAN_ENCRYPTION_OLD_KEYS: {e}")))?;
    let descriptors = raise_descriptor_limit();
    let server = ServerOptions {
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        max_connections: connection_cap(args.max_connections),
    };
    let providers = crate::ai::wiring::providers(args.ai.settings(), &keyring)?;
    let ai = AiOptions {
        llm: providers.clone(),
        workers: args.ai_workers,
        nats: Some(args.nats.clone()),
        ..AiOptions::default()
    };
    let core = Core::open_with_ai(&storage.location(), StoreOptions::default(), ai).await?;
    let uploads = Uploads::open(&args.uploads, &storage.data_dir)?;
    let state = AppState::with_ai(core, &secret, keyring, AuthPolicy::default(), uploads, providers);
    let options = HttpOptions {
        cors_origins: args.cors_origins.clone(),
        max_body_bytes: args.max_body_bytes,
        hsts: args.hsts,
        metrics_token: args.metrics_token.clone(),
        frontend_dir: crate::http::frontend::locate(args.frontend_dir.clone()),
        ..HttpOptions::default()
    };
    let listener = TcpListener::bind(&args.bind).await?;
    let metrics_listener = match args.metrics_address() {
        Some(address) => Some(TcpListener::bind(address).await?),
        None => None,
    };
    tracing::info!(
        address = %listener.local_addr()?,
        metrics = %metrics_listener.as_ref().and_then(|l| l.local_addr().ok()).map_or("off".into(), |a| a.to_string()),
        max_connections = server.max_connections,
        frontend = %options.frontend_dir.as_ref().map_or("off".into(), |d| d.display().to_string()),
        open_file_limit = descriptors.unwrap_or(0),
        "joan is listening"
    );
    let shutdown = shutdown_signal().boxed().shared();
    // Live-feed connections never end on their own: close them when shutting down, so that
    // the graceful shutdown does not wait for them.
    let live = state.core.live.clone();
    tokio::spawn(shutdown.clone().map(move |()| live.close()));
    let api = serve(
        listener,
        router(state.clone(), &options),
        server.clone(),
        shutdown.clone(),
    );
    match metrics_listener {
        Some(metrics) => {
            let metrics = serve(metrics, metrics_router(state.clone()), server, shutdown);
            tokio::try_join!(api, metrics)?;
        }
        None => api.await?,
    }
    state.core.shut_down().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

pub(super) async fn shutdown_signal() {
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
