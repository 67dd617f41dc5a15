//! The translator every REST dialect uses (DESIGN §7): a REST request becomes one GraphQL
//! operation on the same schema, run with the caller's Principal, and its answer is reshaped.
//!
//! - [`params`]: the query string (`fields`, `expand`, `q[…]`, `sort`, `page`, `limit`).
//! - [`resource`] + [`plan`]: which GraphQL fields a REST resource reads, aliased to its names,
//!   and how each is written back.
//! - [`filter`], [`sort`], [`page`]: Ransack conditions, sort keys and page numbers onto the
//!   list's typed arguments; the pagination `meta`.
//! - [`cursor`]: cursor-paged lists (`cursor`, `limit` up to 1,000, plain filter parameters)
//!   read in successive connection pages; [`export`]: all of one streamed as NDJSON or CSV.
//! - [`operation`]: building (cached by shape), running and mapping errors.
//! - [`money`]: the dialects' display strings of amounts.

pub mod body;
pub mod cursor;
pub mod export;
pub mod filter;
pub mod money;
pub mod operation;
pub mod page;
pub mod params;
pub mod plan;
pub mod resource;
pub mod sort;

pub use super::error::Refusal;
