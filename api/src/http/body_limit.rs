//! Request bodies declared over the limit. A `Content-Length` over it is answered 413 before
//! the body is read: a client that asked `Expect: 100-continue` is never told to send it. A
//! plain client writes its whole body before it reads anything, and closing on unread data
//! resets the connection under it (a broken pipe instead of the 413); so its body is read and
//! discarded, up to [`DRAIN_BYTES`] and [`DRAIN_TIME`], and then answered.
use std::convert::Infallible;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures::future::{BoxFuture, Either};
use http_body_util::BodyExt;
use tower::{Layer, Service};

use crate::http::error::ApiError;

/// The most of an over-limit body read to answer it cleanly; beyond, the connection is closed.
pub const DRAIN_BYTES: u64 = 16 * 1024 * 1024;
/// The longest spent reading an over-limit body.
pub const DRAIN_TIME: Duration = Duration::from_secs(10);

/// Refuses requests whose `Content-Length` is over `limit` bytes (or over the limit of the one
/// route that has its own: attachment uploads).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimitLayer {
    limit: u64,
    route: Option<(&'static str, u64)>,
}

impl BodyLimitLayer {
    pub fn new(limit: usize) -> Self {
        Self {
            limit: u64::try_from(limit).unwrap_or(u64::MAX),
            route: None,
        }
    }

    /// Requests to `path` may declare up to `limit` bytes instead.
    pub fn with_route(mut self, path: &'static str, limit: u64) -> Self {
        self.route = Some((path, limit));
        self
    }
}

impl<S> Layer<S> for BodyLimitLayer {
    type Service = BodyLimit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        BodyLimit {
            inner,
            limit: self.limit,
            route: self.route,
        }
    }
}

#[derive(Debug, Clone)]
pub struct BodyLimit<S> {
    inner: S,
    limit: u64,
    route: Option<(&'static str, u64)>,
}

impl<S> Service<Request> for BodyLimit<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    /// Requests within the limit pay for no allocation here.
    type Future = Either<S::Future, BoxFuture<'static, Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let limit = match self.route {
            Some((path, limit)) if request.uri().path() == path => limit,
            _ => self.limit,
        };
        match declared_length(request.headers()) {
            Some(length) if length > limit => Either::Right(Box::pin(refuse(request, length))),
            _ => Either::Left(self.inner.call(request)),
        }
    }
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

fn expects_continue(headers: &HeaderMap) -> bool {
    headers
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
}

async fn refuse(request: Request, length: u64) -> Result<Response, Infallible> {
    let mut response = ApiError::PayloadTooLarge.into_response();
    let drained = !expects_continue(request.headers()) && length <= DRAIN_BYTES && drain(request.into_body()).await;
    if !drained {
        // The body is still on its way (or never will be): this connection cannot carry
        // another request.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

/// Reads `body` to its end within [`DRAIN_TIME`]; whether it got there.
async fn drain(mut body: Body) -> bool {
    let read_all = async {
        while let Some(frame) = body.frame().await {
            if frame.is_err() {
                return false;
            }
        }
        true
    };
    tokio::time::timeout(DRAIN_TIME, read_all).await.unwrap_or(false)
}
