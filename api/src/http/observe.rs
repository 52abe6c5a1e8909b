//! Counts and times every request by matched route, as a plain tower layer: an axum
//! `from_fn` middleware would clone and box the service stack under it on every request.
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::response::Response;
use tower::{Layer, Service};

use crate::http::state::AppState;

/// Records each response in the state's [`Metrics`](crate::http::metrics::Metrics).
#[derive(Clone)]
pub struct ObserveLayer {
    state: AppState,
}

impl ObserveLayer {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            state: self.state.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Observe<S> {
    inner: S,
    state: AppState,
}

impl<S> Service<Request> for Observe<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Observed<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let method = request.method().clone();
        let route = request.extensions().get::<MatchedPath>().cloned();
        Observed {
            inner: self.inner.call(request),
            record: Some(Record {
                state: self.state.clone(),
                started: Instant::now(),
                method,
                route,
            }),
        }
    }
}

/// What is known of the request before it is answered.
struct Record {
    state: AppState,
    started: Instant,
    method: Method,
    route: Option<MatchedPath>,
}

pin_project_lite::pin_project! {
    /// The inner response future; records the response when it is ready.
    pub struct Observed<F> {
        #[pin]
        inner: F,
        record: Option<Record>,
    }
}

impl<F> Future for Observed<F>
where
    F: Future<Output = Result<Response, Infallible>>,
{
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        if let (Some(record), Ok(response)) = (this.record.take(), &result) {
            let route = record.route.as_ref().map_or("unmatched", MatchedPath::as_str);
            record.state.metrics.record(
                record.method.as_str(),
                route,
                response.status().as_u16(),
                record.started.elapsed(),
            );
        }
        Poll::Ready(result)
    }
}
