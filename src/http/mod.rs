//! The HTTP surface: routes and the tower layers every request goes through (request id,
//! tracing, timeout, body limit, CORS, compression, panic recovery, request metrics).

pub mod caching;
pub mod dashboard;
pub mod edge;
pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod metrics;

use axum::extract::DefaultBodyLimit;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use axum::http::{HeaderName, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::app::AppState;
use crate::auth::token::create_token;

pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let timeout = state.config.request_timeout;
    let body_limit = state.config.body_limit_bytes;
    let cors = edge::cors(&state.config.cors_origins);
    let request_metrics = state.metrics.clone();
    Router::new()
        .route("/graphql", post(graphql::post_graphql).get(graphql::get_graphql))
        .route("/graphiql/{version}/{file}", get(graphiql::get_graphiql_asset))
        .route("/dashboard", get(dashboard::get_dashboard))
        .route("/dashboard/{file}", get(dashboard::get_dashboard_file))
        .route("/oauth/token", post(create_token))
        .route("/healthz", get(health::get_healthz))
        .route("/readyz", get(health::get_readyz))
        .route("/metrics", get(health::get_metrics))
        .with_state(state.clone())
        // The REST dialects, translated onto the same schema (DESIGN §7).
        .merge(crate::rest::router(state))
        // Innermost: a panic in a handler becomes a logged JSON 500 the layers above see.
        .layer(CatchPanicLayer::custom(edge::panic_response))
        // ETag / Last-Modified / 304 on reads, over the uncompressed body.
        .layer(axum::middleware::from_fn(caching::conditional_get))
        .layer(CompressionLayer::new())
        .layer(cors)
        // The configured limit is the real one: axum's extractors default to 2 MB otherwise.
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        // The body-limit and timeout layers answer in plain text: give the client the JSON
        // error shape (PAYLOAD_TOO_LARGE, TIMEOUT).
        .layer(axum::middleware::map_response(edge::plain_errors_as_json))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        // Outermost, so every answer is counted and timed whole, with the status the client
        // got. `Router::layer` wraps each route apart: the matched route is known here.
        .layer(axum::middleware::from_fn_with_state(request_metrics, metrics::track))
}

/// The source address of a request, when the server was started with
/// `into_make_service_with_connect_info::<SocketAddr>()` (as `serve` does); `None` otherwise,
/// rather than refusing the request. It is the TCP peer: behind a reverse proxy, the proxy.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}
