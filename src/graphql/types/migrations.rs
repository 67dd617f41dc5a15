//! Legacy migration batches and their rows.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Enum, Object, ID};
use chrono::{DateTime, Utc};

use super::customers::Customer;
use super::order::Order;
use crate::db::Db;
use crate::domain::migrations::queries::{self, RowSelection};
use crate::domain::migrations::{self as dm, BatchKind, BatchStatus};
use crate::domain::{customers, orders};
use crate::graphql::errors::{bad_input, gql, GqlResult};
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders::{self, Scoped};
use crate::graphql::mutations::{Arguments, ErrorPolicy, UserError};
use crate::ids::{self, Kind};

/// What a batch imports.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum MigrationKind {
    /// Customers, keyed by their legacy id.
    Customers,
    /// Historical orders, keyed by their legacy id.
    Orders,
}

impl From<BatchKind> for MigrationKind {
    fn from(k: BatchKind) -> Self {
        match k {
            BatchKind::Customers => MigrationKind::Customers,
            BatchKind::Orders => MigrationKind::Orders,
        }
    }
}

impl MigrationKind {
    pub fn as_db(self) -> &'static str {
        match self {
            MigrationKind::Customers => BatchKind::Customers.as_db(),
            MigrationKind::Orders => BatchKind::Orders.as_db(),
        }
    }
}

/// Where a batch is in its life.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum MigrationStatus {
    /// Waiting for a worker (batches of more than 1,000 rows).
    Queued,
    /// Being processed; `processedRows` of `totalRows` done.
    Running,
    /// Every row processed (failed rows, under REJECT_FAILED_ROWS, are reported on the rows).
    Completed,
    /// Stopped: rows failed under REJECT_EVERYTHING (what the batch wrote was reverted) or
    /// processing failed; `error` says which.
    Failed,
    /// Its revert is queued or running (batches of more than 1,000 rows).
    Reverting,
    /// Reverted.
    Reverted,
}

impl From<BatchStatus> for MigrationStatus {
    fn from(s: BatchStatus) -> Self {
        match s {
            BatchStatus::Queued => MigrationStatus::Queued,
            BatchStatus::Running => MigrationStatus::Running,
            BatchStatus::Completed => MigrationStatus::Completed,
            BatchStatus::Failed => MigrationStatus::Failed,
            BatchStatus::Reverting => MigrationStatus::Reverting,
            BatchStatus::Reverted => MigrationStatus::Reverted,
        }
    }
}

impl MigrationStatus {
    pub fn as_db(self) -> &'static str {
        match self {
            MigrationStatus::Queued => BatchStatus::Queued,
            MigrationStatus::Running => BatchStatus::Running,
            MigrationStatus::Completed => BatchStatus::Completed,
            MigrationStatus::Failed => BatchStatus::Failed,
            MigrationStatus::Reverting => BatchStatus::Reverting,
            MigrationStatus::Reverted => BatchStatus::Reverted,
        }
        .as_db()
    }
}

/// What a batch did with one row.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum MigrationRowAction {
    /// A new record was created.
    Created,
    /// The record with this legacy id was updated (its previous state is kept for a revert).
    Updated,
    /// The record with this legacy id already held these values: nothing was written.
    Unchanged,
    /// The row was refused; see its `userErrors`.
    Failed,
}

/// What a revert did with one row.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum MigrationRowRevert {
    /// The record was deleted (created by the batch) or restored (updated by it).
    Reverted,
    /// The record was changed after the batch (or others depend on it): it was left as it is.
    Conflict,
}

/// Which rows of a batch to read.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum MigrationRowSelection {
    /// Every row.
    #[default]
    All,
    /// Rows that failed.
    Failed,
    /// Rows a revert left in conflict.
    Conflicts,
    /// Rows that created a record.
    Created,
    /// Rows that updated a record.
    Updated,
    /// Rows that changed nothing.
    Unchanged,
    /// Rows not processed yet.
    Pending,
}

impl From<MigrationRowSelection> for RowSelection {
    fn from(s: MigrationRowSelection) -> Self {
        match s {
            MigrationRowSelection::All => RowSelection::All,
            MigrationRowSelection::Failed => RowSelection::Failed,
            MigrationRowSelection::Conflicts => RowSelection::Conflicts,
            MigrationRowSelection::Created => RowSelection::Created,
            MigrationRowSelection::Updated => RowSelection::Updated,
            MigrationRowSelection::Unchanged => RowSelection::Unchanged,
            MigrationRowSelection::Pending => RowSelection::Pending,
        }
    }
}

