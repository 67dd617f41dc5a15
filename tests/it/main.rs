//! The integration tests: one binary (linking the crate once, not once per file), one module
//! per area. Each test clones a migrated template database and serves the real application on
//! an ephemeral port (see `common`). Run one area with `cargo test --test it <module>::`.

// Tests state what they expect with unwrap/expect, helpers included (clippy.toml's
// allow-*-in-tests covers only `#[test]` functions and `#[cfg(test)]` code).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod promo_fixtures;

mod addresses_mutations;
mod auth;
mod catalog_mutations;
mod channels_mutations;
mod coupon_codes;
mod cursors;
mod customers_mutations;
mod domain_reads;
mod graphql_reads;
mod list_reads;
mod orders_mutations;
mod price_quote;
mod pricing_mutations;
mod promotion_evaluate;
mod promotions_mutations;
mod query_count;
mod request_metrics;
mod schema_docs;
mod scope_matrix;
mod service;
mod stats;
mod stores_upsert;
mod tenant_isolation;
