//! Reads of products and variants: what their lists filter on and sort by.

use rust_decimal::Decimal;

use super::{Product, Variant};
use crate::domain::filter::{Listable, SortValue};

crate::filter_fields! {
    /// What a product list can be filtered on.
    pub enum ProductField {
        Id => "id",
        Name => "name",
        Slug => "slug",
        Status => "status",
        /// The tags array (`@>` / `&&`, served by the `products_tags` GIN index).
        Tags => "tags",
        /// The publications of the product row being filtered, ending with the channel key
        /// compared (served by the publications' primary key,
        /// `(merchant_id, channel_id, product_id)`): for `Op::RelatedIn`/`NoRelated`.
        PublicationChannel => "SELECT 1 FROM product_publications pp \
            WHERE pp.merchant_id = products.merchant_id AND pp.product_id = products.id \
            AND pp.channel_id",
        /// The master variant's base price in the default currency (the rollup the `Price`
        /// sort reads; null without one).
        Price => "price_amount",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
}

crate::sort_keys! {
    /// What a product list can be sorted by.
    pub enum ProductSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        UpdatedAt => ("updatedAt", "updated_at", Time),
        Name => ("name", "name", Text),
        /// The master variant's base price in the default currency; products without one sort
        /// as -1 (see the `products_price` index).
        Price => ("price", "coalesce(price_amount, -1)", Decimal),
        /// Best sellers first ascending: units on complete orders, negated (see the
        /// `products_best_selling` index).
        BestSelling => ("bestSelling", "(-units_sold)::numeric", Decimal),
    }
}

impl Listable for Product {
    type Field = ProductField;
    type SortKey = ProductSortKey;
    const SEARCH: &'static [&'static str] = &["name", "slug"];

    fn sort_value(&self, key: ProductSortKey) -> SortValue {
        match key {
            ProductSortKey::CreatedAt => SortValue::Time(self.created_at),
            ProductSortKey::UpdatedAt => SortValue::Time(self.updated_at),
            ProductSortKey::Name => SortValue::Text(self.name.clone()),
            ProductSortKey::Price => {
                SortValue::Decimal(self.price_amount.unwrap_or(Decimal::NEGATIVE_ONE))
            }
            ProductSortKey::BestSelling => SortValue::Decimal(-Decimal::from(self.units_sold)),
        }
    }
}

crate::filter_fields! {
    /// What a variant list can be filtered on.
    pub enum VariantField {
        Id => "id",
        ProductId => "product_id",
        Sku => "sku",
        Position => "position",
        IsMaster => "is_master",
        CreatedAt => "created_at",
        UpdatedAt => "updated_at",
    }
}

crate::sort_keys! {
    /// What a variant list can be sorted by.
    pub enum VariantSortKey {
        CreatedAt => ("createdAt", "created_at", Time),
        UpdatedAt => ("updatedAt", "updated_at", Time),
        /// Variants by position, cast to numeric so cursors carry it as a decimal (see the
        /// `variants_position_sort` index).
        Position => ("position", "position::numeric", Decimal),
        /// Variants without a SKU sort as the empty text.
        Sku => ("sku", "coalesce(sku, '')", Text),
    }
}

impl Listable for Variant {
    type Field = VariantField;
    type SortKey = VariantSortKey;
    const SEARCH: &'static [&'static str] = &["sku", "options_text"];

    fn sort_value(&self, key: VariantSortKey) -> SortValue {
        match key {
            VariantSortKey::CreatedAt => SortValue::Time(self.created_at),
            VariantSortKey::UpdatedAt => SortValue::Time(self.updated_at),
            VariantSortKey::Position => SortValue::Decimal(Decimal::from(self.position)),
            VariantSortKey::Sku => SortValue::Text(self.sku.clone().unwrap_or_default()),
        }
    }
}

crate::child_of! {
    Variant => product_id,
}
