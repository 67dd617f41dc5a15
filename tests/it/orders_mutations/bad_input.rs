//! Bad order input is refused with the path and code of each problem, and writes nothing.

use super::{
    add_q, count, create_q, fixtures, mutate, ok, order, path, refused, remove_q, transition_q,
    update_q, Fx,
};
use crate::common::{self, spawn, TestApp};
use commerce_gateway::ids::{encode, Kind};
use serde_json::{json, Value};

async fn orders(app: &TestApp) -> i64 {
    count(app, "SELECT count(*) AS id FROM orders").await
}

/// A USD draft of `quantity` tees: the order as created.
async fn tee_draft(app: &TestApp, fx: &Fx, quantity: i64) -> Value {
    ok(
        app,
        &fx.key,
        &create_q(),
        json!({ "input": { "currency": "USD",
        "lineItems": [ { "variantId": fx.tee, "quantity": quantity } ] } }),
    )
    .await
}

/// Every bad field of one create is listed (the snapshot holds paths, codes and messages).
#[tokio::test(flavor = "multi_thread")]
async fn create_lists_every_bad_field_and_writes_nothing() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let p = mutate(&app, &fx.key, &create_q(), json!({ "input": {
        "currency": "DOLLARS", "email": "nope", "metadata": [1], "externalId": "x".repeat(101),
        "deliveryTotal": "-1", "customerId": "cus_bad", "channelId": fx.store,
        "lineItems": [ { "variantId": fx.tee, "quantity": 0 }, { "variantId": "variant_zzz", "quantity": 1 } ] } })).await;
    assert!(p["order"].is_null(), "{p}");
    // The store's ID (named in the channelId message) depends on sequences: redacted.
    let errors = p["userErrors"].to_string().replace(&fx.store, "[store id]");
    let errors: Value = serde_json::from_str(&errors).unwrap();
    crate::assert_body_snapshot!(errors);
    assert_eq!(orders(&app).await, 0);
}

/// Three letters are not enough: the code must be an ISO 4217 currency.
#[tokio::test(flavor = "multi_thread")]
async fn the_currency_must_be_iso_4217() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let errors = refused(
        &app,
        &fx.key,
        &create_q(),
        json!({ "input": { "currency": "ABC" } }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(path(&["input", "currency"]), "INVALID".into())]
    );
    assert_eq!(orders(&app).await, 0);
}

/// A variant without a price in the order's currency: NO_PRICE at its path, no order; in the
/// currency it is priced in, the order is created.
#[tokio::test(flavor = "multi_thread")]
async fn a_variant_without_a_price_in_the_currency_is_no_price() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let errors = refused(&app, k, &create_q(), json!({ "input": { "currency": "USD",
        "lineItems": [ { "variantId": fx.tee, "quantity": 1 }, { "variantId": fx.euro_only, "quantity": 1 } ] } })).await;
    assert_eq!(
        errors,
        vec![(
            path(&["input", "lineItems", "1", "variantId"]),
            "NO_PRICE".into()
        )]
    );
    assert_eq!(orders(&app).await, 0);
    // ...while in EUR it is priced (and the tee is not).
    let errors = refused(&app, k, &create_q(), json!({ "input": { "currency": "EUR",
        "lineItems": [ { "variantId": fx.tee, "quantity": 1 }, { "variantId": fx.euro_only, "quantity": 2 } ] } })).await;
    assert_eq!(
        errors,
        vec![(
            path(&["input", "lineItems", "0", "variantId"]),
            "NO_PRICE".into()
        )]
    );
    let eur = ok(
        &app,
        k,
        &create_q(),
        json!({ "input": { "currency": "EUR",
        "lineItems": [ { "variantId": fx.euro_only, "quantity": 2 } ] } }),
    )
    .await;
    assert_eq!(eur["total"], "18.00");
}

#[tokio::test(flavor = "multi_thread")]
async fn external_ids_are_unique_per_merchant() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    ok(
        &app,
        k,
        &create_q(),
        json!({ "input": { "currency": "USD", "externalId": "pos-1" } }),
    )
    .await;
    let errors = refused(
        &app,
        k,
        &create_q(),
        json!({ "input": { "currency": "USD", "externalId": "pos-1" } }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(path(&["input", "externalId"]), "TAKEN".into())]
    );
}

