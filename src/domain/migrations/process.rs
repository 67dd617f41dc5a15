//! Processing a batch: its pending rows a chunk at a time (each kind in its own module), what
//! each row came to, the batch's progress, and its end.

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;

use super::models::{BatchKind, BatchStatus};
use super::{customers, orders, revert};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, FieldError, Path};
use crate::error::Result;

/// The batch a step works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchRef {
    pub merchant_id: i64,
    pub id: i64,
    pub kind: BatchKind,
}

/// A row still to process.
#[derive(QueryableByName)]
pub struct Pending {
    #[diesel(sql_type = sql_types::Integer)]
    pub row_index: i32,
    #[diesel(sql_type = sql_types::Nullable<sql_types::Jsonb>)]
    pub input: Option<serde_json::Value>,
}

/// What a row came to.
#[derive(Debug, Clone, Serialize)]
pub struct RowResult {
    pub row_index: i32,
    /// `created`, `updated`, `unchanged` or `failed`.
    pub action: &'static str,
    pub target_id: Option<i64>,
    pub errors: Vec<FieldError>,
    /// The record before the batch changed it (JSON text, exactly as PostgreSQL wrote it).
    pub before_image: Option<String>,
    pub after_version: Option<String>,
}

impl RowResult {
    pub fn failed(row_index: i32, errors: Vec<FieldError>) -> Self {
        RowResult {
            row_index,
            action: "failed",
            target_id: None,
            errors,
            before_image: None,
            after_version: None,
        }
    }

    /// A failure of field `field` of row `row_index`.
    pub fn error(row_index: i32, field: &'static str, code: code::Code, message: &str) -> Self {
        Self::failed(
            row_index,
            vec![FieldError::new(
                &Path::input().index(row_index as usize).key(field),
                code,
                message,
            )],
        )
    }

    pub fn unchanged(row_index: i32, target_id: i64) -> Self {
        RowResult {
            row_index,
            action: "unchanged",
            target_id: Some(target_id),
            errors: Vec::new(),
            before_image: None,
            after_version: None,
        }
    }
}

/// What one chunk did.
#[derive(Debug, Clone, Default)]
pub struct Chunk {
    pub processed: i32,
    pub created: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub failed: i32,
    /// The errors of the rows that failed.
    pub errors: Vec<FieldError>,
}

/// Processes up to `limit` pending rows of the batch (in row order) in the current transaction,
/// records what each came to and adds them to the batch's progress. Returns an empty chunk when
/// no row is pending.
pub async fn chunk(conn: &mut AsyncPgConnection, b: &BatchRef, limit: i64) -> Result<Chunk> {
    let pending: Vec<Pending> = Sql::with_binds(
        "SELECT row_index, input FROM migration_rows \
         WHERE merchant_id = $1 AND batch_id = $2 AND action IS NULL \
         ORDER BY row_index LIMIT $3",
        vec![Bind::I64(b.merchant_id), Bind::I64(b.id), Bind::I64(limit)],
    )
    .cached()
    .into_query()
    .load(conn)
    .await?;
    if pending.is_empty() {
        return Ok(Chunk::default());
    }
    let results = match b.kind {
        BatchKind::Customers => customers::process(conn, b, pending).await?,
        BatchKind::Orders => orders::process(conn, b, pending).await?,
    };
    record(conn, b, &results).await?;
    let mut c = Chunk::default();
    for r in results {
        c.processed += 1;
        match r.action {
            "created" => c.created += 1,
            "updated" => c.updated += 1,
            "unchanged" => c.unchanged += 1,
            _ => {
                c.failed += 1;
                c.errors.extend(r.errors);
            }
        }
    }
    Sql::with_binds(
        "UPDATE migration_batches SET processed_rows = processed_rows + $3, \
         created_rows = created_rows + $4, updated_rows = updated_rows + $5, \
         unchanged_rows = unchanged_rows + $6, error_count = error_count + $7, \
         heartbeat_at = now(), updated_at = now() \
         WHERE merchant_id = $1 AND id = $2",
        vec![
            Bind::I64(b.merchant_id),
            Bind::I64(b.id),
            Bind::I32(c.processed),
            Bind::I32(c.created),
            Bind::I32(c.updated),
            Bind::I32(c.unchanged),
            Bind::I32(c.failed),
        ],
    )
    .cached()
    .into_query()
    .execute(conn)
    .await?;
    Ok(c)
}

/// Writes what each row came to, in one statement.
async fn record(conn: &mut AsyncPgConnection, b: &BatchRef, results: &[RowResult]) -> Result<()> {
    let json = serde_json::to_value(results).map_err(crate::error::Error::internal)?;
    Sql::with_binds(
        "UPDATE migration_rows m SET action = x.action, target_id = x.target_id, \
         errors = x.errors, before_image = x.before_image::jsonb, after_version = x.after_version \
         FROM jsonb_to_recordset($3) AS x(row_index integer, action text, target_id bigint, \
              errors jsonb, before_image text, after_version text) \
         WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.row_index = x.row_index",
        vec![Bind::I64(b.merchant_id), Bind::I64(b.id), Bind::Json(json)],
    )
    .cached()
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(QueryableByName)]
struct Finished {
    #[diesel(sql_type = sql_types::Text)]
    error_policy: String,
    #[diesel(sql_type = sql_types::Integer)]
    error_count: i32,
}

/// Ends a batch whose rows are all processed: `completed`; or, when rows failed under
/// `REJECT_EVERYTHING`, what the batch wrote is reverted and it is `failed`.
pub async fn finish(conn: &mut AsyncPgConnection, b: &BatchRef) -> Result<BatchStatus> {
    let rows: Vec<Finished> = Sql::with_binds(
        "SELECT error_policy, error_count FROM migration_batches WHERE merchant_id = $1 AND id = $2",
        vec![Bind::I64(b.merchant_id), Bind::I64(b.id)],
    )
    .cached()
    .into_query()
    .load(conn)
    .await?;
    let Some(f) = rows.into_iter().next() else {
        return Ok(BatchStatus::Failed);
    };
    if f.error_policy == "reject_everything" && f.error_count > 0 {
        let undone = revert::undo(conn, b).await?;
        revert::count(conn, b, undone).await?;
        let error = if undone.conflicts == 0 {
            format!(
                "{} rows failed; under REJECT_EVERYTHING nothing the batch wrote was kept",
                f.error_count
            )
        } else {
            format!(
                "{} rows failed; under REJECT_EVERYTHING what the batch wrote was reverted, \
                 except {} records changed meanwhile (see the rows in conflict)",
                f.error_count, undone.conflicts
            )
        };
        set_end(conn, b, BatchStatus::Failed, Some(error)).await?;
        return Ok(BatchStatus::Failed);
    }
    set_end(conn, b, BatchStatus::Completed, None).await?;
    Ok(BatchStatus::Completed)
}

/// Ends the batch with `status` (and `error`), releasing its claim.
pub async fn set_end(
    conn: &mut AsyncPgConnection,
    b: &BatchRef,
    status: BatchStatus,
    error: Option<String>,
) -> Result<()> {
    Sql::with_binds(
        "UPDATE migration_batches SET status = $3, error = coalesce($4, error), \
         finished_at = now(), claimed_by = NULL, heartbeat_at = NULL, updated_at = now() \
         WHERE merchant_id = $1 AND id = $2",
        vec![
            Bind::I64(b.merchant_id),
            Bind::I64(b.id),
            Bind::Text(status.as_db().to_owned()),
            Bind::OptText(error),
        ],
    )
    .cached()
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}
