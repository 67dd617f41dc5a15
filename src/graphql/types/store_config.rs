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
use crate::graphql::loaders;
use crate::ids::{self, Kind};

/// Who to contact at a store.
#[derive(SimpleObject)]
pub struct StoreContact {
    pub email: Option<String>,
    /// E.164 phone number.
    pub phone: Option<String>,
    pub name: Option<String>,
}

/// Where a store is.
#[derive(SimpleObject)]
pub struct StoreLocation {
    pub latitude: Option<Decimal>,
    pub longitude: Option<Decimal>,
    pub address_line_1: Option<String>,
    pub address_line_2: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    /// Numeric, 4–10 digits.
    pub postal_code: Option<String>,
    pub business_name: Option<String>,
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

#[Object]
impl StoreChannelConfig {
    /// Channel code (APP, WEB, KIOSK, POS…).
    async fn code(&self) -> &str {
        &self.0.channel_code
    }
    /// The integration's identifier of this channel configuration.
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    async fn uid(&self) -> uuid::Uuid {
        self.0.uid
    }
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

#[Object]
impl FulfillmentPricing<'_> {
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
pub struct DayHours {
    /// ISO time, e.g. "10:00:00".
    pub start_time: String,
    pub end_time: String,
}

/// Opening hours by weekday; a missing day is closed.
#[derive(SimpleObject, Deserialize, Clone, Default)]
pub struct WeeklySchedule {
    pub monday: Option<DayHours>,
    pub tuesday: Option<DayHours>,
    pub wednesday: Option<DayHours>,
    pub thursday: Option<DayHours>,
    pub friday: Option<DayHours>,
    pub saturday: Option<DayHours>,
    pub sunday: Option<DayHours>,
}

#[Object]
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
    async fn temporary_closed_until(&self) -> Option<DateTime<Utc>> {
        self.0.temporary_closed_until
    }
}

#[Object]
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
    async fn uid(&self) -> uuid::Uuid {
        self.0.uid
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Localized instructions, keyed by locale.
    async fn instructions(&self) -> Option<&serde_json::Value> {
        self.0.instructions.as_ref()
    }
    async fn pricing(&self) -> FulfillmentPricing<'_> {
        FulfillmentPricing(&self.0)
    }
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

#[Object]
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
    async fn tax_inclusive(&self) -> bool {
        self.0.tax_inclusive
    }
    /// Localized name, keyed by locale.
    async fn name(&self) -> &serde_json::Value {
        &self.0.name
    }
    async fn amount(&self) -> Decimal {
        money(self.0.amount)
    }
    /// 0–1.
    async fn percentage(&self) -> Decimal {
        self.0.percentage.normalize()
    }
}

/// A point of a polygon zone.
#[derive(SimpleObject)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

/// An area a fulfillment type serves: a radius around a point, or a polygon.
pub struct CoverageZone(pub d::CoverageZone);

#[Object]
impl CoverageZone {
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// RADIUS or POLYGON.
    #[graphql(name = "type")]
    async fn zone_type(&self) -> &str {
        &self.0.zone_type
    }
    async fn center_latitude(&self) -> Option<Decimal> {
        self.0.center_latitude.map(|d| d.normalize())
    }
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

#[Object]
impl StorePayments<'_> {
    /// Whether the store accepts orders.
    async fn orderable(&self) -> bool {
        self.0.orderable
    }
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

#[Object]
impl StorePaymentMethod {
    /// CREDIT, DEBIT, CASH, BANK_TRANSFER or OTHER.
    async fn method(&self) -> &str {
        &self.0.method
    }
    async fn minimum_order_value(&self) -> Decimal {
        money(self.0.minimum_order_value)
    }
    async fn maximum_order_value(&self) -> Decimal {
        money(self.0.maximum_order_value)
    }
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

#[Object]
impl PaymentProvider {
    /// Provider UUID.
    async fn id(&self) -> uuid::Uuid {
        self.0.provider_uid
    }
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

#[Object]
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
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    async fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at
    }
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// Whether the window includes now.
    async fn active(&self) -> bool {
        let now = Utc::now();
        self.0.starts_at <= now && now < self.0.ends_at
    }
}
