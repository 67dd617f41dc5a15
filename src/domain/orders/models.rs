use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::schema::{line_items, orders};
use crate::domain::filter::{Listable, SortColumn, SortKind, SortValue};

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
    pub notes: Option<String>,
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
pub const SORT_TOTAL: SortColumn = SortColumn {
    name: "total",
    sql: "total",
    kind: SortKind::Decimal,
};

impl Listable for Order {
    const TABLE: &'static str = "orders";
    const SEARCH: &'static [&'static str] = &["number", "email"];

    fn id(&self) -> i64 {
        self.id
    }

    fn sort_value(&self, column: SortColumn) -> SortValue {
        match column.sql {
            "updated_at" => SortValue::Time(self.updated_at),
            "number" => SortValue::Text(self.number.clone()),
            "total" => SortValue::Decimal(self.total),
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

impl Listable for LineItem {
    const TABLE: &'static str = "line_items";

    fn id(&self) -> i64 {
        self.id
    }

    fn sort_value(&self, _column: SortColumn) -> SortValue {
        SortValue::Time(self.created_at)
    }
}
