//! `delete_many`: a lookup that locks the prices, then one DELETE.

use std::collections::{HashMap, HashSet};

use diesel::sql_types::{Array, BigInt};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::MAX_PRICES;
use crate::domain::validate::{check_batch_size, code, ErrorPolicy, Errors, ItemResult, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Deletes prices by ID (up to [`MAX_PRICES`]): a lookup that locks them, then one DELETE.
/// Unknown IDs, or another merchant's, are NOT_FOUND item errors. Must run inside a transaction.
pub async fn delete_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    public_ids: &[String],
    policy: ErrorPolicy,
) -> Result<Vec<ItemResult>> {
    check_batch_size(public_ids.len(), MAX_PRICES, "prices")?;
    let root = Path::input();
    let mut errors: Vec<Errors> = public_ids.iter().map(|_| Errors::default()).collect();
    let keys: Vec<Option<i64>> = public_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            ids::decode(Kind::Price, id)
                .map_err(|e| errors[i].add(&root.index(i), code::INVALID, e.to_string()))
                .ok()
        })
        .collect();
    let existing: HashSet<i64> = diesel::sql_query(
        "SELECT id FROM prices WHERE merchant_id = $1 AND id = ANY($2) ORDER BY id FOR UPDATE",
    )
    .bind::<BigInt, _>(merchant_id)
    .bind::<Array<BigInt>, _>(keys.iter().flatten().copied().collect::<Vec<_>>())
    .load::<Id>(conn)
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect();
    let mut seen = HashSet::new();
    for (i, k) in keys.iter().enumerate() {
        let Some(k) = k else { continue };
        if !existing.contains(k) {
            errors[i].add(&root.index(i), code::NOT_FOUND, "no such price");
        } else if !seen.insert(*k) {
            errors[i].add(
                &root.index(i),
                code::DUPLICATE_IN_REQUEST,
                "the same price is given twice",
            );
        }
    }
    let mut deleted: HashMap<usize, i64> = HashMap::new();
    if policy == ErrorPolicy::RejectFailedRows || errors.iter().all(Errors::is_empty) {
        for (i, k) in keys.iter().enumerate() {
            if let (Some(k), true) = (k, errors[i].is_empty()) {
                deleted.insert(i, *k);
            }
        }
        if !deleted.is_empty() {
            diesel::sql_query("DELETE FROM prices WHERE merchant_id = $1 AND id = ANY($2)")
                .bind::<BigInt, _>(merchant_id)
                .bind::<Array<BigInt>, _>(deleted.values().copied().collect::<Vec<_>>())
                .execute(conn)
                .await?;
        }
    }
    Ok(errors
        .into_iter()
        .enumerate()
        .map(|(index, e)| ItemResult {
            index,
            id: deleted.get(&index).copied(),
            errors: e.0,
        })
        .collect())
}
