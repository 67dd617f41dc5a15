use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::CustomerStats;
use crate::db::sql::{Bind, Sql};
use crate::error::Result;

/// Orders count, amount spent and last completion of each customer, from completed orders only,
/// in one grouped statement.
pub async fn stats_by_ids(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    ids: &[i64],
) -> Result<Vec<CustomerStats>> {
    let sql = Sql::with_binds(
        include_str!("stats_by_ids.sql"),
        vec![Bind::I64(merchant_id), Bind::I64s(ids.to_vec())],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}
