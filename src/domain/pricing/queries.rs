//! Reads of price lists and prices: what their lists filter on and sort by, and a variant's
//! base price.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;

use super::{Price, PriceList, PriceRule};
use crate::db::schema::prices;
use crate::domain::filter::{time_after_all, time_before_all, Listable, SortValue, TopChild};
use crate::error::Result;

crate::filter_fields! {
    /// What a price list list can be filtered on.
    pub enum PriceListField {
        Id => "id",
        Name => "name",
        Status => "status",
        StartsAt => "starts_at",
        EndsAt => "ends_at",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
}

crate::sort_keys! {
    /// What a price list list can be sorted by.
    pub enum PriceListSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        Name => ("name", "name", Text),
        /// Cast to numeric so cursors carry it as a decimal.
        Position => ("position", "position::numeric", Decimal),
        UpdatedAt => ("updatedAt", "updated_at", Time),
        /// Lists without a start sort as the earliest.
        StartsAt => (
            "startsAt",
            "coalesce(starts_at, timestamptz '0001-01-01 00:00:00+00')",
            Time
        ),
        /// Lists without an end sort as the latest.
        EndsAt => (
            "endsAt",
            "coalesce(ends_at, timestamptz '9999-12-31 23:59:59+00')",
            Time
        ),
    }
}

impl Listable for PriceList {
    type Field = PriceListField;
    type SortKey = PriceListSortKey;
    const SEARCH: &'static [&'static str] = &["name", "description"];

    fn sort_value(&self, key: PriceListSortKey) -> SortValue {
        match key {
            PriceListSortKey::CreatedAt => SortValue::Time(self.created_at),
            PriceListSortKey::Name => SortValue::Text(self.name.clone()),
            PriceListSortKey::Position => SortValue::Decimal(Decimal::from(self.position)),
            PriceListSortKey::UpdatedAt => SortValue::Time(self.updated_at),
            PriceListSortKey::StartsAt => {
                SortValue::Time(self.starts_at.unwrap_or_else(time_before_all))
            }
            PriceListSortKey::EndsAt => {
                SortValue::Time(self.ends_at.unwrap_or_else(time_after_all))
            }
        }
    }
}

crate::filter_fields! {
    /// What a price list can be filtered on.
    pub enum PriceField {
        Id => "id",
        VariantId => "variant_id",
        PriceListId => "price_list_id",
        Currency => "currency",
        Amount => "amount",
        CompareAtAmount => "compare_at_amount",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
}

crate::sort_keys! {
    /// What a price list can be sorted by.
    pub enum PriceSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        Amount => ("amount", "amount", Decimal),
        UpdatedAt => ("updatedAt", "updated_at", Time),
        /// The variant's product name, then the variant: the name and the zero-padded variant
        /// key as one text compared by code point (chr(1) sorts before any character of a name).
        VariantProductName => (
            "variantProductName",
            "(SELECT (pr.name || chr(1) || lpad(v.id::text, 19, '0')) COLLATE \"C\" \
             FROM variants v JOIN products pr ON pr.merchant_id = v.merchant_id AND pr.id = v.product_id \
             WHERE v.merchant_id = prices.merchant_id AND v.id = prices.variant_id)",
            Text
        ),
        /// The variant (its key), cast to numeric so cursors carry it as a decimal.
        VariantId => ("variantId", "variant_id::numeric", Decimal),
    }
}

impl Listable for Price {
    type Field = PriceField;
    type SortKey = PriceSortKey;
    const SEARCH: &'static [&'static str] = &["currency"];

    fn sort_value(&self, key: PriceSortKey) -> SortValue {
        match key {
            PriceSortKey::CreatedAt => SortValue::Time(self.created_at),
            PriceSortKey::Amount => SortValue::Decimal(self.amount),
            PriceSortKey::UpdatedAt => SortValue::Time(self.updated_at),
            PriceSortKey::VariantId => SortValue::Decimal(Decimal::from(self.variant_id)),
            // Not held by the row: `fetch_page` reads it (see `holds_sort_value`).
            PriceSortKey::VariantProductName => SortValue::Text(String::new()),
        }
    }

    fn holds_sort_value(key: PriceSortKey) -> bool {
        key != PriceSortKey::VariantProductName
    }
}

crate::child_of! {
    PriceRule => price_list_id,
    Price => variant_id,
}

impl TopChild for Price {
    const TOP_PARENT_COLUMN: &'static str = "price_list_id";
}

/// A variant's base price (the one of no price list) in `currency`, if it has one.
pub async fn base_price(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    variant_id: i64,
    currency: &str,
) -> Result<Option<Price>> {
    let rows: Vec<Price> = prices::table
        .filter(prices::merchant_id.eq(merchant_id))
        .filter(prices::variant_id.eq(variant_id))
        .filter(prices::currency.eq(currency))
        .filter(prices::price_list_id.is_null())
        .select(Price::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().next())
}

/// What a price list counts: its prices, and its products (those it is set up for and those
/// of the variants it prices), by product key.
#[derive(Debug, Clone, Default, QueryableByName)]
pub struct ListStats {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub price_list_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub prices_count: i64,
    #[diesel(sql_type = diesel::sql_types::Array<diesel::sql_types::BigInt>)]
    pub product_ids: Vec<i64>,
}

/// [`ListStats`] of each of `list_ids` (of the merchant), in ONE statement.
pub async fn list_stats(
    conn: &mut AsyncPgConnection,
    merchant_id: i64,
    list_ids: &[i64],
) -> Result<Vec<ListStats>> {
    use crate::db::sql::{Bind, Sql};
    Ok(Sql::with_binds(
        "SELECT l.id AS price_list_id, \
           (SELECT count(*) FROM prices p WHERE p.merchant_id = $1 AND p.price_list_id = l.id) AS prices_count, \
           ARRAY(SELECT m.product_id FROM price_list_products m \
                 WHERE m.merchant_id = $1 AND m.price_list_id = l.id \
                 UNION \
                 SELECT v.product_id FROM prices p \
                 JOIN variants v ON v.merchant_id = p.merchant_id AND v.id = p.variant_id \
                 WHERE p.merchant_id = $1 AND p.price_list_id = l.id \
                 ORDER BY 1) AS product_ids \
         FROM price_lists l WHERE l.merchant_id = $1 AND l.id = ANY($2)",
        vec![Bind::I64(merchant_id), Bind::I64s(list_ids.to_vec())],
    )
    .into_query()
    .load(conn)
    .await?)
}
