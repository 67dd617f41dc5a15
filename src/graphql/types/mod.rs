//! GraphQL object types: thin wrappers over domain models that encode IDs, normalise money and
//! resolve associations through the request's loaders.

pub mod addresses;
pub mod brands;
pub mod catalog;
pub mod channels;
pub mod customer_groups;
pub mod customers;
pub mod migrations;
pub mod node;
pub mod order;
pub mod pricing;
pub mod promotion;
pub mod promotion_evaluation;
pub mod publications;
pub mod shop;
pub mod store_config;
pub mod stores;

use rust_decimal::Decimal;

use crate::graphql::connection::MAX_PAGE;
use crate::graphql::errors::{bad_input, GqlResult};

/// Money on the wire: a canonical decimal string with at least two decimals ("29.99", "30.00",
/// "1.2345"), whatever scale the column stores.
pub fn money(d: Decimal) -> Decimal {
    let mut n = d.normalize();
    if n.scale() < 2 {
        n.rescale(2);
    }
    n
}

/// Validates the `first` of a nested list.
pub fn page_size(first: Option<i32>, default: i32) -> GqlResult<i64> {
    let n = first.unwrap_or(default);
    if !(1..=MAX_PAGE).contains(&n) {
        return Err(bad_input(
            "first",
            format!("`first` must be between 1 and {MAX_PAGE}, got {n}"),
        ));
    }
    Ok(n as i64)
}
