use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::catalog::Product;
use super::store_config::{
    self as cfg, StoreChannelConfig, StoreContact, StoreLocation, StorePayments,
    StoreScheduledOverride,
};
use crate::domain::stores::config as dcfg;
use crate::domain::{channels as dch, stores as d};
use crate::graphql::connection::MAX_PAGE;
use crate::graphql::errors::bad_input;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// A location of the merchant, as synced from its POS or RMS.
pub struct Store(pub d::Store);

/// A location of the merchant (`st_…`), as synced from its POS or RMS through `storesUpsert` (the Fire spark integrations shape).
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Store {
    /// Public ID (`st_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Store, self.0.id))
    }
    /// The POS/RMS identifier: the upsert key, immutable.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// Store name shown to shoppers and staff, 1–100 characters (Fire spark `name`).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// ACTIVE or INACTIVE.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// IANA timezone.
    async fn timezone(&self) -> &str {
        &self.0.timezone
    }
    /// Contact email (Fire spark `contact.email`); null when no contact was synced.
    async fn contact_email(&self) -> Option<&str> {
        self.0.contact_email.as_deref()
    }
    /// E.164 phone number.
    async fn contact_phone(&self) -> Option<&str> {
        self.0.contact_phone.as_deref()
    }
    /// City, 1–100 characters (Fire spark `location.city`).
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    /// Country as synced, free text of 1–100 characters such as "Ecuador" (Fire spark `location.country`), not an ISO code.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    /// Postal code, 4–10 digits (Fire spark `location.postal_code`).
    async fn postal_code(&self) -> Option<&str> {
        self.0.postal_code.as_deref()
    }
    /// Latitude in decimal degrees, −90 to 90, up to 6 decimals (Fire spark `location.latitude`).
    async fn latitude(&self) -> Option<Decimal> {
        self.0.latitude.map(|d| d.normalize())
    }
    /// Longitude in decimal degrees, −180 to 180, up to 6 decimals (Fire spark `location.longitude`).
    async fn longitude(&self) -> Option<Decimal> {
        self.0.longitude.map(|d| d.normalize())
    }
    /// Whether the store currently accepts orders.
    async fn orderable(&self) -> bool {
        self.0.orderable
    }
    /// When the store was first upserted.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the store last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// The brand the store trades under.
    async fn brand(&self, ctx: &Context<'_>) -> GqlResult<Option<Brand>> {
        Ok(loaders::load_opt(ctx, self.0.brand_id).await?.map(Brand))
    }
    /// Email, E.164 phone and name; null when none was synced.
    async fn contact(&self) -> Option<StoreContact> {
        cfg::contact(&self.0)
    }
    /// Address and coordinates; null when none was synced.
    async fn location(&self) -> Option<StoreLocation> {
        cfg::location(&self.0)
    }
    /// Per-channel fulfillment configuration.
    async fn channels(&self, ctx: &Context<'_>) -> GqlResult<Vec<StoreChannelConfig>> {
        Ok(loaders::children::<dcfg::StoreChannel>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(StoreChannelConfig)
            .collect())
    }
    /// Payment methods and whether the store accepts orders.
    async fn payments(&self) -> StorePayments<'_> {
        StorePayments(&self.0)
    }
    /// CMS template assigned to the store.
    async fn cms_template_id(&self) -> Option<uuid::Uuid> {
        self.0.cms_template_id
    }
    /// Field changes scheduled for time windows (past, running and future).
    async fn scheduled_overrides(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Vec<StoreScheduledOverride>> {
        Ok(loaders::children::<dcfg::ScheduledOverride>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(StoreScheduledOverride)
            .collect())
    }
}

/// A brand of the merchant.
pub struct Brand(pub d::Brand);

/// A brand of the merchant (`br_…`); stores trade under one, and `storesUpsert(brandId:)` is scoped to it.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Brand {
    /// Public ID (`br_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Brand, self.0.id))
    }
    /// External brand identifier (the `x-brand-id` of integrations).
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// Brand name, at most 100 characters (may be empty).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// When the gateway first saw the brand (its first `storesUpsert` naming it, or the seed).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A sales channel: APP, WEB, KIOSK, POS…
pub struct Channel(pub dch::Channel);

/// A sales channel (`ch_…`): APP, WEB, KIOSK, POS…; orders, price rules and product publications refer to it.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl Channel {
    /// Public ID (`ch_…`).
    pub async fn id(&self) -> ID {
        ID(ids::encode(Kind::Channel, self.0.id))
    }
    /// Upper-case code, unique per merchant.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Display name, 1–100 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Whether the channel is in use. A flag only: nothing is refused on an inactive channel; deactivate a channel that orders reference instead of deleting it.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// Whether orders without a channel are attributed to this one.
    async fn is_default(&self) -> bool {
        self.0.is_default
    }
    /// When the channel was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the channel last changed; send it back as `expectedUpdatedAt` to refuse an update that would overwrite a newer change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Products published on this channel (the first `first` by creation; requires
    /// `catalog:read`); use `products(filter: {channelId…})` at the root to page through all of
    /// them.
    #[graphql(complexity = "first.unwrap_or(50).clamp(1, 250) as usize * child_complexity")]
    async fn products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 250.", default = 50)] first: Option<i32>,
    ) -> GqlResult<Option<Vec<Product>>> {
        let n = page_size(first, 50)?;
        Ok(Some(
            loaders::via::<loaders::ProductsOfChannel, _>(ctx, (self.0.id, n))
                .await?
                .unwrap_or_default()
                .into_iter()
                .map(Product)
                .collect(),
        ))
    }
}

/// Validates the `first` of a nested list.
pub fn page_size(first: Option<i32>, default: i32) -> GqlResult<i64> {
    let n = first.unwrap_or(default);
    if !(1..=MAX_PAGE).contains(&n) {
        return Err(bad_input(
            "first",
            format!("`first` must be between 1 and {MAX_PAGE}, got {n}"),
        ));
    }
    Ok(n as i64)
}
