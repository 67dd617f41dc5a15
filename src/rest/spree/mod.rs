//! The Spree Admin API v3 (`/api/v3/admin/…`), as `../shared/reference/spree-admin-api-v3.openapi.yaml`
//! describes it: one file per resource with its tables and handlers; the error body and
//! status table in [`errors`].

pub mod addresses;
pub mod channels;
pub mod customer_groups;
pub mod customers;
pub mod customers_bulk;
pub mod errors;
pub mod line_items;
pub mod orders;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::get;
use axum::Router;

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::RestState;
use crate::auth::Principal;
use crate::rest::translate::body;
use crate::rest::translate::operation::not_found;
use crate::rest::translate::resource::Resource;
pub use errors::SpreeError;

/// Spree's routes under `/api/v3/admin`.
pub fn router(state: RestState) -> Router {
    use axum::routing::{patch, post};
    const P: &str = "/api/v3/admin";
    Router::new()
        .route(
            &format!("{P}/customers"),
            get(customers::list_customers).post(customers::create_customer),
        )
        .route(
            &format!("{P}/customers/{{id}}"),
            get(customers::show_customer)
                .patch(customers::update_customer)
                .delete(customers::delete_customer),
        )
        .route(
            &format!("{P}/customers/bulk_add_tags"),
            post(customers_bulk::bulk_add_tags),
        )
        .route(
            &format!("{P}/customers/bulk_remove_tags"),
            post(customers_bulk::bulk_remove_tags),
        )
        .route(
            &format!("{P}/customers/bulk_add_to_groups"),
            post(customers_bulk::bulk_add_to_groups),
        )
        .route(
            &format!("{P}/customers/bulk_remove_from_groups"),
            post(customers_bulk::bulk_remove_from_groups),
        )
        .route(
            &format!("{P}/customers/{{customer_id}}/addresses"),
            get(addresses::list_addresses).post(addresses::create_address),
        )
        .route(
            &format!("{P}/customers/{{customer_id}}/addresses/{{id}}"),
            patch(addresses::update_address).delete(addresses::delete_address),
        )
        .route(
            &format!("{P}/customer_groups"),
            get(customer_groups::list_customer_groups).post(customer_groups::create_customer_group),
        )
        .route(
            &format!("{P}/customer_groups/{{id}}"),
            get(customer_groups::show_customer_group)
                .patch(customer_groups::update_customer_group)
                .delete(customer_groups::delete_customer_group),
        )
        .route(
            &format!("{P}/orders"),
            get(orders::list_orders).post(orders::create_order),
        )
        .route(
            &format!("{P}/orders/{{id}}"),
            get(orders::show_order)
                .patch(orders::update_order)
                .delete(orders::delete_order),
        )
        .route(
            &format!("{P}/orders/{{id}}/complete"),
            patch(orders::complete_order),
        )
        .route(
            &format!("{P}/orders/{{id}}/cancel"),
            patch(orders::cancel_order),
        )
        .route(
            &format!("{P}/orders/{{id}}/approve"),
            patch(orders::approve_order),
        )
        .route(
            &format!("{P}/orders/{{id}}/resume"),
            patch(orders::resume_order),
        )
        .route(
            &format!("{P}/orders/{{order_id}}/items"),
            get(line_items::list_items).post(line_items::create_item),
        )
        .route(
            &format!("{P}/orders/{{order_id}}/items/{{id}}"),
            get(line_items::show_item)
                .patch(line_items::update_item)
                .delete(line_items::delete_item),
        )
        .route(
            &format!("{P}/channels"),
            get(channels::list_channels).post(channels::create_channel),
        )
        .route(
            &format!("{P}/channels/{{id}}"),
            get(channels::show_channel)
                .patch(channels::update_channel)
                .delete(channels::delete_channel),
        )
        .route(
            &format!("{P}/channels/{{id}}/add_products"),
            post(channels::add_channel_products),
        )
        .route(
            &format!("{P}/channels/{{id}}/remove_products"),
            post(channels::remove_channel_products),
        )
        .with_state(state)
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
