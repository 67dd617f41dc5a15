//! GraphQL object types: thin wrappers over domain models that encode IDs, normalise money and
//! resolve associations through the request's loaders.

pub mod catalog;
pub mod customer;
pub mod node;
pub mod order;
pub mod pricing;
pub mod promotion;
pub mod promotion_evaluation;
pub mod store;
pub mod store_config;

use rust_decimal::Decimal;

/// Money on the wire: a canonical decimal string with at least two decimals ("29.99", "30.00",
/// "1.2345"), whatever scale the column stores.
pub fn money(d: Decimal) -> Decimal {
    let mut n = d.normalize();
    if n.scale() < 2 {
        n.rescale(2);
    }
    n
}
