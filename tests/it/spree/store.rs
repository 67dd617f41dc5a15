//! `GET /store` and `PATCH /store` over the shop's settings, and the default currency of
//! `POST /orders` without one.

use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn the_store_is_the_merchants_settings() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, store) = s.get("/store").await;
    assert_eq!(st, 200, "{store}");
    assert_eq!(store["id"], "alpha");
    assert_eq!(store["default_currency"], "USD");
    assert_eq!(store["supported_currencies"], json!(["USD"]));
    assert_eq!(store["default_locale"], "en");
    assert_eq!(store["supported_locales"], json!(["en"]));
    assert_eq!(store["preferred_timezone"], "UTC");
    assert_eq!(store["url"], "");
    assert_eq!(store["metadata"], json!({}));
    assert_eq!(store["mail_from_address"], Value::Null);
    assert_eq!(store["preferred_send_consumer_transactional_emails"], false);

    // What the admin SDK's `store.update` sends, and our own settings.
    let (st, updated) = s
        .patch(
            "/store",
            json!({"name": "Renamed Store", "preferred_admin_locale": "en",
                   "preferred_timezone": "America/New_York", "preferred_weight_unit": "kg",
                   "preferred_unit_system": "metric", "url": "https://alpha.example.com",
                   "supported_currencies": ["USD", "EUR"], "default_currency": "EUR",
                   "default_locale": "en-US"}),
        )
        .await;
    assert_eq!(st, 200, "{updated}");
    for (k, v) in [
        ("name", json!("Renamed Store")),
        ("preferred_admin_locale", json!("en")),
        ("preferred_timezone", json!("America/New_York")),
        ("preferred_weight_unit", json!("kg")),
        ("preferred_unit_system", json!("metric")),
        ("url", json!("https://alpha.example.com")),
        ("default_currency", json!("EUR")),
        ("supported_currencies", json!(["USD", "EUR"])),
        ("default_locale", json!("en-US")),
        ("supported_locales", json!(["en-US"])),
    ] {
        assert_eq!(updated[k], v, "{k}: {updated}");
    }
    let (_, read) = s.get("/store").await;
    assert_eq!(read, updated);
    // A client sending back what it read changes nothing.
    let (st, again) = s.patch("/store", read.clone()).await;
    assert_eq!(st, 200, "{again}");
    assert_eq!(again["name"], read["name"]);
    // `fields` narrows the answer.
    let (st, narrow) = s.get("/store?fields=name,default_currency").await;
    assert_eq!(st, 200, "{narrow}");
    assert_eq!(
        narrow,
        json!({"id": "alpha", "name": "Renamed Store", "default_currency": "EUR"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_store_updates_name_the_field_and_write_nothing() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (_, before) = s.get("/store").await;
    for (body, status, field) in [
        (json!({"name": ""}), 422, "name"),
        (json!({"default_currency": "usd"}), 422, "default_currency"),
        (json!({"default_currency": "EUR"}), 422, "default_currency"),
        (
            json!({"supported_currencies": ["EUR"]}),
            422,
            "supported_currencies",
        ),
        (
            json!({"supported_currencies": ["USD", "USD"]}),
            422,
            "supported_currencies",
        ),
        (
            json!({"preferred_timezone": "Mars/Olympus_Mons"}),
            422,
            "preferred_timezone",
        ),
        (
            json!({"preferred_admin_locale": "english"}),
            422,
            "preferred_admin_locale",
        ),
        (
            json!({"preferred_weight_unit": "stone"}),
            422,
            "preferred_weight_unit",
        ),
        (
            json!({"preferred_unit_system": "SI"}),
            422,
            "preferred_unit_system",
        ),
        (json!({"url": "alpha.example.com"}), 422, "url"),
        (json!({"name": 5}), 400, "name"),
        (
            json!({"customer_support_email": "help-at-example.com"}),
            422,
            "customer_support_email",
        ),
        (
            json!({"mail_from_address": "no-reply@example"}),
            422,
            "mail_from_address",
        ),
        (
            json!({"preferred_send_consumer_transactional_emails": "yes"}),
            400,
            "preferred_send_consumer_transactional_emails",
        ),
        (json!({"mailer_logo": "signed-blob-id"}), 400, "mailer_logo"),
        (json!({"metadata": {"a": 1}}), 400, "metadata"),
        (json!({"colour": "red"}), 400, "colour"),
    ] {
        let mut body = body.clone();
        if body.get("name").is_none() {
            body["name"] = json!("Not written");
        }
        let (st, e) = s.patch("/store", body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(e["error"]["details"][field].is_array(), "{body}: {e}");
    }
    let (st, e) = s.get("/store?expand=markets").await;
    assert_eq!(st, 400, "{e}");
    assert_eq!(s.get("/store").await.1, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mail_settings_are_kept_and_read_back() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    // What the admin SDK's `StoreUpdateParams` carries besides the preferences.
    let mail = json!({
        "mail_from_address": "no-reply@alpha.example",
        "customer_support_email": " support@alpha.example ",
        "new_order_notifications_email": "owner@alpha.example",
        "preferred_send_consumer_transactional_emails": true,
        "mailer_logo": null,
    });
    let (st, updated) = s.patch("/store", mail).await;
    assert_eq!(st, 200, "{updated}");
    let (_, read) = s.get("/store").await;
    for (k, v) in [
        ("mail_from_address", json!("no-reply@alpha.example")),
        ("customer_support_email", json!("support@alpha.example")),
        (
            "new_order_notifications_email",
            json!("owner@alpha.example"),
        ),
        ("preferred_send_consumer_transactional_emails", json!(true)),
        ("mailer_logo_url", Value::Null),
    ] {
        assert_eq!(updated[k], v, "{k}: {updated}");
        assert_eq!(read[k], v, "{k}: {read}");
    }
    // Other fields keep them; null and blank clear an address.
    let (st, renamed) = s.patch("/store", json!({"name": "Alpha"})).await;
    assert_eq!(st, 200, "{renamed}");
    assert_eq!(renamed["mail_from_address"], "no-reply@alpha.example");
    let (st, cleared) = s
        .patch(
            "/store",
            json!({"customer_support_email": null, "new_order_notifications_email": "",
                   "preferred_send_consumer_transactional_emails": false}),
        )
        .await;
    assert_eq!(st, 200, "{cleared}");
    assert_eq!(cleared["customer_support_email"], Value::Null);
    assert_eq!(cleared["new_order_notifications_email"], Value::Null);
    assert_eq!(
        cleared["preferred_send_consumer_transactional_emails"],
        false
    );
    assert_eq!(cleared["mail_from_address"], "no-reply@alpha.example");
    // GraphQL reads the same settings.
    let key = app.api_key("alpha", "stores:read").await;
    let data = app
        .data(
            &key,
            "{ shop { mailFromAddress customerSupportEmail sendConsumerTransactionalEmails } }",
            json!({}),
        )
        .await;
    assert_eq!(
        data["shop"],
        json!({"mailFromAddress": "no-reply@alpha.example", "customerSupportEmail": null,
               "sendConsumerTransactionalEmails": false}),
        "{data}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_store_needs_the_settings_scopes_and_is_the_callers_own() {
    let app = spawn().await;
    let alpha = Spree::new(&app, "alpha", ALL).await;
    let beta = Spree::new(&app, "beta", ALL).await;
    let reader = Spree::new(&app, "alpha", "read_settings").await;
    let customers = Spree::new(&app, "alpha", "read_customers,write_customers").await;

    let (st, e) = customers.get("/store").await;
    assert_eq!((st, code(&e)), (403, "access_denied"), "{e}");
    let (st, e) = reader.patch("/store", json!({"name": "x"})).await;
    assert_eq!(st, 403, "{e}");
    assert_eq!(reader.get("/store").await.0, 200);

    let (st, b) = beta.patch("/store", json!({"name": "Beta"})).await;
    assert_eq!((st, b["id"].clone()), (200, json!("beta")), "{b}");
    let (_, a) = alpha.get("/store").await;
    assert_eq!(
        (a["id"].clone(), a["name"].clone()),
        (json!("alpha"), json!("alpha"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_order_without_currency_takes_the_stores_default() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, o) = s
        .post("/orders", json!({"email": "buyer@example.com"}))
        .await;
    assert_eq!((st, o["currency"].clone()), (201, json!("USD")), "{o}");
    let (st, _) = s
        .patch(
            "/store",
            json!({"supported_currencies": ["USD", "EUR"], "default_currency": "EUR"}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, o) = s
        .post("/orders", json!({"email": "buyer@example.com"}))
        .await;
    assert_eq!((st, o["currency"].clone()), (201, json!("EUR")), "{o}");
    let (st, o) = s
        .post(
            "/orders",
            json!({"email": "buyer@example.com", "currency": null}),
        )
        .await;
    assert_eq!((st, o["currency"].clone()), (201, json!("EUR")), "{o}");
    let (st, o) = s
        .post(
            "/orders",
            json!({"email": "buyer@example.com", "currency": "USD"}),
        )
        .await;
    assert_eq!((st, o["currency"].clone()), (201, json!("USD")), "{o}");
}
