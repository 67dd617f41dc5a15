//! Orders across every channel and store, with their line items, payments, fulfillments and
//! discounts. Row structs are in [`models`], reads in [`queries`] and [`stats`], writes in
//! [`commands`] (drafts and their lines, coupon codes, the state machine in
//! [`commands::transitions`], on top of [`commands::draft`]: locked state, pricing, saving), and
//! the arithmetic of an order's totals in [`totals`].

pub mod commands;
pub mod models;
pub mod queries;
pub mod stats;
pub mod top_customers;
pub mod totals;

pub use models::{Adjustment, Fulfillment, LineItem, Order, OrderAddress, Payment};
