//! Price lists (with their rules) and prices: the base price of a variant per currency, or its
//! price in a list.

pub mod bulk;
pub mod iso;
pub mod lists;
pub mod quote;
pub mod rules;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::schema::{price_lists, price_rules, prices};
use crate::domain::filter::{
    time_after_all, time_before_all, Listable, SortColumn, SortKind, SortValue,
};
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

pub const LIST_SORT_CREATED_AT: SortColumn = SortColumn {
    name: "createdAt",
    sql: "created_at",
    kind: SortKind::Time,
};
pub const LIST_SORT_NAME: SortColumn = SortColumn {
    name: "name",
    sql: "name",
    kind: SortKind::Text,
};
pub const LIST_SORT_POSITION: SortColumn = SortColumn {
    name: "position",
    sql: "position::numeric",
    kind: SortKind::Decimal,
};

pub const LIST_SORT_UPDATED_AT: SortColumn = SortColumn {
    name: "updatedAt",
    sql: "updated_at",
    kind: SortKind::Time,
};
/// Lists without a start sort as the earliest.
pub const LIST_SORT_STARTS_AT: SortColumn = SortColumn {
    name: "startsAt",
    sql: "coalesce(starts_at, timestamptz '0001-01-01 00:00:00+00')",
    kind: SortKind::Time,
};
/// Lists without an end sort as the latest.
pub const LIST_SORT_ENDS_AT: SortColumn = SortColumn {
    name: "endsAt",
    sql: "coalesce(ends_at, timestamptz '9999-12-31 23:59:59+00')",
    kind: SortKind::Time,
};

impl Listable for PriceList {
    const SEARCH: &'static [&'static str] = &["name", "description"];

    fn sort_value(&self, column: SortColumn) -> SortValue {
        match column.name {
            "name" => SortValue::Text(self.name.clone()),
            "position" => SortValue::Decimal(Decimal::from(self.position)),
            "updatedAt" => SortValue::Time(self.updated_at),
            "startsAt" => SortValue::Time(self.starts_at.unwrap_or_else(time_before_all)),
            "endsAt" => SortValue::Time(self.ends_at.unwrap_or_else(time_after_all)),
            _ => SortValue::Time(self.created_at),
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
    pub customer_group_id: Option<i64>,
    pub channel_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub min_quantity: Option<i32>,
    pub market_code: Option<String>,
    pub created_at: DateTime<Utc>,
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

pub const PRICE_SORT_CREATED_AT: SortColumn = SortColumn {
    name: "createdAt",
    sql: "created_at",
    kind: SortKind::Time,
};
pub const PRICE_SORT_AMOUNT: SortColumn = SortColumn {
    name: "amount",
    sql: "amount",
    kind: SortKind::Decimal,
};

pub const PRICE_SORT_UPDATED_AT: SortColumn = SortColumn {
    name: "updatedAt",
    sql: "updated_at",
    kind: SortKind::Time,
};

impl Listable for Price {
    const SEARCH: &'static [&'static str] = &["currency"];

    fn sort_value(&self, column: SortColumn) -> SortValue {
        match column.name {
            "amount" => SortValue::Decimal(self.amount),
            "updatedAt" => SortValue::Time(self.updated_at),
            _ => SortValue::Time(self.created_at),
        }
    }
}
