//! The small catalog prices, line items and promotions need: products and their variants.
//!
//! Rows in [`models`], reads in [`queries`], writes in [`commands`] ([`commands::products`],
//! [`commands::variants`]); [`slug`] generates and checks product slugs.

pub mod commands;
pub mod models;
pub mod queries;
pub mod slug;

pub use models::{variants_with_products, Product, Variant};