/// Most rows one `rows` field returns.
pub const MAX_ROWS_PAGE: i32 = 1000;

/// Rows of batches, keyed by (batch, selection, first index, count): one statement per
/// distinct (selection, first index, count) whatever the number of batches.
pub struct RowsOfBatch {
    db: Db,
    merchant_id: i64,
}

impl Scoped for RowsOfBatch {
    fn scoped(db: &Db, merchant_id: i64) -> Self {
        RowsOfBatch {
            db: db.clone(),
            merchant_id,
        }
    }
}

type RowsKey = (i64, RowSelection, i32, i64);

impl Loader<RowsKey> for RowsOfBatch {
    type Value = Vec<dm::MigrationRow>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[RowsKey]) -> Result<HashMap<RowsKey, Self::Value>, Self::Error> {
        let mut groups: HashMap<(RowSelection, i32, i64), Vec<i64>> = HashMap::new();
        for (batch, sel, from, limit) in keys {
            groups
                .entry((*sel, *from, *limit))
                .or_default()
                .push(*batch);
        }
        let mut conn = self.db.conn().await.map_err(gql)?;
        let mut out: HashMap<RowsKey, Self::Value> = HashMap::new();
        for ((sel, from, limit), batches) in groups {
            let rows = queries::rows_of(&mut conn, self.merchant_id, &batches, sel, from, limit)
                .await
                .map_err(gql)?;
            for r in rows {
                out.entry((r.batch_id, sel, from, limit))
                    .or_default()
                    .push(r);
            }
        }
        Ok(out)
    }
}

/// How `userErrors` of rows name their fields: `["rows", "3", "email"]`.
pub const ROW_ARGS: Arguments =
    Arguments::new("rows", &["source", "error_policy", "idempotency_key"]);

/// A legacy import.
pub struct MigrationBatch(pub dm::MigrationBatch);

/// One legacy import (`mig_…`) of customers or orders, with its progress and, once reverted,
/// what the revert did.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl MigrationBatch {
    /// Public ID (`mig_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::MigrationBatch, self.0.id))
    }
    /// What the batch imports.
    async fn kind(&self) -> MigrationKind {
        self.0.kind().into()
    }
    /// Where the batch is in its life.
    async fn status(&self) -> MigrationStatus {
        self.0.status().into()
    }
    /// What the batch does with failed rows.
    async fn error_policy(&self) -> ErrorPolicy {
        match self.0.error_policy.as_str() {
            "reject_failed_rows" => ErrorPolicy::RejectFailedRows,
            _ => ErrorPolicy::RejectEverything,
        }
    }
    /// The label given when the batch was sent (the legacy system, a file name); null when none.
    async fn source(&self) -> Option<&str> {
        self.0.source.as_deref()
    }
    /// Rows in the batch.
    async fn total_rows(&self) -> i32 {
        self.0.total_rows
    }
    /// Rows processed so far (created, updated, unchanged or failed); equals `totalRows` once
    /// the batch completed.
    async fn processed_rows(&self) -> i32 {
        self.0.processed_rows
    }
    /// Rows that created a record.
    async fn created_rows(&self) -> i32 {
        self.0.created_rows
    }
    /// Rows that updated a record.
    async fn updated_rows(&self) -> i32 {
        self.0.updated_rows
    }
    /// Rows whose record already held the same values (nothing written).
    async fn unchanged_rows(&self) -> i32 {
        self.0.unchanged_rows
    }
    /// Rows that failed (see `rows(only: FAILED)`).
    async fn error_count(&self) -> i32 {
        self.0.error_count
    }
    /// Rows a revert deleted or restored.
    async fn reverted_rows(&self) -> i32 {
        self.0.reverted_rows
    }
    /// Rows a revert left because their record changed after the batch (see
    /// `rows(only: CONFLICTS)`).
    async fn conflict_count(&self) -> i32 {
        self.0.conflict_rows
    }
    /// Why the batch failed as a whole; null unless `status` is FAILED.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// How many times a worker took the batch up (more than 1 after a worker stopped midway).
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// When the batch was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When processing started; null while queued.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }
    /// When processing (or a queued revert) ended; null before.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
    /// When the batch was reverted; null unless it was.
    async fn reverted_at(&self) -> Option<DateTime<Utc>> {
        self.0.reverted_at
    }
    /// When the batch last changed (its progress included).
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Rows of the batch in index order, from `fromIndex` on: what each came to, its errors,
    /// and what a revert did with it.
    #[graphql(complexity = "first.unwrap_or(100).clamp(1, 1000) as usize * child_complexity")]
    async fn rows(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which rows (default ALL).", default)] only: MigrationRowSelection,
        #[graphql(desc = "The first row index to read from (default 0).", default = 0)]
        from_index: i32,
        #[graphql(desc = "How many, 1 to 1,000.", default = 100)] first: Option<i32>,
    ) -> GqlResult<Vec<MigrationRow>> {
        let first = first.unwrap_or(100);
        if !(1..=MAX_ROWS_PAGE).contains(&first) {
            return Err(bad_input("first", "must be between 1 and 1,000"));
        }
        if from_index < 0 {
            return Err(bad_input("fromIndex", "must not be negative"));
        }
        let key = (self.0.id, only.into(), from_index, i64::from(first));
        let kind = self.0.kind();
        Ok(loaders::via::<RowsOfBatch, RowsKey>(ctx, key)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|row| MigrationRow { row, kind })
            .collect())
    }
}

