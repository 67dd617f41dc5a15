use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::Order;
use crate::db::sql::{Bind, Sql};
use crate::error::Result;

/// The `limit` most recent orders of each customer in `customer_ids`, in one statement
/// (a LATERAL join walks `orders_customer` once per customer).
pub async fn recent_by_customers(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    customer_ids: &[i64],
    limit: i64,
) -> Result<Vec<Order>> {
    let sql = Sql::with_binds(
        include_str!("recent_by_customers.sql"),
        vec![
            Bind::I64(merchant_id),
            Bind::I64s(customer_ids.to_vec()),
            Bind::I64(limit),
        ],
    );
    Ok(sql.cached().into_query().load(conn).await?)
}
