use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::schema::{line_items, orders};
use crate::domain::filter::{Listable, Row, SortColumn, SortKind, SortValue};

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
}

pub const SORT_CREATED_AT: SortColumn = SortColumn {
    name: "createdAt",
    sql: "created_at",
    kind: SortKind::Time,
};
pub const SORT_UPDATED_AT: SortColumn = SortColumn {
    name: "updatedAt",
    sql: "updated_at",
    kind: SortKind::Time,
};
pub const SORT_NUMBER: SortColumn = SortColumn {
    name: "number",
    sql: "number",
    kind: SortKind::Text,
};
/// Drafts have no completion time; they sort as the oldest (see the `orders_completed_sort` index).
pub const SORT_COMPLETED_AT: SortColumn = SortColumn {
    name: "completedAt",
    sql: "coalesce(completed_at, timestamptz '0001-01-01 00:00:00+00')",
    kind: SortKind::Time,
};

/// The sentinel `SORT_COMPLETED_AT` gives drafts: 0001-01-01T00:00:00Z.
fn never() -> DateTime<Utc> {
    chrono::NaiveDate::from_ymd_opt(1, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|n| n.and_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Orders without an email sort as the empty one (see the `orders_email_sort` index).
pub const SORT_EMAIL: SortColumn = SortColumn {
    name: "email",
    sql: "coalesce(email, '')",
    kind: SortKind::Text,
};
/// Cast to numeric so cursors carry it as a decimal (see the `orders_item_count_sort` index).
pub const SORT_ITEM_COUNT: SortColumn = SortColumn {
    name: "itemCount",
    sql: "item_count::numeric",
    kind: SortKind::Decimal,
};

pub const SORT_TOTAL: SortColumn = SortColumn {
    name: "total",
    sql: "total",
    kind: SortKind::Decimal,
};

impl Row for Order {
    const TABLE: &'static str = "orders";

    fn id(&self) -> i64 {
        self.id
    }
}

impl Listable for Order {
    const SEARCH: &'static [&'static str] = &["number", "email"];

    fn sort_value(&self, column: SortColumn) -> SortValue {
        match column.name {
            "updatedAt" => SortValue::Time(self.updated_at),
            "number" => SortValue::Text(self.number.clone()),
            "total" => SortValue::Decimal(self.total),
            "email" => SortValue::Text(self.email.clone().unwrap_or_default()),
            "itemCount" => SortValue::Decimal(Decimal::from(self.item_count)),
            "completedAt" => SortValue::Time(self.completed_at.unwrap_or_else(never)),
            _ => SortValue::Time(self.created_at),
        }
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
}

impl Row for LineItem {
    const TABLE: &'static str = "line_items";

    fn id(&self) -> i64 {
        self.id
    }
}

impl Listable for LineItem {
    fn sort_value(&self, _column: SortColumn) -> SortValue {
        SortValue::Time(self.created_at)
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
