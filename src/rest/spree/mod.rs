//! The Spree Admin API v3 (`/api/v3/admin/…`), as `../shared/reference/spree-admin-api-v3.openapi.yaml`
//! describes it: one file per resource with its tables and handlers; the error body and
//! status table in [`errors`].

pub mod addresses;
pub mod channels;
pub mod coupon_codes;
pub mod customer_groups;
pub mod customers;
pub mod customers_bulk;
pub mod errors;
pub mod line_items;
pub mod orders;
pub mod payments;
pub mod price_lists;
pub mod price_rules;
pub mod prices;
pub mod prices_bulk;
pub mod products;
pub mod products_bulk;
pub mod promotion_actions;
pub mod promotion_rules;
pub mod promotion_types;
pub mod promotions;
pub mod store;
pub mod tags;
pub mod variants;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::Router;

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::routes::Route;
use super::RestState;
use crate::auth::Principal;
use crate::rest::translate::body;
use crate::rest::translate::operation::not_found;
use crate::rest::translate::resource::Resource;
pub use errors::SpreeError;

/// Spree's routes, by resource.
pub const ROUTES: &[&[Route]] = &[
    customers::ROUTES,
    customers_bulk::ROUTES,
    addresses::ROUTES,
    customer_groups::ROUTES,
    orders::ROUTES,
    line_items::ROUTES,
    channels::ROUTES,
    price_lists::ROUTES,
    prices::ROUTES,
    prices_bulk::ROUTES,
    promotions::ROUTES,
    promotion_rules::ROUTES,
    promotion_actions::ROUTES,
    coupon_codes::ROUTES,
    promotion_types::ROUTES,
    products::ROUTES,
    products_bulk::ROUTES,
    variants::ROUTES,
    tags::ROUTES,
    store::ROUTES,
];

/// Spree's routes under `/api/v3/admin`. An unknown path or method under the prefix answers
/// in Spree's error body too: the admin SDK parses every error body, and an empty one made it
/// fail with a JSON syntax error instead of telling its caller what was wrong.
pub fn router(state: RestState) -> Router {
    crate::rest::routes::router(ROUTES, state)
        .route("/api/v3/admin", axum::routing::any(unknown_route))
        .route("/api/v3/admin/{*path}", axum::routing::any(unknown_route))
        .method_not_allowed_fallback(method_not_allowed)
}

/// 404 for a path under `/api/v3/admin` that no route serves.
async fn unknown_route(method: axum::http::Method, uri: axum::http::Uri) -> SpreeError {
    crate::rest::Refusal::not_found(format!("no route {method} {}", uri.path()))
        .with_code("ROUTE_NOT_FOUND")
        .into()
}

/// 405 for a served path asked with a method it does not take.
async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> SpreeError {
    crate::rest::Refusal::new(
        crate::rest::Kind::MethodNotAllowed,
        format!("{} does not take {method}", uri.path()),
    )
    .into()
}

/// The authenticated caller of a Spree route (`x-spree-api-key`, or `Authorization: Bearer`
/// with a secret key or a JWT); a failure is written in Spree's error body.
pub struct Caller(pub Principal);

impl FromRequestParts<RestState> for Caller {
    type Rejection = SpreeError;

    async fn from_request_parts(parts: &mut Parts, state: &RestState) -> Result<Self, SpreeError> {
        Ok(Caller(super::authenticate(state, parts).await?))
    }
}

/// 204 when the payload names a deleted ID; else 404 for NOT_FOUND userErrors, 422 for others.
pub fn deleted(
    data: &Value,
    deleted_id: &str,
    user_errors: &str,
    resource: &'static Resource,
) -> Result<StatusCode, SpreeError> {
    let id = data.pointer(deleted_id);
    let has_id = match id {
        Some(Value::String(_)) => true,
        Some(Value::Array(l)) => !l.is_empty(),
        _ => false,
    };
    if has_id {
        return Ok(StatusCode::NO_CONTENT);
    }
    let errors = data.pointer(user_errors).cloned().unwrap_or(Value::Null);
    let only_not_found = errors
        .as_array()
        .is_some_and(|l| l.iter().all(|e| e.get("code") == Some(&json!("NOT_FOUND"))));
    if only_not_found {
        return Err(not_found(resource).into());
    }
    Err(body::user_errors(&errors, &[])
        .unwrap_or_else(|| not_found(resource))
        .into())
}

/// A page of `root` for a list route's query string, in Spree's envelope
/// (`{"data": […], "meta": {…}}`).
pub async fn page(
    state: &RestState,
    principal: Principal,
    query: Option<&str>,
    root: &'static crate::rest::translate::operation::ListRoot,
) -> Result<axum::response::Response, SpreeError> {
    use crate::rest::translate::params::{Accepts, Params};
    let params = Params::parse(query, Accepts::List)?;
    let page = state
        .translator
        .list(&state.app, principal, root, &params)
        .await?;
    Ok(crate::rest::translate::page::page_response(&page))
}

/// One `resource` read by the root field `root_field(id:)` for a show route's query string.
pub async fn one(
    state: &RestState,
    principal: Principal,
    query: Option<&str>,
    root_field: &'static str,
    resource: &'static Resource,
    id: &str,
) -> Result<axum::Json<Value>, SpreeError> {
    use crate::rest::translate::params::{Accepts, Params};
    let params = Params::parse(query, Accepts::One)?;
    let row = state
        .translator
        .show(&state.app, principal, root_field, resource, id, &params)
        .await?;
    Ok(axum::Json(row))
}
