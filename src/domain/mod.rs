//! The commerce domain: models, queries and commands per aggregate. Nothing here knows HTTP or
//! GraphQL; every function takes the merchant it acts for.

pub mod catalog;
pub mod channels;
pub mod customers;
pub mod filter;
pub mod filter_macros;
pub mod idempotency;
pub mod links;
pub mod merchants;
pub mod migrations;
pub mod orders;
pub mod pricing;
pub mod promotions;
pub mod seed;
pub mod stores;
pub mod tags;
pub mod validate;
pub mod write;
