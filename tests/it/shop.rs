//! `shop` / `shopUpdate`: the merchant's settings — defaults, validation naming each field,
//! optimistic concurrency, scopes, tenant isolation, and the default currency an order takes
//! when it names none.

use serde_json::{json, Value};

use crate::common::{error_code, spawn, TestApp};

const SHOP: &str = "{ shop { slug name url defaultCurrency supportedCurrencies defaultLocale
    timezone adminLocale weightUnit unitSystem createdAt updatedAt } }";
const UPDATE: &str = "mutation($input: ShopUpdateInput!, $at: DateTime, $key: String) {
    shopUpdate(input: $input, expectedUpdatedAt: $at, idempotencyKey: $key) {
      shop { slug name url defaultCurrency supportedCurrencies defaultLocale timezone adminLocale
             weightUnit unitSystem updatedAt }
      userErrors { field code message } } }";

async fn shop(app: &TestApp, key: &str) -> Value {
    app.data(key, SHOP, json!({})).await["shop"].clone()
}

async fn update(app: &TestApp, key: &str, input: Value) -> Value {
    app.data(key, UPDATE, json!({ "input": input })).await["shopUpdate"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_merchant_has_default_settings_and_changes_them() {
    let app = spawn().await;
    let key = app.api_key("alpha", "stores:write").await;
    let s = shop(&app, &key).await;
    assert_eq!(s["slug"], "alpha");
    assert_eq!(s["name"], "alpha");
    assert_eq!(s["url"], Value::Null);
    assert_eq!(s["defaultCurrency"], "USD");
    assert_eq!(s["supportedCurrencies"], json!(["USD"]));
    assert_eq!(s["defaultLocale"], "en");
    assert_eq!(s["timezone"], "UTC");
    assert_eq!(s["adminLocale"], Value::Null);
    assert_eq!(
        (s["weightUnit"].clone(), s["unitSystem"].clone()),
        (json!("lb"), json!("imperial"))
    );

    let p = update(
        &app,
        &key,
        json!({"name": " Alpha Goods ", "url": "https://alpha.example.com",
               "supportedCurrencies": ["USD", "EUR"], "defaultCurrency": "EUR",
               "defaultLocale": "en-US", "timezone": "Europe/Madrid", "adminLocale": "es",
               "weightUnit": "kg", "unitSystem": "metric"}),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let after = shop(&app, &key).await;
    assert_eq!(p["shop"]["updatedAt"], after["updatedAt"]);
    assert_eq!(after["name"], "Alpha Goods");
    assert_eq!(after["url"], "https://alpha.example.com");
    assert_eq!(after["defaultCurrency"], "EUR");
    assert_eq!(after["supportedCurrencies"], json!(["USD", "EUR"]));
    assert_eq!(after["defaultLocale"], "en-US");
    assert_eq!(after["timezone"], "Europe/Madrid");
    assert_eq!(after["adminLocale"], "es");
    assert_eq!(
        (after["weightUnit"].clone(), after["unitSystem"].clone()),
        (json!("kg"), json!("metric"))
    );
    assert_ne!(after["updatedAt"], s["updatedAt"]);

    // null clears the optional ones; omitted fields keep their values.
    let p = update(&app, &key, json!({"url": null, "adminLocale": null})).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(
        (p["shop"]["url"].clone(), p["shop"]["adminLocale"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(p["shop"]["defaultCurrency"], "EUR");
}

#[tokio::test(flavor = "multi_thread")]
async fn shop_update_names_each_bad_field_and_writes_nothing() {
    let app = spawn().await;
    let key = app.api_key("alpha", "stores:write").await;
    let before = shop(&app, &key).await;
    for (input, field, code) in [
        (
            json!({"defaultCurrency": "usd"}),
            json!(["input", "defaultCurrency"]),
            "INVALID",
        ),
        (
            json!({"defaultCurrency": "XXX"}),
            json!(["input", "defaultCurrency"]),
            "INVALID",
        ),
        // Not among the supported currencies (still USD alone).
        (
            json!({"defaultCurrency": "EUR"}),
            json!(["input", "defaultCurrency"]),
            "INVALID",
        ),
        // Leaves out the default.
        (
            json!({"supportedCurrencies": ["EUR"]}),
            json!(["input", "supportedCurrencies"]),
            "INVALID",
        ),
        (
            json!({"supportedCurrencies": ["USD", "USD"]}),
            json!(["input", "supportedCurrencies", "1"]),
            "DUPLICATE_IN_REQUEST",
        ),
        (
            json!({"supportedCurrencies": ["USD", "EURO"]}),
            json!(["input", "supportedCurrencies", "1"]),
            "INVALID",
        ),
        (
            json!({"supportedCurrencies": []}),
            json!(["input", "supportedCurrencies"]),
            "LIMIT_EXCEEDED",
        ),
        (
            json!({"defaultLocale": "english"}),
            json!(["input", "defaultLocale"]),
            "INVALID",
        ),
        (
            json!({"defaultLocale": "en_US"}),
            json!(["input", "defaultLocale"]),
            "INVALID",
        ),
        (
            json!({"adminLocale": "EN"}),
            json!(["input", "adminLocale"]),
            "INVALID",
        ),
        (
            json!({"timezone": "Mars/Olympus_Mons"}),
            json!(["input", "timezone"]),
            "INVALID",
        ),
        (
            json!({"timezone": ""}),
            json!(["input", "timezone"]),
            "INVALID",
        ),
        (
            json!({"url": "alpha.example.com"}),
            json!(["input", "url"]),
            "INVALID",
        ),
        (json!({"name": " "}), json!(["input", "name"]), "REQUIRED"),
        (
            json!({"name": "n".repeat(201)}),
            json!(["input", "name"]),
            "TOO_LONG",
        ),
        (
            json!({"weightUnit": "stone"}),
            json!(["input", "weightUnit"]),
            "INVALID",
        ),
        (
            json!({"unitSystem": "SI"}),
            json!(["input", "unitSystem"]),
            "INVALID",
        ),
    ] {
        // A valid change next to the bad one is not written either.
        let mut input = input.clone();
        input["name"] = input.get("name").cloned().unwrap_or(json!("Renamed"));
        let p = update(&app, &key, input.clone()).await;
        assert_eq!(p["shop"], Value::Null, "{input}: {p}");
        let errors = p["userErrors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{input}: expected {field} {code}, got {p}"
        );
    }
    assert_eq!(shop(&app, &key).await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_expected_updated_at_is_a_conflict() {
    let app = spawn().await;
    let key = app.api_key("alpha", "stores:write").await;
    let seen = shop(&app, &key).await["updatedAt"].clone();
    let d = app
        .data(&key, UPDATE, json!({"input": {"name": "One"}, "at": seen}))
        .await;
    assert_eq!(d["shopUpdate"]["userErrors"], json!([]));
    let d = app
        .data(&key, UPDATE, json!({"input": {"name": "Two"}, "at": seen}))
        .await;
    assert_eq!(
        d["shopUpdate"]["userErrors"][0]["field"],
        json!(["expectedUpdatedAt"])
    );
    assert_eq!(d["shopUpdate"]["userErrors"][0]["code"], "CONFLICT");
    assert_eq!(shop(&app, &key).await["name"], "One");
    // A retry with the same idempotency key answers the first result.
    let vars = json!({"input": {"name": "Three"}, "key": "shop-retry-1"});
    let first = app.data(&key, UPDATE, vars.clone()).await;
    update(&app, &key, json!({"name": "Four"})).await;
    let again = app.data(&key, UPDATE, vars).await;
    assert_eq!(again["shopUpdate"]["shop"]["name"], "Four");
    assert_eq!(
        first["shopUpdate"]["userErrors"],
        again["shopUpdate"]["userErrors"]
    );
    assert_eq!(
        shop(&app, &key).await["name"],
        "Four",
        "the retry wrote nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn shop_needs_stores_scopes_and_each_merchant_sees_its_own() {
    let app = spawn().await;
    let alpha = app.api_key("alpha", "stores:write").await;
    let beta = app.api_key("beta", "stores:write").await;
    let reader = app.api_key("alpha", "stores:read").await;
    let other = app
        .api_key("alpha", "customers:write,orders:write,catalog:write")
        .await;

    assert_eq!(shop(&app, &reader).await["slug"], "alpha");
    let body = app.gql(&other, SHOP, json!({})).await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let body = app
        .gql(&reader, UPDATE, json!({"input": {"name": "x"}}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");

    let p = update(
        &app,
        &beta,
        json!({"name": "Beta", "supportedCurrencies": ["USD", "GBP"], "defaultCurrency": "GBP"}),
    )
    .await;
    assert_eq!(p["shop"]["slug"], "beta", "{p}");
    let a = shop(&app, &alpha).await;
    assert_eq!(
        (a["name"].clone(), a["defaultCurrency"].clone()),
        (json!("alpha"), json!("USD"))
    );
    assert_eq!(shop(&app, &beta).await["defaultCurrency"], "GBP");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_without_a_currency_takes_the_shops_default() {
    let app = spawn().await;
    let key = app.api_key("alpha", "stores:write,orders:write").await;
    let create = "mutation($input: OrderCreateInput!) { orderCreate(input: $input) {
        order { currency } userErrors { field code message } } }";
    let d = app
        .data(&key, create, json!({"input": {"email": "a@example.com"}}))
        .await;
    assert_eq!(d["orderCreate"]["order"]["currency"], "USD", "{d}");
    update(
        &app,
        &key,
        json!({"supportedCurrencies": ["USD", "EUR"], "defaultCurrency": "EUR"}),
    )
    .await;
    let d = app
        .data(&key, create, json!({"input": {"email": "a@example.com"}}))
        .await;
    assert_eq!(d["orderCreate"]["order"]["currency"], "EUR", "{d}");
    // A currency named wins over the default.
    let d = app
        .data(
            &key,
            create,
            json!({"input": {"email": "a@example.com", "currency": "usd"}}),
        )
        .await;
    assert_eq!(d["orderCreate"]["order"]["currency"], "USD", "{d}");
}
