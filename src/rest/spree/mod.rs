//! The Spree Admin API v3 (`/api/v3/admin/…`), as `../shared/reference/spree-admin-api-v3.openapi.yaml`
//! describes it: one file per resource with its tables and handlers; the error body and
//! status table in [`errors`].

pub mod addresses;
pub mod customers;
pub mod errors;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::routing::get;
use axum::Router;

use super::RestState;
use crate::auth::Principal;
pub use errors::SpreeError;

/// Spree's routes under `/api/v3/admin`.
pub fn router(state: RestState) -> Router {
    Router::new()
        .route(
            "/api/v3/admin/customers",
            get(customers::list_customers).post(customers::create_customer),
        )
        .route(
            "/api/v3/admin/customers/{id}",
            get(customers::show_customer)
                .patch(customers::update_customer)
                .delete(customers::delete_customer),
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
