//! Requests as Spree's admin SDK (`@spree/admin-sdk` 0.2.0) sends them: `X-Spree-Api-Key`,
//! `Content-Type: application/json` on every request (GETs included), a generated
//! `Idempotency-Key: spree-sdk-retry-<uuid>` on writes, and routes the reference document
//! lacks but the SDK calls.

use reqwest::Method;
use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::{spawn, TestApp};

/// Sends what the SDK's request function sends for `method path` with `body`.
async fn sdk(
    app: &TestApp,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let writes = method != Method::GET;
    let mut req = app
        .http
        .request(method, app.url(&format!("/api/v3/admin{path}")))
        .header("Content-Type", "application/json")
        .header("X-Spree-Api-Key", key);
    if writes {
        req = req.header(
            "Idempotency-Key",
            format!("spree-sdk-retry-{}", uuid_like(path)),
        );
    }
    if let Some(b) = body {
        req = req.body(b.to_string());
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn uuid_like(seed: &str) -> String {
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        seed.len(),
        seed.bytes().map(u64::from).sum::<u64>()
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn customers_addresses_get_reads_one_address_of_the_customer() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (_, c) = sdk(
        &app,
        &s.key,
        Method::POST,
        "/customers",
        Some(json!({"email": "sdk@example.com"})),
    )
    .await;
    let c = c["id"].as_str().unwrap().to_owned();
    let (st, a) = sdk(
        &app,
        &s.key,
        Method::POST,
        &format!("/customers/{c}/addresses"),
        Some(
            json!({"first_name": "Sdk", "last_name": "Check", "address1": "350 Fifth Avenue",
                    "city": "New York", "postal_code": "10118", "country_iso": "US",
                    "is_default_shipping": true}),
        ),
    )
    .await;
    assert_eq!(st, 201, "{a}");
    let a = a["id"].as_str().unwrap().to_owned();

    // `client.customers.addresses.get(customerId, id)`.
    let (st, got) = sdk(
        &app,
        &s.key,
        Method::GET,
        &format!("/customers/{c}/addresses/{a}"),
        None,
    )
    .await;
    assert_eq!(st, 200, "{got}");
    assert_eq!(
        (got["id"].clone(), got["city"].clone()),
        (json!(a), json!("New York"))
    );
    assert_eq!(got["is_default_shipping"], true);
    let (st, narrow) = sdk(
        &app,
        &s.key,
        Method::GET,
        &format!("/customers/{c}/addresses/{a}?fields=city"),
        None,
    )
    .await;
    assert_eq!((st, narrow), (200, json!({"id": a, "city": "New York"})));

    // Another customer's book, another merchant, a missing scope.
    let (_, other) = s
        .post("/customers", json!({"email": "other@example.com"}))
        .await;
    let other = other["id"].as_str().unwrap();
    let (st, e) = s.get(&format!("/customers/{other}/addresses/{a}")).await;
    assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    let beta = Spree::new(&app, "beta", ALL).await;
    let (st, e) = beta.get(&format!("/customers/{c}/addresses/{a}")).await;
    assert_eq!(st, 404, "{e}");
    let orders_only = Spree::new(&app, "alpha", "read_orders").await;
    let (st, e) = orders_only
        .get(&format!("/customers/{c}/addresses/{a}"))
        .await;
    assert_eq!(st, 403, "{e}");
    let (st, e) = s
        .get(&format!("/customers/{c}/addresses/{a}?limit=2"))
        .await;
    assert_eq!(st, 400, "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sdks_store_and_order_calls_are_served() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    // `client.store.get()` / `client.store.update({...})` with every documented parameter.
    let (st, store) = sdk(&app, &s.key, Method::GET, "/store", None).await;
    assert_eq!(st, 200, "{store}");
    let (st, store) = sdk(
        &app,
        &s.key,
        Method::PATCH,
        "/store",
        Some(
            json!({"name": "SDK Store", "preferred_admin_locale": "en", "preferred_timezone": "UTC",
                    "preferred_weight_unit": "kg", "preferred_unit_system": "metric"}),
        ),
    )
    .await;
    assert_eq!(
        (st, store["name"].clone()),
        (200, json!("SDK Store")),
        "{store}"
    );
    // `client.orders.create({email})`: no currency, the store's default.
    let (st, o) = sdk(
        &app,
        &s.key,
        Method::POST,
        "/orders",
        Some(json!({"email": "b@example.com"})),
    )
    .await;
    assert_eq!((st, o["currency"].clone()), (201, json!("USD")), "{o}");
}
