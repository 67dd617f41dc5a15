//! `orderUpdate`: a draft's header changes reprice it; a placed order freezes its buyer and
//! delivery; bad values and taken external IDs are refused with paths.

use super::{create_q, fixtures, line, ok, path, refused, transition_q, update_order_q, Fx};
use crate::common::{spawn, TestApp};
use serde_json::{json, Value};

/// A USD order of 2 tees with `extra` input fields merged in: the order as created.
async fn two_tees(app: &TestApp, fx: &Fx, extra: Value) -> Value {
    let mut input = json!({ "currency": "USD",
        "lineItems": [ { "variantId": fx.tee, "quantity": 2 } ] });
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    ok(app, &fx.key, &create_q(), json!({ "input": input })).await
}

/// An anonymous draft cannot complete until it has an email; Bob pays the base price, Ann (VIP)
/// the list price, and each gives the order their email; an explicit email wins over the
/// customer's, and null clears the customer (back to the base price) while the email stays.
#[tokio::test(flavor = "multi_thread")]
async fn a_drafts_customer_decides_its_prices_and_default_email() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let o = two_tees(&app, &fx, json!({})).await;
    let id = o["id"].as_str().unwrap().to_owned();
    assert!(o["email"].is_null());
    assert_eq!(o["total"], "40.00");
    assert_eq!(
        refused(&app, k, &transition_q("orderComplete"), json!({ "id": id })).await,
        vec![(path(&["orderId"]), "MISSING_EMAIL".into())]
    );
    let o = ok(
        &app,
        k,
        &update_order_q(),
        json!({ "id": id, "input": { "customerId": fx.bob } }),
    )
    .await;
    assert_eq!(o["email"], "bob@acme.example");
    assert_eq!(line(&o, "acme-TEE")["price"], "20.00");
    let o = ok(
        &app,
        k,
        &update_order_q(),
        json!({ "id": id, "input": {
        "customerId": fx.ann, "deliveryTotal": "3.50", "notes": "gift", "metadata": { "a": 1 } } }),
    )
    .await;
    assert_eq!(o["email"], "ann@acme.example");
    assert_eq!(o["customer"]["email"], "ann@acme.example");
    assert_eq!(line(&o, "acme-TEE")["price"], "15.00");
    assert_eq!(o["deliveryTotal"], "3.50");
    assert_eq!(o["total"], "33.50");
    assert_eq!(o["notes"], "gift");
    assert_eq!(o["metadata"], json!({ "a": 1 }));
    let o = ok(
        &app,
        k,
        &update_order_q(),
        json!({ "id": id, "input": {
        "customerId": null, "email": "desk@acme.example", "externalId": "pos-9" } }),
    )
    .await;
    assert!(o["customer"].is_null());
    assert_eq!(o["email"], "desk@acme.example");
    assert_eq!(line(&o, "acme-TEE")["price"], "20.00");
    assert_eq!(o["total"], "43.50");
}

/// Placed: the buyer, channel and delivery are frozen, the rest can still change.
#[tokio::test(flavor = "multi_thread")]
async fn a_placed_order_freezes_its_buyer_and_delivery_but_not_the_rest() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let o = two_tees(
        &app,
        &fx,
        json!({ "email": "desk@acme.example", "externalId": "pos-9", "deliveryTotal": "3.50" }),
    )
    .await;
    let id = o["id"].as_str().unwrap().to_owned();
    ok(&app, k, &transition_q("orderComplete"), json!({ "id": id })).await;
    let errors = refused(
        &app,
        k,
        &update_order_q(),
        json!({ "id": id, "input": {
        "customerId": fx.bob, "channelId": fx.web, "deliveryTotal": "0", "notes": "late" } }),
    )
    .await;
    assert_eq!(
        errors,
        vec![
            (
                path(&["input", "customerId"]),
                "ORDER_NOT_EDITABLE".to_string()
            ),
            (path(&["input", "channelId"]), "ORDER_NOT_EDITABLE".into()),
            (
                path(&["input", "deliveryTotal"]),
                "ORDER_NOT_EDITABLE".into()
            ),
        ]
    );
    let o = ok(
        &app,
        k,
        &update_order_q(),
        json!({ "id": id, "input": {
        "notes": "late", "storeId": fx.store, "externalId": "pos-9", "deliveryTotal": "3.50" } }),
    )
    .await;
    assert_eq!(o["notes"], "late");
    assert_eq!(o["store"]["name"], "Main street");
    assert_eq!(o["total"], "43.50");
    assert_eq!(o["status"], "COMPLETE");
}

/// Bad values are refused with their paths (a taken external ID among them is not reported
/// before they are fixed); alone, the taken external ID is TAKEN.
#[tokio::test(flavor = "multi_thread")]
async fn order_update_refuses_bad_values_and_taken_external_ids() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    two_tees(&app, &fx, json!({ "externalId": "pos-9" })).await;
    let other = ok(
        &app,
        k,
        &create_q(),
        json!({ "input": { "currency": "USD" } }),
    )
    .await;
    let mut got = refused(
        &app,
        k,
        &update_order_q(),
        json!({ "id": other["id"], "input": {
        "externalId": "pos-9", "email": "bad", "metadata": "x", "customerId": "cus_x" } }),
    )
    .await;
    got.sort();
    assert_eq!(
        got,
        vec![
            (path(&["input", "customerId"]), "INVALID".to_string()),
            (path(&["input", "email"]), "INVALID".into()),
            (path(&["input", "metadata"]), "INVALID".into()),
        ]
    );
    let errors = refused(
        &app,
        k,
        &update_order_q(),
        json!({ "id": other["id"], "input": { "externalId": "pos-9" } }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(path(&["input", "externalId"]), "TAKEN".into())]
    );
}

/// An order that names no channel comes through the merchant's default channel, once it has
/// one; a named channel wins.
#[tokio::test(flavor = "multi_thread")]
async fn an_order_without_a_channel_takes_the_default_one() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let o = two_tees(&app, &fx, json!({})).await;
    assert!(o["channel"].is_null(), "no default channel yet: {o}");
    let key = app.api_key("acme", "stores:write").await;
    let d = app
        .data(
            &key,
            "mutation { channelCreate(input: { code: \"POS\", name: \"Counter\", isDefault: true }) { userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["channelCreate"]["userErrors"], json!([]), "{d}");
    let o = two_tees(&app, &fx, json!({})).await;
    assert_eq!(o["channel"]["code"], "POS", "{o}");
    let o = two_tees(&app, &fx, json!({ "channelId": fx.web })).await;
    assert_eq!(o["channel"]["code"], "WEB", "{o}");
}
