use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::schema::{line_items, orders};
use crate::domain::filter::Row;

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = orders, check_for_backend(diesel::pg::Pg))]
pub struct Order {
    pub merchant_id: i64,
    pub id: i64,
    pub number: String,
    pub status: String,
    pub payment_status: String,
    pub fulfillment_status: String,
    pub store_id: Option<i64>,
    pub channel_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub email: Option<String>,
    pub currency: String,
    pub item_count: i32,
    pub item_total: Decimal,
    pub discount_total: Decimal,
    pub tax_total: Decimal,
    pub delivery_total: Decimal,
    pub total: Decimal,
    pub coupon_code_id: Option<i64>,
    pub notes: Option<String>,
    pub metadata: serde_json::Value,
    pub external_id: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub canceled_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The buyer's note, shown to them (`notes` are staff-only).
    pub customer_note: Option<String>,
    /// The buyer's language (`en`, `en-US`), when given.
    pub locale: Option<String>,
}

impl Row for Order {
    const TABLE: &'static str = "orders";

    fn id(&self) -> i64 {
        self.id
    }
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = line_items, check_for_backend(diesel::pg::Pg))]
pub struct LineItem {
    pub merchant_id: i64,
    pub id: i64,
    pub order_id: i64,
    pub variant_id: i64,
    pub quantity: i32,
    pub price: Decimal,
    pub discount_total: Decimal,
    pub total: Decimal,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Free key/value data of the line (a JSON object).
    pub metadata: serde_json::Value,
}

impl Row for LineItem {
    const TABLE: &'static str = "line_items";

    fn id(&self) -> i64 {
        self.id
    }
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = crate::db::schema::payments, check_for_backend(diesel::pg::Pg))]
pub struct Payment {
    pub merchant_id: i64,
    pub id: i64,
    pub order_id: i64,
    pub method: String,
    pub status: String,
    pub amount: Decimal,
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
crate::impl_row!(Payment, "payments");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = crate::db::schema::fulfillments, check_for_backend(diesel::pg::Pg))]
pub struct Fulfillment {
    pub merchant_id: i64,
    pub id: i64,
    pub order_id: i64,
    pub fulfillment_type: String,
    pub status: String,
    pub tracking_number: Option<String>,
    pub fulfilled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
crate::impl_row!(Fulfillment, "fulfillments");

/// A discount on an order (or one of its line items), usually from a promotion.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = crate::db::schema::adjustments, check_for_backend(diesel::pg::Pg))]
pub struct Adjustment {
    pub merchant_id: i64,
    pub id: i64,
    pub order_id: i64,
    pub line_item_id: Option<i64>,
    pub promotion_id: Option<i64>,
    pub coupon_code_id: Option<i64>,
    pub label: String,
    pub amount: Decimal,
    pub created_at: DateTime<Utc>,
}
crate::impl_row!(Adjustment, "adjustments");

/// A billing or shipping address of an order: a copy, not a reference, so the order keeps it
/// whatever happens to the customer's address book. IDs share the `addresses` sequence.
#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = crate::db::schema::order_addresses, check_for_backend(diesel::pg::Pg))]
pub struct OrderAddress {
    pub merchant_id: i64,
    pub id: i64,
    pub order_id: i64,
    /// `billing` or `shipping`.
    pub kind: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub address1: String,
    pub address2: Option<String>,
    pub city: String,
    pub zipcode: Option<String>,
    pub state_name: Option<String>,
    pub country_code: String,
    pub phone: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
crate::impl_row!(OrderAddress, "order_addresses");
