//! The nested shape of a store, as `firespark-integrations-upsert-stores.txt` describes it:
//! contact, location, per-channel fulfillment (pricing, fees, coverage zones, availability),
//! payments, and scheduled overrides.

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::money;
use crate::domain::stores::config as d;
use crate::domain::stores::Store as StoreRow;
use crate::graphql::errors::GqlResult;
use crate::graphql::guards::EdgeScope;
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// Who to contact at a store.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct StoreContact {
    /// Contact email (Fire spark `contact.email`).
    pub email: Option<String>,
    /// E.164 phone number.
    pub phone: Option<String>,
    /// Contact person, 1–100 characters (Fire spark `contact.name`).
    pub name: Option<String>,
}

/// Where a store is.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct StoreLocation {
    /// Latitude in decimal degrees, −90 to 90 (Fire spark `location.latitude`).
    pub latitude: Option<Decimal>,
    /// Longitude in decimal degrees, −180 to 180 (Fire spark `location.longitude`).
    pub longitude: Option<Decimal>,
    /// First address line, 3–255 characters (Fire spark `location.address_line_1`).
    pub address_line_1: Option<String>,
    /// Second address line, 3–255 characters (Fire spark `location.address_line_2`).
    pub address_line_2: Option<String>,
    /// City, 1–100 characters (Fire spark `location.city`).
    pub city: Option<String>,
    /// Country as synced, free text of 1–100 characters (Fire spark `location.country`).
    pub country: Option<String>,
    /// Numeric, 4–10 digits.
    pub postal_code: Option<String>,
    /// Business name at this address, 1–100 characters (Fire spark `location.business_name`).
    pub business_name: Option<String>,
    /// Unit number, 1–10 digits (Fire spark `location.unit_number`).
    pub unit_number: Option<String>,
}

pub fn contact(s: &StoreRow) -> Option<StoreContact> {
    (s.contact_email.is_some() || s.contact_phone.is_some()).then(|| StoreContact {
        email: s.contact_email.clone(),
        phone: s.contact_phone.clone(),
        name: s.contact_name.clone(),
    })
}

pub fn location(s: &StoreRow) -> Option<StoreLocation> {
    (s.latitude.is_some() || s.address_line_1.is_some()).then(|| StoreLocation {
        latitude: s.latitude.map(|d| d.normalize()),
        longitude: s.longitude.map(|d| d.normalize()),
        address_line_1: s.address_line_1.clone(),
        address_line_2: s.address_line_2.clone(),
        city: s.city.clone(),
        country: s.country.clone(),
        postal_code: s.postal_code.clone(),
        business_name: s.business_name.clone(),
        unit_number: s.unit_number.clone(),
    })
}

/// A store's configuration for one sales channel (`channels.<CODE>` in the integrations API).
pub struct StoreChannelConfig(pub d::StoreChannel);

/// A store's configuration for one sales channel (`channels.<CODE>` of the Fire spark upsert body).
#[Object(guard = "EdgeScope::of::<Self>()")]
impl StoreChannelConfig {
    /// Channel code (APP, WEB, KIOSK, POS…).
    async fn code(&self) -> &str {
        &self.0.channel_code
    }
    /// The integration's identifier of this channel configuration.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// UUID the integration gave this channel configuration (Fire spark `uid`).
    async fn uid(&self) -> uuid::Uuid {
        self.0.uid
    }
    /// Name of the store on this channel, 1–100 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Fulfillment types offered on this channel (DELIVERY, PICKUP…).
    async fn fulfillment(&self, ctx: &Context<'_>) -> GqlResult<Vec<StoreFulfillment>> {
        Ok(loaders::children::<d::StoreFulfillment>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(StoreFulfillment)
            .collect())
    }
}

/// One fulfillment type of a store channel, with its pricing, zones and availability.
pub struct StoreFulfillment(pub d::StoreFulfillment);

/// Money rules of a fulfillment type.
pub struct FulfillmentPricing<'a>(&'a d::StoreFulfillment);

/// Money rules of a fulfillment type (Fire spark `pricing`): order value limits, tax and fees.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl FulfillmentPricing<'_> {
    /// Whether prices for this fulfillment type include tax (Fire spark `is_tax_inclusive`).
    async fn is_tax_inclusive(&self) -> bool {
        self.0.is_tax_inclusive
    }
    /// Smallest order accepted (≥ 0).
    async fn minimum_order_value(&self) -> Option<Decimal> {
        self.0.minimum_order_value.map(money)
    }
    /// Largest order accepted (0–1,000,000).
    async fn maximum_order_value(&self) -> Option<Decimal> {
        self.0.maximum_order_value.map(money)
    }
    /// Tax rate, 0–1.
    async fn tax_rate(&self) -> Option<Decimal> {
        self.0.tax_rate.map(|d| d.normalize())
    }
    /// Fees charged for this fulfillment type.
    async fn fees(&self, ctx: &Context<'_>) -> GqlResult<Vec<FulfillmentFee>> {
        Ok(loaders::children::<d::FulfillmentFee>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(FulfillmentFee)
            .collect())
    }
}

