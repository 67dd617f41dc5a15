//! Every nested constraint of `storesUpsert` is checked with its path and code, one group of
//! the spec's fields per test: a case edits the spec example at a JSON pointer (`None` removes the
//! key) and sends it as the second store after a valid one.

use super::{count, example, setup, upsert};
use serde_json::{json, Value};

/// (JSON pointer into the example, new value (`None` = remove the key), expected path, code)
type Case = (String, Option<Value>, &'static str, &'static str);

/// Each case is refused naming `stores.1.<path>` with its code and creates nothing; after all of
/// them nothing was ever written, not even the valid first store.
async fn assert_each_refused(cases: Vec<Case>) {
    let (app, key) = setup().await;
    for (pointer, value, path, code) in cases {
        let mut body = example();
        let (parent, last) = pointer.rsplit_once('/').unwrap();
        let target = if parent.is_empty() {
            &mut body
        } else {
            body.pointer_mut(parent).unwrap()
        };
        let obj = target.as_object_mut().unwrap();
        match value {
            Some(v) => obj.insert(last.to_owned(), v),
            None => obj.remove(last),
        };
        let r = upsert(&app, &key, None, json!([example(), body])).await;
        let errors = r["userErrors"].as_array().unwrap();
        let want: Vec<String> = ["stores", "1"]
            .into_iter()
            .map(String::from)
            .chain(path.split('.').map(String::from))
            .collect();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == json!(want) && e["code"] == code),
            "{pointer}: expected {path} {code}, got {r}"
        );
        assert_eq!(r["created"], 0);
    }
    // Nothing was ever written, not even the valid first store.
    assert_eq!(count(&app, "SELECT count(*) AS n FROM stores").await, 0);
    assert_eq!(count(&app, "SELECT count(*) AS n FROM brands").await, 0);
}

/// The store's own fields: id, brand, name, status, timezone, template, channel keys.
#[tokio::test(flavor = "multi_thread")]
async fn store_fields_are_checked_with_their_path_and_code() {
    assert_each_refused(vec![
        ("/id".into(), Some(json!("bad id!")), "id", "INVALID"),
        ("/id".into(), None, "id", "REQUIRED"),
        (
            "/brand_id".into(),
            Some(json!("x".repeat(65))),
            "brand_id",
            "INVALID",
        ),
        ("/name".into(), Some(json!("")), "name", "REQUIRED"),
        (
            "/name".into(),
            Some(json!("n".repeat(101))),
            "name",
            "TOO_LONG",
        ),
        ("/name".into(), Some(Value::Null), "name", "INVALID"),
        ("/status".into(), Some(json!("OPEN")), "status", "INVALID"),
        (
            "/timezone".into(),
            Some(json!("t".repeat(101))),
            "timezone",
            "TOO_LONG",
        ),
        (
            "/cms_template_id".into(),
            Some(json!("not-a-uuid")),
            "cms_template_id",
            "INVALID",
        ),
        (
            "/channels/app".into(),
            Some(json!({})),
            "channels.app",
            "INVALID",
        ),
    ])
    .await;
}

/// Contact email, phone and name.
#[tokio::test(flavor = "multi_thread")]
async fn contact_fields_are_checked_with_their_path_and_code() {
    assert_each_refused(vec![
        (
            "/contact/email".into(),
            Some(json!("not-an-email")),
            "contact.email",
            "INVALID",
        ),
        ("/contact/email".into(), None, "contact.email", "REQUIRED"),
        (
            "/contact/phone".into(),
            Some(json!("0991234567")),
            "contact.phone",
            "INVALID",
        ),
        ("/contact/phone".into(), None, "contact.phone", "REQUIRED"),
        (
            "/contact/name".into(),
            Some(json!("")),
            "contact.name",
            "REQUIRED",
        ),
    ])
    .await;
}

