//! Reverting a batch: what it created is deleted, what it updated is restored from the
//! before-images, in one transaction with a few set-based statements per kind. A record
//! changed since the batch (its version differs from the one the batch left), or one that
//! others now depend on, is left as it is and its row reported as a conflict.

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::{BatchKind, BatchStatus, MigrationBatch};
use super::process::BatchRef;
use super::INLINE_ROWS;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, FieldError, Path};
use crate::error::Result;

/// What a revert did to the rows it was given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Undone {
    pub reverted: i32,
    pub conflicts: i32,
}

/// The answer to a revert request.
#[derive(Debug, Clone)]
pub enum RevertOutcome {
    /// Reverted now.
    Done(Undone),
    /// A large batch: its revert is queued for a worker (status `reverting`).
    Queued,
    /// Refused: no such batch (NOT_FOUND), or its status does not allow it
    /// (INVALID_TRANSITION), at `id`.
    Refused(FieldError),
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = sql_types::BigInt)]
    n: i64,
}

/// Rows whose record changed since the batch. Every statement here joins the batch's rows to
/// the records by key, never the rows to themselves: the rows' statistics are those of before
/// the batch (an empty table, often), and a self-join planned on them scanned the rows once per
/// row.
const CONFLICTS_CUSTOMERS: &str = "
UPDATE migration_rows m SET revert = 'conflict',
    revert_reason = 'the customer was changed after the batch'
FROM customers c
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action IN ('created', 'updated')
  AND m.revert IS NULL
  AND c.merchant_id = m.merchant_id AND c.id = m.target_id
  AND migration_customer_version(c) <> m.after_version";

/// Rows whose updated record was deleted since the batch: nothing to restore it onto.
const GONE_CUSTOMERS: &str = "
UPDATE migration_rows m SET revert = 'conflict',
    revert_reason = 'the customer was deleted after the batch'
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'updated' AND m.revert IS NULL
  AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.merchant_id = m.merchant_id AND c.id = m.target_id)";

/// Created customers that other records now reference: deleting them would delete or break
/// those.
const DEPENDENTS_CUSTOMERS: &str = "
UPDATE migration_rows m SET revert = 'conflict', revert_reason =
    CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.merchant_id = m.merchant_id AND o.customer_id = m.target_id)
              THEN 'orders were placed by the customer after the batch'
         WHEN EXISTS (SELECT 1 FROM addresses a WHERE a.merchant_id = m.merchant_id AND a.customer_id = m.target_id)
              THEN 'addresses were added to the customer after the batch'
         WHEN EXISTS (SELECT 1 FROM customer_group_memberships g WHERE g.merchant_id = m.merchant_id AND g.customer_id = m.target_id)
              THEN 'the customer joined groups after the batch'
         WHEN EXISTS (SELECT 1 FROM price_rules p WHERE p.merchant_id = m.merchant_id AND p.customer_ids @> ARRAY[m.target_id])
              THEN 'price rules name the customer'
         ELSE 'promotion rules name the customer' END
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'created' AND m.revert IS NULL
  AND (EXISTS (SELECT 1 FROM orders o WHERE o.merchant_id = m.merchant_id AND o.customer_id = m.target_id)
       OR EXISTS (SELECT 1 FROM addresses a WHERE a.merchant_id = m.merchant_id AND a.customer_id = m.target_id)
       OR EXISTS (SELECT 1 FROM customer_group_memberships g WHERE g.merchant_id = m.merchant_id AND g.customer_id = m.target_id)
       OR EXISTS (SELECT 1 FROM price_rules p WHERE p.merchant_id = m.merchant_id AND p.customer_ids @> ARRAY[m.target_id])
       OR EXISTS (SELECT 1 FROM promotion_rules p WHERE p.merchant_id = m.merchant_id AND m.target_id = ANY(p.customer_ids)))";

const DELETE_CUSTOMERS: &str = "
DELETE FROM customers c USING migration_rows m
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'created' AND m.revert IS NULL
  AND c.merchant_id = m.merchant_id AND c.id = m.target_id";

/// Every column but the key, from the before-image.
const RESTORE_CUSTOMERS: &str = "
UPDATE customers c SET email = b.email, first_name = b.first_name, last_name = b.last_name,
    phone = b.phone, accepts_marketing = b.accepts_marketing,
    marketing_opt_in_at = b.marketing_opt_in_at, tags = b.tags, metadata = b.metadata,
    external_id = b.external_id, store_credit = b.store_credit,
    store_credit_currency = b.store_credit_currency, notes = b.notes,
    migration_batch_id = b.migration_batch_id, created_at = b.created_at,
    updated_at = b.updated_at
FROM migration_rows m CROSS JOIN LATERAL jsonb_populate_record(NULL::customers, m.before_image) b
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'updated' AND m.revert IS NULL
  AND c.merchant_id = m.merchant_id AND c.id = m.target_id";

const CONFLICTS_ORDERS: &str = "
UPDATE migration_rows m SET revert = 'conflict',
    revert_reason = 'the order or its lines were changed after the batch'
