//! Starting a batch: checks, staging, and for a small batch its processing in the caller's
//! transaction.

use diesel_async::{AnsiTransactionManager, AsyncPgConnection, RunQueryDsl, TransactionManager};
use serde::Serialize;

use super::input::{check_customers, CustomerImport, Staged};
use super::models::BatchKind;
use super::order_input::{check_orders, OrderImport};
use super::process::{self, BatchRef};
use super::{INLINE_ROWS, MAX_ROWS};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{check_batch_size, ErrorPolicy, FieldError, Path, Segment};
use crate::domain::write::IdRow;
use crate::error::{Error, Result};

/// The rows of a batch, of one kind.
pub enum Rows {
    Customers(Vec<CustomerImport>),
    Orders(Vec<OrderImport>),
}

impl Rows {
    fn len(&self) -> usize {
        match self {
            Rows::Customers(r) => r.len(),
            Rows::Orders(r) => r.len(),
        }
    }

    fn kind(&self) -> BatchKind {
        match self {
            Rows::Customers(_) => BatchKind::Customers,
            Rows::Orders(_) => BatchKind::Orders,
        }
    }
}

/// The answer to an import.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub enum ImportOutcome {
    /// Rows failed under `REJECT_EVERYTHING`: nothing was written, no batch exists.
    Rejected(Vec<FieldError>),
    /// The batch: processed now (`queued` false) or waiting for a worker. `errors` are the
    /// rows' errors known so far (all of them when processed now).
    Batch {
        id: i64,
        queued: bool,
        errors: Vec<FieldError>,
    },
}

/// The row an error is about (its path starts with the row's index).
fn row_of(e: &FieldError) -> usize {
    match e.path.segments().first() {
        Some(Segment::Index(i)) => *i,
        _ => 0,
    }
}

/// Rows staged per statement.
const STAGE_ROWS: usize = 10_000;

/// Checks and stages a batch of the merchant; a batch of at most [`INLINE_ROWS`] rows is
/// processed now, in the caller's transaction, a larger one queued for a worker (see
/// [`super::jobs`]). Under `REJECT_EVERYTHING` a row failing its checks refuses the batch
/// before anything is written, and (processed now) a row failing against the database rolls
/// back everything the batch wrote.
pub async fn import(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    rows: Rows,
    source: Option<String>,
    policy: ErrorPolicy,
) -> Result<ImportOutcome> {
    let total = rows.len();
    check_batch_size(total, MAX_ROWS, "rows")?;
    let source = source
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    if let Some(s) = &source {
        if s.chars().count() > 200 || s.contains('\0') {
            return Err(Error::bad_input(
                Path::field("source"),
                "must be at most 200 characters",
            ));
        }
    }
    let kind = rows.kind();
    let staged = match &rows {
        Rows::Customers(r) => check_customers(r),
        Rows::Orders(r) => check_orders(r),
    };
    drop(rows);
    let errors: Vec<FieldError> = staged.iter().flat_map(|s| s.errors.clone()).collect();
    if policy == ErrorPolicy::RejectEverything && !errors.is_empty() {
        return Ok(ImportOutcome::Rejected(errors));
    }
    let inline = total <= INLINE_ROWS;
    if !inline {
        let id = create(conn, merchant_id, kind, policy, source, &staged, false).await?;
        return Ok(ImportOutcome::Batch {
            id,
            queued: true,
            errors,
        });
    }
    // Processed now, in a savepoint: rolled back as a whole when rows fail under
    // REJECT_EVERYTHING.
    AnsiTransactionManager::begin_transaction(conn).await?;
    let outcome = async {
        let id = create(conn, merchant_id, kind, policy, source, &staged, true).await?;
        let b = BatchRef {
            merchant_id,
            id,
            kind,
        };
        let mut errors = errors;
        loop {
            let c = process::chunk(conn, &b, INLINE_ROWS as i64).await?;
            if c.processed == 0 {
                break;
            }
            errors.extend(c.errors);
        }
        errors.sort_by_key(row_of);
        if policy == ErrorPolicy::RejectEverything && !errors.is_empty() {
            return Ok(ImportOutcome::Rejected(errors));
        }
        process::finish(conn, &b).await?;
        Ok(ImportOutcome::Batch {
            id,
            queued: false,
            errors,
        })
    }
    .await;
    match outcome {
        Ok(o @ ImportOutcome::Batch { .. }) => {
            AnsiTransactionManager::commit_transaction(conn).await?;
            Ok(o)
        }
        other => {
            AnsiTransactionManager::rollback_transaction(conn).await?;
            other
        }
    }
}

/// Creates the batch (`running` for one processed now, else `queued`) and stages its rows;
/// rows that failed their checks are staged as failed.
async fn create(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    kind: BatchKind,
    policy: ErrorPolicy,
    source: Option<String>,
    staged: &[Staged],
    now: bool,
) -> Result<i64> {
    let failed = staged.iter().filter(|s| !s.errors.is_empty()).count() as i32;
    let ids: Vec<IdRow> = Sql::with_binds(
        "INSERT INTO migration_batches (merchant_id, kind, status, error_policy, source, \
         total_rows, processed_rows, error_count, claimed_by, heartbeat_at, attempts, started_at) \
         VALUES ($1, $2, CASE WHEN $7 THEN 'running' ELSE 'queued' END, $3, $4, $5, $6, $6, \
                 CASE WHEN $7 THEN 'request' END, CASE WHEN $7 THEN now() END, \
                 CASE WHEN $7 THEN 1 ELSE 0 END, CASE WHEN $7 THEN now() END) \
         RETURNING id",
        vec![
            Bind::I64(merchant_id),
            Bind::Text(kind.as_db().to_owned()),
            Bind::Text(
                match policy {
                    ErrorPolicy::RejectEverything => "reject_everything",
                    ErrorPolicy::RejectFailedRows => "reject_failed_rows",
                }
                .to_owned(),
            ),
            Bind::OptText(source),
            Bind::I32(staged.len() as i32),
            Bind::I32(failed),
            Bind::Bool(now),
        ],
    )
    .cached()
    .into_query()
    .load(conn)
    .await?;
    let id = ids
        .into_iter()
        .next()
        .map(|r| r.id)
        .ok_or_else(|| Error::internal("the batch was not created"))?;
    for part in staged.chunks(STAGE_ROWS) {
        let json: Vec<serde_json::Value> = part
            .iter()
            .map(|s| {
                serde_json::json!({
                    "row_index": s.index,
                    "external_id": s.external_id,
                    "input": s.input,
                    "action": if s.errors.is_empty() { None } else { Some("failed") },
                    "errors": s.errors,
                })
            })
            .collect();
        Sql::with_binds(
            "INSERT INTO migration_rows (merchant_id, batch_id, row_index, external_id, input, \
             action, errors) \
             SELECT $1, $2, x.row_index, x.external_id, x.input, x.action, x.errors \
             FROM jsonb_to_recordset($3) AS x(row_index integer, external_id text, input jsonb, \
                  action text, errors jsonb)",
            vec![
                Bind::I64(merchant_id),
                Bind::I64(id),
                Bind::Json(serde_json::Value::Array(json)),
            ],
        )
        .cached()
        .into_query()
        .execute(conn)
        .await?;
    }
    Ok(id)
}
