//! The accept loop: every connection gets a header-read deadline, at most `max_connections` are
//! open at once (the rest are closed as soon as accepted, so the process never runs out of
//! descriptors and keeps answering), and shutdown lets in-flight requests finish.
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower::{Service, ServiceExt};

/// Connection settings of [`serve`].
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Time a client has to send a request's whole head, counted from the moment the server
    /// waits for it: on a new connection, and between requests of a kept-alive one (so it is
    /// also the idle keep-alive timeout).
    pub header_timeout: Duration,
    /// Open connections at most; see [`connection_cap`].
    pub max_connections: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            max_connections: connection_cap(None),
        }
    }
}

/// Descriptors kept for everything that is not a client connection (database files and pool,
/// the metrics listener, logs).
const RESERVED_DESCRIPTORS: u64 = 128;

/// Raises the soft limit on open descriptors to the hard limit, where allowed; returns the
/// soft limit now in force (`None`: unlimited or unknown).
pub fn raise_descriptor_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        let raised = rustix::process::Rlimit {
            current: limit.maximum,
            maximum: limit.maximum,
        };
        match setrlimit(Resource::Nofile, raised) {
            Ok(()) => limit = getrlimit(Resource::Nofile),
            Err(e) => tracing::warn!(error = %e, "could not raise the open-file limit"),
        }
    }
    limit.current
}

/// The connection cap: `configured`, kept below the soft descriptor limit less a reserve.
pub fn connection_cap(configured: Option<usize>) -> usize {
    let soft = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
    let ceiling = soft.map_or(usize::MAX, |n| {
        let usable = n.saturating_sub(RESERVED_DESCRIPTORS).max(n / 2).max(1);
        usize::try_from(usable).unwrap_or(usize::MAX)
    });
    configured.unwrap_or(ceiling).min(ceiling)
}

/// What [`serve`] can serve: the application, or a plain router.
pub trait App:
    Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + 'static
{
}

impl<S> App for S where
    S: Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + 'static
{
}

/// Serves `router` on `listener` until `shutdown` completes, then finishes in-flight requests
/// (connections stop reading new ones) and returns when the last connection is done.
pub async fn serve(
    listener: TcpListener,
    router: impl App,
    options: ServerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(options.max_connections));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_timeout)
        .keep_alive(true);
    // Sent to tell the connections to finish; `closed` resolves when they all have.
    let (stop, stopping) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // Over the cap: close at once rather than let it wait or hold a descriptor.
            tracing::debug!(%peer, "connection refused: too many open connections");
            drop(stream);
            continue;
        };
        let connection = serve_connection(&http, stream, peer, router.clone(), stopping.clone());
        tokio::spawn(async move {
            connection.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop.send(());
    drop(stopping);
    stop.closed().await;
    Ok(())
}

fn serve_connection(
    http: &hyper::server::conn::http1::Builder,
    stream: TcpStream,
    peer: SocketAddr,
    router: impl App,
    mut stopping: watch::Receiver<()>,
) -> impl Future<Output = ()> + Send + 'static {
    let _ = stream.set_nodelay(true);
    let service = router.map_request(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        request.map(Body::new)
    });
    let service = TowerToHyperService::new(service.map_err(|e: Infallible| match e {}));
    let connection = http.serve_connection(TokioIo::new(stream), service);
    async move {
        let mut connection = std::pin::pin!(connection);
        tokio::select! {
            result = connection.as_mut() => return log_end(result),
            _ = stopping.changed() => connection.as_mut().graceful_shutdown(),
        }
        log_end(connection.await);
    }
}

fn log_end(result: Result<(), hyper::Error>) {
    if let Err(e) = result {
        tracing::debug!(error = %e, "connection ended");
    }
}
