//! `/api/v3/admin/products/{product_id}/variants`: the master first by position, a scalar
//! `price` in the store's default currency, nested prices, ownership by the product, bad input.

use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::spawn;

async fn product(s: &Spree<'_>, sku: &str) -> (String, String) {
    let (st, p) = s
        .post(
            "/products",
            json!({"name": "Shirt", "variants": [{"sku": sku, "price": 10}]}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    (
        p["id"].as_str().unwrap().to_owned(),
        p["default_variant_id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn variants_are_listed_created_shown_updated_and_deleted() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (pid, master) = product(&s, "SH-M").await;
    let base = format!("/products/{pid}/variants");
    let (st, v) = s
        .post(
            &base,
            json!({"sku": "SH-L", "price": 24.99, "compare_at_price": 30,
                   "options": [{"name": "Size", "value": "L"}],
                   "prices": [{"currency": "EUR", "amount": 22}],
                   "weight": 1.5, "stock_items": []}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    assert!(v["id"].as_str().unwrap().starts_with("variant_"));
    assert_eq!(v["product_id"], json!(pid));
    assert_eq!(v["product_name"], "Shirt");
    assert_eq!(v["options_text"], "Size: L");
    assert_eq!(v["position"], 1);
    assert_eq!(v["purchasable"], true);
    assert_eq!(v["option_values"], json!([]));
    assert!(v["weight"].is_null(), "dimensions are outside our domain");
    let price = &v["price"];
    assert_eq!(
        (
            price["amount"].clone(),
            price["compare_at_amount"].clone(),
            price["currency"].clone(),
            price["display_amount"].clone(),
            price["amount_in_cents"].clone()
        ),
        (
            json!("24.99"),
            json!("30.00"),
            json!("USD"),
            json!("$24.99"),
            json!(2499)
        )
    );
    let vid = v["id"].as_str().unwrap().to_owned();

    let (st, list) = s.get(&format!("{base}?expand=prices")).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["meta"]["count"], 2);
    assert_eq!(list["data"][0]["id"], json!(master), "the master first");
    let prices = list["data"][1]["prices"].as_array().unwrap();
    let mut currencies: Vec<&str> = prices
        .iter()
        .map(|p| p["currency"].as_str().unwrap())
        .collect();
    currencies.sort();
    assert_eq!(currencies, ["EUR", "USD"]);
    let (_, page) = s.get(&format!("{base}?limit=1&page=2&sort=position")).await;
    assert_eq!(page["data"][0]["id"], json!(vid));
    assert_eq!(page["meta"]["pages"], 2);
    let (st, e) = s.get(&format!("{base}?q[sku_eq]=x")).await;
    assert_eq!(st, 400, "{e}");
    let (st, e) = s.get(&format!("{base}?sort=sku")).await;
    assert_eq!(st, 400, "{e}");

    let (st, shown) = s.get(&format!("{base}/{vid}?fields=sku,price")).await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(shown["sku"], "SH-L");
    let (st, u) = s
        .patch(
            &format!("{base}/{vid}"),
            json!({"sku": "SH-XL", "price": 26, "prices": [{"currency": "EUR", "amount": 23}]}),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["sku"], "SH-XL");
    assert_eq!(u["price"]["amount"], "26.00");
    assert_eq!(
        u["price"]["compare_at_amount"], "30.00",
        "kept when omitted"
    );

    // The master stays; another variant goes.
    let (st, e) = s.delete(&format!("{base}/{master}")).await;
    assert_eq!(st, 422, "{e}");
    let (st, _) = s.delete(&format!("{base}/{vid}")).await;
    assert_eq!(st, 204);
    let (st, e) = s.get(&format!("{base}/{vid}")).await;
    assert_eq!((st, code(&e)), (404, "record_not_found"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_variant_belongs_to_its_product_and_bad_input_writes_nothing() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (pid, master) = product(&s, "SH-M").await;
    let (other, _) = product(&s, "OT-M").await;
    // Addressed under another product of the same merchant: not found, nothing written.
    let (st, _) = s.get(&format!("/products/{other}/variants/{master}")).await;
    assert_eq!(st, 404);
    let (st, _) = s
        .patch(
            &format!("/products/{other}/variants/{master}"),
            json!({"sku": "MOVED"}),
        )
        .await;
    assert_eq!(st, 404);
    let (st, _) = s
        .delete(&format!("/products/{other}/variants/{master}"))
        .await;
    assert_eq!(st, 404);
    let (st, e) = s.get("/products/prod_nope/variants").await;
    assert_eq!(st, 400, "{e}");
    assert!(e["error"]["details"]["product_id"].is_array(), "{e}");
    let (gone, _) = product(&s, "GONE-M").await;
    s.delete(&format!("/products/{gone}")).await;
    let (st, e) = s.get(&format!("/products/{gone}/variants")).await;
    assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    let base = format!("/products/{pid}/variants");
    for (body, status, field) in [
        (json!({"sku": "X", "colour": "red"}), 400, "colour"),
        (json!({"price": "cheap"}), 400, "price"),
        (json!({"compare_at_price": 3}), 400, "price"),
        (json!({"options": "Size: L"}), 400, "options"),
        (
            json!({"prices": [{"currency": "USD"}]}),
            400,
            "prices[0].amount",
        ),
        (json!({"sku": "SH-M"}), 422, "sku"),
        (json!({"price": -1}), 422, "prices.0.amount"),
        (
            json!({"price": 5, "compare_at_price": 4}),
            422,
            "prices.0.compare_at_amount",
        ),
        (
            json!({"prices": [{"currency": "XX", "amount": 1}]}),
            422,
            "prices.0.currency",
        ),
        (json!({"position": -4}), 422, "position"),
    ] {
        let (st, e) = s.post(&base, body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(
            e["error"]["details"][field].is_array(),
            "{body}: details.{field}: {e}"
        );
    }
    let (st, e) = s
        .patch(
            &format!("{base}/{master}"),
            json!({"sku": "NEW", "price": -2}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    let (_, list) = s.get(&base).await;
    assert_eq!(list["meta"]["count"], 1, "nothing was written: {list}");
    assert_eq!(list["data"][0]["sku"], "SH-M");
    assert_eq!(list["data"][0]["price"]["amount"], "10.00");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_variant_without_a_default_currency_price_shows_spree_s_empty_price() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, p) = s
        .post(
            "/products",
            json!({"name": "Euro only", "variants": [{"prices": [{"currency": "EUR", "amount": 3}]}]}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    assert!(p["price"].is_null(), "{p}");
    assert_eq!(p["purchasable"], false);
    let (_, list) = s
        .get(&format!("/products/{}/variants", p["id"].as_str().unwrap()))
        .await;
    let v: &Value = &list["data"][0];
    assert!(v["price"]["amount"].is_null(), "{v}");
    assert_eq!(v["price"]["amount_in_cents"], 0);
    assert_eq!(v["purchasable"], false);
}
