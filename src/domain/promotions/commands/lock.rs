//! Finding and locking the promotion a command changes.

use diesel::sql_types;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::sql::{Bind, Sql};
use crate::domain::promotions::Promotion;
use crate::domain::validate::{code, FieldError, Path};
use crate::error::Result;
use crate::ids::{self, Kind};

#[derive(QueryableByName)]
pub(super) struct Id {
    #[diesel(sql_type = sql_types::BigInt)]
    pub(super) id: i64,
}

#[derive(QueryableByName)]
pub(super) struct PromotionOf {
    #[diesel(sql_type = sql_types::BigInt)]
    pub(super) promotion_id: i64,
}

/// The merchant's promotion with this public ID, locked for the rest of the transaction (so
/// concurrent writes to it serialize and `expected_updated_at` holds).
pub(super) async fn find_for_update(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    raw: &str,
    path: &Path,
) -> Result<std::result::Result<Promotion, FieldError>> {
    let key = match ids::decode(Kind::Promotion, raw) {
        Ok(k) => k,
        Err(e) => return Ok(Err(FieldError::new(path, code::INVALID, e.to_string()))),
    };
    let rows: Vec<Promotion> = Sql::with_binds(
        "SELECT * FROM promotions WHERE merchant_id = $1 AND id = $2 FOR UPDATE",
        vec![Bind::I64(merchant_id), Bind::I64(key)],
    )
    .into_query()
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .next()
        .ok_or_else(|| FieldError::new(path, code::NOT_FOUND, "no such promotion")))
}
