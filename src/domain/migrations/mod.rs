//! Legacy migrations: batches of customers or orders imported from another platform, keyed by
//! the legacy system's external id, with an exact revert (DESIGN §4 MigrationBatch, issue 13).
//!
//! The life of a batch:
//! 1. [`import`] validates the rows (field errors with the row's index, duplicates within the
//!    batch) and stages them in `migration_rows` with one multi-row statement per 10,000 rows;
//! 2. a batch of at most [`INLINE_ROWS`] rows is then processed in the request's transaction;
//!    a larger one is queued and a worker ([`jobs`]) claims it with `FOR UPDATE SKIP LOCKED`
//!    and processes it in chunks, one transaction per chunk, updating its progress;
//! 3. processing a chunk ([`customers`], [`orders`]) matches rows to the merchant's records by
//!    external id: a new one is created, a different one updated (its before-image kept), an
//!    identical one left alone; the version each record was left at is recorded;
//! 4. [`revert`] deletes what the batch created and restores what it updated from the
//!    before-images, leaving (and reporting as conflicts) records changed since.
//!
//! Every statement is scoped by the batch's merchant: rows of other merchants are never
//! matched, updated or reverted.

pub mod customers;
pub mod import;
pub mod input;
pub mod jobs;
pub mod models;
pub mod order_input;
pub mod orders;
pub mod process;
pub mod queries;
pub mod revert;

pub use import::{import, ImportOutcome, Rows};
pub use models::{BatchKind, BatchStatus, MigrationBatch, MigrationRow};

/// Largest batch processed in the request that sent it; larger ones are queued.
pub const INLINE_ROWS: usize = 1000;

/// Most rows one batch takes.
pub const MAX_ROWS: usize = 100_000;

/// Most line items one imported order carries.
pub const MAX_LINES: usize = 500;
