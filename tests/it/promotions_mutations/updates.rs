//! `promotionUpdate`: replaced rules and actions, null clearing, CONFLICT on a stale timestamp,
//! omitted fields kept, field errors (IMMUTABLE kind…), the window, and tenant scope.

use super::{count, create, errors, has, setup, update_q};
use crate::common::{spawn, TestApp};
use crate::promo_fixtures::Shop;
use serde_json::{json, Value};

/// Acme's automatic promotion "Spring" (first order, USD, free delivery, expiring 2030) updated
/// once: renamed "Spring sale", no expiry, limit 3, one product rule, a flat item adjustment.
struct Spring {
    app: TestApp,
    a: Shop,
    b: Shop,
    ka: String,
    kb: String,
    id: Value,
    /// `updatedAt` as created, stale after the update.
    stamp: Value,
    /// The `promotionUpdate` payload.
    updated: Value,
}

async fn spring() -> Spring {
    let app = spawn().await;
    let (a, b, ka, kb) = setup(&app).await;
    let p = create(
        &app,
        &ka,
        json!({ "name": "Spring", "kind": "automatic", "expiresAt": "2030-01-01T00:00:00Z",
        "rules": [{ "kind": "first_order" }, { "kind": "currency", "currency": "USD" }],
        "actions": [{ "kind": "free_delivery" }] }),
    )
    .await;
    let id = p["promotion"]["id"].clone();
    let stamp = p["promotion"]["updatedAt"].clone();
    let updated = app
        .data(
            &ka,
            &update_q(),
            json!({ "id": id, "input": {
        "expectedUpdatedAt": stamp, "name": "Spring sale", "expiresAt": null, "usageLimit": 3,
        "rules": [{ "kind": "product", "productIds": [a.product(1)] }],
        "actions": [{ "kind": "item_adjustment", "calculator": "flat", "amount": "2" }] } }),
        )
        .await["promotionUpdate"]
        .clone();
    Spring {
        app,
        a,
        b,
        ka,
        kb,
        id,
        stamp,
        updated,
    }
}

impl Spring {
    async fn update(&self, key: &str, vars: Value) -> Value {
        self.app.data(key, &update_q(), vars).await["promotionUpdate"].clone()
    }
}

/// Given rules and actions replace the old ones; null clears a field.
#[tokio::test(flavor = "multi_thread")]
async fn update_replaces_rules_and_actions_and_null_clears() {
    let s = spring().await;
    let u = &s.updated;
    assert_eq!(errors(u), vec![]);
    assert_eq!(u["promotion"]["name"], "Spring sale");
    assert_eq!(u["promotion"]["expiresAt"], Value::Null, "null clears");
    assert_eq!(u["promotion"]["usageLimit"], 3);
    assert_eq!(
        u["promotion"]["rules"].as_array().unwrap().len(),
        1,
        "rules replaced"
    );
    assert_eq!(u["promotion"]["rules"][0]["kind"], "product");
    assert_eq!(u["promotion"]["actions"][0]["kind"], "item_adjustment");
    assert_eq!(count(&s.app, "promotion_rules", s.a.m).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn update_with_a_stale_timestamp_is_a_conflict() {
    let s = spring().await;
    let u = s
        .update(
            &s.ka,
            json!({ "id": s.id, "input": { "expectedUpdatedAt": s.stamp, "name": "Lost" } }),
        )
        .await;
    assert_eq!(
        errors(&u),
        vec![("input.expectedUpdatedAt".into(), "CONFLICT".into())]
    );
}

/// Omitted fields stay; rules not given stay.
#[tokio::test(flavor = "multi_thread")]
async fn update_keeps_omitted_fields_and_rules() {
    let s = spring().await;
    let u = s
        .update(
            &s.ka,
            json!({ "id": s.id, "input": { "description": "d" } }),
        )
        .await;
    assert_eq!(u["promotion"]["name"], "Spring sale");
    assert_eq!(u["promotion"]["description"], "d");
    assert_eq!(u["promotion"]["rules"].as_array().unwrap().len(), 1);
}

/// The kind cannot change; a bad code, a negative limit and another merchant's customer are
/// each reported at their path.
#[tokio::test(flavor = "multi_thread")]
async fn update_reports_every_bad_field() {
    let s = spring().await;
    let u = s
        .update(
            &s.ka,
            json!({ "id": s.id, "input": {
        "kind": "coupon_code", "code": "X", "startsAt": "2031-01-01T00:00:00Z", "usageLimit": -1,
        "rules": [{ "kind": "customer", "customerIds": [s.b.customer(0)] }] } }),
        )
        .await;
    for (path, code) in [
        ("input.kind", "IMMUTABLE"),
        ("input.code", "INVALID"),
        ("input.usageLimit", "OUT_OF_RANGE"),
        ("input.rules.0.customerIds.0", "NOT_FOUND"),
    ] {
        assert!(has(&u, path, code), "{path} {code}: {:?}", errors(&u));
    }
}

/// A window that ends before it starts, after the change, is INVALID.
#[tokio::test(flavor = "multi_thread")]
async fn a_window_ending_before_it_starts_is_invalid() {
    let s = spring().await;
    let u = s.update(&s.ka, json!({ "id": s.id, "input": { "startsAt": "2031-01-01T00:00:00Z", "expiresAt": "2030-01-01T00:00:00Z" } })).await;
    assert_eq!(
        errors(&u),
        vec![("input.expiresAt".into(), "INVALID".into())]
    );
}

/// Another merchant cannot see or change it; malformed IDs are INVALID; the promotion is as
/// its merchant left it and the other merchant has none.
#[tokio::test(flavor = "multi_thread")]
async fn another_merchant_cannot_update_it_and_malformed_ids_are_invalid() {
    let s = spring().await;
    let u = s
        .update(
            &s.kb,
            json!({ "id": s.id, "input": { "name": "Hijacked", "rules": [] } }),
        )
        .await;
    assert_eq!(errors(&u), vec![("id".into(), "NOT_FOUND".into())]);
    let u = s
        .update(&s.kb, json!({ "id": "cus_123", "input": { "name": "x" } }))
        .await;
    assert_eq!(errors(&u), vec![("id".into(), "INVALID".into())]);
    let d = s
        .app
        .data(
            &s.ka,
            "query($id: ID!) { promotion(id: $id) { name rules { kind } } }",
            json!({ "id": s.id }),
        )
        .await;
    assert_eq!(d["promotion"]["name"], "Spring sale");
    assert_eq!(d["promotion"]["rules"], json!([{ "kind": "product" }]));
    assert_eq!(count(&s.app, "promotions", s.b.m).await, 0);
}
