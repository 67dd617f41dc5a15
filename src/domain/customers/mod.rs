//! Customers: people who buy from the merchant, with tags, groups, addresses and store credit.

pub mod addresses;
pub mod commands;
pub mod groups;
pub mod models;
pub mod queries;
pub mod stats;

pub use models::{Address, Customer, CustomerGroup, CustomerStats};