/// Coordinates, address lines, city, country, postal code, business name, unit number.
#[tokio::test(flavor = "multi_thread")]
async fn location_fields_are_checked_with_their_path_and_code() {
    assert_each_refused(vec![
        (
            "/location/latitude".into(),
            Some(json!(91)),
            "location.latitude",
            "OUT_OF_RANGE",
        ),
        (
            "/location/longitude".into(),
            Some(json!(-181)),
            "location.longitude",
            "OUT_OF_RANGE",
        ),
        (
            "/location/latitude".into(),
            Some(json!("north")),
            "location.latitude",
            "INVALID",
        ),
        (
            "/location/address_line_1".into(),
            Some(json!("ab")),
            "location.address_line_1",
            "TOO_SHORT",
        ),
        (
            "/location/address_line_2".into(),
            Some(json!("ab")),
            "location.address_line_2",
            "TOO_SHORT",
        ),
        ("/location/city".into(), None, "location.city", "REQUIRED"),
        (
            "/location/country".into(),
            Some(json!("c".repeat(101))),
            "location.country",
            "TOO_LONG",
        ),
        (
            "/location/postal_code".into(),
            Some(json!("09A101")),
            "location.postal_code",
            "INVALID",
        ),
        (
            "/location/postal_code".into(),
            Some(json!("123")),
            "location.postal_code",
            "TOO_SHORT",
        ),
        (
            "/location/business_name".into(),
            None,
            "location.business_name",
            "REQUIRED",
        ),
        (
            "/location/unit_number".into(),
            Some(json!("4B")),
            "location.unit_number",
            "INVALID",
        ),
    ])
    .await;
}

/// A channel's uid, id, name and fulfillment map.
#[tokio::test(flavor = "multi_thread")]
async fn channel_fields_are_checked_with_their_path_and_code() {
    assert_each_refused(vec![
        (
            "/channels/APP/uid".into(),
            Some(json!("nope")),
            "channels.APP.uid",
            "INVALID",
        ),
        (
            "/channels/APP/id".into(),
            None,
            "channels.APP.id",
            "REQUIRED",
        ),
        (
            "/channels/APP/name".into(),
            None,
            "channels.APP.name",
            "REQUIRED",
        ),
        (
            "/channels/APP/fulfillment".into(),
            None,
            "channels.APP.fulfillment",
            "REQUIRED",
        ),
    ])
    .await;
}

/// A fulfillment's required parts, its type and its instructions.
#[tokio::test(flavor = "multi_thread")]
async fn fulfillment_fields_are_checked_with_their_path_and_code() {
    let f = "/channels/APP/fulfillment/DELIVERY";
    assert_each_refused(vec![
        (
            format!("{f}/uid"),
            None,
            "channels.APP.fulfillment.DELIVERY.uid",
            "REQUIRED",
        ),
        (
            format!("{f}/id"),
            None,
            "channels.APP.fulfillment.DELIVERY.id",
            "REQUIRED",
        ),
        (
            format!("{f}/type"),
            Some(json!("PICKUP")),
            "channels.APP.fulfillment.DELIVERY.type",
            "INVALID",
        ),
        (
            format!("{f}/name"),
            None,
            "channels.APP.fulfillment.DELIVERY.name",
            "REQUIRED",
        ),
        (
            format!("{f}/pricing"),
            None,
            "channels.APP.fulfillment.DELIVERY.pricing",
            "REQUIRED",
        ),
        (
            format!("{f}/coverage_zones"),
            None,
            "channels.APP.fulfillment.DELIVERY.coverage_zones",
            "REQUIRED",
        ),
        (
            format!("{f}/availability"),
            None,
            "channels.APP.fulfillment.DELIVERY.availability",
            "REQUIRED",
        ),
        (
            format!("{f}/instructions"),
            Some(json!(["x"])),
            "channels.APP.fulfillment.DELIVERY.instructions",
            "INVALID",
        ),
    ])
    .await;
}

