//! Acquisition figures: new customers per calendar period and how many of them bought.

use chrono::{DateTime, Utc};
use diesel::sql_types::{BigInt, Timestamptz};
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::db::sql::{Bind, Sql};
use crate::domain::filter::Filter;
use crate::domain::orders::stats::Period;
use crate::error::Result;

crate::filter_fields! {
    /// What the customers counted by [`customer_stats`] can be filtered on (`c` is the
    /// statement's alias of `customers`).
    pub enum NewCustomerField {
        CreatedAt => "c.created_at",
    }
}

/// New customers of one period.
#[derive(Debug, Clone, QueryableByName)]
pub struct CustomerStatsBucket {
    #[diesel(sql_type = Timestamptz)]
    pub period: DateTime<Utc>,
    #[diesel(sql_type = BigInt)]
    pub new_customers: i64,
    /// New customers of the period with at least one completed or returned order (ever).
    #[diesel(sql_type = BigInt)]
    pub with_orders: i64,
}

/// Customers created per `period` (cut in `timezone`, an IANA name already checked with
/// [`crate::domain::orders::stats::check_timezone`]), restricted by `filter`, with how many of them have a completed or returned order.
/// One statement; periods without new customers are absent; ordered by period.
pub async fn customer_stats(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    period: Period,
    timezone: &str,
    filter: &Filter<NewCustomerField>,
) -> Result<Vec<CustomerStatsBucket>> {
    let mut sql = Sql::new(
        "SELECT period, count(*) AS new_customers, count(*) FILTER (WHERE bought) AS with_orders \
         FROM (SELECT date_trunc('",
    );
    sql.push(period.sql())
        .push("', c.created_at AT TIME ZONE ")
        .bind(Bind::Text(timezone.to_owned()))
        .push(") AT TIME ZONE ")
        .bind(Bind::Text(timezone.to_owned()))
        .push(
            " AS period, \
             EXISTS (SELECT 1 FROM orders o \
               WHERE o.merchant_id = c.merchant_id AND o.customer_id = c.id \
                 AND o.status IN ('complete', 'returned')) AS bought \
             FROM customers c WHERE c.merchant_id = ",
        )
        .bind(Bind::I64(merchant_id));
    filter.write(&mut sql, &[]);
    // The EXISTS probes are index-only on `orders_purchases`. OFFSET 0 keeps the projection a
    // subquery so the planner hashes a few hundred periods instead of sorting every customer.
    sql.push(" OFFSET 0) AS s GROUP BY period ORDER BY period");
    Ok(sql.into_query().load(conn).await?)
}
