//! Rows of `migration_batches` and `migration_rows`, and the kinds and statuses they hold.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types;

use crate::db::schema::migration_batches;

/// What a batch imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchKind {
    Customers,
    Orders,
}

impl BatchKind {
    pub fn as_db(self) -> &'static str {
        match self {
            BatchKind::Customers => "customers",
            BatchKind::Orders => "orders",
        }
    }

    pub fn from_db(s: &str) -> Self {
        match s {
            "orders" => BatchKind::Orders,
            _ => BatchKind::Customers,
        }
    }
}

/// Where a batch is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchStatus {
    /// Staged, waiting for a worker.
    Queued,
    /// A worker (or the request, for a small batch) is processing it.
    Running,
    /// Every row was processed (some may have failed under `REJECT_FAILED_ROWS`).
    Completed,
    /// The batch stopped: rows failed under `REJECT_EVERYTHING` (what it wrote was reverted),
    /// or processing hit an error.
    Failed,
    /// A revert is queued or running.
    Reverting,
    /// Reverted.
    Reverted,
}

impl BatchStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            BatchStatus::Queued => "queued",
            BatchStatus::Running => "running",
            BatchStatus::Completed => "completed",
            BatchStatus::Failed => "failed",
            BatchStatus::Reverting => "reverting",
            BatchStatus::Reverted => "reverted",
        }
    }

    pub fn from_db(s: &str) -> Self {
        match s {
            "running" => BatchStatus::Running,
            "completed" => BatchStatus::Completed,
            "failed" => BatchStatus::Failed,
            "reverting" => BatchStatus::Reverting,
            "reverted" => BatchStatus::Reverted,
            _ => BatchStatus::Queued,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = migration_batches, check_for_backend(diesel::pg::Pg))]
pub struct MigrationBatch {
    pub merchant_id: i64,
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub error_policy: String,
    pub source: Option<String>,
    pub total_rows: i32,
    pub processed_rows: i32,
    pub created_rows: i32,
    pub updated_rows: i32,
    pub unchanged_rows: i32,
    pub error_count: i32,
    pub reverted_rows: i32,
    pub conflict_rows: i32,
    pub error: Option<String>,
    pub claimed_by: Option<String>,
    pub heartbeat_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub reverted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}
crate::impl_row!(MigrationBatch, "migration_batches");

impl MigrationBatch {
    pub fn kind(&self) -> BatchKind {
        BatchKind::from_db(&self.kind)
    }

    pub fn status(&self) -> BatchStatus {
        BatchStatus::from_db(&self.status)
    }
}

/// One row of a batch, without its input.
#[derive(Debug, Clone, QueryableByName)]
pub struct MigrationRow {
    #[diesel(sql_type = sql_types::BigInt)]
    pub batch_id: i64,
    #[diesel(sql_type = sql_types::Integer)]
    pub row_index: i32,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub external_id: Option<String>,
    /// `created`, `updated`, `unchanged`, `failed`; `None` while not processed.
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub action: Option<String>,
    /// The customer or order (by the batch's kind).
    #[diesel(sql_type = sql_types::Nullable<sql_types::BigInt>)]
    pub target_id: Option<i64>,
    /// The row's errors, as [`crate::domain::validate::FieldError`]s.
    #[diesel(sql_type = sql_types::Jsonb)]
    pub errors: serde_json::Value,
    /// `reverted` or `conflict` once the batch was reverted.
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub revert: Option<String>,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Text>)]
    pub revert_reason: Option<String>,
}

impl MigrationRow {
    /// The row's errors (paths start with the row's index).
    pub fn field_errors(&self) -> Vec<crate::domain::validate::FieldError> {
        serde_json::from_value(self.errors.clone()).unwrap_or_default()
    }
}
