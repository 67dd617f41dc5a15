//! Sales channels of a merchant (APP, WEB, KIOSK, POS…).
//!
//! Rows in [`models`], reads in [`queries`], writes in [`commands`].

pub mod commands;
pub mod models;
pub mod publish_many;
pub mod queries;
pub mod window;

pub use models::{Channel, Publication};
