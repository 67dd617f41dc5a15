//! Reads of orders: what their lists filter on and sort by, and customers' recent orders.

use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use super::models::{Adjustment, Fulfillment, LineItem, Order, OrderAddress, Payment};
use crate::db::sql::{Bind, Sql};
use crate::domain::filter::{time_before_all, Listable, SortValue};
use crate::error::Result;

crate::filter_fields! {
    /// What an order list (and the order statistics) can be filtered on.
    pub enum OrderField {
        Id => "id",
        Number => "number",
        Status => "status",
        PaymentStatus => "payment_status",
        FulfillmentStatus => "fulfillment_status",
        Email => "email",
        Currency => "currency",
        CustomerId => "customer_id",
        StoreId => "store_id",
        ChannelId => "channel_id",
        ItemCount => "item_count",
        Total => "total",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
        CompletedAt => "completed_at",
    }
}

crate::sort_keys! {
    /// What an order list can be sorted by.
    pub enum OrderSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        UpdatedAt => ("updatedAt", "updated_at", Time),
        Number => ("number", "number", Text),
        /// Drafts have no completion time; they sort as the oldest (see the
        /// `orders_completed_sort` index).
        CompletedAt => (
            "completedAt",
            "coalesce(completed_at, timestamptz '0001-01-01 00:00:00+00')",
            Time
        ),
        /// Orders without an email sort as the empty one (see the `orders_email_sort` index).
        Email => ("email", "coalesce(email, '')", Text),
        /// Cast to numeric so cursors carry it as a decimal (see the `orders_item_count_sort`
        /// index).
        ItemCount => ("itemCount", "item_count::numeric", Decimal),
        Total => ("total", "total", Decimal),
    }
}

impl Listable for Order {
    type Field = OrderField;
    type SortKey = OrderSortKey;
    const SEARCH: &'static [&'static str] = &["number", "email"];

    fn sort_value(&self, key: OrderSortKey) -> SortValue {
        match key {
            OrderSortKey::CreatedAt => SortValue::Time(self.created_at),
            OrderSortKey::UpdatedAt => SortValue::Time(self.updated_at),
            OrderSortKey::Number => SortValue::Text(self.number.clone()),
            OrderSortKey::Total => SortValue::Decimal(self.total),
            OrderSortKey::Email => SortValue::Text(self.email.clone().unwrap_or_default()),
            OrderSortKey::ItemCount => SortValue::Decimal(Decimal::from(self.item_count)),
            OrderSortKey::CompletedAt => {
                SortValue::Time(self.completed_at.unwrap_or_else(time_before_all))
            }
        }
    }
}

crate::child_of! {
    LineItem => order_id,
    Payment => order_id,
    Fulfillment => order_id,
    Adjustment => order_id,
    OrderAddress => order_id,
}

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
