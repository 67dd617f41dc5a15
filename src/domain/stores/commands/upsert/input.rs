//! The body of the Fire spark integrations `PUT /stores` upsert, one element per store, exactly as
//! `firespark-integrations-upsert-stores.txt` documents it (snake_case keys).
//!
//! These structs are built with serde *after* [`super`]'s validator has walked the raw JSON
//! (which is what names a bad field by its path); unknown keys are ignored (for instance the
//! read-only `cms` of store responses).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

/// Localized text keyed by locale (`{"en": "Delivery fee", "es": "Envío"}`).
pub type Localized = BTreeMap<String, String>;

/// `Some(None)` when the key is present with `null`, `None` when the key is absent.
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// One element of the request array.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StoreInput {
    /// The POS/RMS identifier: the upsert key.
    pub id: String,
    /// External brand identifier; absent or null = keep (update) / none (create).
    #[serde(default, deserialize_with = "nullable")]
    pub brand_id: Option<Option<String>>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub timezone: Option<String>,
    pub contact: Option<ContactInput>,
    pub location: Option<LocationInput>,
    /// Keyed by channel code (APP, WEB…).
    pub channels: Option<BTreeMap<String, ChannelInput>>,
    pub payments: Option<PaymentsInput>,
    /// Absent = keep, null = remove the template.
    #[serde(default, deserialize_with = "nullable")]
    pub cms_template_id: Option<Option<Uuid>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ContactInput {
    pub email: String,
    pub phone: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LocationInput {
    pub latitude: Decimal,
    pub longitude: Decimal,
    pub address_line_1: String,
    pub address_line_2: Option<String>,
    pub city: String,
    pub country: String,
    pub postal_code: String,
    pub business_name: String,
    pub unit_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChannelInput {
    pub id: String,
    pub uid: Uuid,
    pub name: String,
    /// Keyed by fulfillment type (DELIVERY, PICKUP…).
    pub fulfillment: BTreeMap<String, FulfillmentInput>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FulfillmentInput {
    pub uid: Uuid,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub pricing: PricingInput,
    pub coverage_zones: Vec<CoverageZoneInput>,
    pub availability: AvailabilityInput,
    pub instructions: Option<Localized>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PricingInput {
    pub is_tax_inclusive: Option<bool>,
    pub minimum_order_value: Option<Decimal>,
    pub maximum_order_value: Option<Decimal>,
    pub tax_rate: Option<Decimal>,
    #[serde(default)]
    pub fees: Vec<FeeInput>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FeeInput {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub tax_inclusive: bool,
    pub name: Localized,
    pub amount: Decimal,
    pub percentage: Decimal,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CoverageZoneInput {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub radius_info: Option<RadiusInfo>,
    pub polygon_info: Option<PolygonInfo>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RadiusInfo {
    pub latitude: Decimal,
    pub longitude: Decimal,
    /// Meters, 0–100,000.
    pub radius: Decimal,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PolygonInfo {
    /// `[[lat, lng], …]`.
    pub polygon: Vec<[f64; 2]>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AvailabilityInput {
    pub status: String,
    /// Null (or absent) = no schedule restriction.
    pub schedules: Option<Vec<BTreeMap<String, DayHoursInput>>>,
    pub temporary_closed_reason: Option<Localized>,
    pub temporary_closed_until: Option<DateTime<FixedOffset>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct DayHoursInput {
    pub start_time: String,
    pub end_time: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PaymentsInput {
    pub orderable: Option<bool>,
    pub methods: Option<Vec<PaymentMethodInput>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PaymentMethodInput {
    pub method: String,
    pub minimum_order_value: Decimal,
    pub maximum_order_value: Decimal,
    pub providers: Vec<ProviderInput>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ProviderInput {
    pub id: Uuid,
    pub name: String,
    pub status: String,
}
