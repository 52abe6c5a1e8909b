//! The built web app (`frontend/dist`) at `/`: files as they are, any other path that is not
//! the API's answered with `index.html` (the app's own router reads it). Vite names the files
//! under `assets/` by their content hash, so they are cached for a year; everything else
//! (`index.html` above all) is revalidated on every load so a new build is picked up at once.
//!
//! It is mounted as the router's fallback: an API request never passes through it.
use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::http::error::ApiError;

/// The app's scripts, styles, images and API calls come from its own origin only.
pub const APP_CSP: &str = "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; \
     frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The directory the app was built into, served as described above.
#[derive(Debug, Clone)]
pub struct Frontend {
    assets: ServeDir,
    pages: ServeDir<ServeFile>,
}

impl Frontend {
    /// `None` when `dir` holds no `index.html` (not built).
    pub fn open(dir: &Path) -> Option<Self> {
        let index = dir.join("index.html");
        if !index.is_file() {
            return None;
        }
        Some(Self {
            assets: ServeDir::new(dir),
            pages: ServeDir::new(dir).fallback(ServeFile::new(index)),
        })
    }

    /// Answers a request that no route matched.
    pub async fn serve(self, request: Request) -> Response {
        let path = request.uri().path();
        if is_server_path(path) {
            return ApiError::RouteNotFound.into_response();
        }
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return ApiError::MethodNotAllowed.into_response();
        }
        let hashed = path.starts_with("/assets/");
        let response = if hashed {
            self.assets.oneshot(request).await
        } else {
            self.pages.oneshot(request).await
        };
        let mut response = match response {
            Ok(response) => response.map(axum::body::Body::new),
            Err(never) => match never {},
        };
        let cache = if hashed && response.status() == StatusCode::OK {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(APP_CSP));
        response
    }
}

/// Paths that belong to the server, never to the app: an unknown one is the API's 404.
fn is_server_path(path: &str) -> bool {
    ["/api", "/metrics"].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The directory to serve: the one configured, else `frontend/dist` when it has been built.
pub fn locate(configured: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(dir) = &configured
        && !dir.join("index.html").is_file()
    {
        tracing::warn!(dir = %dir.display(), "the frontend directory has no index.html: not serving the app");
    }
    configured.or_else(|| {
        let default = PathBuf::from("frontend/dist");
        default.join("index.html").is_file().then_some(default)
    })
}