FROM orders o
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action IN ('created', 'updated')
  AND m.revert IS NULL
  AND o.merchant_id = m.merchant_id AND o.id = m.target_id
  AND migration_order_version(o) <> m.after_version";

const GONE_ORDERS: &str = "
UPDATE migration_rows m SET revert = 'conflict',
    revert_reason = 'the order was deleted after the batch'
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'updated' AND m.revert IS NULL
  AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.merchant_id = m.merchant_id AND o.id = m.target_id)";

const DEPENDENTS_ORDERS: &str = "
UPDATE migration_rows m SET revert = 'conflict', revert_reason =
    CASE WHEN EXISTS (SELECT 1 FROM payments p WHERE p.merchant_id = m.merchant_id AND p.order_id = m.target_id)
              THEN 'payments were added to the order after the batch'
         WHEN EXISTS (SELECT 1 FROM fulfillments f WHERE f.merchant_id = m.merchant_id AND f.order_id = m.target_id)
              THEN 'fulfillments were added to the order after the batch'
         WHEN EXISTS (SELECT 1 FROM adjustments a WHERE a.merchant_id = m.merchant_id AND a.order_id = m.target_id)
              THEN 'discounts were added to the order after the batch'
         ELSE 'addresses were added to the order after the batch' END
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'created' AND m.revert IS NULL
  AND (EXISTS (SELECT 1 FROM payments p WHERE p.merchant_id = m.merchant_id AND p.order_id = m.target_id)
       OR EXISTS (SELECT 1 FROM fulfillments f WHERE f.merchant_id = m.merchant_id AND f.order_id = m.target_id)
       OR EXISTS (SELECT 1 FROM adjustments a WHERE a.merchant_id = m.merchant_id AND a.order_id = m.target_id)
       OR EXISTS (SELECT 1 FROM order_addresses a WHERE a.merchant_id = m.merchant_id AND a.order_id = m.target_id))";

const DELETE_ORDERS: &str = "
DELETE FROM orders o USING migration_rows m
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'created' AND m.revert IS NULL
  AND o.merchant_id = m.merchant_id AND o.id = m.target_id";

const RESTORE_ORDERS: &str = "
UPDATE orders o SET number = b.number, status = b.status, payment_status = b.payment_status,
    fulfillment_status = b.fulfillment_status, store_id = b.store_id, channel_id = b.channel_id,
    customer_id = b.customer_id, email = b.email, currency = b.currency,
    item_count = b.item_count, item_total = b.item_total, discount_total = b.discount_total,
    tax_total = b.tax_total, delivery_total = b.delivery_total, total = b.total,
    coupon_code_id = b.coupon_code_id, notes = b.notes, metadata = b.metadata,
    external_id = b.external_id, migration_batch_id = b.migration_batch_id,
    completed_at = b.completed_at, canceled_at = b.canceled_at, approved_at = b.approved_at,
    created_at = b.created_at, updated_at = b.updated_at, customer_note = b.customer_note,
    locale = b.locale
FROM migration_rows m
CROSS JOIN LATERAL jsonb_populate_record(NULL::orders, m.before_image -> 'order') b
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'updated' AND m.revert IS NULL
  AND o.merchant_id = m.merchant_id AND o.id = m.target_id";

/// Lines the batch replaced: its lines out (their adjustments go with them), the old ones
/// (and the adjustments on them) back, with their keys.
const DELETE_LINES: &str = "
DELETE FROM line_items li USING migration_rows m
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'updated' AND m.revert IS NULL
  AND m.before_image ? 'lines'
  AND li.merchant_id = m.merchant_id AND li.order_id = m.target_id";

const RESTORE_LINES: &str = "
INSERT INTO line_items
SELECT l.* FROM migration_rows m
CROSS JOIN LATERAL jsonb_populate_recordset(NULL::line_items, m.before_image -> 'lines') l
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'updated' AND m.revert IS NULL
  AND m.before_image ? 'lines'
ORDER BY l.order_id, l.id";

const RESTORE_LINE_ADJUSTMENTS: &str = "
INSERT INTO adjustments
SELECT a.* FROM migration_rows m
CROSS JOIN LATERAL jsonb_populate_recordset(NULL::adjustments, m.before_image -> 'line_adjustments') a
WHERE m.merchant_id = $1 AND m.batch_id = $2 AND m.action = 'updated' AND m.revert IS NULL
  AND m.before_image ? 'line_adjustments'
ORDER BY a.id";

const MARK_REVERTED: &str = "
WITH done AS (
    UPDATE migration_rows SET revert = 'reverted'
    WHERE merchant_id = $1 AND batch_id = $2 AND action IN ('created', 'updated') AND revert IS NULL
    RETURNING 1
)
SELECT count(*) AS n FROM done";

const COUNT_CONFLICTS: &str = "
SELECT count(*) AS n FROM migration_rows
WHERE merchant_id = $1 AND batch_id = $2 AND revert = 'conflict'";

