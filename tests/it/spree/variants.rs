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
    // Spree's variant predicates and sorts; the product is the route's.
    let (st, l) = s
        .get(&format!(
            "{base}?q[sku_cont]=sh-&q[is_master_eq]=false&sort=-sku&expand=prices"
        ))
        .await;
    assert_eq!(st, 200, "{l}");
    assert_eq!(l["meta"]["count"], 1);
    assert_eq!(l["data"][0]["id"], json!(vid));
    let (_, l) = s.get(&format!("{base}?q[search]=Size&fields=sku")).await;
    assert_eq!(l["data"], json!([{"id": vid, "sku": "SH-L"}]));
    for (q, param) in [
        ("q[weight_eq]=1", "q[weight_eq]"),
        ("q[product_id_eq]=x", "q[product_id_eq]"),
        ("q[position_gt]=x", "q[position_gt]"),
        ("sort=weight", "sort"),
        ("expand=stock_locations", "expand"),
    ] {
        let (st, e) = s.get(&format!("{base}?{q}")).await;
        assert_eq!(st, 400, "{q}: {e}");
        assert!(e["error"]["details"][param].is_array(), "{q}: {e}");
    }

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
    assert_eq!((st, code(&e)), (404, "variant_not_found"));
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
    // An ID that names nothing of its kind is not found, as Spree's lookups answer.
    let (st, e) = s.get("/products/prod_nope/variants").await;
    assert_eq!(st, 404, "{e}");
    assert!(e["error"]["details"]["product_id"].is_array(), "{e}");
    let (gone, _) = product(&s, "GONE-M").await;
    s.delete(&format!("/products/{gone}")).await;
    let (st, e) = s.get(&format!("/products/{gone}/variants")).await;
    assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    let base = format!("/products/{pid}/variants");
    for (body, status, field) in [
        (json!({"sku": "X", "colour": "red"}), 400, "colour"),
        (json!({"price": "cheap"}), 400, "price"),
        (json!({"compare_at_price": 3}), 422, "compare_at_price"),
        (json!({"compare_at_price": "x"}), 400, "compare_at_price"),
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

/// `GET /variants` and `GET /variants/{id}`: Spree's top-level variant search across products.
#[tokio::test(flavor = "multi_thread")]
async fn variants_are_searched_across_products() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let rival = Spree::new(&app, "beta", ALL).await;
    let (bowl, bowl_master) = product(&s, "BOWL-M").await;
    let (st, v) = s
        .post(
            &format!("/products/{bowl}/variants"),
            json!({"sku": "BOWL-L", "price": 12, "options": [{"name": "Size", "value": "L"}]}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let bowl_l = v["id"].as_str().unwrap().to_owned();
    let (cup, _) = product(&s, "CUP-M").await;
    let (_, theirs) = product(&rival, "BOWL-X").await;

    let (st, l) = s
        .get("/variants?q[sku_cont]=BOWL&sort=sku&expand=prices,stock_items&page=1&limit=5")
        .await;
    assert_eq!(st, 200, "{l}");
    assert_eq!(
        l["meta"]["count"], 2,
        "another merchant's variant is not listed: {l}"
    );
    assert_eq!(l["data"][0]["id"], json!(bowl_l));
    assert_eq!(l["data"][1]["id"], json!(bowl_master));
    assert_eq!(l["data"][0]["product_id"], json!(bowl));
    assert_eq!(l["data"][0]["prices"][0]["amount"], "12.00");
    assert_eq!(l["data"][0]["stock_items"], json!([]));
    let (_, l) = s
        .get(&format!("/variants?q[product_id_eq]={cup}&fields=sku"))
        .await;
    assert_eq!(
        l["data"],
        json!([{"id": l["data"][0]["id"], "sku": "CUP-M"}])
    );
    let (_, l) = s
        .get("/variants?q[is_master_eq]=true&sort=-created_at&limit=1&page=2&fields=sku")
        .await;
    assert_eq!(l["meta"]["count"], 2);
    assert_eq!(l["data"][0]["sku"], "BOWL-M");
    let (_, l) = s.get("/variants?q[search]=size&fields=sku").await;
    assert_eq!(l["data"][0]["sku"], "BOWL-L");
    let (_, l) = s
        .get("/variants?sort=position,-sku&fields=sku,position")
        .await;
    let skus: Vec<&str> = l["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["CUP-M", "BOWL-M", "BOWL-L"]);

    let (st, one) = s
        .get(&format!(
            "/variants/{bowl_l}?expand=prices,stock_items,option_values,media,primary_media,images,custom_fields,prior_price"
        ))
        .await;
    assert_eq!(st, 200, "{one}");
    assert_eq!(one["sku"], "BOWL-L");
    assert_eq!(one["product_name"], "Shirt");
    assert_eq!(one["prices"].as_array().unwrap().len(), 1);
    for empty in [
        "stock_items",
        "option_values",
        "media",
        "images",
        "custom_fields",
    ] {
        assert_eq!(one[empty], json!([]), "{empty}");
    }
    assert!(one["primary_media"].is_null() && one["prior_price"].is_null());
    // Nothing nests under an association outside our domain.
    let (st, e) = s
        .get(&format!(
            "/variants/{bowl_l}?expand=stock_items.stock_location"
        ))
        .await;
    assert_eq!(st, 400, "{e}");

    // Another merchant's variant, or none: 404; bad parameters name themselves.
    let (st, e) = s.get(&format!("/variants/{theirs}")).await;
    assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    let (st, _) = rival.get(&format!("/variants/{bowl_l}")).await;
    assert_eq!(st, 404);
    let (_, l) = rival
        .get(&format!("/variants?q[product_id_eq]={bowl}"))
        .await;
    assert_eq!(l["meta"]["count"], 0);
    for (q, param) in [
        ("q[sku_like]=x", "q[sku_like]"),
        ("q[weight_eq]=1", "q[weight_eq]"),
        ("q[product_id_eq]=prod_x", "q[product_id_eq]"),
        ("q[created_at_gt]=soon", "q[created_at_gt]"),
        ("q[is_master_eq]=maybe", "q[is_master_eq]"),
        ("sort=price", "sort"),
        ("limit=101", "limit"),
        ("expand=product", "expand"),
        ("fields=colour", "fields"),
    ] {
        let (st, e) = s.get(&format!("/variants?{q}")).await;
        assert_eq!(st, 400, "{q}: {e}");
        assert!(e["error"]["details"][param].is_array(), "{q}: {e}");
    }
    let (st, e) = s.get("/variants/variant_x").await;
    assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    assert!(e["error"]["details"]["id"].is_array(), "{e}");
    // read_products is needed.
    let other = Spree::new(&app, "alpha", "read_customers").await;
    let (st, _) = other.get("/variants").await;
    assert_eq!(st, 403);
}

/// The statements of a page of `/variants` do not grow with its size.
#[tokio::test(flavor = "multi_thread")]
async fn a_page_of_variants_costs_the_same_statements_whatever_its_limit() {
    let app = spawn().await;
    app.seed("alpha", 0, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let mut counts = Vec::new();
    for limit in [2, 40] {
        let path = format!("/variants?limit={limit}&expand=prices&sort=-created_at");
        let (st, l) = s.get(&path).await;
        assert_eq!(st, 200, "{l}");
        assert_eq!(l["data"].as_array().unwrap().len(), limit);
        let mut fewest = u64::MAX;
        for _ in 0..2 {
            let before = app.statements();
            let (st, _) = s.get(&path).await;
            assert_eq!(st, 200);
            fewest = fewest.min(app.statements() - before);
        }
        counts.push(fewest);
    }
    assert_eq!(counts[0], counts[1], "statements per request: {counts:?}");
}

/// A variant's scalar `compare_at_price` without `price` goes to its price in the store's
/// default currency among `prices` (Spree's SDK sends it so).
#[tokio::test(flavor = "multi_thread")]
async fn compare_at_price_applies_to_the_default_currency_price_among_prices() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, p) = s
        .post(
            "/products",
            json!({"name": "Probe", "status": "draft", "variants": [{"sku": "P6",
                   "prices": [{"currency": "EUR", "amount": 9}, {"currency": "USD", "amount": 10}],
                   "compare_at_price": "12.00"}]}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    assert_eq!(p["price"]["compare_at_amount"], "12.00", "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    let (_, v) = s
        .get(&format!("/products/{pid}/variants?expand=prices"))
        .await;
    let eur = v["data"][0]["prices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["currency"] == "EUR")
        .unwrap()
        .clone();
    assert!(eur["compare_at_amount"].is_null(), "{eur}");
    let vid = v["data"][0]["id"].as_str().unwrap().to_owned();
    let (st, u) = s
        .patch(
            &format!("/products/{pid}/variants/{vid}"),
            json!({"prices": [{"currency": "USD", "amount": 11}], "compare_at_price": 15}),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["price"]["compare_at_amount"], "15.00");
    let before = s.get("/products").await.1["meta"]["count"].clone();
    for (body, status, field) in [
        (
            json!({"name": "X", "variants": [{"prices": [{"currency": "EUR", "amount": 1}], "compare_at_price": 2}]}),
            422,
            "variants.0.compare_at_price",
        ),
        (
            json!({"name": "X", "variants": [{"compare_at_price": 2}]}),
            422,
            "variants.0.compare_at_price",
        ),
        (
            json!({"name": "X", "variants": [{"prices": [{"currency": "USD", "amount": 3}], "compare_at_price": 2}]}),
            422,
            "variants.0.compare_at_price",
        ),
        (
            json!({"name": "X", "variants": [{"prices": [{"currency": "USD", "amount": 3}], "compare_at_price": []}]}),
            400,
            "variants[0].compare_at_price",
        ),
    ] {
        let (st, e) = s.post("/products", body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(e["error"]["details"][field].is_array(), "{body}: {e}");
    }
    assert_eq!(
        s.get("/products").await.1["meta"]["count"],
        before,
        "nothing written"
    );
}
