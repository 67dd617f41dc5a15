//! Top customers by spend (`topCustomers`): the customers whose matching orders add up to the most,
//! in one `GROUP BY customer_id … ORDER BY sum DESC LIMIT n` over the orders (DESIGN §6: aggregates
//! are SQL). Guest orders (no customer) are left out.

use diesel::sql_types::{BigInt, Numeric};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use crate::db::sql::{Bind, Sql};
use crate::domain::filter::{Filter, Listable, Row};
use crate::domain::orders::queries::OrderField;
use crate::domain::orders::Order;
use crate::error::{Error, Result};

/// The most customers one call returns.
pub const MAX_TOP_CUSTOMERS: i64 = 100;

/// One customer's figures over the matching orders.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct CustomerSpend {
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    #[diesel(sql_type = BigInt)]
    pub order_count: i64,
    #[diesel(sql_type = Numeric)]
    pub total: Decimal,
}

/// The statement of [`top_customers`]: highest sum first, ties by customer (oldest first).
pub fn top_customers_sql(merchant_id: i64, filter: &Filter<OrderField>, limit: i64) -> Result<Sql> {
    if !(1..=MAX_TOP_CUSTOMERS).contains(&limit) {
        return Err(Error::bad_input(
            "first",
            format!("must be between 1 and {MAX_TOP_CUSTOMERS}"),
        ));
    }
    let mut sql = Sql::new(
        "SELECT customer_id, count(*) AS order_count, coalesce(sum(total), 0) AS total FROM ",
    );
    sql.push(Order::TABLE)
        .push(" WHERE merchant_id = ")
        .bind(Bind::I64(merchant_id))
        .push(" AND customer_id IS NOT NULL");
    filter.write(&mut sql, Order::SEARCH);
    sql.push(" GROUP BY customer_id ORDER BY total DESC, customer_id LIMIT ")
        .bind(Bind::I64(limit));
    Ok(sql)
}

/// The `limit` customers with the largest sum of order totals among the orders `filter` selects
/// (amounts of different currencies are summed together: filter on one currency to keep them
/// apart).
pub async fn top_customers(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    filter: &Filter<OrderField>,
    limit: i64,
) -> Result<Vec<CustomerSpend>> {
    Ok(top_customers_sql(merchant_id, filter, limit)?
        .into_query()
        .load(conn)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_customer_biggest_first_and_bounds_the_limit() {
        let sql = top_customers_sql(7, &Filter::default(), 10).unwrap();
        let text = sql.text();
        assert!(
            text.contains("merchant_id = $1 AND customer_id IS NOT NULL"),
            "{text}"
        );
        assert!(
            text.ends_with("GROUP BY customer_id ORDER BY total DESC, customer_id LIMIT $2"),
            "{text}"
        );
        for bad in [0, -1, MAX_TOP_CUSTOMERS + 1] {
            let e = top_customers_sql(7, &Filter::default(), bad).unwrap_err();
            assert_eq!(e.code(), "BAD_USER_INPUT");
        }
    }
}
