//! `channelCreate` / `channelUpdate` / `channelDelete`: code and name rules, at most one
//! default channel per merchant, optimistic concurrency, and bad or unknown IDs.

use super::{channel_id, channels, defaults, errors, CREATE, DELETE, RW, UPDATE};
use crate::common::{spawn, TestApp};
use commerce_gateway::ids::{self, Kind};
use serde_json::{json, Value};

/// Acme seeded without customers or orders (channels WEB, the default, APP, POS, KIOSK) and a
/// stores:write key.
async fn acme() -> (TestApp, String) {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    (app, key)
}

/// Creates MARKET (" Marketplace ", the default): the `channelCreate` payload.
async fn create_market(app: &TestApp, key: &str) -> Value {
    app.data(
        key,
        CREATE,
        json!({ "input": { "code": "MARKET", "name": " Marketplace ", "isDefault": true } }),
    )
    .await["channelCreate"]
        .clone()
}

/// Code format, uniqueness, required name: field errors, nothing written.
#[tokio::test(flavor = "multi_thread")]
async fn channel_create_refuses_bad_codes_and_names_and_writes_nothing() {
    let (app, key) = acme().await;
    assert_eq!(defaults(&channels(&app, &key).await), ["WEB"]);
    for (input, field, code) in [
        (json!({ "code": "web", "name": "Web" }), "code", "INVALID"),
        (
            json!({ "code": "TOO-LONG", "name": "x" }),
            "code",
            "INVALID",
        ),
        (
            json!({ "code": "A".repeat(33), "name": "x" }),
            "code",
            "INVALID",
        ),
        (json!({ "code": "", "name": "x" }), "code", "REQUIRED"),
        (
            json!({ "code": "WEB", "name": "Web again" }),
            "code",
            "TAKEN",
        ),
        (json!({ "code": "MARKET", "name": " " }), "name", "REQUIRED"),
        (
            json!({ "code": "MARKET", "name": "n".repeat(101) }),
            "name",
            "TOO_LONG",
        ),
    ] {
        let d = app.data(&key, CREATE, json!({ "input": input })).await;
        assert_eq!(
            errors(&d["channelCreate"]),
            [(json!(["input", field]), code.to_owned())],
            "{input}"
        );
        assert_eq!(d["channelCreate"]["channel"], Value::Null);
    }
    assert_eq!(channels(&app, &key).await.len(), 4);
}

/// A new default channel un-defaults the previous one; its name is trimmed, it is active.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_default_channel_undefaults_the_previous_one() {
    let (app, key) = acme().await;
    let p = create_market(&app, &key).await;
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(p["channel"]["name"], "Marketplace");
    assert_eq!(p["channel"]["active"], true);
    assert_eq!(p["channel"]["isDefault"], true);
    assert_eq!(defaults(&channels(&app, &key).await), ["MARKET"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn channel_update_with_a_stale_timestamp_is_a_conflict() {
    let (app, key) = acme().await;
    let market = create_market(&app, &key).await["channel"].clone();
    let d = app
        .data(
            &key,
            UPDATE,
            json!({ "id": market["id"], "input": { "name": "X" }, "at": "2021-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(
        errors(&d["channelUpdate"]),
        [(json!(["expectedUpdatedAt"]), "CONFLICT".into())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn channel_update_refuses_a_taken_code() {
    let (app, key) = acme().await;
    let market = create_market(&app, &key).await["channel"].clone();
    let d = app
        .data(
            &key,
            UPDATE,
            json!({ "id": market["id"], "input": { "code": "APP" } }),
        )
        .await;
    assert_eq!(
        errors(&d["channelUpdate"]),
        [(json!(["input", "code"]), "TAKEN".into())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn channel_update_changes_the_given_fields_and_keeps_omitted_ones() {
    let (app, key) = acme().await;
    let market = create_market(&app, &key).await["channel"].clone();
    let d = app
        .data(
            &key,
            UPDATE,
            json!({ "id": market["id"], "input": { "code": "MARKET_2", "active": false }, "at": market["updatedAt"] }),
        )
        .await;
    let p = &d["channelUpdate"];
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(p["channel"]["code"], "MARKET_2");
    assert_eq!(p["channel"]["name"], "Marketplace", "omitted fields kept");
    assert_eq!(p["channel"]["active"], false);
    assert_eq!(p["channel"]["isDefault"], true);
}

/// Making APP the default un-defaults the current one in the same transaction; un-defaulting
/// leaves the merchant without one (at most one, not exactly one).
#[tokio::test(flavor = "multi_thread")]
async fn updating_the_default_keeps_at_most_one() {
    let (app, key) = acme().await;
    create_market(&app, &key).await;
    let app_id = channel_id(&app, &key, "APP").await;
    let d = app
        .data(
            &key,
            UPDATE,
            json!({ "id": app_id, "input": { "isDefault": true } }),
        )
        .await;
    assert_eq!(d["channelUpdate"]["userErrors"], json!([]));
    assert_eq!(defaults(&channels(&app, &key).await), ["APP"]);
    let d = app
        .data(
            &key,
            UPDATE,
            json!({ "id": app_id, "input": { "isDefault": false } }),
        )
        .await;
    assert_eq!(d["channelUpdate"]["userErrors"], json!([]));
    assert!(defaults(&channels(&app, &key).await).is_empty());
}

/// Malformed IDs and IDs of another kind are INVALID, unknown channels NOT_FOUND, on update and
/// delete alike.
#[tokio::test(flavor = "multi_thread")]
async fn bad_and_unknown_channel_ids_are_refused_on_update_and_delete() {
    let (app, key) = acme().await;
    for (id, code) in [
        ("ch_***".to_owned(), "INVALID"),
        (ids::encode(Kind::Product, 1), "INVALID"),
        (ids::encode(Kind::Channel, 987_654_321), "NOT_FOUND"),
    ] {
        let d = app
            .data(&key, UPDATE, json!({ "id": id, "input": { "name": "x" } }))
            .await;
        assert_eq!(
            errors(&d["channelUpdate"]),
            [(json!(["id"]), code.to_owned())]
        );
        let d = app.data(&key, DELETE, json!({ "id": id })).await;
        assert_eq!(
            errors(&d["channelDelete"]),
            [(json!(["id"]), code.to_owned())]
        );
    }
}