/// When a fulfillment type is available.
pub struct FulfillmentAvailability<'a>(&'a d::StoreFulfillment);

/// Opening hours of one day.
#[derive(SimpleObject, Deserialize, Clone)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct DayHours {
    /// ISO time, e.g. "10:00:00".
    pub start_time: String,
    /// ISO time the day's hours end, e.g. "22:00:00".
    pub end_time: String,
}

/// Opening hours by weekday; a missing day is closed.
#[derive(SimpleObject, Deserialize, Clone, Default)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct WeeklySchedule {
    /// Hours on Monday; null: closed that day.
    pub monday: Option<DayHours>,
    /// Hours on Tuesday; null: closed that day.
    pub tuesday: Option<DayHours>,
    /// Hours on Wednesday; null: closed that day.
    pub wednesday: Option<DayHours>,
    /// Hours on Thursday; null: closed that day.
    pub thursday: Option<DayHours>,
    /// Hours on Friday; null: closed that day.
    pub friday: Option<DayHours>,
    /// Hours on Saturday; null: closed that day.
    pub saturday: Option<DayHours>,
    /// Hours on Sunday; null: closed that day.
    pub sunday: Option<DayHours>,
}

/// When a fulfillment type is available (Fire spark `availability`): status, weekly hours, temporary closure.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl FulfillmentAvailability<'_> {
    /// OPEN, CLOSED or TEMPORARILY_CLOSED.
    async fn status(&self) -> &str {
        &self.0.availability_status
    }
    /// Weekly hour maps; null when there is no schedule restriction.
    async fn schedules(&self) -> Option<Vec<WeeklySchedule>> {
        let v = self.0.schedules.as_ref()?;
        serde_json::from_value(v.clone()).ok()
    }
    /// Localized reason, keyed by locale.
    async fn temporary_closed_reason(&self) -> Option<&serde_json::Value> {
        self.0.temporary_closed_reason.as_ref()
    }
    /// When a temporary closure ends; null when none was synced.
    async fn temporary_closed_until(&self) -> Option<DateTime<Utc>> {
        self.0.temporary_closed_until
    }
}

/// One fulfillment type of a store channel (`channels.<CODE>.fulfillment.<TYPE>`), with its pricing, coverage zones and availability.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl StoreFulfillment {
    /// DELIVERY, PICKUP…
    #[graphql(name = "type")]
    async fn fulfillment_type(&self) -> &str {
        &self.0.fulfillment_type
    }
    /// The integration's identifier.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// UUID the integration gave this fulfillment type (Fire spark `uid`).
    async fn uid(&self) -> uuid::Uuid {
        self.0.uid
    }
    /// Display name of this fulfillment option, 1–100 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Localized instructions, keyed by locale.
    async fn instructions(&self) -> Option<&serde_json::Value> {
        self.0.instructions.as_ref()
    }
    /// Order value limits, tax rate and fees of this fulfillment type.
    async fn pricing(&self) -> FulfillmentPricing<'_> {
        FulfillmentPricing(&self.0)
    }
    /// Open or closed, weekly hours and any temporary closure.
    async fn availability(&self) -> FulfillmentAvailability<'_> {
        FulfillmentAvailability(&self.0)
    }
    /// Areas served.
    async fn coverage_zones(&self, ctx: &Context<'_>) -> GqlResult<Vec<CoverageZone>> {
        Ok(loaders::children::<d::CoverageZone>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(CoverageZone)
            .collect())
    }
}

/// A fee of a fulfillment type.
pub struct FulfillmentFee(pub d::FulfillmentFee);

/// A fee of a fulfillment type (Fire spark `pricing.fees`): a fixed amount or a percentage.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl FulfillmentFee {
    /// The integration's identifier of the fee.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// FIXED or PERCENTAGE.
    #[graphql(name = "type")]
    async fn fee_type(&self) -> &str {
        &self.0.fee_type
    }
    /// Whether the fee includes tax.
    async fn tax_inclusive(&self) -> bool {
        self.0.tax_inclusive
    }
    /// Localized name, keyed by locale.
    async fn name(&self) -> &serde_json::Value {
        &self.0.name
    }
    /// Amount charged by a FIXED fee (≥ 0).
    async fn amount(&self) -> Decimal {
        money(self.0.amount)
    }
    /// Share of the order charged by a PERCENTAGE fee, 0–1 (0.05 = 5 %).
    async fn percentage(&self) -> Decimal {
        self.0.percentage.normalize()
    }
}