/// Order value bounds, tax rate and each fee's fields.
#[tokio::test(flavor = "multi_thread")]
async fn fulfillment_pricing_and_fees_are_checked_with_their_path_and_code() {
    let f = "/channels/APP/fulfillment/DELIVERY";
    assert_each_refused(vec![
        (
            format!("{f}/pricing/minimum_order_value"),
            Some(json!(-1)),
            "channels.APP.fulfillment.DELIVERY.pricing.minimum_order_value",
            "OUT_OF_RANGE",
        ),
        (
            format!("{f}/pricing/maximum_order_value"),
            Some(json!(1_000_001)),
            "channels.APP.fulfillment.DELIVERY.pricing.maximum_order_value",
            "OUT_OF_RANGE",
        ),
        (
            format!("{f}/pricing/tax_rate"),
            Some(json!(1.5)),
            "channels.APP.fulfillment.DELIVERY.pricing.tax_rate",
            "OUT_OF_RANGE",
        ),
        (
            format!("{f}/pricing/fees"),
            Some(
                json!([{ "id": "f", "type": "FLAT", "tax_inclusive": true, "name": {"en": "x"}, "amount": 1, "percentage": 0 }]),
            ),
            "channels.APP.fulfillment.DELIVERY.pricing.fees.0.type",
            "INVALID",
        ),
        (
            format!("{f}/pricing/fees"),
            Some(
                json!([{ "type": "FIXED", "tax_inclusive": true, "name": {"en": "x"}, "amount": 1, "percentage": 0 }]),
            ),
            "channels.APP.fulfillment.DELIVERY.pricing.fees.0.id",
            "REQUIRED",
        ),
        (
            format!("{f}/pricing/fees"),
            Some(
                json!([{ "id": "f", "type": "FIXED", "name": {"en": "x"}, "amount": 1, "percentage": 0 }]),
            ),
            "channels.APP.fulfillment.DELIVERY.pricing.fees.0.tax_inclusive",
            "REQUIRED",
        ),
        (
            format!("{f}/pricing/fees"),
            Some(
                json!([{ "id": "f", "type": "FIXED", "tax_inclusive": true, "name": "x", "amount": 1, "percentage": 0 }]),
            ),
            "channels.APP.fulfillment.DELIVERY.pricing.fees.0.name",
            "INVALID",
        ),
        (
            format!("{f}/pricing/fees"),
            Some(
                json!([{ "id": "f", "type": "FIXED", "tax_inclusive": true, "name": {"en": "x"}, "amount": -1, "percentage": 0 }]),
            ),
            "channels.APP.fulfillment.DELIVERY.pricing.fees.0.amount",
            "OUT_OF_RANGE",
        ),
        (
            format!("{f}/pricing/fees"),
            Some(
                json!([{ "id": "f", "type": "FIXED", "tax_inclusive": true, "name": {"en": "x"}, "amount": 1, "percentage": 2 }]),
            ),
            "channels.APP.fulfillment.DELIVERY.pricing.fees.0.percentage",
            "OUT_OF_RANGE",
        ),
    ])
    .await;
}

/// Zone names and types, radius and polygon shapes.
#[tokio::test(flavor = "multi_thread")]
async fn coverage_zones_are_checked_with_their_path_and_code() {
    let f = "/channels/APP/fulfillment/DELIVERY";
    assert_each_refused(vec![
        (
            format!("{f}/coverage_zones"),
            Some(
                json!([{ "type": "RADIUS", "radius_info": { "latitude": 0, "longitude": 0, "radius": 1 } }]),
            ),
            "channels.APP.fulfillment.DELIVERY.coverage_zones.0.name",
            "REQUIRED",
        ),
        (
            format!("{f}/coverage_zones"),
            Some(json!([{ "name": "z", "type": "CIRCLE" }])),
            "channels.APP.fulfillment.DELIVERY.coverage_zones.0.type",
            "INVALID",
        ),
        (
            format!("{f}/coverage_zones"),
            Some(json!([{ "name": "z", "type": "RADIUS" }])),
            "channels.APP.fulfillment.DELIVERY.coverage_zones.0.radius_info",
            "REQUIRED",
        ),
        (
            format!("{f}/coverage_zones"),
            Some(
                json!([{ "name": "z", "type": "RADIUS", "radius_info": { "latitude": 0, "longitude": 0, "radius": 100001 } }]),
            ),
            "channels.APP.fulfillment.DELIVERY.coverage_zones.0.radius_info.radius",
            "OUT_OF_RANGE",
        ),
        (
            format!("{f}/coverage_zones"),
            Some(
                json!([{ "name": "z", "type": "RADIUS", "radius_info": { "latitude": 95, "longitude": 0, "radius": 1 } }]),
            ),
            "channels.APP.fulfillment.DELIVERY.coverage_zones.0.radius_info.latitude",
            "OUT_OF_RANGE",
        ),
        (
            format!("{f}/coverage_zones"),
            Some(json!([{ "name": "z", "type": "POLYGON" }])),
            "channels.APP.fulfillment.DELIVERY.coverage_zones.0.polygon_info",
            "REQUIRED",
        ),
        (
            format!("{f}/coverage_zones"),
            Some(
                json!([{ "name": "z", "type": "POLYGON", "polygon_info": { "polygon": [[0, 0], [1, 1], ["a", 2]] } }]),
            ),
            "channels.APP.fulfillment.DELIVERY.coverage_zones.0.polygon_info.polygon.2",
            "INVALID",
        ),
    ])
    .await;
}

