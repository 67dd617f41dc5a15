//! Root mutation fields, one `MergedObject` part per aggregate. Every payload carries
//! `userErrors`: input problems are data, not GraphQL errors (DESIGN §6).

pub mod stores;

use async_graphql::SimpleObject;

use crate::domain::validate::FieldError;

/// A problem with the input of a mutation.
#[derive(SimpleObject, Debug, Clone)]
pub struct UserError {
    /// Path of the offending input field, e.g. `["stores", "0", "location", "postal_code"]`.
    pub field: Vec<String>,
    /// Stable machine-readable code (REQUIRED, INVALID, OUT_OF_RANGE…).
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl From<FieldError> for UserError {
    fn from(e: FieldError) -> Self {
        Self {
            field: e.field,
            code: e.code,
            message: e.message,
        }
    }
}