/// A point of a polygon zone.
#[derive(SimpleObject)]
#[graphql(guard = "EdgeScope::of::<Self>()")]
pub struct GeoPoint {
    /// Latitude in decimal degrees, −90 to 90.
    pub latitude: f64,
    /// Longitude in decimal degrees, −180 to 180.
    pub longitude: f64,
}

/// An area a fulfillment type serves: a radius around a point, or a polygon.
pub struct CoverageZone(pub d::CoverageZone);

/// An area a fulfillment type serves: a radius around a point, or a polygon.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl CoverageZone {
    /// Zone name, 1–100 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// RADIUS or POLYGON.
    #[graphql(name = "type")]
    async fn zone_type(&self) -> &str {
        &self.0.zone_type
    }
    /// RADIUS zones: latitude of the centre, −90 to 90; null for POLYGON zones.
    async fn center_latitude(&self) -> Option<Decimal> {
        self.0.center_latitude.map(|d| d.normalize())
    }
    /// RADIUS zones: longitude of the centre, −180 to 180; null for POLYGON zones.
    async fn center_longitude(&self) -> Option<Decimal> {
        self.0.center_longitude.map(|d| d.normalize())
    }
    /// Radius in meters (0–100,000).
    async fn radius_meters(&self) -> Option<Decimal> {
        self.0.radius_meters.map(|d| d.normalize())
    }
    /// Polygon vertices, for POLYGON zones.
    async fn polygon(&self) -> Option<Vec<GeoPoint>> {
        let pts: Vec<[f64; 2]> = serde_json::from_value(self.0.polygon.clone()?).ok()?;
        Some(
            pts.into_iter()
                .map(|[latitude, longitude]| GeoPoint {
                    latitude,
                    longitude,
                })
                .collect(),
        )
    }
}

/// Payment settings of a store.
pub struct StorePayments<'a>(pub &'a StoreRow);

/// Payment settings of a store (Fire spark `payments`).
#[Object(guard = "EdgeScope::of::<Self>()")]
impl StorePayments<'_> {
    /// Whether the store accepts orders.
    async fn orderable(&self) -> bool {
        self.0.orderable
    }
    /// Payment methods the store accepts.
    async fn methods(&self, ctx: &Context<'_>) -> GqlResult<Vec<StorePaymentMethod>> {
        Ok(loaders::children::<d::PaymentMethod>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(StorePaymentMethod)
            .collect())
    }
}

/// A payment method a store accepts.
pub struct StorePaymentMethod(pub d::PaymentMethod);

/// A payment method a store accepts, with the order values it is allowed for and its processors.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl StorePaymentMethod {
    /// CREDIT, DEBIT, CASH, BANK_TRANSFER or OTHER.
    async fn method(&self) -> &str {
        &self.0.method
    }
    /// Smallest order value this method may pay (≥ 0).
    async fn minimum_order_value(&self) -> Decimal {
        money(self.0.minimum_order_value)
    }
    /// Largest order value this method may pay (≥ 0).
    async fn maximum_order_value(&self) -> Decimal {
        money(self.0.maximum_order_value)
    }
    /// Processors behind this method.
    async fn providers(&self, ctx: &Context<'_>) -> GqlResult<Vec<PaymentProvider>> {
        Ok(loaders::children::<d::PaymentProvider>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(PaymentProvider)
            .collect())
    }
}

/// A processor behind a payment method.
pub struct PaymentProvider(pub d::PaymentProvider);

/// A processor behind a store payment method.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl PaymentProvider {
    /// Provider UUID.
    async fn id(&self) -> uuid::Uuid {
        self.0.provider_uid
    }
    /// Provider name, 1–100 characters.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// ACTIVE or INACTIVE.
    async fn status(&self) -> &str {
        &self.0.status
    }
}

/// A field change that applies to a store during a time window.
pub struct StoreScheduledOverride(pub d::ScheduledOverride);

/// A store field change (`sov_…`) that applies during a time window; until it ends, `storesUpsert` refuses to change the same field.
#[Object(guard = "EdgeScope::of::<Self>()")]
impl StoreScheduledOverride {
    /// Public ID (`sov_…`).
    async fn id(&self) -> ID {
        ID(ids::encode(Kind::ScheduledOverride, self.0.id))
    }
    /// Dotted path of the overridden field (e.g. `status`, `channels.APP.fulfillment.DELIVERY.availability`).
    async fn field(&self) -> &str {
        &self.0.field
    }
    /// The value the field takes during the window.
    async fn value(&self) -> &serde_json::Value {
        &self.0.value
    }
    /// When the override starts applying (inclusive).
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    /// When it stops applying (exclusive); always after `startsAt`.
    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at
    }
    /// Why, for staff (at most 500 characters); null when none was given.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Whether the window includes now.
    async fn active(&self) -> bool {
        let now = Utc::now();
        self.0.starts_at <= now && now < self.0.ends_at
    }
}
