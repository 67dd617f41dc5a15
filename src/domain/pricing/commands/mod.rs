//! Pricing writes: price lists and their lifecycle, price rules (one at a time, or the whole
//! set reconciled by id), the products a list is set up for, and prices in bulk.

pub mod list_products;
pub mod price_lists;
pub mod prices;
pub mod rules;
pub mod rules_reconcile;
