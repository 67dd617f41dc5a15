//! Pricing writes: price lists and their lifecycle, price rules, and prices in bulk.

pub mod price_lists;
pub mod prices;
pub mod rules;