/// One row of a batch.
pub struct MigrationRow {
    pub row: dm::MigrationRow,
    pub kind: BatchKind,
}

/// One row of a migration batch, by its index in the batch.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl MigrationRow {
    /// Position of the row in the batch (0-based).
    async fn index(&self) -> i32 {
        self.row.row_index
    }
    /// The legacy system's identifier the row carried.
    async fn external_id(&self) -> Option<&str> {
        self.row.external_id.as_deref()
    }
    /// What the batch did with the row; null while not processed yet.
    async fn action(&self) -> Option<MigrationRowAction> {
        Some(match self.row.action.as_deref()? {
            "created" => MigrationRowAction::Created,
            "updated" => MigrationRowAction::Updated,
            "unchanged" => MigrationRowAction::Unchanged,
            _ => MigrationRowAction::Failed,
        })
    }
    /// ID of the record the row created, updated or matched (`cus_…` or `or_…`); null when it
    /// failed.
    async fn record_id(&self) -> Option<ID> {
        let kind = match self.kind {
            BatchKind::Customers => Kind::Customer,
            BatchKind::Orders => Kind::Order,
        };
        self.row.target_id.map(|id| ID(ids::encode(kind, id)))
    }
    /// The customer of a customers batch's row (null for orders, failed rows, or once deleted
    /// by a revert). Needs `customers:read`.
    async fn customer(&self, ctx: &Context<'_>) -> GqlResult<Option<Customer>> {
        if self.kind != BatchKind::Customers {
            return Ok(None);
        }
        Ok(
            loaders::load_opt::<customers::Customer>(ctx, self.row.target_id)
                .await?
                .map(Customer),
        )
    }
    /// The order of an orders batch's row (null for customers, failed rows, or once deleted by
    /// a revert). Needs `orders:read`.
    async fn order(&self, ctx: &Context<'_>) -> GqlResult<Option<Order>> {
        if self.kind != BatchKind::Orders {
            return Ok(None);
        }
        Ok(loaders::load_opt::<orders::Order>(ctx, self.row.target_id)
            .await?
            .map(Order))
    }
    /// Why the row failed, each naming its field as the import mutation's argument
    /// (`["rows", "3", "email"]`); empty unless `action` is FAILED.
    async fn user_errors(&self) -> Vec<UserError> {
        ROW_ARGS.user_errors(&self.row.field_errors())
    }
    /// What the batch's revert did with the row; null before a revert (and for rows that
    /// changed nothing).
    async fn revert(&self) -> Option<MigrationRowRevert> {
        Some(match self.row.revert.as_deref()? {
            "conflict" => MigrationRowRevert::Conflict,
            _ => MigrationRowRevert::Reverted,
        })
    }
    /// Why a revert left the row's record as it is; null unless `revert` is CONFLICT.
    async fn revert_reason(&self) -> Option<&str> {
        self.row.revert_reason.as_deref()
    }
}
