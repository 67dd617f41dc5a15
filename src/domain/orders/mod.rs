//! Orders across every channel and store, with their line items, payments, fulfillments and
//! discounts. Writes: [`commands`] (drafts and their lines, coupon codes) and [`transitions`]
//! (the state machine), on top of [`draft`] (locked state, pricing, saving) and [`totals`].

pub mod commands;
pub mod draft;
pub mod models;
pub mod queries;
pub mod stats;
pub mod totals;
pub mod transitions;

pub use models::{Adjustment, Fulfillment, LineItem, Order, Payment};
