//! `/api/v3/admin/prices`: shapes, partial updates, filters and the spreadsheet sort, bulk
//! upsert and destroy, bad input (nothing written), tenant isolation, scopes and idempotency.

use reqwest::Method;
use serde_json::{json, Value};

use super::idempotency::keyed;
use super::{code, Spree, ALL};
use crate::common::{spawn, TestApp};

/// (variant ID, product name) of the merchant of `s`, `n` of them.
async fn variants(s: &Spree<'_>, n: usize) -> Vec<(String, String)> {
    let d = s
        .app
        .data(
            &s.key,
            &format!("{{ variants(first: {n}) {{ nodes {{ id product {{ name }} }} }} }}"),
            json!({}),
        )
        .await;
    d["variants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_owned(),
                v["product"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn price_list(s: &Spree<'_>, name: &str) -> String {
    let (st, pl) = s.post("/price_lists", json!({ "name": name })).await;
    assert_eq!(st, 201, "{pl}");
    pl["id"].as_str().unwrap().to_owned()
}

/// How many prices the merchant of `s` has.
async fn price_count(s: &Spree<'_>) -> u64 {
    let (st, b) = s.get("/prices?limit=1").await;
    assert_eq!(st, 200, "{b}");
    b["meta"]["count"].as_u64().unwrap()
}

async fn seeded(app: &TestApp) -> Spree<'_> {
    app.seed("alpha", 2, 0).await;
    Spree::new(app, "alpha", ALL).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_price_is_created_read_updated_in_part_and_deleted() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let v = variants(&s, 1).await;
    let (st, p) = s
        .post(
            "/prices",
            json!({"variant_id": v[0].0, "currency": "EUR", "amount": "9.99"}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    assert_eq!(p["amount_in_cents"], 999);
    assert_eq!(p["display_amount"], "€9.99");
    assert_eq!(p["currency"], "EUR");
    assert_eq!(p["compare_at_amount"], Value::Null);
    assert_eq!(p["compare_at_amount_in_cents"], Value::Null);
    assert_eq!(p["display_compare_at_amount"], Value::Null);
    assert_eq!(p["price_list_id"], Value::Null);
    assert_eq!(p["variant_id"], v[0].0.as_str());
    assert!(p["created_at"].is_string() && p["updated_at"].is_string());
    let id = p["id"].as_str().unwrap();
    let path = format!("/prices/{id}");
    let (st, shown) = s.get(&path).await;
    assert_eq!((st, &shown), (200, &p));

    // Partial: the compare-at amount alone; the amount stays.
    let (st, up) = s.patch(&path, json!({"compare_at_amount": 12.5})).await;
    assert_eq!(st, 200, "{up}");
    assert_eq!(up["amount_in_cents"], 999);
    assert_eq!(up["compare_at_amount_in_cents"], 1250);
    assert_eq!(up["display_compare_at_amount"], "€12.50");
    assert_eq!(up["created_at"], p["created_at"]);
    let (st, up) = s.patch(&path, json!({"amount": "11"})).await;
    assert_eq!(st, 200, "{up}");
    assert_eq!(up["amount_in_cents"], 1100);
    assert_eq!(up["compare_at_amount_in_cents"], 1250);
    // Below the stored compare-at amount's floor: 422 naming the field, nothing written.
    let (st, e) = s.patch(&path, json!({"amount": "13"})).await;
    assert_eq!(st, 422, "{e}");
    assert!(e["error"]["details"].get("amount").is_some(), "{e}");
    let (st, e) = s.patch(&path, json!({"compare_at_amount": "5"})).await;
    assert_eq!(st, 422, "{e}");
    assert!(
        e["error"]["details"].get("compare_at_amount").is_some(),
        "{e}"
    );
    assert_eq!(s.get(&path).await.1["amount_in_cents"], 1100);

    // A price in a list, found by the list.
    let pl = price_list(&s, "Retail EU").await;
    let (st, lp) = s
        .post(
            "/prices",
            json!({"variant_id": v[0].0, "currency": "EUR", "amount": 8, "price_list_id": pl}),
        )
        .await;
    assert_eq!(st, 201, "{lp}");
    assert_eq!(lp["price_list_id"], pl.as_str());
    let (_, page) = s.get(&format!("/prices?q[price_list_id_eq]={pl}")).await;
    assert_eq!(page["meta"]["count"], 1, "{page}");
    assert_eq!(page["data"][0]["id"], lp["id"]);
    let (_, list) = s.get(&format!("/price_lists/{pl}")).await;
    assert_eq!(list["prices_count"], 1);
    assert_eq!(list["products_count"], 1);
    let (_, base) = s
        .get("/prices?q[price_list_id_null]=true&q[currency_eq]=EUR")
        .await;
    assert_eq!(base["meta"]["count"], 1, "{base}");
    assert_eq!(base["data"][0]["id"], id);

    let (st, _) = s.delete(&path).await;
    assert_eq!(st, 204);
    for (st, e) in [
        s.get(&path).await,
        s.patch(&path, json!({"amount": "1"})).await,
        s.delete(&path).await,
    ] {
        assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_sort_by_product_name_then_variant() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let v = variants(&s, 50).await;
    let pl = price_list(&s, "Sorted").await;
    let prices: Vec<Value> = v
        .iter()
        .map(|(id, _)| json!({"variant_id": id, "currency": "USD", "price_list_id": pl, "amount": "1"}))
        .collect();
    let (st, r) = s
        .post("/prices/bulk_upsert", json!({ "prices": prices }))
        .await;
    assert_eq!((st, r["price_count"].clone()), (200, json!(v.len())), "{r}");
    let names: std::collections::HashMap<&str, &str> =
        v.iter().map(|(id, n)| (id.as_str(), n.as_str())).collect();
    let mut seen: Vec<(String, String)> = Vec::new();
    for page in 1..=3 {
        let (st, b) = s
            .get(&format!(
                "/prices?q[price_list_id_eq]={pl}&sort=variant_product_name,variant_id&limit=20&page={page}"
            ))
            .await;
        assert_eq!(st, 200, "{b}");
        for p in b["data"].as_array().unwrap() {
            let variant = p["variant_id"].as_str().unwrap();
            seen.push((names[variant].to_owned(), variant.to_owned()));
        }
    }
    assert_eq!(seen.len(), v.len());
    let names_in_order: Vec<&String> = seen.iter().map(|(n, _)| n).collect();
    let mut sorted = names_in_order.clone();
    sorted.sort();
    assert_eq!(names_in_order, sorted, "by product name");
    let (st, desc) = s
        .get(&format!(
            "/prices?q[price_list_id_eq]={pl}&sort=-variant_product_name,-variant_id&limit=1"
        ))
        .await;
    assert_eq!(st, 200, "{desc}");
    assert_eq!(
        names[desc["data"][0]["variant_id"].as_str().unwrap()],
        seen.last().unwrap().0.as_str()
    );
    // Several keys: each in turn (the translator passes them all to the GraphQL list).
    let (st, b) = s.get("/prices?sort=variant_product_name,-amount").await;
    assert_eq!(st, 200, "{b}");
    let (st, e) = s.get("/prices?sort=amount,-amount").await;
    assert_eq!(st, 400, "{e}");
    // The same order through GraphQL, with cursors.
    let d = app
        .data(
            &s.key,
            "query($pl: ID!) { prices(first: 50, filter: {priceListId: {eq: $pl}}, sort: {field: VARIANT_PRODUCT_NAME, direction: ASC}) { edges { cursor node { variantId } } } }",
            json!({ "pl": pl }),
        )
        .await;
    let edges = d["prices"]["edges"].as_array().unwrap();
    let after = edges[9]["cursor"].as_str().unwrap();
    let d2 = app
        .data(
            &s.key,
            "query($pl: ID!, $after: String) { prices(first: 5, after: $after, filter: {priceListId: {eq: $pl}}, sort: {field: VARIANT_PRODUCT_NAME, direction: ASC}) { nodes { variantId } } }",
            json!({ "pl": pl, "after": after }),
        )
        .await;
    assert_eq!(
        d2["prices"]["nodes"][0]["variantId"],
        edges[10]["node"]["variantId"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_upsert_writes_all_or_nothing_and_bulk_destroy_counts_what_it_deleted() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let v = variants(&s, 3).await;
    let pl = price_list(&s, "Bulk").await;
    let rows = |amount: &str| -> Value {
        json!({"prices": v.iter().map(|(id, _)| json!({"variant_id": id, "currency": "USD", "price_list_id": pl, "amount": amount})).collect::<Vec<_>>()})
    };
    let before = price_count(&s).await;
    let (st, r) = s.post("/prices/bulk_upsert", rows("11.11")).await;
    assert_eq!((st, r), (200, json!({"price_count": 3})));
    let (st, r) = s.post("/prices/bulk_upsert", rows("12.12")).await;
    assert_eq!((st, r), (200, json!({"price_count": 3})));
    assert_eq!(price_count(&s).await, before + 3);
    let (_, list) = s.get(&format!("/price_lists/{pl}")).await;
    assert_eq!(list["prices_count"], 3);
    let (st, r) = s.post("/prices/bulk_upsert", json!({"prices": []})).await;
    assert_eq!((st, r), (200, json!({"price_count": 0})));

    // One bad row refuses the request, naming it; nothing is written.
    for (body, status, field) in [
        (
            json!({"prices": [{"variant_id": v[0].0, "currency": "USD", "amount": "1"}, {"variant_id": v[1].0, "currency": "usd", "amount": "1"}]}),
            422,
            "prices[1].currency",
        ),
        (
            json!({"prices": [{"variant_id": v[0].0, "currency": "GBP"}]}),
            422,
            "prices[0].amount",
        ),
        (
            json!({"prices": [{"variant_id": v[0].0, "currency": "GBP", "amount": "-1"}]}),
            422,
            "prices[0].amount",
        ),
        (
            json!({"prices": [{"variant_id": "variant_UkLWZg9DAJ", "currency": "GBP", "amount": "1"}]}),
            422,
            "prices[0].variant_id",
        ),
        (
            json!({"prices": [{"variant_id": v[0].0, "currency": "GBP", "amount": "1", "price_list_id": "pl_UkLWZg9DAJ"}]}),
            422,
            "prices[0].price_list_id",
        ),
        (
            json!({"prices": [{"variant_id": v[0].0, "currency": "GBP", "amount": "abc"}]}),
            400,
            "prices[0].amount",
        ),
        (
            json!({"prices": [{"currency": "GBP"}]}),
            400,
            "prices[0].variant_id",
        ),
        (json!({"prices": "all"}), 400, "prices"),
        (json!({"prices": [], "extra": 1}), 400, "extra"),
    ] {
        let (st, e) = s.post("/prices/bulk_upsert", body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(e["error"]["details"].get(field).is_some(), "{field}: {e}");
    }
    let (st, e) = s.post("/prices/bulk_upsert", json!({})).await;
    assert_eq!((st, code(&e)), (422, "missing_prices"), "{e}");
    assert_eq!(price_count(&s).await, before + 3);

    // bulk_destroy counts what it deleted; another merchant's IDs are not among them.
    let (_, page) = s.get(&format!("/prices?q[price_list_id_eq]={pl}")).await;
    let ids: Vec<Value> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    app.seed("beta", 1, 0).await;
    let beta = Spree::new(&app, "beta", ALL).await;
    let (st, r) = beta
        .call(
            Method::DELETE,
            "/prices/bulk_destroy",
            Some(json!({ "ids": ids })),
        )
        .await;
    assert_eq!((st, r), (200, json!({"price_count": 0})));
    let (st, r) = s
        .call(
            Method::DELETE,
            "/prices/bulk_destroy",
            Some(json!({"ids": [ids[0], ids[1], "price_UkLWZg9DAJ"]})),
        )
        .await;
    assert_eq!((st, r), (200, json!({"price_count": 2})));
    let (st, e) = s
        .call(Method::DELETE, "/prices/bulk_destroy", Some(json!({})))
        .await;
    assert_eq!(st, 400, "{e}");
    assert!(e["error"]["details"].get("ids").is_some());
    assert_eq!(price_count(&s).await, before + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_is_refused_naming_the_field() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let v = variants(&s, 1).await;
    let before = price_count(&s).await;
    for (body, status, field) in [
        (json!({"currency": "USD", "amount": "1"}), 422, "variant_id"),
        (
            json!({"variant_id": v[0].0, "amount": "1"}),
            422,
            "currency",
        ),
        (
            json!({"variant_id": v[0].0, "currency": "JPY"}),
            422,
            "amount",
        ),
        (
            json!({"variant_id": v[0].0, "currency": "JPY", "amount": true}),
            400,
            "amount",
        ),
        (
            json!({"variant_id": v[0].0, "currency": "JPY", "amount": "1", "colour": "red"}),
            400,
            "colour",
        ),
        (
            json!({"variant_id": v[0].0, "currency": "YEN", "amount": "1"}),
            422,
            "currency",
        ),
        (
            json!({"variant_id": v[0].0, "currency": "JPY", "amount": "1", "compare_at_amount": "0.5"}),
            422,
            "compare_at_amount",
        ),
        (
            json!({"variant_id": "variant_UkLWZg9DAJ", "currency": "JPY", "amount": "1"}),
            422,
            "variant_id",
        ),
    ] {
        let (st, e) = s.post("/prices", body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(e["error"]["details"].get(field).is_some(), "{field}: {e}");
    }
    assert_eq!(price_count(&s).await, before);
    for q in [
        "q[currency_cont]=US&q[currency_cont]=x",
        "q[amount_gt]=ten",
        "sort=colour",
        "q[variant_id_eq]=cus_UkLWZg9DAJ",
    ] {
        let (st, e) = s.get(&format!("/prices?{q}")).await;
        assert_eq!(st, 400, "{q}: {e}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_prices_are_not_found_and_scopes_are_checked() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let (_, page) = s.get("/prices?limit=1").await;
    let id = page["data"][0]["id"].as_str().unwrap().to_owned();
    let amount = page["data"][0]["amount"].clone();
    app.seed("beta", 1, 0).await;
    let beta = Spree::new(&app, "beta", ALL).await;
    let path = format!("/prices/{id}");
    assert_eq!(beta.get(&path).await.0, 404);
    assert_eq!(beta.patch(&path, json!({"amount": "0.01"})).await.0, 404);
    assert_eq!(beta.delete(&path).await.0, 404);
    let (st, e) = beta
        .post(
            "/prices/bulk_upsert",
            json!({"prices": [{"id": id, "amount": "0.01"}]}),
        )
        .await;
    assert_eq!(st, 404, "{e}");
    assert!(e["error"]["details"].get("prices[0].id").is_some(), "{e}");
    // Alpha's variant under beta's key is unknown too.
    let v = variants(&s, 1).await;
    let (st, _) = beta
        .post(
            "/prices",
            json!({"variant_id": v[0].0, "currency": "USD", "amount": "1"}),
        )
        .await;
    assert_eq!(st, 422);
    let (_, shown) = s.get(&path).await;
    assert_eq!(shown["amount"], amount);

    let reader = Spree::new(&app, "alpha", "read_products").await;
    assert_eq!(reader.get(&path).await.0, 200);
    for (st, e) in [
        reader.patch(&path, json!({"amount": "1"})).await,
        reader.delete(&path).await,
        reader
            .post("/prices/bulk_upsert", json!({"prices": []}))
            .await,
        reader
            .call(
                Method::DELETE,
                "/prices/bulk_destroy",
                Some(json!({"ids": [id]})),
            )
            .await,
    ] {
        assert_eq!((st, code(&e)), (403, "access_denied"), "{e}");
    }
    let other = Spree::new(&app, "alpha", "read_orders").await;
    assert_eq!(other.get("/prices").await.0, 403);
    assert_eq!(s.get(&path).await.1["amount"], amount);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idempotency_key_makes_a_retried_bulk_upsert_write_once() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let v = variants(&s, 2).await;
    let body = json!({"prices": [{"variant_id": v[0].0, "currency": "CHF", "amount": "3"},
                                 {"variant_id": v[1].0, "currency": "CHF", "amount": "4"}]});
    let before = price_count(&s).await;
    let (st, a) = keyed(
        &s,
        Method::POST,
        "/prices/bulk_upsert",
        Some(body.clone()),
        "bulk-1",
    )
    .await;
    assert_eq!((st, a), (200, json!({"price_count": 2})));
    let (st, b) = keyed(
        &s,
        Method::POST,
        "/prices/bulk_upsert",
        Some(body),
        "bulk-1",
    )
    .await;
    assert_eq!((st, b), (200, json!({"price_count": 2})));
    assert_eq!(price_count(&s).await, before + 2);
    let (st, e) = keyed(
        &s,
        Method::POST,
        "/prices/bulk_upsert",
        Some(json!({"prices": []})),
        "bulk-1",
    )
    .await;
    // An empty batch writes nothing and never reaches the key.
    assert_eq!(st, 200, "{e}");
    let (st, p) = keyed(
        &s,
        Method::POST,
        "/prices",
        Some(json!({"variant_id": v[0].0, "currency": "SEK", "amount": "9"})),
        "one-1",
    )
    .await;
    assert_eq!(st, 201, "{p}");
    let (st, p2) = keyed(
        &s,
        Method::POST,
        "/prices",
        Some(json!({"variant_id": v[0].0, "currency": "SEK", "amount": "9"})),
        "one-1",
    )
    .await;
    assert_eq!((st, &p2["id"]), (201, &p["id"]), "{p2}");
    let (st, e) = keyed(
        &s,
        Method::POST,
        "/prices",
        Some(json!({"variant_id": v[0].0, "currency": "SEK", "amount": "10"})),
        "one-1",
    )
    .await;
    assert_eq!(st, 409, "{e}");
    let path = format!("/prices/{}", p["id"].as_str().unwrap());
    assert_eq!(keyed(&s, Method::DELETE, &path, None, "del-1").await.0, 204);
    assert_eq!(keyed(&s, Method::DELETE, &path, None, "del-1").await.0, 204);
}

/// `expand=variant` embeds the price's variant (Spree's `Price#variant`), in lists and shows,
/// with statements flat in `limit`.
#[tokio::test(flavor = "multi_thread")]
async fn prices_expand_their_variant() {
    let app = spawn().await;
    let s = seeded(&app).await;
    let v = variants(&s, 2).await;
    let pl = price_list(&s, "Expand").await;
    for (variant, amount) in [(&v[0].0, "3.00"), (&v[1].0, "4.00")] {
        let (st, p) = s
            .post(
                "/prices",
                json!({"variant_id": variant, "currency": "USD", "amount": amount, "price_list_id": pl}),
            )
            .await;
        assert_eq!(st, 201, "{p}");
    }
    let (st, l) = s
        .get(&format!(
            "/prices?q[price_list_id_eq]={pl}&q[currency_eq]=USD&sort=-created_at&expand=variant&page=1&limit=5"
        ))
        .await;
    assert_eq!(st, 200, "{l}");
    assert_eq!(l["meta"]["count"], 2);
    for row in l["data"].as_array().unwrap() {
        assert_eq!(row["variant"]["id"], row["variant_id"], "{row}");
        assert!(row["variant"]["sku"].is_string(), "{row}");
        assert!(row["variant"]["product_name"].is_string(), "{row}");
    }
    let id = l["data"][0]["id"].as_str().unwrap().to_owned();
    let (st, one) = s
        .get(&format!("/prices/{id}?expand=variant.prices&fields=amount"))
        .await;
    assert_eq!(st, 200, "{one}");
    assert_eq!(one["variant"]["id"], v[1].0, "{one}");
    assert!(one["variant"]["prices"].as_array().unwrap().len() >= 2);
    let (st, e) = s.get(&format!("/prices/{id}?expand=variant.stock")).await;
    assert_eq!(st, 400, "{e}");
    assert!(e["error"]["details"]["expand"].is_array());
    // Another merchant's price stays unknown, expanded or not.
    let rival = Spree::new(&app, "beta", ALL).await;
    let (st, _) = rival.get(&format!("/prices/{id}?expand=variant")).await;
    assert_eq!(st, 404);

    let mut counts = Vec::new();
    for limit in [2, 30] {
        let path = format!("/prices?limit={limit}&expand=variant.prices");
        s.get(&path).await;
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
