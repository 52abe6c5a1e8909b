//! Server-level hardening, through a real listener on 127.0.0.1:0: slow and idle connections
//! are closed, the connection cap holds, an over-limit body is answered 413 in a form every
//! client can read, every response carries the security headers, `/metrics` is not open on the
//! API port, and the data directory is private.
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use joan_api::http::server::{ServerOptions, serve};
use joan_api::http::{HttpOptions, metrics_router, router};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

use crate::app::TestApp;
use crate::backend::Backend;

/// A server over `app`'s router until dropped.
struct Served {
    address: SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve_app(app: &TestApp, options: ServerOptions) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = app.router.clone();
    tokio::spawn(serve(listener, router, options, async {
        let _ = stopped.await;
    }));
    Served { address, _stop: stop }
}

fn short_timeouts(max_connections: usize) -> ServerOptions {
    ServerOptions {
        header_timeout: Duration::from_millis(300),
        max_connections,
    }
}

/// Reads until the peer closes, or fails after `within`; what was read.
async fn read_to_close(stream: &mut TcpStream, within: Duration) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return String::from_utf8_lossy(&out).into_owned(),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the server kept the connection open for {within:?}"),
        }
    }
}

/// Reads one response (head and `Content-Length` body) off `stream`.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("no response within 10 s")
            .expect("read failed");
        assert!(
            n > 0,
            "closed before a whole response: {}",
            String::from_utf8_lossy(&out)
        );
        out.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&out);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if out.len() >= end + 4 + length {
                return text.into_owned();
            }
        }
    }
}

