//! The small catalog prices, line items and promotions need: products and their variants.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{products, variants};
use crate::domain::filter::{Listable, SortColumn, SortKind, SortValue};

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = products, check_for_backend(diesel::pg::Pg))]
pub struct Product {
    pub merchant_id: i64,
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: Option<String>,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = variants, check_for_backend(diesel::pg::Pg))]
pub struct Variant {
    pub merchant_id: i64,
    pub id: i64,
    pub product_id: i64,
    pub sku: Option<String>,
    pub options_text: String,
    pub position: i32,
    pub is_master: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub const SORT_CREATED_AT: SortColumn = SortColumn {
    name: "createdAt",
    sql: "created_at",
    kind: SortKind::Time,
};
pub const SORT_NAME: SortColumn = SortColumn {
    name: "name",
    sql: "name",
    kind: SortKind::Text,
};

impl Listable for Product {
    const TABLE: &'static str = "products";
    const SEARCH: &'static [&'static str] = &["name", "slug"];

    fn id(&self) -> i64 {
        self.id
    }

    fn sort_value(&self, column: SortColumn) -> SortValue {
        match column.sql {
            "name" => SortValue::Text(self.name.clone()),
            _ => SortValue::Time(self.created_at),
        }
    }
}

impl Listable for Variant {
    const TABLE: &'static str = "variants";
    const SEARCH: &'static [&'static str] = &["sku", "options_text"];

    fn id(&self) -> i64 {
        self.id
    }

    fn sort_value(&self, _column: SortColumn) -> SortValue {
        SortValue::Time(self.created_at)
    }
}