/// Line edits: one bad item refuses the whole request and nothing changes.
#[tokio::test(flavor = "multi_thread")]
async fn one_bad_line_edit_refuses_the_request_and_writes_nothing() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let o = tee_draft(&app, &fx, 99999).await;
    let id = o["id"].as_str().unwrap().to_owned();
    let line_id = o["lineItems"][0]["id"].as_str().unwrap().to_owned();
    let before = order(&app, k, &id).await;
    let errors = refused(
        &app,
        k,
        &add_q(),
        json!({ "id": id, "items": [
        { "variantId": fx.mug, "quantity": 1 }, { "variantId": fx.euro_only, "quantity": 1 } ] }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(path(&["lineItems", "1", "variantId"]), "NO_PRICE".into())]
    );
    let errors = refused(
        &app,
        k,
        &add_q(),
        json!({ "id": id, "items": [
        { "variantId": fx.mug, "quantity": 1 }, { "variantId": fx.tee, "quantity": 2 } ] }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(path(&["lineItems", "1", "quantity"]), "OUT_OF_RANGE".into())]
    );
    let errors = refused(&app, k, &add_q(), json!({ "id": id, "items": [] })).await;
    assert_eq!(errors, vec![(path(&["lineItems"]), "REQUIRED".into())]);
    let errors = refused(
        &app,
        k,
        &update_q(),
        json!({ "id": id, "items": [
        { "id": line_id, "quantity": 2 }, { "id": line_id, "quantity": 3 },
        { "id": "li_nope", "quantity": 1 }, { "id": line_id, "quantity": 100001 } ] }),
    )
    .await;
    assert_eq!(
        errors,
        vec![
            (
                path(&["lineItems", "1", "id"]),
                "DUPLICATE_IN_REQUEST".into()
            ),
            (path(&["lineItems", "2", "id"]), "INVALID".into()),
            (path(&["lineItems", "3", "quantity"]), "OUT_OF_RANGE".into()),
            (
                path(&["lineItems", "3", "id"]),
                "DUPLICATE_IN_REQUEST".into()
            ),
        ]
    );
    let other_line = encode(Kind::LineItem, 999_999);
    let errors = refused(
        &app,
        k,
        &remove_q(),
        json!({ "id": id, "ids": [line_id, other_line] }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(path(&["lineItemIds", "1"]), "NOT_FOUND".into())]
    );
    assert_eq!(order(&app, k, &id).await, before, "refusals wrote nothing");
}

/// A stale expectedUpdatedAt is a CONFLICT and writes nothing; the current one works.
#[tokio::test(flavor = "multi_thread")]
async fn a_stale_expected_updated_at_is_a_conflict() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let o = tee_draft(&app, &fx, 1).await;
    let id = o["id"].as_str().unwrap().to_owned();
    let before = order(&app, k, &id).await;
    let errors = refused(
        &app,
        k,
        &add_q(),
        json!({ "id": id, "at": "2020-01-01T00:00:00Z",
        "items": [ { "variantId": fx.mug, "quantity": 1 } ] }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(path(&["expectedUpdatedAt"]), "CONFLICT".into())]
    );
    assert_eq!(
        order(&app, k, &id).await,
        before,
        "the refusal wrote nothing"
    );
    let o = ok(
        &app,
        k,
        &add_q(),
        json!({ "id": id, "at": before["updatedAt"],
        "items": [ { "variantId": fx.mug, "quantity": 1 } ] }),
    )
    .await;
    assert_ne!(o["updatedAt"], before["updatedAt"]);
    let errors = refused(
        &app,
        k,
        &transition_q("orderComplete"),
        json!({ "id": id, "at": before["updatedAt"] }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(path(&["expectedUpdatedAt"]), "CONFLICT".into())]
    );
}

/// Without orders:write the mutations are forbidden.
#[tokio::test(flavor = "multi_thread")]
async fn mutations_without_orders_write_are_forbidden() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let id = tee_draft(&app, &fx, 1).await["id"].clone();
    let reader = app.api_key("acme", "orders:read").await;
    let body = app
        .gql(&reader, &transition_q("orderComplete"), json!({ "id": id }))
        .await;
    assert_eq!(common::error_code(&body), "FORBIDDEN");
}
