//! Deleting a product, or retiring it when order line items reference it.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::checks::{lock, referenced};
use super::retire;
use crate::db::savepoint;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::Path;
use crate::domain::write::Single;
use crate::error::Result;

/// Deletes a product with its variants, prices and publications; when line items reference one
/// of its variants, retires it instead (see [`retire`]): either way it is gone from every read
/// but the orders that sold it. Must run inside a transaction.
pub async fn delete(conn: &mut AsyncPgConnection, merchant_id: i64, id: &str) -> Result<Single> {
    let path = Path::field("id");
    let product = match lock(conn, merchant_id, id, &path, true).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    if referenced(conn, merchant_id, Some(product.id), None).await? {
        retire::products(conn, merchant_id, &[product.id]).await?;
        return Ok(Ok(product.id));
    }
    let written = savepoint::attempt(conn, async |c| {
        Sql::with_binds(
            "DELETE FROM products WHERE merchant_id = $1 AND id = $2",
            vec![Bind::I64(merchant_id), Bind::I64(product.id)],
        )
        .into_query()
        .execute(c)
        .await?;
        Ok(())
    })
    .await?;
    if written.is_err() {
        // A line item added meanwhile for one of its variants (the foreign key has no cascade).
        retire::products(conn, merchant_id, &[product.id]).await?;
    }
    Ok(Ok(product.id))
}
