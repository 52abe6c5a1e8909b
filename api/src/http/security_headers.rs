//! Headers every response carries, whatever answered it (a route, the 404 fallback, a
//! rejection by a layer): no MIME sniffing, no referrer, no framing, a Content-Security-Policy
//! that allows nothing (the docs page sets its own, see [`DOCS_CSP`]), and HSTS when Joan is
//! configured as served over TLS.
use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use futures::FutureExt;
use futures::future::Map;
use tower::{Layer, Service};

/// For API responses (JSON): nothing may load, nothing may frame it.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// What the Swagger UI page needs: its own scripts, styles (and the inline styles it sets on
/// elements), images including `data:` icons, and fetching the OpenAPI document.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// One year, subdomains included.
const HSTS: &str = "max-age=31536000; includeSubDomains";

type Finish = fn(Result<Response, Infallible>) -> Result<Response, Infallible>;

/// Adds the security headers; `hsts` adds `Strict-Transport-Security` too.
#[derive(Debug, Clone, Copy)]
pub struct SecurityHeadersLayer {
    finish: Finish,
}

impl SecurityHeadersLayer {
    pub fn new(hsts: bool) -> Self {
        Self {
            finish: if hsts { with_hsts } else { without_hsts },
        }
    }
}

impl<S> Layer<S> for SecurityHeadersLayer {
    type Service = SecurityHeaders<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SecurityHeaders {
            inner,
            finish: self.finish,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SecurityHeaders<S> {
    inner: S,
    finish: Finish,
}

impl<S> Service<Request> for SecurityHeaders<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Map<S::Future, Finish>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        self.inner.call(request).map(self.finish)
    }
}

fn without_hsts(response: Result<Response, Infallible>) -> Result<Response, Infallible> {
    response.map(|mut r| {
        insert_common(r.headers_mut());
        r
    })
}

fn with_hsts(response: Result<Response, Infallible>) -> Result<Response, Infallible> {
    response.map(|mut r| {
        let headers = r.headers_mut();
        insert_common(headers);
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
        r
    })
}

fn insert_common(headers: &mut HeaderMap) {
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(API_CSP));
    }
}
