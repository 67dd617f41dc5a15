//! The small catalog prices, line items and promotions need: products and their variants.

pub mod product_commands;
pub mod slug;
pub mod variant_commands;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{products, variants};
use crate::domain::filter::{Listable, Row, SortColumn, SortKind, SortValue};

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

impl Row for Product {
    const TABLE: &'static str = "products";

    fn id(&self) -> i64 {
        self.id
    }
}

impl Listable for Product {
    const SEARCH: &'static [&'static str] = &["name", "slug"];

    fn sort_value(&self, column: SortColumn) -> SortValue {
        match column.sql {
            "name" => SortValue::Text(self.name.clone()),
            "updated_at" => SortValue::Time(self.updated_at),
            _ => SortValue::Time(self.created_at),
        }
    }
}

impl Row for Variant {
    const TABLE: &'static str = "variants";

    fn id(&self) -> i64 {
        self.id
    }
}

impl Listable for Variant {
    const SEARCH: &'static [&'static str] = &["sku", "options_text"];

    fn sort_value(&self, column: SortColumn) -> SortValue {
        match column.name {
            "sku" => SortValue::Text(self.sku.clone().unwrap_or_default()),
            "updatedAt" => SortValue::Time(self.updated_at),
            "position" => SortValue::Decimal(rust_decimal::Decimal::from(self.position)),
            _ => SortValue::Time(self.created_at),
        }
    }
}

pub const SORT_UPDATED_AT: SortColumn = SortColumn {
    name: "updatedAt",
    sql: "updated_at",
    kind: SortKind::Time,
};
/// Variants by position, cast to numeric so cursors carry it as a decimal (see the
/// `variants_position_sort` index).
pub const SORT_POSITION: SortColumn = SortColumn {
    name: "position",
    sql: "position::numeric",
    kind: SortKind::Decimal,
};
pub const SORT_SKU: SortColumn = SortColumn {
    name: "sku",
    sql: "coalesce(sku, '')",
    kind: SortKind::Text,
};

/// Variants with their products, in one join: a line item almost always shows both.
pub async fn variants_with_products(
    conn: &mut diesel_async::AsyncPgConnection,
    merchant_id: i64,
    ids: &[i64],
) -> crate::error::Result<Vec<(Variant, Product)>> {
    Ok(diesel_async::RunQueryDsl::load(
        variants::table
            .inner_join(
                products::table.on(products::merchant_id
                    .eq(variants::merchant_id)
                    .and(products::id.eq(variants::product_id))),
            )
            .filter(variants::merchant_id.eq(merchant_id))
            .filter(variants::id.eq_any(ids))
            .select((Variant::as_select(), Product::as_select())),
        conn,
    )
    .await?)
}
