//! Customers: people who buy from the merchant, with tags, groups, addresses and store credit.
//!
//! Rows in [`models`], reads in [`queries`] and [`stats`], writes in [`commands`] (customers and
//! their addresses) and [`groups`] (customer groups).

pub mod commands;
pub mod groups;
pub mod models;
pub mod queries;
pub mod stats;

pub use models::{Address, Customer, CustomerGroup, CustomerStats};
