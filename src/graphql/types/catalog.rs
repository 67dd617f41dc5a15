use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};

use super::channels::Channel;
use super::pricing::Price;
use super::publications::ProductPublication;
use crate::domain::catalog as d;
use crate::domain::pricing as dp;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// Something the merchant sells; bought through its variants.
pub struct Product(pub d::Product);

/// Something the merchant sells (`prod_…`); buyers pick one of its variants.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Product {
    /// Public ID (`prod_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Product, self.0.id))
    }
    /// Product name shown to shoppers and staff, 1–255 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// URL-friendly name, unique per merchant.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Long description (free text); null when none was given.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }
    /// draft, active or archived.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// When the product was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the product last changed; send it back as `expectedUpdatedAt` to refuse an update that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The purchasable versions of the product.
    async fn variants(&self, ctx: &Context<'_>) -> GqlResult<Vec<Variant>> {
        Ok(loaders::children::<d::Variant>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Variant::from)
            .collect())
    }
    /// The master variant: the product's default, which carries its base price (one of
    /// `variants`, read with them in the same statement).
    async fn master_variant(&self, ctx: &Context<'_>) -> GqlResult<Option<Variant>> {
        Ok(loaders::children::<d::Variant>(ctx, self.0.id)
            .await?
            .into_iter()
            .find(|v| v.is_master)
            .map(Variant::from))
    }
    /// Tags, distinct and sorted A to Z.
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }
    /// The sales channels the product is published on, by name (requires `stores:read`);
    /// scheduled and ended publications included (see `publications` for their windows).
    async fn channels(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Channel>>> {
        Ok(Some(
            loaders::via::<loaders::ChannelsOfProduct, _>(ctx, self.0.id)
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(Channel)
                .collect(),
        ))
    }
    /// Its publications on channels, with their windows (scheduled and ended ones too), by
    /// channel name. `channels` lists the same channels.
    async fn publications(&self, ctx: &Context<'_>) -> GqlResult<Vec<ProductPublication>> {
        Ok(
            loaders::via::<loaders::PublicationsOfProduct, _>(ctx, self.0.id)
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(ProductPublication)
                .collect(),
        )
    }
    /// The master variant's base price (no price list) in the shop's default currency; null
    /// when it has none (requires `pricing:read`).
    async fn price(&self, ctx: &Context<'_>) -> GqlResult<Option<Price>> {
        Ok(
            loaders::via::<loaders::DefaultPriceOfProduct, _>(ctx, self.0.id)
                .await?
                .map(Price),
        )
    }
    /// Every price of its variants, the master's included: base prices and price-list prices
    /// in every currency, by variant position, then currency (requires `pricing:read`).
    async fn prices(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Price>>> {
        Ok(Some(
            loaders::via::<loaders::PricesOfProduct, _>(ctx, self.0.id)
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(Price)
                .collect(),
        ))
    }
    /// Units of its variants on complete orders (the BEST_SELLING sort key).
    async fn units_sold(&self) -> i64 {
        self.0.units_sold
    }
}

/// A purchasable version of a product (size, colour…), identified by its SKU.
pub struct Variant {
    pub row: d::Variant,
    /// The product, when it was loaded together with the variant.
    pub product: Option<d::Product>,
}

impl From<d::Variant> for Variant {
    fn from(row: d::Variant) -> Self {
        Self { row, product: None }
    }
}

/// A purchasable version of a product (`variant_…`): size, colour…; prices and order lines point at variants.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Variant {
    /// Public ID (`variant_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Variant, self.row.id))
    }
    /// Stock keeping unit, unique per merchant.
    async fn sku(&self) -> Option<&str> {
        self.row.sku.as_deref()
    }
    /// Option values as text ("Size: M").
    async fn options_text(&self) -> &str {
        &self.row.options_text
    }
    /// Display position among the product's variants, lower first (`Product.variants` lists them by creation, not by this).
    async fn position(&self) -> i32 {
        self.row.position
    }
    /// Whether this is the product's default variant.
    async fn is_master(&self) -> bool {
        self.row.is_master
    }
    /// When the variant was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    /// Send it back as `expectedUpdatedAt` to refuse an update that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
    /// The product this variant belongs to.
    async fn product(&self, ctx: &Context<'_>) -> GqlResult<Option<Product>> {
        if let Some(p) = &self.product {
            return Ok(Some(Product(p.clone())));
        }
        Ok(loaders::load(ctx, self.row.product_id).await?.map(Product))
    }
    /// The base price (no price list) in the shop's default currency; null when it has none
    /// (requires `pricing:read`).
    async fn price(&self, ctx: &Context<'_>) -> GqlResult<Option<Price>> {
        Ok(
            loaders::via::<loaders::DefaultPriceOfVariant, _>(ctx, self.row.id)
                .await?
                .map(Price),
        )
    }
    /// Base prices and price-list prices of this variant (requires `pricing:read`).
    async fn prices(&self, ctx: &Context<'_>) -> GqlResult<Option<Vec<Price>>> {
        Ok(Some(
            loaders::children::<dp::Price>(ctx, self.row.id)
                .await?
                .into_iter()
                .map(Price)
                .collect(),
        ))
    }
}
