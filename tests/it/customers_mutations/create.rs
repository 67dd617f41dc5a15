//! `customersCreate`: items validated one by one with their paths, the error policy deciding
//! what is written, request-level limits, and the write scope.

use super::{count, CREATE, RW};
use crate::common::{error_code, spawn, TestApp};
use serde_json::{json, Value};

/// Acme seeded with 3 customers, a customers:write key, and two customers created over the
/// API (new1@ in VIP with tags, new2@ with metadata): the app, the key, the `customersCreate`
/// payload.
async fn with_two_created() -> (TestApp, String, Value) {
    let app = spawn().await;
    app.seed("acme", 3, 0).await;
    let key = app.api_key("acme", RW).await;
    let groups = app
        .data(&key, "{ customerGroups { nodes { id name } } }", json!({}))
        .await;
    let vip = groups["customerGroups"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "VIP")
        .unwrap()["id"]
        .clone();
    let ok = app
        .data(&key, CREATE, json!({ "input": [
            { "email": "new1@example.com", "firstName": "Ana", "tags": ["b", "a", "a"], "customerGroupIds": [vip] },
            { "email": "new2@example.com", "metadata": { "crm": 7 } } ] }))
        .await;
    (app, key, ok["customersCreate"].clone())
}

/// One valid item, then one problem per item: a bad email, a taken one (case-insensitively),
/// the same email twice, bad metadata, bad group IDs, a long name.
fn bad_items() -> Value {
    json!([
        { "email": "fine@example.com" },
        { "email": "not-an-email" },
        { "email": "NEW1@example.com" },
        { "email": "twice@example.com" },
        { "email": "TWICE@example.com" },
        { "email": "meta@example.com", "metadata": [1, 2] },
        { "email": "group@example.com", "customerGroupIds": ["cg_nope", "cus_aaaaaaaaaa"] },
        { "email": "long@example.com", "firstName": "x".repeat(101) },
    ])
}

#[tokio::test(flavor = "multi_thread")]
async fn created_customers_have_deduplicated_tags_their_groups_and_a_result_each() {
    let (app, key, p) = with_two_created().await;
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(p["customers"].as_array().unwrap().len(), 2);
    assert_eq!(
        p["customers"][0]["tags"],
        json!(["b", "a"]),
        "tags deduplicated, order kept"
    );
    assert_eq!(
        p["customers"][0]["customerGroups"],
        json!([{ "name": "VIP" }])
    );
    assert_eq!(p["results"][1]["index"], 1);
    assert!(p["results"][1]["customer"]["id"]
        .as_str()
        .unwrap()
        .starts_with("cus_"));
    assert_eq!(count(&app, &key).await, 5);
}

/// Under REJECT_EVERYTHING (the default) every bad item is listed at its path (the snapshot
/// holds each path, code and message) and nothing is written, not even the valid item.
#[tokio::test(flavor = "multi_thread")]
async fn every_bad_item_is_listed_and_by_default_nothing_is_written() {
    let (app, key, _) = with_two_created().await;
    let d = app
        .data(&key, CREATE, json!({ "input": bad_items() }))
        .await;
    let p = &d["customersCreate"];
    assert_eq!(
        p["customers"],
        json!([]),
        "REJECT_EVERYTHING writes nothing"
    );
    assert_eq!(count(&app, &key).await, 5);
    crate::assert_body_snapshot!(p["userErrors"]);
    assert_eq!(
        p["results"][0]["userErrors"],
        json!([]),
        "the valid item has no error"
    );
    assert_eq!(
        p["results"][0]["customer"],
        Value::Null,
        "…and was not written"
    );
}

/// REJECT_FAILED_ROWS writes the valid items (the first of two equal emails is valid).
#[tokio::test(flavor = "multi_thread")]
async fn reject_failed_rows_writes_the_valid_items() {
    let (app, key, _) = with_two_created().await;
    let d = app
        .data(
            &key,
            CREATE,
            json!({ "input": bad_items(), "policy": "REJECT_FAILED_ROWS" }),
        )
        .await;
    let p = &d["customersCreate"];
    let written: Vec<&str> = p["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect();
    assert_eq!(written, ["fine@example.com", "twice@example.com"]);
    assert_eq!(count(&app, &key).await, 7);
}

/// Request-level limits are user errors too, never INTERNAL.
#[tokio::test(flavor = "multi_thread")]
async fn more_than_1000_items_are_a_limit_user_error() {
    let app = spawn().await;
    let key = app.api_key("acme", RW).await;
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({ "email": format!("m{i}@example.com") }))
        .collect();
    let d = app.data(&key, CREATE, json!({ "input": many })).await;
    assert_eq!(
        d["customersCreate"]["userErrors"][0]["field"],
        json!(["input"])
    );
    assert_eq!(
        d["customersCreate"]["userErrors"][0]["code"],
        "LIMIT_EXCEEDED"
    );
    assert!(d["customersCreate"]["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("1000"));
}

#[tokio::test(flavor = "multi_thread")]
async fn creating_needs_customers_write() {
    let app = spawn().await;
    let reader = app.api_key("acme", "customers:read").await;
    let body = app
        .gql(
            &reader,
            CREATE,
            json!({ "input": [{ "email": "x@example.com" }] }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}