/// Reverts every row of the batch not reverted yet, in the current transaction (the caller
/// holds the batch). Returns the rows reverted now and the rows in conflict.
pub async fn undo(conn: &mut AsyncPgConnection, b: &BatchRef) -> Result<Undone> {
    let steps: &[&'static str] = match b.kind {
        BatchKind::Customers => &[
            CONFLICTS_CUSTOMERS,
            GONE_CUSTOMERS,
            DEPENDENTS_CUSTOMERS,
            DELETE_CUSTOMERS,
            RESTORE_CUSTOMERS,
        ],
        BatchKind::Orders => &[
            CONFLICTS_ORDERS,
            GONE_ORDERS,
            DEPENDENTS_ORDERS,
            DELETE_ORDERS,
            RESTORE_ORDERS,
            DELETE_LINES,
            RESTORE_LINES,
            RESTORE_LINE_ADJUSTMENTS,
        ],
    };
    let binds = || vec![Bind::I64(b.merchant_id), Bind::I64(b.id)];
    for step in steps {
        Sql::with_binds(step, binds())
            .cached()
            .into_query()
            .execute(conn)
            .await?;
    }
    let mut count = async |sql: &'static str| -> Result<i32> {
        let rows: Vec<Counted> = Sql::with_binds(sql, binds())
            .cached()
            .into_query()
            .load(conn)
            .await?;
        Ok(rows.into_iter().next().map(|c| c.n as i32).unwrap_or(0))
    };
    let reverted = count(MARK_REVERTED).await?;
    let conflicts = count(COUNT_CONFLICTS).await?;
    Ok(Undone {
        reverted,
        conflicts,
    })
}

/// Locks the merchant's batch `id` for the rest of the transaction.
pub async fn lock(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: i64,
) -> Result<Option<MigrationBatch>> {
    let rows: Vec<MigrationBatch> = Sql::with_binds(
        "SELECT * FROM migration_batches WHERE merchant_id = $1 AND id = $2 FOR UPDATE",
        vec![Bind::I64(merchant_id), Bind::I64(id)],
    )
    .cached()
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().next())
}

/// Adds what [`undo`] did to the batch's counts.
pub async fn count(conn: &mut AsyncPgConnection, b: &BatchRef, undone: Undone) -> Result<()> {
    Sql::with_binds(
        "UPDATE migration_batches SET reverted_rows = reverted_rows + $3, conflict_rows = $4, \
         updated_at = now() WHERE merchant_id = $1 AND id = $2",
        vec![
            Bind::I64(b.merchant_id),
            Bind::I64(b.id),
            Bind::I32(undone.reverted),
            Bind::I32(undone.conflicts),
        ],
    )
    .cached()
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks the batch reverted after [`undo`].
pub async fn finish(conn: &mut AsyncPgConnection, b: &BatchRef, undone: Undone) -> Result<()> {
    count(conn, b, undone).await?;
    Sql::with_binds(
        "UPDATE migration_batches SET status = 'reverted', reverted_at = now(), claimed_by = NULL, \
         heartbeat_at = NULL, updated_at = now() WHERE merchant_id = $1 AND id = $2",
        vec![Bind::I64(b.merchant_id), Bind::I64(b.id)],
    )
    .cached()
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

fn refused(code: code::Code, message: impl Into<String>) -> RevertOutcome {
    RevertOutcome::Refused(FieldError::new(&Path::field("id"), code, message))
}

/// Reverts the merchant's batch `id` in the current transaction, or queues the revert of a
/// batch larger than [`INLINE_ROWS`]. Refused for a batch still queued or running, and for
/// one already reverted (or being reverted).
pub async fn request(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    id: i64,
) -> Result<RevertOutcome> {
    let Some(batch) = lock(conn, merchant_id, id).await? else {
        return Ok(refused(code::NOT_FOUND, "no such migration batch"));
    };
    let status = batch.status();
    match status {
        BatchStatus::Queued | BatchStatus::Running => {
            return Ok(refused(
                code::INVALID_TRANSITION,
                format!(
                    "the batch is still {} ({} → reverted): wait until it ends",
                    status.as_db(),
                    status.as_db()
                ),
            ))
        }
        BatchStatus::Reverting | BatchStatus::Reverted => {
            return Ok(refused(
                code::INVALID_TRANSITION,
                format!(
                    "the batch is already {} ({} → reverted)",
                    status.as_db(),
                    status.as_db()
                ),
            ))
        }
        BatchStatus::Completed | BatchStatus::Failed => {}
    }
    let b = BatchRef {
        merchant_id,
        id,
        kind: batch.kind(),
    };
    if batch.total_rows as usize > INLINE_ROWS {
        Sql::with_binds(
            "UPDATE migration_batches SET status = 'reverting', claimed_by = NULL, \
             heartbeat_at = NULL, updated_at = now() WHERE merchant_id = $1 AND id = $2",
            vec![Bind::I64(merchant_id), Bind::I64(id)],
        )
        .into_query()
        .execute(conn)
        .await?;
        return Ok(RevertOutcome::Queued);
    }
    let undone = undo(conn, &b).await?;
    finish(conn, &b, undone).await?;
    Ok(RevertOutcome::Done(undone))
}
