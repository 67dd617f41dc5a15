//! The Fire spark dialect, as `firespark-integrations-upsert-stores.txt` and
//! `firespark-admin-api-overview.txt` describe it:
//!
//! - the Integrations API (`/api/integrations/v1/…`): [`stores`] (`PUT /stores`);
//! - the Admin API (`/api/admin/v1/…`): [`customers`] (`GET /customers/bulk`),
//!   [`customers_bulk`] (`POST|PATCH|DELETE /customers/bulk`), [`orders`] (`GET /orders`) and
//!   [`migrations`] (`POST /migrations/customers|orders`, `GET /migrations/{id}`,
//!   `POST /migrations/{id}/revert`).
//!
//! Credentials are an access token from `POST /oauth/token` (client credentials) or an API key,
//! as `Authorization: Bearer …`; scopes are the canonical ones (`stores:write`,
//! `customers:read`…). Answers are `{"data": …}` envelopes; lists are cursor-paged
//! (`cursor`, `limit` ≤ 1,000, `next_cursor`). Every failure is the flat error body of
//! [`errors`].

pub mod customers;
pub mod customers_bulk;
pub mod errors;
pub mod migrations;
pub mod orders;
pub mod stores;

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::json;

use super::routes::Route;
use super::translate::cursor::{CursorParams, CursorRoot};
use super::translate::export::{export, Format};

/// The query parameter choosing a page (`json`, the default) or an export (`ndjson`, `csv`).
const FORMAT: &str = "format";
use super::{Kind, Refusal, RestState};
use crate::auth::Principal;
pub use errors::FiresparkError;

/// Fire spark's routes, by resource.
pub const ROUTES: &[&[Route]] = &[
    stores::ROUTES,
    customers_bulk::ROUTES,
    orders::ROUTES,
    migrations::ROUTES,
];

/// The path prefixes the dialect owns: an unknown path or method under them answers in its
/// error body.
const PREFIXES: &[&str] = &["/api/integrations/v1", "/api/admin/v1"];

/// Fire spark's routes, with its 404 and 405 under its prefixes.
pub fn router(state: RestState) -> Router {
    let mut router = super::routes::router(ROUTES, state);
    for prefix in PREFIXES {
        router = router
            .route(prefix, axum::routing::any(unknown_route))
            .route(
                &format!("{prefix}/{{*path}}"),
                axum::routing::any(unknown_route),
            );
    }
    router.method_not_allowed_fallback(method_not_allowed)
}

/// 404 for a path under the dialect's prefixes that no route serves.
async fn unknown_route(method: axum::http::Method, uri: axum::http::Uri) -> FiresparkError {
    Refusal::not_found(format!("no route {method} {}", uri.path())).into()
}

/// 405 for a served path asked with a method it does not take.
async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> FiresparkError {
    Refusal::new(
        Kind::MethodNotAllowed,
        format!("{} does not take {method}", uri.path()),
    )
    .into()
}

/// The authenticated caller of a Fire spark route; a failure is written in its error body.
pub struct Caller(pub Principal);

impl FromRequestParts<RestState> for Caller {
    type Rejection = FiresparkError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &RestState,
    ) -> Result<Self, FiresparkError> {
        match super::authenticate(state, parts).await {
            Ok(p) => Ok(Caller(p)),
            Err(r) if r.kind == Kind::AuthenticationRequired => Err(Refusal::new(
                Kind::AuthenticationRequired,
                "Missing access token: send `Authorization: Bearer <access token>` (from POST \
                 /oauth/token) or an API key",
            )
            .into()),
            Err(r) => Err(r.into()),
        }
    }
}

/// Fire spark's part of `GET /openapi.json`.
pub static OPENAPI: super::openapi::Dialect = super::openapi::Dialect {
    routes: ROUTES,
    prefix: "Firespark",
    error_schema: ("FiresparkError", errors::schema),
    errors: errors::openapi_errors,
    security: || json!([{"bearer_auth": []}]),
    parameters,
    path_parameter: super::openapi::prefixed_id,
};

/// The headers a route takes besides credentials.
fn parameters(r: &Route) -> Vec<serde_json::Value> {
    use super::openapi::param;
    let mut out = Vec::new();
    if r.path == stores::PATH {
        out.push(param(
            stores::BRAND_HEADER,
            "header",
            "Scope the upsert to stores for this brand. External brand identifier — alphanumeric \
             characters, _, and - only. 1–64 characters. When omitted, all stores for the \
             merchant are eligible.",
            json!({"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}),
        ));
    }
    if r.method == axum::http::Method::GET {
        out.push(param(
            FORMAT,
            "query",
            "`json` (default): a page. `ndjson` or `csv`: an export of every matching record from \
             `cursor` (or the start), streamed in a chunked body one page at a time; `limit` does \
             not apply. CSV has a header row of the field names; nested values are JSON text.",
            json!({"type": "string", "enum": ["json", "ndjson", "csv"], "default": "json"}),
        ));
    }
    if (r.path == customers_bulk::PATH || r.path.starts_with("/api/admin/v1/migrations"))
        && r.method != axum::http::Method::GET
    {
        out.push(param(
            "Idempotency-Key",
            "header",
            "Retries with the same key get the first answer and write nothing twice (24 h).",
            json!({"type": "string"}),
        ));
    }
    out
}

/// A page of `root` for a list route's query string, `{"data": [...], "next_cursor": ...}`,
/// its rows written straight from the executor's answers into the body; with
/// `format=ndjson|csv`, every matching row streamed (an export).
pub async fn list(
    state: &RestState,
    principal: Principal,
    query: Option<&str>,
    root: &'static CursorRoot,
) -> Result<Response, FiresparkError> {
    let params = CursorParams::parse(query, root, &[FORMAT])?;
    let format = match params.extra(FORMAT) {
        Some(f) => Format::parse(FORMAT, f)?,
        None => None,
    };
    if let Some(format) = format {
        return Ok(export(
            state.translator.clone(),
            state.app.clone(),
            principal,
            root,
            params,
            format,
            root.field,
        )
        .await?);
    }
    let page = state
        .translator
        .cursor_page(&state.app, principal, root, &params)
        .await?;
    match serde_json::to_vec(&page) {
        Ok(body) => Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response()),
        Err(e) => Err(Refusal::internal(e).into()),
    }
}

/// Refuses any query parameter, for routes that take their input in the body.
pub fn no_query(query: Option<&str>) -> Result<(), Refusal> {
    match query
        .and_then(|q| url::form_urlencoded::parse(q.as_bytes()).next())
        .map(|(k, _)| k.into_owned())
    {
        Some(k) => Err(Refusal::param(&k, "is not a parameter of this route")),
        None => Ok(()),
    }
}
