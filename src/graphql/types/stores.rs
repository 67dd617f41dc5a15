use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::brands::Brand;
use super::store_config::{
    self as cfg, StoreChannelConfig, StoreContact, StoreLocation, StorePayments,
    StoreScheduledOverride,
};
use crate::domain::stores as d;
use crate::domain::stores::config as dcfg;
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
