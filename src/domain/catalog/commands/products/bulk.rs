//! Changes of many products at once: their status, or deleting them.

use std::collections::HashSet;

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::checks::status;
use super::delete::delete;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{check_batch_size, code, Errors, ItemResult, Path, MAX_BULK};
use crate::domain::write::IdRow;
use crate::error::{Error, Result};
use crate::ids::{self, Kind};

/// Sets `status` on the products `public_ids` in one statement. IDs that are not the
/// merchant's products are item errors (NOT_FOUND) and change nothing; the others are written.
/// An invalid status refuses the call. Must run inside a transaction.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    public_ids: &[String],
    new_status: &str,
) -> Result<Vec<ItemResult>> {
    check_batch_size(public_ids.len(), MAX_BULK, "products")?;
    let mut status_errors = Errors::default();
    let new_status = status(
        &mut status_errors,
        &Path::field("status"),
        Some(new_status),
        "",
    );
    if let Some(e) = status_errors.0.into_iter().next() {
        return Err(Error::BadInput {
            path: e.path,
            message: e.message,
            code: e.code,
        });
    }
    let keys: Vec<Option<i64>> = public_ids
        .iter()
        .map(|id| ids::decode(Kind::Product, id).ok())
        .collect();
    let changed: HashSet<i64> = Sql::with_binds(
        "UPDATE products SET status = $3, updated_at = now() \
         WHERE merchant_id = $1 AND id = ANY($2) RETURNING id",
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(keys.iter().flatten().copied().collect()),
            Bind::Text(new_status),
        ],
    )
    .into_query()
    .load::<IdRow>(conn)
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect();
    Ok(keys
        .iter()
        .enumerate()
        .map(|(index, k)| match k {
            Some(k) if changed.contains(k) => ItemResult {
                index,
                id: Some(*k),
                errors: Vec::new(),
            },
            _ => {
                let mut e = Errors::default();
                e.add(
                    &Path::input().index(index),
                    code::NOT_FOUND,
                    "no such product",
                );
                ItemResult {
                    index,
                    id: None,
                    errors: e.0,
                }
            }
        })
        .collect())
}

/// Deletes the products `public_ids` (as [`delete`] does each), all or nothing: the first that
/// cannot be deleted (unknown, or used by orders) refuses the call, naming its index. Must run
/// inside a transaction.
pub async fn delete_many(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    public_ids: &[String],
) -> Result<Vec<ItemResult>> {
    check_batch_size(public_ids.len(), MAX_BULK, "products")?;
    let mut out = Vec::with_capacity(public_ids.len());
    let mut seen = HashSet::new();
    for (index, id) in public_ids.iter().enumerate() {
        if !seen.insert(id.as_str()) {
            out.push(ItemResult {
                index,
                id: None,
                errors: Vec::new(),
            });
            continue;
        }
        match delete(conn, merchant_id, id).await? {
            Ok(key) => out.push(ItemResult {
                index,
                id: Some(key),
                errors: Vec::new(),
            }),
            Err(errors) => {
                let e = errors
                    .into_iter()
                    .next()
                    .ok_or_else(|| Error::internal("a refused delete named no error"))?;
                return Err(Error::BadInput {
                    path: Path::input().index(index),
                    message: e.message,
                    code: e.code,
                });
            }
        }
    }
    Ok(out)
}
