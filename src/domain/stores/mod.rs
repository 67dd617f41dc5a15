//! Stores (physical or virtual locations), in the Fire spark integrations shape: external id,
//! brand, contact, location, per-channel fulfillment configuration, payments, scheduled overrides.
//! Rows in [`models`], the typed configuration read from them in [`config`], reads in [`queries`],
//! writes in [`commands`] (the upsert and scheduled overrides).

pub mod commands;
pub mod config;
pub mod models;
pub mod queries;

pub use models::{Brand, Store};
