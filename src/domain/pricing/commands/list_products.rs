//! The products a price list is set up for (Spree's `product_ids`). A create adds them; an
//! update that names them makes them the list's products: the others leave it, with the
//! list's prices of their variants.

use std::collections::HashSet;

use diesel::sql_types::BigInt;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::prices::MAX_PRICES;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, Errors, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Decodes and checks `product_ids` (one statement): a malformed ID is INVALID, an unknown one
/// (or another merchant's) NOT_FOUND, each at its index under `root`. A product named twice
/// counts once. Returns the product keys.
pub async fn check(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    product_ids: &[String],
    root: &Path,
    errors: &mut Errors,
) -> Result<Vec<i64>> {
    if product_ids.len() > MAX_PRICES {
        errors.add(
            root,
            code::LIMIT_EXCEEDED,
            format!("at most {MAX_PRICES} products"),
        );
        return Ok(Vec::new());
    }
    let keys: Vec<Option<i64>> = product_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            ids::decode(Kind::Product, id)
                .map_err(|e| errors.add(&root.index(i), code::INVALID, e.to_string()))
                .ok()
        })
        .collect();
    let wanted: Vec<i64> = keys.iter().flatten().copied().collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: HashSet<i64> = Sql::with_binds(
        "SELECT id FROM products WHERE merchant_id = $1 AND id = ANY($2) AND deleted_at IS NULL",
        vec![Bind::I64(merchant_id), Bind::I64s(wanted)],
    )
    .into_query()
    .load::<Id>(conn)
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect();
    let mut out = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        if let Some(k) = k {
            if !found.contains(k) {
                errors.add(&root.index(i), code::NOT_FOUND, "no such product");
            } else if !out.contains(k) {
                out.push(*k);
            }
        }
    }
    Ok(out)
}

/// Adds `products` to list `list_id` (those already in it stay).
pub async fn add(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    list_id: i64,
    products: &[i64],
) -> Result<()> {
    if products.is_empty() {
        return Ok(());
    }
    Sql::with_binds(
        "INSERT INTO price_list_products (merchant_id, price_list_id, product_id) \
         SELECT $1, $2, p FROM unnest($3::bigint[]) AS p ON CONFLICT DO NOTHING",
        vec![
            Bind::I64(merchant_id),
            Bind::I64(list_id),
            Bind::I64s(products.to_vec()),
        ],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes `products` the list's products: others leave it, and the list's prices of their
/// variants are deleted.
pub async fn set(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    list_id: i64,
    products: &[i64],
) -> Result<()> {
    let binds = || {
        vec![
            Bind::I64(merchant_id),
            Bind::I64(list_id),
            Bind::I64s(products.to_vec()),
        ]
    };
    Sql::with_binds(
        "WITH gone AS (DELETE FROM price_list_products \
             WHERE merchant_id = $1 AND price_list_id = $2 AND NOT (product_id = ANY($3))) \
         DELETE FROM prices p USING variants v \
         WHERE p.merchant_id = $1 AND p.price_list_id = $2 \
           AND v.merchant_id = p.merchant_id AND v.id = p.variant_id AND NOT (v.product_id = ANY($3))",
        binds(),
    )
    .into_query()
    .execute(conn)
    .await?;
    add(conn, merchant_id, list_id, products).await
}
