//! Deleting a promotion.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::lock::find_for_update;
use super::Written;
use crate::db::sql::{Bind, Count, Sql};
use crate::domain::validate::{code, FieldError, Path};
use crate::error::Result;

/// Deletes a promotion with its rules, actions and codes. Refused (IN_USE) while an order holds
/// one of its codes; adjustments of past orders keep their label and amount.
pub async fn delete(conn: &mut AsyncPgConnection, merchant_id: i64, id: &str) -> Result<Written> {
    let p = match find_for_update(conn, merchant_id, id, &Path::field("id")).await? {
        Ok(p) => p,
        Err(e) => return Ok(Err(vec![e])),
    };
    let used: Vec<Count> = Sql::with_binds(
        "SELECT count(*) AS count FROM orders o \
         JOIN coupon_codes cc ON cc.merchant_id = o.merchant_id AND cc.id = o.coupon_code_id \
         WHERE o.merchant_id = $1 AND cc.promotion_id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(p.id)],
    )
    .into_query()
    .load(conn)
    .await?;
    let orders = used.into_iter().next().map(|c| c.count).unwrap_or(0);
    if orders > 0 {
        return Ok(Err(vec![FieldError::new(
            &Path::field("id"),
            code::IN_USE,
            format!("{orders} order(s) hold one of its coupon codes; let it expire instead"),
        )]));
    }
    Sql::with_binds(
        "DELETE FROM promotions WHERE merchant_id = $1 AND id = $2",
        vec![Bind::I64(merchant_id), Bind::I64(p.id)],
    )
    .into_query()
    .execute(conn)
    .await?;
    Ok(Ok(p.id))
}
