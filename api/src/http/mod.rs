//! The HTTP face: one router and its layers; the server that runs it is in [`server`].
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use tower::ServiceBuilder;
use tower::util::{Either, MapRequest};
use tower_http::cors::{AllowOrigin, Cors, CorsLayer};
use tower_http::request_id::{PropagateRequestId, PropagateRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{Timeout, TimeoutLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

pub mod body_limit;
pub mod docs;
pub mod error;
pub mod extract;
pub mod fields;
pub mod frontend;
pub mod idempotency;
pub mod metrics;
pub mod observe;
pub mod operation_ids;
pub mod ops;
pub mod request_id;
pub mod resource;
pub mod responses;
pub mod revert;
pub mod schema;
pub mod security_headers;
pub mod server;
pub mod state;

use crate::config::Secret;
use crate::http::body_limit::{BodyLimit, BodyLimitLayer};
use crate::http::error::ApiError;
use crate::http::observe::ObserveLayer;
use crate::http::security_headers::{SecurityHeaders, SecurityHeadersLayer};
use crate::http::state::AppState;
use crate::routes;

const REQUEST_ID: HeaderName = request_id::HEADER;

/// HTTP settings that shape the router.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub cors_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
    /// Served over TLS (by a proxy): send `Strict-Transport-Security`.
    pub hsts: bool,
    /// Serve `/metrics` on the API port too, to holders of this bearer token.
    pub metrics_token: Option<Secret>,
    /// The built web app to serve at `/` (see [`frontend`]); none: `/` is a 404.
    pub frontend_dir: Option<PathBuf>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            hsts: false,
            metrics_token: None,
            frontend_dir: None,
        }
    }
}

/// Every `/api/v1` route with its OpenAPI description.
pub fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(docs::ApiDoc::openapi())
        .merge(routes::auth::router())
        .merge(routes::audit::router())
        .merge(routes::analytics::router())
        .merge(routes::events::router())
        .merge(routes::users::router())
        .merge(routes::tasks::router())
        .merge(routes::kanban::router())
        .merge(routes::goals::router())
        .merge(routes::projects::router())
        .merge(routes::clients::router())
        .merge(routes::settings::router())
        .merge(routes::onboarding::router())
        .merge(routes::folders::router())
        .merge(routes::notes::router())
        .merge(routes::pomodoro::router())
        .merge(routes::schedule::router())
        .merge(routes::activities::router())
        .merge(routes::attachments::router())
        .merge(routes::ai::router())
        .merge(routes::workflows::router())
        .merge(routes::ceremonies::router())
        .merge(routes::prompts::router())
}

/// The whole application, as one service: hyper clones it for every request (cheap: no box,
/// the router is a reference count).
pub type App = MapRequest<PropagateRequestId<SecurityHeaders<Either<Cors<Guarded>, Guarded>>>, fn(Request) -> Request>;
type Guarded = Timeout<BodyLimit<Router>>;

/// The whole application. The layers that need the matched route (metrics, the request's
/// log span) sit on the router, which applies them to each route; axum clones a route's
/// stack (boxed) for every request, so every other layer wraps the router once instead.
pub fn router(state: AppState, options: &HttpOptions) -> App {
    let (api, openapi) = api_parts();
    let api = api
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(axum::extract::DefaultBodyLimit::max(options.max_body_bytes))
        // API responses are never cached.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let metrics = options.metrics_token.clone().map(ops::guarded_metrics_router);
    let upload_limit = routes::attachments::upload_limit(&state);
    let routes = Router::new()
        .merge(api)
        .merge(ops::router())
        .merge(metrics.unwrap_or_default())
        .merge(docs::router(openapi));
    let routes = match options.frontend_dir.as_deref().and_then(frontend::Frontend::open) {
        Some(app) => routes.fallback(move |request: Request| app.clone().serve(request)),
        None => routes.fallback(|| async { ApiError::RouteNotFound }),
    };
    let routes = routes
        .layer(ObserveLayer::new(state.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let route = req
                .extensions()
                .get::<MatchedPath>()
                .map_or(req.uri().path(), MatchedPath::as_str);
            let id = req
                .headers()
                .get(&REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("request", method = %req.method(), route = %route, request_id = %id)
        }))
        .with_state(state);
    ServiceBuilder::new()
        .map_request(request_id::assign as fn(Request) -> Request)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SecurityHeadersLayer::new(options.hsts))
        .option_layer(cors(&options.cors_origins))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            options.request_timeout,
        ))
        .layer(BodyLimitLayer::new(options.max_body_bytes).with_route(routes::attachments::UPLOAD_PATH, upload_limit))
        .service(routes)
}

/// The `/api/v1` routes and the OpenAPI document that describes them.
fn api_parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    // The outer document is Joan's too: `OpenApiRouter::new()` would describe utoipa-axum.
    let (api, mut openapi) = OpenApiRouter::with_openapi(docs::ApiDoc::openapi())
        .nest("/api/v1", api_routes())
        .split_for_parts();
    responses::document(&mut openapi);
    operation_ids::make_unique(&mut openapi);
    (api, openapi)
}

/// The OpenAPI document served at `/api/openapi.json` (and printed by `joan openapi`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_parts().1
}

/// CORS for the configured origins only; with none (the default) no CORS layer at all, so no
/// cross-origin browser call is allowed and no request pays for the layer.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    let allowed: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    if allowed.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list(allowed))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            REQUEST_ID,
            HeaderName::from_static("x-total-count"),
        ])
        .max_age(Duration::from_secs(600));
    Some(layer)
}

/// `/metrics` alone, for its own listener; it carries the same security headers.
pub fn metrics_router(state: AppState) -> Router {
    ops::metrics_router()
        .fallback(|| async { ApiError::RouteNotFound })
        .layer(SecurityHeadersLayer::new(false))
        .with_state(state)
}
