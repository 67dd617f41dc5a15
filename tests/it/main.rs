//! The integration tests: one binary (linking the crate once, not once per file), one module
//! per area. Each test clones a migrated template database and serves the real application on
//! an ephemeral port (see `common`). Run one area with `cargo test --test it <module>::`.

// Tests state what they expect with unwrap/expect, helpers included (clippy.toml's
// allow-*-in-tests covers only `#[test]` functions and `#[cfg(test)]` code).
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// `insta::assert_json_snapshot!` with every snapshot in `tests/it/snapshots/`, whatever folder
/// the test module is in, named `<module path>__<test>.snap`. Redactions go after the value as
/// in insta (`{ ".id" => "[id]" }`). A new or changed snapshot fails the test; CI runs with
/// `INSTA_UPDATE=no` so it never writes `.snap.new` files either (review with `cargo insta`).
#[macro_export]
macro_rules! assert_body_snapshot {
    ($($args:tt)*) => {
        insta::with_settings!(
            { snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/snapshots") },
            { insta::assert_json_snapshot!($($args)*) }
        )
    };
}

mod common;
mod promo_fixtures;

mod addresses_mutations;
mod auth;
mod catalog_mutations;
mod channels_mutations;
mod coupon_codes;
mod cursors;
mod customers_mutations;
mod demo;
mod domain_reads;
mod firespark;
mod graphql_reads;
mod http_caching;
mod limits;
mod list_reads;
mod migrations;
mod orders_mutations;
mod pages;
mod price_quote;
mod pricing_mutations;
mod promotion_evaluate;
mod promotions_mutations;
mod query_count;
mod quickstarts;
mod readme;
mod request_metrics;
mod schema_docs;
mod scope_matrix;
mod service;
mod shop;
mod sparkpay;
mod spree;
mod stats;
mod stores_upsert;
mod tenant_isolation;