/// Status, weekly schedules and temporary closures.
#[tokio::test(flavor = "multi_thread")]
async fn availability_is_checked_with_its_path_and_code() {
    let f = "/channels/APP/fulfillment/DELIVERY";
    assert_each_refused(vec![
        (
            format!("{f}/availability/status"),
            Some(json!("BUSY")),
            "channels.APP.fulfillment.DELIVERY.availability.status",
            "INVALID",
        ),
        (
            format!("{f}/availability/schedules"),
            Some(json!([{ "funday": { "start_time": "10:00", "end_time": "11:00" } }])),
            "channels.APP.fulfillment.DELIVERY.availability.schedules.0.funday",
            "INVALID",
        ),
        (
            format!("{f}/availability/schedules"),
            Some(json!([{ "monday": { "start_time": "25:00", "end_time": "11:00" } }])),
            "channels.APP.fulfillment.DELIVERY.availability.schedules.0.monday.start_time",
            "INVALID",
        ),
        (
            format!("{f}/availability/schedules"),
            Some(json!([{ "monday": { "start_time": "10:00" } }])),
            "channels.APP.fulfillment.DELIVERY.availability.schedules.0.monday.end_time",
            "REQUIRED",
        ),
        (
            format!("{f}/availability/temporary_closed_until"),
            Some(json!("2026-12-01T09:00:00")),
            "channels.APP.fulfillment.DELIVERY.availability.temporary_closed_until",
            "INVALID",
        ),
        (
            format!("{f}/availability/temporary_closed_reason"),
            Some(json!("closed")),
            "channels.APP.fulfillment.DELIVERY.availability.temporary_closed_reason",
            "INVALID",
        ),
    ])
    .await;
}

/// Orderable flag, methods, bounds and providers.
#[tokio::test(flavor = "multi_thread")]
async fn payment_methods_and_providers_are_checked_with_their_path_and_code() {
    assert_each_refused(vec![
        (
            "/payments/orderable".into(),
            Some(json!("yes")),
            "payments.orderable",
            "INVALID",
        ),
        (
            "/payments/methods".into(),
            Some(
                json!([{ "method": "CHEQUE", "minimum_order_value": 0, "maximum_order_value": 1, "providers": [] }]),
            ),
            "payments.methods.0.method",
            "INVALID",
        ),
        (
            "/payments/methods".into(),
            Some(json!([{ "method": "CASH", "maximum_order_value": 1, "providers": [] }])),
            "payments.methods.0.minimum_order_value",
            "REQUIRED",
        ),
        (
            "/payments/methods".into(),
            Some(json!([{ "method": "CASH", "minimum_order_value": 0, "providers": [] }])),
            "payments.methods.0.maximum_order_value",
            "REQUIRED",
        ),
        (
            "/payments/methods".into(),
            Some(json!([{ "method": "CASH", "minimum_order_value": 0, "maximum_order_value": 1 }])),
            "payments.methods.0.providers",
            "REQUIRED",
        ),
        (
            "/payments/methods".into(),
            Some(
                json!([{ "method": "CASH", "minimum_order_value": 0, "maximum_order_value": 1, "providers": [{ "id": "x", "name": "P", "status": "ACTIVE" }] }]),
            ),
            "payments.methods.0.providers.0.id",
            "INVALID",
        ),
        (
            "/payments/methods".into(),
            Some(
                json!([{ "method": "CASH", "minimum_order_value": 0, "maximum_order_value": 1, "providers": [{ "id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "status": "ACTIVE" }] }]),
            ),
            "payments.methods.0.providers.0.name",
            "REQUIRED",
        ),
        (
            "/payments/methods".into(),
            Some(
                json!([{ "method": "CASH", "minimum_order_value": 0, "maximum_order_value": 1, "providers": [{ "id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "name": "P", "status": "ON" }] }]),
            ),
            "payments.methods.0.providers.0.status",
            "INVALID",
        ),
    ])
    .await;
}
