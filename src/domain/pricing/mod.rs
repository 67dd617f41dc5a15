//! Price lists (with their rules) and prices: the base price of a variant per currency, or its
//! price in a list.
//!
//! Rows in [`models`], reads in [`queries`] and [`quote`] (the price a buyer pays), writes in
//! [`commands`] ([`commands::price_lists`], [`commands::rules`], [`commands::prices`]); [`iso`]
//! holds the currency and country codes.

pub mod commands;
pub mod iso;
pub mod models;
pub mod queries;
pub mod quote;

pub use models::{Price, PriceList, PriceRule};
