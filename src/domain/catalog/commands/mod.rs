//! Catalog writes: products (create, update, delete, with nested variants) and variants.

pub mod products;
pub mod variants;
