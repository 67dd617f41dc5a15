//! `Idempotency-Key` on the Spree writes that took none before (deletes, bulk tags and
//! groups, customer groups, channel publications): a retry gets the first answer and writes
//! nothing again; the same key with another request is 409.

use reqwest::Method;
use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::spawn;

/// Sends `method path` with `body` and `Idempotency-Key: key`; the status and JSON body (null
/// when empty).
pub(super) async fn keyed(
    s: &Spree<'_>,
    method: Method,
    path: &str,
    body: Option<Value>,
    key: &str,
) -> (u16, Value) {
    let mut req = s
        .app
        .http
        .request(method, s.app.url(&format!("/api/v3/admin{path}")))
        .header("x-spree-api-key", &s.key)
        .header("Idempotency-Key", key);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    (status, json)
}

/// The products published on channel `id`.
async fn published(s: &Spree<'_>, id: &str) -> Value {
    s.app
        .data(
            &s.key,
            "query($id: ID!) { channel(id: $id) { products(first: 10) { id } } }",
            json!({ "id": id }),
        )
        .await["channel"]["products"]
        .clone()
}

async fn customer(s: &Spree<'_>, email: &str) -> String {
    let (st, c) = s.post("/customers", json!({ "email": email })).await;
    assert_eq!(st, 201, "{c}");
    c["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_delete_answers_204_again_and_the_key_cannot_delete_another() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let a = customer(&s, "a@example.com").await;
    let b = customer(&s, "b@example.com").await;
    let path = format!("/customers/{a}");
    let first = keyed(&s, Method::DELETE, &path, None, "del-1").await;
    assert_eq!(first.0, 204, "{}", first.1);
    let again = keyed(&s, Method::DELETE, &path, None, "del-1").await;
    assert_eq!(again, first, "the retry gets the first answer");
    // Without the key the customer is gone: 404.
    let (st, e) = s.delete(&path).await;
    assert_eq!(st, 404, "{e}");
    let (st, e) = keyed(
        &s,
        Method::DELETE,
        &format!("/customers/{b}"),
        None,
        "del-1",
    )
    .await;
    assert_eq!(st, 409, "{e}");
    let (_, list) = s.get("/customers").await;
    assert_eq!(list["meta"]["count"], 1, "b is kept");
    let (st, _) = s.get(&format!("/customers/{b}")).await;
    assert_eq!(st, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_bulk_tag_call_replays_without_tagging_again() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let ids = vec![
        customer(&s, "a@example.com").await,
        customer(&s, "b@example.com").await,
    ];
    let body = json!({"ids": ids, "tags": ["vip"]});
    let first = keyed(
        &s,
        Method::POST,
        "/customers/bulk_add_tags",
        Some(body.clone()),
        "tags-1",
    )
    .await;
    assert_eq!(first, (200, json!({"customer_count": 2, "tag_count": 1})));
    // Untag them; a replay of the first call must not tag them again.
    let (st, r) = s
        .post(
            "/customers/bulk_remove_tags",
            json!({"ids": ids, "tags": ["vip"]}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    let again = keyed(
        &s,
        Method::POST,
        "/customers/bulk_add_tags",
        Some(body),
        "tags-1",
    )
    .await;
    assert_eq!(again, first);
    for id in &ids {
        let (_, c) = s.get(&format!("/customers/{id}")).await;
        assert_eq!(c["tags"], json!([]), "the replay wrote nothing: {c}");
    }
    let (st, e) = keyed(
        &s,
        Method::POST,
        "/customers/bulk_add_tags",
        Some(json!({"ids": ids, "tags": ["b2b"]})),
        "tags-1",
    )
    .await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(code(&e), "conflict", "{e}");
    let (_, c) = s.get(&format!("/customers/{}", ids[0])).await;
    assert_eq!(c["tags"], json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_bulk_group_call_replays_each_group() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let ids = vec![customer(&s, "a@example.com").await];
    let (_, g1) = s.post("/customer_groups", json!({"name": "VIP"})).await;
    let (_, g2) = s.post("/customer_groups", json!({"name": "B2B"})).await;
    let body = json!({"ids": ids, "customer_group_ids": [g1["id"], g2["id"]]});
    let first = keyed(
        &s,
        Method::POST,
        "/customers/bulk_add_to_groups",
        Some(body.clone()),
        "groups-1",
    )
    .await;
    assert_eq!(
        first,
        (200, json!({"customer_count": 1, "customer_group_count": 2}))
    );
    let (st, r) = s
        .post("/customers/bulk_remove_from_groups", body.clone())
        .await;
    assert_eq!(st, 200, "{r}");
    let again = keyed(
        &s,
        Method::POST,
        "/customers/bulk_add_to_groups",
        Some(body),
        "groups-1",
    )
    .await;
    assert_eq!(again, first);
    for g in [&g1, &g2] {
        let (_, g) = s
            .get(&format!("/customer_groups/{}", g["id"].as_str().unwrap()))
            .await;
        assert_eq!(g["customers_count"], 0, "the replay wrote nothing: {g}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_customer_group_create_returns_the_first_group() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let body = json!({"name": "VIP", "description": "Best"});
    let first = keyed(
        &s,
        Method::POST,
        "/customer_groups",
        Some(body.clone()),
        "grp-1",
    )
    .await;
    assert_eq!(first.0, 201, "{}", first.1);
    let again = keyed(&s, Method::POST, "/customer_groups", Some(body), "grp-1").await;
    assert_eq!(again, first, "the same group, not a TAKEN name");
    let (st, e) = keyed(
        &s,
        Method::POST,
        "/customer_groups",
        Some(json!({"name": "B2B"})),
        "grp-1",
    )
    .await;
    assert_eq!(st, 409, "{e}");
    let (_, list) = s.get("/customer_groups").await;
    assert_eq!(list["meta"]["count"], 1, "{list}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_add_products_replays_without_publishing_again() {
    let app = spawn().await;
    app.seed("alpha", 1, 1).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let d = app
        .data(&s.key, "{ products(first: 2) { nodes { id } } }", json!({}))
        .await;
    let products = d["products"]["nodes"].as_array().unwrap().clone();
    let products: Vec<Value> = products.iter().map(|p| p["id"].clone()).collect();
    assert!(!products.is_empty());
    let (_, c) = s.post("/channels", json!({"name": "Marketplace"})).await;
    let id = c["id"].as_str().unwrap().to_owned();
    let add = format!("/channels/{id}/add_products");
    let body = json!({"product_ids": products});
    let first = keyed(&s, Method::POST, &add, Some(body.clone()), "pub-1").await;
    assert_eq!(first, (200, json!({"product_count": products.len()})));
    let (st, r) = s
        .post(&format!("/channels/{id}/remove_products"), body.clone())
        .await;
    assert_eq!(st, 200, "{r}");
    let again = keyed(&s, Method::POST, &add, Some(body), "pub-1").await;
    assert_eq!(again, first);
    assert_eq!(
        published(&s, &id).await,
        json!([]),
        "the replay published nothing"
    );
    let (st, e) = keyed(
        &s,
        Method::POST,
        &add,
        Some(json!({"product_ids": [products[0]]})),
        "pub-1",
    )
    .await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(published(&s, &id).await, json!([]));
}
