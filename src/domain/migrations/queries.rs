//! Reads of batches (their list filters and sorts) and of their rows.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::{MigrationBatch, MigrationRow};
use crate::db::sql::{Bind, Sql};
use crate::domain::filter::{Listable, SortValue};
use crate::error::Result;

crate::filter_fields! {
    /// What a batch list can be filtered on.
    pub enum BatchField {
        Id => "id",
        Kind => "kind",
        Status => "status",
        Source => "source",
        CreatedAt => "created_at",
    }
}

crate::sort_keys! {
    /// What a batch list can be sorted by.
    pub enum BatchSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        UpdatedAt => ("updatedAt", "updated_at", Time),
    }
}

impl Listable for MigrationBatch {
    type Field = BatchField;
    type SortKey = BatchSortKey;

    fn sort_value(&self, key: BatchSortKey) -> SortValue {
        match key {
            BatchSortKey::CreatedAt => SortValue::Time(self.created_at),
            BatchSortKey::UpdatedAt => SortValue::Time(self.updated_at),
        }
    }
}

/// Which rows of a batch to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowSelection {
    All,
    /// Rows that failed.
    Failed,
    /// Rows a revert left in conflict.
    Conflicts,
    Created,
    Updated,
    Unchanged,
    /// Rows not processed yet.
    Pending,
}

impl RowSelection {
    fn condition(self) -> &'static str {
        match self {
            RowSelection::All => "",
            RowSelection::Failed => " AND r.action = 'failed'",
            RowSelection::Conflicts => " AND r.revert = 'conflict'",
            RowSelection::Created => " AND r.action = 'created'",
            RowSelection::Updated => " AND r.action = 'updated'",
            RowSelection::Unchanged => " AND r.action = 'unchanged'",
            RowSelection::Pending => " AND r.action IS NULL",
        }
    }
}

/// For each of `batches`, its first `limit` rows of `selection` from index `from` on, in
/// index order, in one statement.
pub async fn rows_of(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    batches: &[i64],
    selection: RowSelection,
    from: i32,
    limit: i64,
) -> Result<Vec<MigrationRow>> {
    let sql = Sql::from_parts(
        &[
            "SELECT t.batch_id, t.row_index, t.external_id, t.action, t.target_id, t.errors, \
             t.revert, t.revert_reason \
             FROM unnest($2::bigint[]) AS b(id) \
             CROSS JOIN LATERAL ( \
                 SELECT r.batch_id, r.row_index, r.external_id, r.action, r.target_id, r.errors, \
                        r.revert, r.revert_reason \
                 FROM migration_rows r \
                 WHERE r.merchant_id = $1 AND r.batch_id = b.id AND r.row_index >= $3",
            selection.condition(),
            " ORDER BY r.row_index LIMIT $4) t \
             ORDER BY t.batch_id, t.row_index",
        ],
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(batches.to_vec()),
            Bind::I32(from),
            Bind::I64(limit),
        ],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}
