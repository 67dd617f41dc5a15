//! Catalog rows: products and their variants, and loading variants with their products.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::{products, variants};
use crate::domain::filter::Row;

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
    /// Distinct, sorted.
    pub tags: Vec<String>,
    /// The master variant's base price in the merchant's default currency (kept by triggers,
    /// for the PRICE sort).
    pub price_amount: Option<rust_decimal::Decimal>,
    /// Units on complete orders (kept by triggers, for the BEST_SELLING sort).
    pub units_sold: i64,
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

// Reads see live rows only (retired products and variants are kept for the orders that sold
// them, see migration `retired_products`); the alias keeps the table's name for filters that
// correlate on it (`products.id`). Line items read the tables themselves
// ([`variants_with_products`]).
impl Row for Product {
    const TABLE: &'static str = "live_products products";

    fn id(&self) -> i64 {
        self.id
    }
}

impl Row for Variant {
    const TABLE: &'static str = "live_variants variants";

    fn id(&self) -> i64 {
        self.id
    }
}

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
