//! The rows the upsert writes, built from the inputs, and what an element changes of a stored
//! store (for scheduled-override conflicts).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use super::input::StoreInput;
use crate::db::schema::{store_fulfillments, stores};
use crate::domain::stores::Store;

pub(super) fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Whether override field `a` and changed field `b` touch the same data.
pub(super) fn overlaps(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}."))
}

/// The dotted fields an element changes on `old` (see the module documentation).
pub(super) fn changed_fields(s: &StoreInput, old: &Store, brand: Option<i64>) -> Vec<String> {
    let mut out = Vec::new();
    let mut diff = |name: &str, changed: bool| {
        if changed {
            out.push(name.to_owned());
        }
    };
    diff("name", s.name.as_ref().is_some_and(|v| *v != old.name));
    diff(
        "status",
        s.status.as_ref().is_some_and(|v| *v != old.status),
    );
    diff(
        "timezone",
        s.timezone.as_ref().is_some_and(|v| *v != old.timezone),
    );
    diff("brand_id", brand.is_some_and(|b| Some(b) != old.brand_id));
    diff(
        "cms_template_id",
        s.cms_template_id.is_some_and(|v| v != old.cms_template_id),
    );
    diff(
        "contact",
        s.contact.as_ref().is_some_and(|c| {
            Some(&c.email) != old.contact_email.as_ref()
                || Some(&c.phone) != old.contact_phone.as_ref()
                || c.name != old.contact_name
        }),
    );
    diff(
        "location",
        s.location.as_ref().is_some_and(|l| {
            !same_decimal(l.latitude, old.latitude)
                || !same_decimal(l.longitude, old.longitude)
                || Some(&l.address_line_1) != old.address_line_1.as_ref()
                || l.address_line_2 != old.address_line_2
                || Some(&l.city) != old.city.as_ref()
                || Some(&l.country) != old.country.as_ref()
                || Some(&l.postal_code) != old.postal_code.as_ref()
                || Some(&l.business_name) != old.business_name.as_ref()
                || l.unit_number != old.unit_number
        }),
    );
    if let Some(chs) = &s.channels {
        diff("channels", true);
        let _ = chs;
    }
    if let Some(p) = &s.payments {
        diff(
            "payments.orderable",
            p.orderable.is_some_and(|o| o != old.orderable),
        );
        diff("payments.methods", p.methods.is_some());
    }
    out
}

/// Compares at the column's scale (6 decimals).
fn same_decimal(new: Decimal, old: Option<Decimal>) -> bool {
    old.is_some_and(|o| new.round_dp(6) == o.round_dp(6))
}

#[derive(Insertable)]
#[diesel(table_name = stores)]
pub(super) struct NewStore {
    pub(super) merchant_id: i64,
    pub(super) external_id: String,
    pub(super) brand_id: Option<i64>,
    pub(super) name: String,
    pub(super) status: Option<String>,
    pub(super) timezone: Option<String>,
    pub(super) contact_email: Option<String>,
    pub(super) contact_phone: Option<String>,
    pub(super) contact_name: Option<String>,
    pub(super) latitude: Option<Decimal>,
    pub(super) longitude: Option<Decimal>,
    pub(super) address_line_1: Option<String>,
    pub(super) address_line_2: Option<String>,
    pub(super) city: Option<String>,
    pub(super) country: Option<String>,
    pub(super) postal_code: Option<String>,
    pub(super) business_name: Option<String>,
    pub(super) unit_number: Option<String>,
    pub(super) orderable: Option<bool>,
    pub(super) cms_template_id: Option<Uuid>,
}

