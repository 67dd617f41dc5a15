//! Deleting a product that no line item references.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::checks::{in_use, lock, referenced};
use crate::db::savepoint::{self, Violation};
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::Path;
use crate::domain::write::Single;
use crate::error::Result;

/// Deletes a product with its variants, prices and publications. Refused with IN_USE when line
/// items reference one of its variants. Must run inside a transaction.
pub async fn delete(conn: &mut AsyncPgConnection, merchant_id: i64, id: &str) -> Result<Single> {
    let path = Path::field("id");
    let product = match lock(conn, merchant_id, id, &path, true).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    if referenced(conn, merchant_id, Some(product.id), None).await? {
        return Ok(Err(in_use(&path, "its variants")));
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
    Ok(match written {
        Ok(()) => Ok(product.id),
        // A line item added meanwhile for one of its variants (the foreign key has no cascade).
        Err(Violation::ForeignKey(_)) | Err(Violation::Unique(_)) => {
            Err(in_use(&path, "its variants"))
        }
    })
}
