//! REST compatibility (DESIGN §7): legacy dialects translated onto the GraphQL schema. A REST
//! handler has no SQL and no business rule of its own: it builds one GraphQL operation
//! ([`translate`]), runs it with the caller's Principal through `graphql::execute`, and
//! reshapes the answer in its dialect. This module imports `graphql`, `auth` and `app`, never
//! `domain` or `db`.
//!
//! - [`translate`]: what every dialect shares (query parameters, selections, filters, sorts,
//!   paging, bodies, running an operation).
//! - [`error`]: a failure before a dialect writes it ([`Refusal`]).
//! - [`spree`]: the Spree Admin API v3 (`/api/v3/admin/…`).
//! - [`firespark`]: Fire spark's Integrations API (`/api/integrations/v1/…`) and Admin API
//!   (`/api/admin/v1/…`).
//! - [`sparkpay`]: the Spark Pay Online Store API (`/api/v1/…`).

pub mod error;
pub mod firespark;
pub mod openapi;
pub mod routes;
pub mod sparkpay;
pub mod spree;
pub mod translate;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::Router;

pub use error::{Kind, Refusal};
use translate::operation::Translator;

use crate::app::AppState;
use crate::auth::Principal;
use crate::error::Error;

/// What REST handlers share: the application and the translator's cache of built operations.
#[derive(Clone)]
pub struct RestState {
    pub app: AppState,
    pub translator: Arc<Translator>,
}

/// Every REST route, for `http::router` to merge.
pub fn router(app: AppState) -> Router {
    // Built once: the document only changes with the code.
    let document = openapi::document(
        "commerce-gateway REST compatibility",
        DIALECTS,
        &app.schema.sdl(),
    );
    let state = RestState {
        app,
        translator: Arc::new(Translator::default()),
    };
    let body = axum::body::Bytes::from(serde_json::to_vec(&document).unwrap_or_default());
    Router::new()
        .route(
            "/openapi.json",
            axum::routing::get(move || {
                let body = body.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        body,
                    )
                }
            }),
        )
        .merge(spree::router(state.clone()))
        .merge(firespark::router(state.clone()))
        .merge(sparkpay::router(state))
}

/// Every dialect, as `GET /openapi.json` documents them.
pub const DIALECTS: &[&openapi::Dialect] = &[
    &spree::errors::OPENAPI,
    &firespark::OPENAPI,
    &sparkpay::OPENAPI,
];

/// The GraphQL request (`{"query", "variables"}`) that a GET of a page-numbered list route
/// becomes (`/api/v3/admin/orders?limit=50&expand=items`, `/api/v1/orders.json?count=50`),
/// built by the same translator the route uses. `commerce-gateway rest-operation` prints it, so a benchmark compares a REST
/// route with exactly the operation it runs, and a developer sees what a request turns into.
pub fn list_request(path_and_query: &str) -> Result<serde_json::Value, String> {
    use translate::params::{Accepts, Params};
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    let explain = |r: Refusal| match r.param {
        Some(p) => format!("{p}: {}", r.message),
        None => r.message,
    };
    if let Some(list) = sparkpay::list_at(path) {
        let params = sparkpay::query::list(query, list.root).map_err(explain)?;
        let op = Translator::default()
            .list_operation(list.root, &params)
            .map_err(explain)?;
        return Ok(serde_json::json!({"query": op.built.text, "variables": op.variables}));
    }
    let root = spree::ROUTES
        .iter()
        .flat_map(|g| g.iter())
        .filter(|r| r.method == axum::http::Method::GET && r.path == path)
        .find_map(|r| match r.query {
            routes::Query::List(root) => Some(root),
            _ => None,
        })
        .ok_or_else(|| format!("{path} is not a list route without path parameters"))?;
    let params = Params::parse(query, Accepts::List).map_err(explain)?;
    let op = Translator::default()
        .list_operation(root, &params)
        .map_err(explain)?;
    Ok(serde_json::json!({"query": op.built.text, "variables": op.variables}))
}

/// The caller of a REST request, authenticated as `/graphql` does (the same credentials, the
/// same throttling of failed attempts per key and address).
pub async fn authenticate(state: &RestState, parts: &Parts) -> Result<Principal, Refusal> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    match crate::auth::principal::authenticate_from(&state.app, &parts.headers, peer).await {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err(Refusal::new(
            Kind::AuthenticationRequired,
            "authentication required: send an API key (x-spree-api-key or \
             Authorization: Bearer sk_…) or an access token (Authorization: Bearer <JWT>)",
        )),
        Err(e) => Err(from_error(e)),
    }
}

/// A transport error of the gateway (authentication, throttling, the database) as a refusal.
pub fn from_error(e: Error) -> Refusal {
    match e {
        Error::Unauthenticated(m) => Refusal::new(Kind::AuthenticationFailed, m),
        Error::Throttled { retry_after } => {
            let mut r = Refusal::new(Kind::Throttled, e.to_string());
            r.retry_after = Some(retry_after);
            r
        }
        other => {
            let kind = Refusal::kind_of(other.code());
            Refusal::new(kind, other.to_string()).with_code(other.code())
        }
    }
}
