//! `POST /prices` creates (Spree's only answer is 201): an existing price of the same variant,
//! currency and list is a 422 naming `currency`, and a null amount (Spree's placeholder) a 422
//! naming `amount`, nothing written; `bulk_upsert` rows naming an unknown price ID are a 404.

use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::spawn;

async fn first_variant(s: &Spree<'_>) -> String {
    let d = s
        .app
        .data(&s.key, "{ variants(first: 1) { nodes { id } } }", json!({}))
        .await;
    d["variants"]["nodes"][0]["id"].as_str().unwrap().to_owned()
}

async fn prices_of(s: &Spree<'_>, variant: &str) -> Value {
    let (st, b) = s
        .get(&format!("/prices?q[variant_id_eq]={variant}&limit=100"))
        .await;
    assert_eq!(st, 200, "{b}");
    b["data"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_create_of_an_existing_price_is_taken_and_writes_nothing() {
    let app = spawn().await;
    app.seed("alpha", 1, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let v = first_variant(&s).await;
    let (st, pl) = s.post("/price_lists", json!({"name": "Trade"})).await;
    assert_eq!(st, 201, "{pl}");
    let pl = pl["id"].as_str().unwrap().to_owned();

    for list in [Value::Null, json!(pl)] {
        let body =
            json!({"variant_id": v, "currency": "GBP", "amount": "10", "price_list_id": list});
        let (st, first) = s.post("/prices", body).await;
        assert_eq!(st, 201, "{first}");
        let before = prices_of(&s, &v).await;
        let again =
            json!({"variant_id": v, "currency": "GBP", "amount": "12", "price_list_id": list});
        let (st, e) = s.post("/prices", again).await;
        assert_eq!((st, code(&e)), (422, "validation_error"), "{e}");
        let why = e["error"]["details"]["currency"][0].as_str().unwrap_or("");
        assert!(why.contains(first["id"].as_str().unwrap()), "{e}");
        assert_eq!(prices_of(&s, &v).await, before, "nothing written");
        // The price itself is updated by its ID.
        let (st, up) = s
            .patch(
                &format!("/prices/{}", first["id"].as_str().unwrap()),
                json!({"amount": "12"}),
            )
            .await;
        assert_eq!((st, up["amount"].clone()), (200, json!("12.00")), "{up}");
    }

    // A placeholder (null amount), on a list or not, is refused naming `amount`.
    for list in [Value::Null, json!(pl)] {
        let body =
            json!({"variant_id": v, "currency": "CAD", "amount": null, "price_list_id": list});
        let (st, e) = s.post("/prices", body).await;
        assert_eq!(st, 422, "{e}");
        assert!(e["error"]["details"]["amount"].is_array(), "{e}");
    }
    assert!(!prices_of(&s, &v)
        .await
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["currency"] == "CAD"));

    // GraphQL: REFUSE is TAKEN; the default still updates.
    let refuse = "mutation($i: [PriceInput!]!) { pricesUpsert(input: $i, ifExists: REFUSE) { \
                  created updated userErrors { field code } } }";
    let item = json!([{"variantId": v, "currency": "GBP", "amount": "13"}]);
    let d = app.data(&s.key, refuse, json!({ "i": item })).await;
    assert_eq!(
        d["pricesUpsert"]["userErrors"],
        json!([{"field": ["input", "0", "currency"], "code": "TAKEN"}]),
        "{d}"
    );
    let upsert = "mutation($i: [PriceInput!]!) { pricesUpsert(input: $i) { updated } }";
    let d = app.data(&s.key, upsert, json!({ "i": item })).await;
    assert_eq!(d["pricesUpsert"]["updated"], 1, "{d}");
    let d = app
        .data(
            &s.key,
            refuse,
            json!({"i": [{"variantId": v, "currency": "JPY", "amount": "1300"}]}),
        )
        .await;
    assert_eq!(d["pricesUpsert"]["created"], 1, "{d}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_upsert_rows_naming_an_unknown_price_are_not_found() {
    let app = spawn().await;
    app.seed("alpha", 1, 0).await;
    app.seed("beta", 1, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let beta = Spree::new(&app, "beta", ALL).await;
    let v = first_variant(&s).await;
    let (_, p) = s
        .post(
            "/prices",
            json!({"variant_id": v, "currency": "GBP", "amount": "10"}),
        )
        .await;
    let (_, gone) = s
        .post(
            "/prices",
            json!({"variant_id": v, "currency": "CHF", "amount": "10"}),
        )
        .await;
    let gone = gone["id"].as_str().unwrap().to_owned();
    assert_eq!(s.delete(&format!("/prices/{gone}")).await.0, 204);
    let before = prices_of(&s, &v).await;
    let rows = json!({"prices": [{"id": p["id"], "amount": "11"}, {"id": gone, "amount": "1"}]});
    let (st, e) = s.post("/prices/bulk_upsert", rows).await;
    assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    assert!(e["error"]["details"]["prices[1].id"].is_array(), "{e}");
    assert_eq!(prices_of(&s, &v).await, before, "nothing written");
    // Another merchant's price is unknown the same way.
    let (st, e) = beta
        .post(
            "/prices/bulk_upsert",
            json!({"prices": [{"id": p["id"], "amount": "0.01"}]}),
        )
        .await;
    assert_eq!(st, 404, "{e}");
    assert!(e["error"]["details"]["prices[0].id"].is_array(), "{e}");
    assert_eq!(prices_of(&s, &v).await, before);
}
