//! The per-channel fulfillment configuration, payments and scheduled overrides of a store.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::schema::{
    store_channels, store_coverage_zones, store_fulfillment_fees, store_fulfillments,
    store_payment_methods, store_payment_providers, store_scheduled_overrides,
};
use crate::impl_row;

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = store_channels, check_for_backend(diesel::pg::Pg))]
pub struct StoreChannel {
    pub merchant_id: i64,
    pub id: i64,
    pub store_id: i64,
    pub channel_code: String,
    pub external_id: String,
    pub uid: uuid::Uuid,
    pub name: String,
}
impl_row!(StoreChannel, "store_channels");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = store_fulfillments, check_for_backend(diesel::pg::Pg))]
pub struct StoreFulfillment {
    pub merchant_id: i64,
    pub id: i64,
    pub store_channel_id: i64,
    pub fulfillment_type: String,
    pub external_id: String,
    pub uid: uuid::Uuid,
    pub name: String,
    pub instructions: Option<serde_json::Value>,
    pub is_tax_inclusive: bool,
    pub minimum_order_value: Option<Decimal>,
    pub maximum_order_value: Option<Decimal>,
    pub tax_rate: Option<Decimal>,
    pub availability_status: String,
    pub schedules: Option<serde_json::Value>,
    pub temporary_closed_reason: Option<serde_json::Value>,
    pub temporary_closed_until: Option<DateTime<Utc>>,
}
impl_row!(StoreFulfillment, "store_fulfillments");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = store_fulfillment_fees, check_for_backend(diesel::pg::Pg))]
pub struct FulfillmentFee {
    pub merchant_id: i64,
    pub id: i64,
    pub fulfillment_id: i64,
    pub position: i32,
    pub external_id: String,
    pub fee_type: String,
    pub tax_inclusive: bool,
    pub name: serde_json::Value,
    pub amount: Decimal,
    pub percentage: Decimal,
}
impl_row!(FulfillmentFee, "store_fulfillment_fees");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = store_coverage_zones, check_for_backend(diesel::pg::Pg))]
pub struct CoverageZone {
    pub merchant_id: i64,
    pub id: i64,
    pub fulfillment_id: i64,
    pub position: i32,
    pub name: String,
    pub zone_type: String,
    pub center_latitude: Option<Decimal>,
    pub center_longitude: Option<Decimal>,
    pub radius_meters: Option<Decimal>,
    pub polygon: Option<serde_json::Value>,
}
impl_row!(CoverageZone, "store_coverage_zones");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = store_payment_methods, check_for_backend(diesel::pg::Pg))]
pub struct PaymentMethod {
    pub merchant_id: i64,
    pub id: i64,
    pub store_id: i64,
    pub position: i32,
    pub method: String,
    pub minimum_order_value: Decimal,
    pub maximum_order_value: Decimal,
}
impl_row!(PaymentMethod, "store_payment_methods");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = store_payment_providers, check_for_backend(diesel::pg::Pg))]
pub struct PaymentProvider {
    pub merchant_id: i64,
    pub id: i64,
    pub payment_method_id: i64,
    pub position: i32,
    pub provider_uid: uuid::Uuid,
    pub name: String,
    pub status: String,
}
impl_row!(PaymentProvider, "store_payment_providers");

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName)]
#[diesel(table_name = store_scheduled_overrides, check_for_backend(diesel::pg::Pg))]
pub struct ScheduledOverride {
    pub merchant_id: i64,
    pub id: i64,
    pub store_id: i64,
    pub field: String,
    pub value: serde_json::Value,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}
impl_row!(ScheduledOverride, "store_scheduled_overrides");
