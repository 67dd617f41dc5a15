//! Deleting customers in bulk; a customer with orders is kept (blocked).

use std::collections::{HashMap, HashSet};

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::checks::{lock, results, writable};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{
    check_batch_size, code, ErrorPolicy, Errors, ItemResult, Path, MAX_BULK,
};
use crate::error::Result;
use crate::ids::{self, Kind};

#[derive(QueryableByName)]
struct Blocked {
    #[diesel(sql_type = sql_types::BigInt)]
    customer_id: i64,
}

/// Deletes customers. A customer with completed (or returned) orders is refused with
/// HAS_COMPLETED_ORDERS: its order history must stay attributable. Drafts and canceled orders
/// are kept, detached from the customer. Must run inside a transaction.
pub async fn delete_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    public_ids: &[String],
    policy: ErrorPolicy,
) -> Result<Vec<ItemResult>> {
    check_batch_size(public_ids.len(), MAX_BULK, "customers")?;
    let root = Path::input();
    let mut errors: Vec<Errors> = public_ids.iter().map(|_| Errors::default()).collect();
    let keys: Vec<Option<i64>> = public_ids
        .iter()
        .enumerate()
        .map(|(i, id)| match ids::decode(Kind::Customer, id) {
            Ok(k) => Some(k),
            Err(e) => {
                errors[i].add(&root.index(i), code::INVALID, e.to_string());
                None
            }
        })
        .collect();
    let all: Vec<i64> = keys.iter().flatten().copied().collect();
    let current = lock(conn, merchant_id, all.clone()).await?;
    let blocked: HashSet<i64> = Sql::with_binds(
        "SELECT DISTINCT customer_id FROM orders WHERE merchant_id = $1 AND customer_id = ANY($2) AND status IN ('complete', 'returned')",
        vec![Bind::I64(merchant_id), Bind::I64s(all)],
    )
    .into_query()
    .load::<Blocked>(conn)
    .await?
    .into_iter()
    .map(|b| b.customer_id)
    .collect();
    for (i, key) in keys.iter().enumerate() {
        let Some(k) = key else { continue };
        if !current.contains_key(k) {
            errors[i].add(&root.index(i), code::NOT_FOUND, "no such customer");
        } else if blocked.contains(k) {
            errors[i].add(
                &root.index(i),
                code::HAS_COMPLETED_ORDERS,
                "the customer has completed orders and cannot be deleted",
            );
        }
    }
    let mut written = HashMap::new();
    if writable(&errors, policy) {
        let ok: Vec<(usize, i64)> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| Some((i, (*k)?)))
            .filter(|(i, _)| errors[*i].is_empty())
            .collect();
        let ids: Vec<i64> = ok.iter().map(|(_, k)| *k).collect();
        if !ids.is_empty() {
            Sql::with_binds(
                "UPDATE orders SET customer_id = NULL, updated_at = now() WHERE merchant_id = $1 AND customer_id = ANY($2)",
                vec![Bind::I64(merchant_id), Bind::I64s(ids.clone())],
            )
            .into_query()
            .execute(conn)
            .await?;
            Sql::with_binds(
                "DELETE FROM customers WHERE merchant_id = $1 AND id = ANY($2)",
                vec![Bind::I64(merchant_id), Bind::I64s(ids)],
            )
            .into_query()
            .execute(conn)
            .await?;
            written.extend(ok);
        }
    }
    Ok(results(errors, &written))
}
