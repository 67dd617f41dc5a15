//! Deleting a draft order.

use chrono::{DateTime, Utc};
use diesel::sql_types::BigInt;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::draft::{self};
use super::Outcome;
use crate::db::sql::{Bind, Sql};
use crate::domain::validate::{code, FieldError, Path};
use crate::error::Result;

#[derive(QueryableByName)]
struct Deleted {
    #[diesel(sql_type = BigInt)]
    #[allow(dead_code)]
    id: i64,
}

/// Deletes a draft with its lines and adjustments. Placed orders are never deleted: they are
/// canceled (ORDER_NOT_EDITABLE).
pub async fn delete(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    order_id: &str,
    expected: Option<DateTime<Utc>>,
) -> Result<Outcome> {
    let path = Path::field("order_id");
    let order = match draft::lock(conn, merchant_id, order_id, &path).await? {
        Ok(o) => o,
        Err(e) => return Ok(Err(vec![e])),
    };
    if let Err(e) = draft::check_expected(&order, expected) {
        return Ok(Err(vec![e]));
    }
    if !order.is_draft() {
        return Ok(Err(vec![FieldError::new(
            &path,
            code::ORDER_NOT_EDITABLE,
            format!(
                "the order is {}; only drafts can be deleted (cancel a placed order instead)",
                order.status
            ),
        )]));
    }
    let _: Vec<Deleted> = Sql::with_binds(
        "DELETE FROM orders WHERE merchant_id = $1 AND id = $2 RETURNING id",
        vec![Bind::I64(merchant_id), Bind::I64(order.id)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(Ok(order.id))
}
