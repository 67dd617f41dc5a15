//! Pricing rows: price lists, their rules, and prices.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::schema::{price_lists, price_rules, prices};
use crate::impl_row;

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = price_lists, check_for_backend(diesel::pg::Pg))]
pub struct PriceList {
    pub merchant_id: i64,
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub status: String,
    pub position: i32,
    pub match_policy: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
impl_row!(PriceList, "price_lists");

impl PriceList {
    /// Whether the list applies at `at`: active, or scheduled with `at` inside its window.
    pub fn active_at(&self, at: DateTime<Utc>) -> bool {
        let in_window =
            self.starts_at.is_none_or(|s| s <= at) && self.ends_at.is_none_or(|e| at < e);
        match self.status.as_str() {
            "active" | "scheduled" => in_window,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = price_rules, check_for_backend(diesel::pg::Pg))]
pub struct PriceRule {
    pub merchant_id: i64,
    pub id: i64,
    pub price_list_id: i64,
    pub kind: String,
    pub min_quantity: Option<i32>,
    pub market_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// customer_group rules: the groups (any of them matches); empty for other kinds.
    pub customer_group_ids: Vec<i64>,
    /// channel rules: the channels (any of them matches); empty for other kinds.
    pub channel_ids: Vec<i64>,
    /// customer rules: the customers (any of them matches); empty for other kinds.
    pub customer_ids: Vec<i64>,
}
impl_row!(PriceRule, "price_rules");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = prices, check_for_backend(diesel::pg::Pg))]
pub struct Price {
    pub merchant_id: i64,
    pub id: i64,
    pub variant_id: i64,
    pub currency: String,
    pub price_list_id: Option<i64>,
    pub amount: Decimal,
    pub compare_at_amount: Option<Decimal>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
impl_row!(Price, "prices");