impl NewStore {
    pub(super) fn from_input(merchant_id: i64, s: &StoreInput, brand_id: Option<i64>) -> Self {
        let c = s.contact.as_ref();
        let l = s.location.as_ref();
        Self {
            merchant_id,
            external_id: s.id.clone(),
            brand_id,
            name: s.name.clone().unwrap_or_default(),
            status: s.status.clone(),
            timezone: s.timezone.clone(),
            contact_email: c.map(|c| c.email.clone()),
            contact_phone: c.map(|c| c.phone.clone()),
            contact_name: c.and_then(|c| c.name.clone()),
            latitude: l.map(|l| l.latitude),
            longitude: l.map(|l| l.longitude),
            address_line_1: l.map(|l| l.address_line_1.clone()),
            address_line_2: l.and_then(|l| l.address_line_2.clone()),
            city: l.map(|l| l.city.clone()),
            country: l.map(|l| l.country.clone()),
            postal_code: l.map(|l| l.postal_code.clone()),
            business_name: l.map(|l| l.business_name.clone()),
            unit_number: l.and_then(|l| l.unit_number.clone()),
            orderable: s.payments.as_ref().and_then(|p| p.orderable),
            cms_template_id: s.cms_template_id.flatten(),
        }
    }
}

/// `None` = keep the column; `Some(None)` = set it to NULL.
#[derive(AsChangeset)]
#[diesel(table_name = stores)]
pub(super) struct StoreChanges {
    pub(super) brand_id: Option<Option<i64>>,
    pub(super) name: Option<String>,
    pub(super) status: Option<String>,
    pub(super) timezone: Option<String>,
    pub(super) contact_email: Option<Option<String>>,
    pub(super) contact_phone: Option<Option<String>>,
    pub(super) contact_name: Option<Option<String>>,
    pub(super) latitude: Option<Option<Decimal>>,
    pub(super) longitude: Option<Option<Decimal>>,
    pub(super) address_line_1: Option<Option<String>>,
    pub(super) address_line_2: Option<Option<String>>,
    pub(super) city: Option<Option<String>>,
    pub(super) country: Option<Option<String>>,
    pub(super) postal_code: Option<Option<String>>,
    pub(super) business_name: Option<Option<String>>,
    pub(super) unit_number: Option<Option<String>>,
    pub(super) orderable: Option<bool>,
    pub(super) cms_template_id: Option<Option<Uuid>>,
    pub(super) updated_at: DateTime<Utc>,
}

impl StoreChanges {
    pub(super) fn from_input(s: &StoreInput, brand_id: Option<i64>, now: DateTime<Utc>) -> Self {
        let c = s.contact.as_ref();
        let l = s.location.as_ref();
        Self {
            brand_id: brand_id.map(Some),
            name: s.name.clone(),
            status: s.status.clone(),
            timezone: s.timezone.clone(),
            contact_email: c.map(|c| Some(c.email.clone())),
            contact_phone: c.map(|c| Some(c.phone.clone())),
            contact_name: c.map(|c| c.name.clone()),
            latitude: l.map(|l| Some(l.latitude)),
            longitude: l.map(|l| Some(l.longitude)),
            address_line_1: l.map(|l| Some(l.address_line_1.clone())),
            address_line_2: l.map(|l| l.address_line_2.clone()),
            city: l.map(|l| Some(l.city.clone())),
            country: l.map(|l| Some(l.country.clone())),
            postal_code: l.map(|l| Some(l.postal_code.clone())),
            business_name: l.map(|l| Some(l.business_name.clone())),
            unit_number: l.map(|l| l.unit_number.clone()),
            orderable: s.payments.as_ref().and_then(|p| p.orderable),
            cms_template_id: s.cms_template_id,
            updated_at: now,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = store_fulfillments)]
pub(super) struct NewFulfillment {
    pub(super) merchant_id: i64,
    pub(super) store_channel_id: i64,
    pub(super) fulfillment_type: String,
    pub(super) external_id: String,
    pub(super) uid: Uuid,
    pub(super) name: String,
    pub(super) instructions: Option<Value>,
    pub(super) is_tax_inclusive: bool,
    pub(super) minimum_order_value: Option<Decimal>,
    pub(super) maximum_order_value: Option<Decimal>,
    pub(super) tax_rate: Option<Decimal>,
    pub(super) availability_status: String,
    pub(super) schedules: Option<Value>,
    pub(super) temporary_closed_reason: Option<Value>,
    pub(super) temporary_closed_until: Option<DateTime<Utc>>,
}
