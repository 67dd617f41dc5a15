//! Retiring what orders sold: a product or variant that order line items reference is not
//! deleted (the line items keep pointing at it) but marked `deleted_at`, which hides it from
//! every read of the catalog, as Spree soft-deletes. What only a live product or variant has
//! (prices, publications, price-list memberships, promotion references) is removed as a delete
//! would remove it; its slug and SKUs are free again.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::sql::{Bind, Sql};
use crate::domain::write::IdRow;
use crate::error::Result;

/// Retires the products `ids` with their variants (see `retire.sql`); answers the keys retired
/// (products already retired are not). Must run inside a transaction.
pub async fn products(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>> {
    let rows: Vec<IdRow> = Sql::with_binds(
        include_str!("retire.sql"),
        vec![Bind::I64(merchant_id), Bind::I64s(ids.to_vec())],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Retires the variant `id` and removes its prices. Must run inside a transaction.
pub async fn variant(conn: &mut AsyncPgConnection, merchant_id: i64, id: i64) -> Result<()> {
    Sql::with_binds(
        "WITH v AS (UPDATE variants SET deleted_at = now(), updated_at = now() \
         WHERE merchant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING id) \
         DELETE FROM prices WHERE merchant_id = $1 AND variant_id IN (SELECT id FROM v)",
        vec![Bind::I64(merchant_id), Bind::I64(id)],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}
