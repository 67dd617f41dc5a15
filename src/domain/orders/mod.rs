//! Orders across every channel and store, with their line items, payments, fulfillments and
//! discounts.

pub mod models;
pub mod queries;
pub mod stats;

pub use models::{Adjustment, Fulfillment, LineItem, Order, Payment};
