//! Catalog writes: products (create, update, delete, tags, with nested variants and their
//! prices) and variants.

pub mod prices;
pub mod products;
pub mod variants;