async fn healthz(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: joan\r\n\r\n")
        .await
        .unwrap();
    read_response(stream).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_slow_and_idle_connections_are_closed_after_the_header_timeout() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let served = serve_app(&app, short_timeouts(64)).await;

    // Sends nothing.
    let mut silent = TcpStream::connect(served.address).await.unwrap();
    // Sends a head that never ends.
    let mut slow = TcpStream::connect(served.address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nhost: joan\r\n")
        .await
        .unwrap();
    // Kept alive after a request, then idle.
    let mut idle = TcpStream::connect(served.address).await.unwrap();
    assert!(healthz(&mut idle).await.starts_with("HTTP/1.1 200"));

    for stream in [&mut silent, &mut slow, &mut idle] {
        read_to_close(stream, Duration::from_secs(3)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_are_closed_at_once_and_healthz_answers_again() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let served = serve_app(&app, short_timeouts(4)).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(served.address).await.unwrap();
        assert!(healthz(&mut stream).await.starts_with("HTTP/1.1 200"));
        held.push(stream);
    }
    // The fifth is closed at once rather than left hanging.
    let mut over = TcpStream::connect(served.address).await.unwrap();
    let started = Instant::now();
    let _ = over.write_all(b"GET /healthz HTTP/1.1\r\nhost: joan\r\n\r\n").await;
    assert_eq!(read_to_close(&mut over, Duration::from_secs(1)).await, "");
    assert!(started.elapsed() < Duration::from_secs(1));

    // Once the idle ones time out, the server answers new connections.
    for stream in &mut held {
        read_to_close(stream, Duration::from_secs(3)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut stream = TcpStream::connect(served.address).await.unwrap();
        let _ = stream.write_all(b"GET /healthz HTTP/1.1\r\nhost: joan\r\n\r\n").await;
        let mut first = [0u8; 12];
        if stream.read_exact(&mut first).await.is_ok() {
            assert_eq!(&first, b"HTTP/1.1 200");
            break;
        }
        assert!(Instant::now() < deadline, "/healthz did not answer again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The head of a POST of `length` bytes of JSON.
fn post_head(length: usize, extra: &str) -> String {
    format!(
        "POST /api/v1/tasks HTTP/1.1\r\nhost: joan\r\ncontent-type: application/json\r\n\
         content-length: {length}\r\n{extra}\r\n"
    )
}

fn assert_problem_413(response: &str) {
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    let lower = response.to_ascii_lowercase();
    assert!(lower.contains("content-type: application/problem+json"), "{response}");
    assert!(response.contains("\"code\":\"payload_too_large\""), "{response}");
    assert!(lower.contains("x-content-type-options: nosniff"), "{response}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_over_limit_content_length_is_answered_413_before_the_body_is_sent() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let served = serve_app(&app, ServerOptions::default()).await;
    let mut stream = TcpStream::connect(served.address).await.unwrap();
    let head = post_head(6 * 1024 * 1024, "expect: 100-continue\r\n");
    stream.write_all(head.as_bytes()).await.unwrap();
    // No body is sent: the answer must not wait for it (nor invite it with 100 Continue).
    let response = read_response(&mut stream).await;
    assert_problem_413(&response);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_client_that_sends_a_whole_over_limit_body_reads_the_413() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let served = serve_app(&app, ServerOptions::default()).await;
    let length = 6 * 1024 * 1024;
    let mut body = Vec::with_capacity(length);
    body.extend_from_slice(b"{\"title\":\"");
    body.resize(length - 2, b'a');
    body.extend_from_slice(b"\"}");
    let mut stream = TcpStream::connect(served.address).await.unwrap();
    // Like Python's http.client: the whole request first, then the response.
    stream.write_all(post_head(length, "").as_bytes()).await.unwrap();
    stream
        .write_all(&body)
        .await
        .expect("the server reset the connection mid-body");
    let response = read_response(&mut stream).await;
    assert_problem_413(&response);
    // The connection was read to its end, so it carries the next request too.
    assert!(healthz(&mut stream).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers_and_the_docs_their_own_csp() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    for path in ["/nope", "/api/v1/nope", "/healthz", "/api/openapi.json", "/api/docs/"] {
        let reply = app.get(path).send().await;
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"), "{path}");
        assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{path}");
        assert!(reply.header("content-security-policy").is_some(), "{path}");
        assert_eq!(reply.header("strict-transport-security"), None, "{path}");
    }
    let missing = app.get("/nope").send().await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing
            .header("content-security-policy")
            .unwrap()
            .starts_with("default-src 'none'")
    );
    let docs = app.get("/api/docs/").send().await;
    assert_eq!(docs.status, StatusCode::OK);
    let csp = docs.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("img-src 'self' data:"),
        "{csp}"
    );
    assert!(!csp.contains("'unsafe-eval'") && !csp.contains('*'), "{csp}");

    let tls = HttpOptions {
        hsts: true,
        ..HttpOptions::default()
    };
    let tls = TestApp {
        router: router(app.state.clone(), &tls),
        state: app.state.clone(),
        db: app.db.clone(),
    };
    let reply = tls.get("/nope").send().await;
    assert!(
        reply
            .header("strict-transport-security")
            .is_some_and(|v| v.starts_with("max-age="))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_names_joan_its_version_and_licence() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    let info = app.get("/api/openapi.json").send().await.body["info"].clone();
    assert_eq!(info["title"], "Joan API");
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["license"]["name"], "MIT");
    assert!(!info.to_string().contains("utoipa"), "{info}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_not_open_on_the_api_port() {
    let Some(app) = TestApp::new(Backend::Sqlite).await else {
        return;
    };
    assert_eq!(app.get("/metrics").send().await.status, StatusCode::NOT_FOUND);

    // Their own listener serves them.
    let request = axum::http::Request::get("/metrics")
        .body(axum::body::Body::empty())
        .unwrap();
    let own = metrics_router(app.state.clone()).oneshot(request).await.unwrap();
    assert_eq!(own.status(), StatusCode::OK);

    // On the API port, only with the token.
    let options = HttpOptions {
        metrics_token: Some(joan_api::config::Secret::new("metrics-token-for-tests")),
        ..HttpOptions::default()
    };
    let guarded = TestApp {
        router: router(app.state.clone(), &options),
        state: app.state.clone(),
        db: app.db.clone(),
    };
    let anonymous = guarded.get("/metrics").send().await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.header("content-type"), Some("application/problem+json"));
    assert_eq!(
        guarded.get("/metrics").token("wrong").send().await.status,
        StatusCode::UNAUTHORIZED
    );
    let allowed = guarded.get("/metrics").token("metrics-token-for-tests").send().await;
    assert_eq!(allowed.status, StatusCode::OK);
    assert!(allowed.text.contains("joan_event_log_head"));
}
