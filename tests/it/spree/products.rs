//! `/api/v3/admin/products` and its bulk routes: shapes, nested variants and prices in one
//! transaction, sorts by price and best sellers, bad input, tenant isolation, scopes,
//! idempotency and a flat statement count.

use reqwest::Method;
use serde_json::{json, Value};

use super::idempotency::keyed;
use super::{code, Spree, ALL};
use crate::common::spawn;

async fn create(s: &Spree<'_>, body: Value) -> Value {
    let (st, p) = s.post("/products", body).await;
    assert_eq!(st, 201, "{p}");
    p
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

/// How many products the merchant has whose name contains `name`.
async fn count(s: &Spree<'_>, name: &str) -> u64 {
    let (st, list) = s.get(&format!("/products?q[name_cont]={name}")).await;
    assert_eq!(st, 200, "{list}");
    list["meta"]["count"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_product_is_created_with_variants_and_prices_read_updated_and_deleted() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let p = create(
        &s,
        json!({
            "name": "Premium T-Shirt", "description": "Soft.", "status": "active",
            "tags": ["sale", "eco", "sale"], "tax_category_id": "taxcat_x",
            "variants": [
                {"sku": "TS-M", "options": [{"name": "size", "value": "Medium"}],
                 "prices": [{"currency": "USD", "amount": 29.99, "compare_at_amount": "39.99"},
                            {"currency": "EUR", "amount": 27.99}],
                 "stock_items": [{"stock_location_id": "sloc_x", "count_on_hand": 5}]},
                {"sku": "TS-S", "price": 19.5}
            ]
        }),
    )
    .await;
    assert!(p["id"].as_str().unwrap().starts_with("prod_"), "{p}");
    assert_eq!(p["name"], "Premium T-Shirt");
    assert_eq!(p["slug"], "premium-t-shirt");
    assert_eq!(p["tags"], json!(["eco", "sale"]));
    assert_eq!(p["variant_count"], 1, "the master is not counted: {p}");
    assert_eq!(p["status"], "active");
    assert_eq!(p["purchasable"], true);
    assert_eq!(p["description_html"], "Soft.");
    assert!(p["default_variant_id"]
        .as_str()
        .unwrap()
        .starts_with("variant_"));
    let price = &p["price"];
    assert_eq!(price["amount"], "29.99", "{p}");
    assert_eq!(price["amount_in_cents"], 2999);
    assert_eq!(price["compare_at_amount"], "39.99");
    assert_eq!(price["currency"], "USD");
    assert_eq!(price["display_amount"], "$29.99");
    assert_eq!(price["variant_id"], p["default_variant_id"]);
    assert!(price["id"].as_str().unwrap().starts_with("price_"));
    assert!(price["created_at"].is_string());
    for key in [
        "meta_title",
        "thumbnail_url",
        "tax_category_id",
        "deleted_at",
    ] {
        assert!(p[key].is_null(), "{key}: {p}");
    }
    let pid = id(&p);

    // Show, with the variants, their prices and the channels.
    let (_, ch) = s.post("/channels", json!({"name": "Web"})).await;
    s.post(
        &format!("/channels/{}/add_products", id(&ch)),
        json!({"product_ids": [pid]}),
    )
    .await;
    let (st, shown) = s
        .get(&format!(
            "/products/{pid}?expand=variants.prices,prices,channels"
        ))
        .await;
    assert_eq!(st, 200, "{shown}");
    // `prices`: every price of every variant, by variant position then currency.
    let all: Vec<(&str, &str)> = shown["prices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["variant_id"].as_str().unwrap(),
                p["currency"].as_str().unwrap(),
            )
        })
        .collect();
    let per_variant: usize = shown["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["prices"].as_array().unwrap().len())
        .sum();
    assert_eq!(all.len(), per_variant, "{shown}");
    assert!(all.iter().all(|(v, _)| shown["variants"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == *v)));
    assert_eq!(shown["prices"][0]["display_amount"], "€27.99", "{shown}");
    assert_eq!(shown["prices"][1]["display_amount"], "$29.99", "{shown}");
    let variants = shown["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0]["sku"], "TS-M");
    assert_eq!(variants[0]["options_text"], "size: Medium");
    assert_eq!(variants[0]["prices"].as_array().unwrap().len(), 2);
    assert_eq!(variants[1]["price"]["amount"], "19.50", "{shown}");
    assert_eq!(variants[1]["price"]["currency"], "USD");
    assert_eq!(shown["channels"][0]["id"], ch["id"]);
    let (st, only) = s.get(&format!("/products/{pid}?fields=name,price")).await;
    assert_eq!(st, 200);
    assert_eq!(
        only.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["id", "name", "price"]
    );

    // Update: fields, tags replaced, a variant changed by id and one added, with prices.
    let second = variants[1]["id"].as_str().unwrap();
    let (st, u) = s
        .patch(
            &format!("/products/{pid}"),
            json!({"name": "Premium Tee", "tags": ["new"], "variants": [
                {"id": second, "sku": "TS-S2", "prices": [{"currency": "USD", "amount": 21}]},
                {"sku": "TS-L", "price": 31}
            ]}),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["name"], "Premium Tee");
    assert_eq!(u["slug"], "premium-t-shirt", "the slug stays");
    assert_eq!(u["tags"], json!(["new"]));
    assert_eq!(u["variant_count"], 2);
    let (_, vs) = s.get(&format!("/products/{pid}/variants")).await;
    let skus: Vec<&str> = vs["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["sku"].as_str().unwrap())
        .collect();
    assert_eq!(skus, ["TS-M", "TS-S2", "TS-L"]);
    assert_eq!(vs["data"][1]["price"]["amount"], "21.00");
    assert_eq!(vs["data"][2]["price"]["amount"], "31.00");

    let (st, _) = s.delete(&format!("/products/{pid}")).await;
    assert_eq!(st, 204);
    let (st, e) = s.get(&format!("/products/{pid}")).await;
    assert_eq!((st, code(&e)), (404, "record_not_found"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_product_input_is_refused_naming_the_field_and_writes_nothing() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    for (body, status, field) in [
        (json!({}), 422, "name"),
        (json!({"name": "Bad", "colour": "red"}), 400, "colour"),
        (json!({"name": "Bad", "variants": "x"}), 400, "variants"),
        (json!({"name": "Bad", "variants": [1]}), 400, "variants[0]"),
        (
            json!({"name": "Bad", "variants": [{"options": [{"name": "size"}]}]}),
            400,
            "variants[0].options[0]",
        ),
        (
            json!({"name": "Bad", "variants": [{"prices": [{"amount": 1}]}]}),
            400,
            "variants[0].prices[0].currency",
        ),
        (
            json!({"name": "Bad", "variants": [{"prices": [{"currency": "USD", "amount": "abc"}]}]}),
            400,
            "variants[0].prices[0].amount",
        ),
        (
            json!({"name": "Bad", "variants": [{"prices": [{"currency": "USD", "amount": 1, "tax": 2}]}]}),
            400,
            "variants[0].prices[0].tax",
        ),
        (
            json!({"name": "Bad", "variants": [{"prices": [{"currency": "usd1", "amount": 1}]}]}),
            422,
            "variants.0.prices.0.currency",
        ),
        (
            json!({"name": "Bad", "variants": [{"prices": [{"currency": "USD", "amount": -1}]}]}),
            422,
            "variants.0.prices.0.amount",
        ),
        (
            json!({"name": "Bad", "variants": [{"prices": [{"currency": "USD", "amount": 5, "compare_at_amount": 4}]}]}),
            422,
            "variants.0.prices.0.compare_at_amount",
        ),
        (
            json!({"name": "Bad", "variants": [{"prices": [{"currency": "USD", "amount": 5}, {"currency": "USD", "amount": 6}]}]}),
            422,
            "variants.0.prices.1.currency",
        ),
        (
            json!({"name": "Bad", "variants": [{"sku": "DUP"}, {"sku": "DUP"}]}),
            422,
            "variants.1.sku",
        ),
        (json!({"name": "Bad", "status": "gone"}), 422, "status"),
        (json!({"name": "", "variants": [{"price": 1}]}), 422, "name"),
    ] {
        let (st, e) = s.post("/products", body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(
            e["error"]["details"][field].is_array(),
            "{body}: expected details.{field}: {e}"
        );
    }
    assert_eq!(count(&s, "Bad").await, 0, "nothing was written");

    // An update whose nested price fails changes nothing, the product's own fields included.
    let p = create(
        &s,
        json!({"name": "Kept", "variants": [{"sku": "K-1", "price": 3}]}),
    )
    .await;
    let pid = id(&p);
    let (st, e) = s
        .patch(
            &format!("/products/{pid}"),
            json!({"name": "Changed", "variants": [{"sku": "K-2", "prices": [{"currency": "USD", "amount": -3}]}]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(e["error"]["details"]["variants.0.prices.0.amount"].is_array());
    let (_, shown) = s.get(&format!("/products/{pid}?expand=variants")).await;
    assert_eq!(shown["name"], "Kept");
    assert_eq!(shown["variants"].as_array().unwrap().len(), 1);
    // A variant of another product, by id.
    let other = create(&s, json!({"name": "Other", "variants": [{"sku": "O-1"}]})).await;
    let (st, e) = s
        .patch(
            &format!("/products/{pid}"),
            json!({"name": "Changed", "variants": [{"id": other["default_variant_id"], "sku": "X"}]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(e["error"]["details"]["variants.0.id"].is_array(), "{e}");
    let (_, shown) = s.get(&format!("/products/{pid}")).await;
    assert_eq!(shown["name"], "Kept");
    let (st, e) = s.get("/products?sort=cheapest").await;
    assert_eq!(st, 400, "{e}");
    assert!(e["error"]["details"]["sort"].is_array());
}

/// Completes an order of `quantity` units of `variant`.
async fn sell(s: &Spree<'_>, variant: &Value, quantity: i64) {
    let (st, o) = s
        .post(
            "/orders",
            json!({"currency": "USD", "email": "buyer@example.com",
                   "items": [{"variant_id": variant, "quantity": quantity}]}),
        )
        .await;
    assert_eq!(st, 201, "{o}");
    let (st, o) = s
        .patch(&format!("/orders/{}/complete", id(&o)), json!({}))
        .await;
    assert_eq!(st, 200, "{o}");
}

fn names(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_sort_by_name_price_and_best_sellers_and_filter_by_tags() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let a = create(
        &s,
        json!({"name": "A", "tags": ["x"], "variants": [{"price": 20}]}),
    )
    .await;
    let b = create(
        &s,
        json!({"name": "B", "tags": ["x", "y"], "variants": [{"price": 5}]}),
    )
    .await;
    let c = create(&s, json!({"name": "C", "variants": [{"price": 10}]})).await;
    let d = create(
        &s,
        json!({"name": "D", "variants": [{"prices": [{"currency": "EUR", "amount": 1}]}]}),
    )
    .await;
    sell(&s, &b["default_variant_id"], 3).await;
    sell(&s, &c["default_variant_id"], 1).await;
    sell(&s, &c["default_variant_id"], 1).await;
    let _ = (&a, &d);
    let (_, l) = s.get("/products?sort=name").await;
    assert_eq!(names(&l), ["A", "B", "C", "D"]);
    let (_, l) = s.get("/products?sort=-name").await;
    assert_eq!(names(&l), ["D", "C", "B", "A"]);
    // D has no price in the default currency: first ascending.
    let (_, l) = s.get("/products?sort=price").await;
    assert_eq!(names(&l), ["D", "B", "C", "A"]);
    let (_, l) = s.get("/products?sort=-price").await;
    assert_eq!(names(&l), ["A", "C", "B", "D"]);
    let (_, l) = s.get("/products?sort=best_selling").await;
    assert_eq!(names(&l)[..2], ["B", "C"]);
    // Pages of a sorted list follow one another.
    let (_, p2) = s.get("/products?sort=price&limit=2&page=2").await;
    assert_eq!(names(&p2), ["C", "A"]);
    assert_eq!(p2["meta"]["count"], 4);
    // A price change moves the product.
    let (st, _) = s
        .patch(
            &format!("/products/{}", id(&a)),
            json!({"variants": [{"id": a["default_variant_id"], "price": 1}]}),
        )
        .await;
    assert_eq!(st, 200);
    let (_, l) = s.get("/products?sort=price").await;
    assert_eq!(names(&l), ["D", "A", "B", "C"]);
    let (_, l) = s.get("/products?q[status_eq]=active&q[name_cont]=b").await;
    assert_eq!(names(&l), ["B"]);
    // The GraphQL list filters on tags.
    let d = app
        .data(
            &s.key,
            "{ all: products(filter: {tags: {hasAll: [\"x\", \"y\"]}}) { nodes { name } } \
               any: products(filter: {tags: {hasAny: [\"x\"]}}) { totalCount } \
               best: products(first: 1, sort: {field: BEST_SELLING, direction: ASC}) { nodes { name unitsSold } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["all"]["nodes"], json!([{"name": "B"}]));
    assert_eq!(d["any"]["totalCount"], 2);
    assert_eq!(d["best"]["nodes"], json!([{"name": "B", "unitsSold": 3}]));
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_routes_answer_with_counts_and_refuse_all_or_nothing() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let other = Spree::new(&app, "beta", ALL).await;
    let p1 = id(&create(&s, json!({"name": "One"})).await);
    let p2 = id(&create(&s, json!({"name": "Two"})).await);
    let foreign = id(&create(&other, json!({"name": "Theirs"})).await);

    // Status: other merchants' products are dropped (as Spree drops other stores').
    let (st, r) = s
        .post(
            "/products/bulk_status_update",
            json!({"ids": [p1, p2, foreign], "status": "archived"}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r, json!({"product_count": 2, "status": "archived"}));
    let (_, t) = other.get(&format!("/products/{foreign}")).await;
    assert_eq!(
        t["status"], "active",
        "another merchant's product is untouched"
    );
    let (st, e) = s
        .post(
            "/products/bulk_status_update",
            json!({"ids": [p1], "status": "gone"}),
        )
        .await;
    assert_eq!((st, code(&e)), (422, "invalid_status"), "{e}");
    let (st, e) = s
        .post("/products/bulk_status_update", json!({"ids": [p1]}))
        .await;
    assert_eq!(st, 400, "{e}");
    assert!(e["error"]["details"]["status"].is_array());

    // Channels: others' channels are ignored.
    let (_, ch) = s.post("/channels", json!({"name": "Shop"})).await;
    let (_, their_ch) = other.post("/channels", json!({"name": "Shop"})).await;
    let (st, r) = s
        .post(
            "/products/bulk_add_to_channels",
            json!({"ids": [p1, p2], "channel_ids": [ch["id"], their_ch["id"]]}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r, json!({"product_count": 2, "channel_count": 1}));
    let (_, shown) = s.get(&format!("/products/{p1}?expand=channels")).await;
    assert_eq!(shown["channels"][0]["id"], ch["id"]);
    let (st, r) = s
        .post(
            "/products/bulk_remove_from_channels",
            json!({"ids": [p1], "channel_ids": [ch["id"]]}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(
        r,
        json!({"product_count": 1, "channel_count": 1, "removed": 1})
    );
    let (st, e) = s
        .post(
            "/products/bulk_add_to_channels",
            json!({"ids": [p1, foreign], "channel_ids": [ch["id"]]}),
        )
        .await;
    assert_eq!(st, 404, "{e}");
    let (_, shown) = s.get(&format!("/products/{p1}?expand=channels")).await;
    assert_eq!(shown["channels"], json!([]), "nothing was published");
    // Several channels are one statement: all of them or none.
    let (_, ch2) = s.post("/channels", json!({"name": "Kiosk"})).await;
    let (st, e) = s
        .post(
            "/products/bulk_add_to_channels",
            json!({"ids": [p1, foreign], "channel_ids": [ch["id"], ch2["id"]]}),
        )
        .await;
    assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    let (_, shown) = s.get(&format!("/products/{p1}?expand=channels")).await;
    assert_eq!(shown["channels"], json!([]), "no channel was written");
    let (st, r) = s
        .post(
            "/products/bulk_add_to_channels",
            json!({"ids": [p1, p2], "channel_ids": [ch["id"], ch2["id"]]}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r, json!({"product_count": 2, "channel_count": 2}));
    let (st, r) = s
        .post(
            "/products/bulk_remove_from_channels",
            json!({"ids": [p1, p2], "channel_ids": [ch["id"], ch2["id"], their_ch["id"]]}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(
        r,
        json!({"product_count": 2, "channel_count": 2, "removed": 4})
    );
    let (st, e) = s
        .post(
            "/products/bulk_add_to_channels",
            json!({"ids": [p1], "channel_ids": ["prod_nope"]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(e["error"]["details"]["channel_ids"].is_array(), "{e}");

    // Tags: all or nothing.
    let (st, r) = s
        .post(
            "/products/bulk_add_tags",
            json!({"ids": [p1, p2], "tags": ["summer", "sale"]}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r, json!({"product_count": 2, "tag_count": 2}));
    let (st, e) = s
        .post(
            "/products/bulk_add_tags",
            json!({"ids": [p1, foreign], "tags": ["winter"]}),
        )
        .await;
    assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    let (st, e) = s
        .post(
            "/products/bulk_add_tags",
            json!({"ids": [p1], "tags": [""]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    let (st, r) = s
        .post(
            "/products/bulk_remove_tags",
            json!({"ids": [p2], "tags": ["sale"]}),
        )
        .await;
    assert_eq!((st, r), (200, json!({"product_count": 1, "tag_count": 1})));
    let (_, one) = s.get(&format!("/products/{p1}")).await;
    assert_eq!(one["tags"], json!(["sale", "summer"]), "no winter: {one}");
    let (_, two) = s.get(&format!("/products/{p2}")).await;
    assert_eq!(two["tags"], json!(["summer"]));
    let (st, e) = s
        .post(
            "/products/bulk_add_tags",
            json!({"ids": [p1], "tags": [], "x": 1}),
        )
        .await;
    assert_eq!(st, 400, "{e}");

    // Destroy: all or nothing.
    let (st, e) = s
        .call(
            Method::DELETE,
            "/products/bulk_destroy",
            Some(json!({"ids": [p1, foreign]})),
        )
        .await;
    assert_eq!(st, 404, "{e}");
    assert_eq!(count(&s, "One").await, 1, "nothing was deleted");
    let (st, e) = s
        .call(Method::DELETE, "/products/bulk_destroy", Some(json!({})))
        .await;
    assert_eq!(st, 400, "{e}");
    let (st, r) = s
        .call(
            Method::DELETE,
            "/products/bulk_destroy",
            Some(json!({"ids": [p1, p2]})),
        )
        .await;
    assert_eq!((st, r), (200, json!({"product_count": 2})));
    let (st, _) = other.get(&format!("/products/{foreign}")).await;
    assert_eq!(st, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_products_are_not_found_and_scopes_guard_the_routes() {
    let app = spawn().await;
    let a = Spree::new(&app, "alpha", ALL).await;
    let b = Spree::new(&app, "beta", ALL).await;
    let theirs = create(
        &b,
        json!({"name": "Theirs", "variants": [{"sku": "T-1", "price": 1}, {"sku": "T-2"}]}),
    )
    .await;
    let pid = id(&theirs);
    let (_, vs) = b.get(&format!("/products/{pid}/variants")).await;
    let vid = vs["data"][1]["id"].as_str().unwrap().to_owned();
    for (method, path, body) in [
        (Method::GET, format!("/products/{pid}"), None),
        (
            Method::PATCH,
            format!("/products/{pid}"),
            Some(json!({"name": "Mine"})),
        ),
        (Method::DELETE, format!("/products/{pid}"), None),
        (Method::GET, format!("/products/{pid}/variants"), None),
        (
            Method::POST,
            format!("/products/{pid}/variants"),
            Some(json!({"sku": "M-1"})),
        ),
        (Method::GET, format!("/products/{pid}/variants/{vid}"), None),
        (
            Method::PATCH,
            format!("/products/{pid}/variants/{vid}"),
            Some(json!({"sku": "M-2"})),
        ),
        (
            Method::DELETE,
            format!("/products/{pid}/variants/{vid}"),
            None,
        ),
        (
            Method::POST,
            "/products/bulk_add_tags".into(),
            Some(json!({"ids": [pid], "tags": ["mine"]})),
        ),
        (
            Method::POST,
            "/products/bulk_remove_tags".into(),
            Some(json!({"ids": [pid], "tags": ["x"]})),
        ),
        (
            Method::DELETE,
            "/products/bulk_destroy".into(),
            Some(json!({"ids": [pid]})),
        ),
    ] {
        let (st, e) = a.call(method.clone(), &path, body).await;
        // The spec names one route's 404 after the record.
        let expected = if method == Method::GET && path.contains("/variants/") {
            "variant_not_found"
        } else {
            "record_not_found"
        };
        assert_eq!((st, code(&e)), (404, expected), "{method} {path}: {e}");
    }
    let (_, after) = b.get(&format!("/products/{pid}?expand=variants")).await;
    assert_eq!(after["name"], "Theirs");
    assert_eq!(after["tags"], json!([]));
    let skus: Vec<&Value> = after["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["sku"])
        .collect();
    assert_eq!(skus, [&json!("T-1"), &json!("T-2")], "nothing was written");

    // Scopes: a key without read_products / write_products is refused.
    let reader = Spree::new(&app, "alpha", "read_products").await;
    let none = Spree::new(&app, "alpha", "read_customers,write_customers").await;
    let mine = id(&create(&a, json!({"name": "Mine"})).await);
    for (method, path, body) in [
        (Method::GET, "/products".to_owned(), None),
        (Method::GET, format!("/products/{mine}"), None),
        (Method::GET, format!("/products/{mine}/variants"), None),
        (
            Method::GET,
            "/tags?taggable_type=Spree::Product".to_owned(),
            None,
        ),
    ] {
        let (st, e) = none.call(method.clone(), &path, body.clone()).await;
        assert_eq!((st, code(&e)), (403, "access_denied"), "{path}: {e}");
        let (st, e) = reader.call(method, &path, body).await;
        assert_eq!(st, 200, "{path}: {e}");
    }
    for (method, path, body) in [
        (
            Method::POST,
            "/products".to_owned(),
            Some(json!({"name": "X"})),
        ),
        (
            Method::PATCH,
            format!("/products/{mine}"),
            Some(json!({"name": "X"})),
        ),
        (Method::DELETE, format!("/products/{mine}"), None),
        (
            Method::POST,
            format!("/products/{mine}/variants"),
            Some(json!({"sku": "X"})),
        ),
        (
            Method::POST,
            "/products/bulk_status_update".to_owned(),
            Some(json!({"ids": [mine], "status": "draft"})),
        ),
        (
            Method::POST,
            "/products/bulk_add_tags".to_owned(),
            Some(json!({"ids": [mine], "tags": ["x"]})),
        ),
        (
            Method::POST,
            "/products/bulk_remove_tags".to_owned(),
            Some(json!({"ids": [mine], "tags": ["x"]})),
        ),
        (
            Method::DELETE,
            "/products/bulk_destroy".to_owned(),
            Some(json!({"ids": [mine]})),
        ),
    ] {
        let (st, e) = reader.call(method, &path, body).await;
        assert_eq!((st, code(&e)), (403, "access_denied"), "{path}: {e}");
    }
    let (_, still) = a.get(&format!("/products/{mine}")).await;
    assert_eq!(
        (still["name"].clone(), still["status"].clone()),
        (json!("Mine"), json!("active"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retried_product_writes_with_one_idempotency_key_write_once() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let body = json!({"name": "Once", "variants": [{"sku": "ONCE-1", "price": 2}]});
    let (st, first) = keyed(
        &s,
        Method::POST,
        "/products",
        Some(body.clone()),
        "k-create",
    )
    .await;
    assert_eq!(st, 201, "{first}");
    let (st, again) = keyed(&s, Method::POST, "/products", Some(body), "k-create").await;
    assert_eq!(st, 201, "{again}");
    assert_eq!(first["id"], again["id"]);
    assert_eq!(count(&s, "Once").await, 1);
    let pid = id(&first);
    let (st, e) = keyed(
        &s,
        Method::POST,
        "/products",
        Some(json!({"name": "Twice"})),
        "k-create",
    )
    .await;
    assert_eq!(st, 409, "{e}");
    let patch = json!({"tags": ["a"]});
    let path = format!("/products/{pid}");
    let (st, _) = keyed(&s, Method::PATCH, &path, Some(patch.clone()), "k-update").await;
    assert_eq!(st, 200);
    let (st, u) = keyed(&s, Method::PATCH, &path, Some(patch), "k-update").await;
    assert_eq!((st, u["tags"].clone()), (200, json!(["a"])));
    let tags = json!({"ids": [pid], "tags": ["b"]});
    let (st, r) = keyed(
        &s,
        Method::POST,
        "/products/bulk_add_tags",
        Some(tags.clone()),
        "k-tags",
    )
    .await;
    assert_eq!(st, 200, "{r}");
    let (st, r2) = keyed(
        &s,
        Method::POST,
        "/products/bulk_add_tags",
        Some(tags),
        "k-tags",
    )
    .await;
    assert_eq!((st, r2), (200, r));
    let (st, _) = keyed(&s, Method::DELETE, &path, None, "k-delete").await;
    assert_eq!(st, 204);
    let (st, _) = keyed(&s, Method::DELETE, &path, None, "k-delete").await;
    assert_eq!(st, 204, "a retried delete replays its 204");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_of_products_with_variants_and_prices_keeps_a_flat_statement_count() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let input: Vec<Value> = (0..110)
        .map(|i| {
            json!({"name": format!("Flat {i:03}"), "tags": ["flat"], "variants": [
                {"sku": format!("FLAT-{i}-A"), "prices": [{"currency": "USD", "amount": "1.00"}, {"currency": "EUR", "amount": "2.00"}]},
                {"sku": format!("FLAT-{i}-B"), "prices": [{"amount": "3.00"}]}]})
        })
        .collect();
    let d = app
        .data(
            &s.key,
            "mutation($input: [ProductCreateInput!]!) { productsCreate(input: $input) { products { id } userErrors { field message } } }",
            json!({"input": input}),
        )
        .await;
    assert_eq!(d["productsCreate"]["userErrors"], json!([]), "{d}");
    let (_, ch) = s.post("/channels", json!({"name": "All"})).await;
    let ids: Vec<Value> = d["productsCreate"]["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    s.post(
        &format!("/channels/{}/add_products", id(&ch)),
        json!({"product_ids": ids}),
    )
    .await;
    let mut counts = Vec::new();
    for limit in [5, 50, 100] {
        let path = format!(
            "/products?limit={limit}&expand=variants,variants.prices,prices,channels&sort=price"
        );
        s.get(&path).await;
        // The fewest of two tries: a background write (a key's last use) may land in one.
        let mut fewest = u64::MAX;
        for _ in 0..2 {
            let before = app.statements();
            let (st, body) = s.get(&path).await;
            assert_eq!(st, 200, "{body}");
            let rows = body["data"].as_array().unwrap();
            assert_eq!(rows.len(), limit);
            assert_eq!(rows[0]["variants"][1]["prices"][0]["amount"], "3.00");
            assert_eq!(rows[0]["channels"][0]["id"], ch["id"]);
            assert_eq!(
                rows[0]["prices"].as_array().map(Vec::len),
                Some(3),
                "{body}"
            );
            fewest = fewest.min(app.statements() - before);
        }
        counts.push(fewest);
    }
    assert!(
        counts.windows(2).all(|w| w[0] == w[1]),
        "statements per request: {counts:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_follow_the_store_s_default_currency() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let cheap_in_euros = create(
        &s,
        json!({"name": "A", "variants": [{"prices": [{"currency": "USD", "amount": 20}, {"currency": "EUR", "amount": 1}]}]}),
    )
    .await;
    create(
        &s,
        json!({"name": "B", "variants": [{"prices": [{"currency": "USD", "amount": 10}, {"currency": "EUR", "amount": 9}]}]}),
    )
    .await;
    let (_, l) = s.get("/products?sort=price").await;
    assert_eq!(names(&l), ["B", "A"]);
    let (st, store) = s
        .patch(
            "/store",
            json!({"default_currency": "EUR", "supported_currencies": ["EUR", "USD"]}),
        )
        .await;
    assert_eq!(st, 200, "{store}");
    let (_, l) = s.get("/products?sort=price").await;
    assert_eq!(names(&l), ["A", "B"]);
    let (_, a) = s.get(&format!("/products/{}", id(&cheap_in_euros))).await;
    assert_eq!(
        (
            a["price"]["amount"].clone(),
            a["price"]["display_amount"].clone()
        ),
        (json!("1.00"), json!("€1.00"))
    );
    // A scalar price is in the new default currency.
    let (st, v) = s
        .post(
            &format!("/products/{}/variants", id(&cheap_in_euros)),
            json!({"sku": "A-2", "price": 4}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["price"]["currency"], "EUR");
}

async fn new_channel(s: &Spree<'_>, code: &str) -> String {
    let (st, c) = s
        .post(
            "/channels",
            json!({"name": format!("Channel {code}"), "code": code}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    id(&c)
}

/// Spree's SDK creates a product with `product_publications` and nested `position`s: the
/// product is published on those channels, its variants placed, in one transaction.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_product_is_published_on_its_channels_and_its_variants_placed() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let rival = Spree::new(&app, "beta", ALL).await;
    let (web, pos) = (new_channel(&s, "web").await, new_channel(&s, "pos").await);
    let theirs = new_channel(&rival, "web").await;
    let p = create(
        &s,
        json!({"name": "SDK pub", "description": "Soft, organic cotton.", "status": "active",
               "tags": ["sdk"],
               "variants": [{"sku": "PUB-S", "prices": [{"currency": "USD", "amount": 5}], "position": 1},
                            {"sku": "PUB-M", "prices": [{"currency": "USD", "amount": 6}], "position": 2}],
               "product_publications": [{"channel_id": web}, {"channel_id": pos, "published_at": null}]}),
    )
    .await;
    let pid = id(&p);
    let (_, shown) = s
        .get(&format!(
            "/products/{pid}?expand=channels,variants&fields=name"
        ))
        .await;
    let mut channels: Vec<String> = shown["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    channels.sort();
    let mut want = vec![web.clone(), pos.clone()];
    want.sort();
    assert_eq!(channels, want);
    let positions: Vec<(Value, Value)> = shown["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["sku"].clone(), v["position"].clone()))
        .collect();
    assert_eq!(
        positions,
        [(json!("PUB-S"), json!(1)), (json!("PUB-M"), json!(2))]
    );
    assert_eq!(p["default_variant_id"], shown["variants"][0]["id"]);

    let before = count(&s, "Refused").await;
    for (body, status, field) in [
        (
            json!({"name": "Refused", "product_publications": [{"channel_id": theirs}]}),
            422,
            "product_publications[0].channel_id",
        ),
        (
            json!({"name": "Refused", "product_publications": [{"channel_id": web}, {"channel_id": "ch_nope"}]}),
            422,
            "product_publications[1].channel_id",
        ),
        (
            json!({"name": "Refused", "product_publications": [{"channel": web}]}),
            400,
            "product_publications[0].channel",
        ),
        (
            json!({"name": "Refused", "product_publications": [{}]}),
            400,
            "product_publications[0].channel_id",
        ),
        (
            json!({"name": "Refused", "product_publications": [{"channel_id": web,
                   "published_at": "2030-01-01T00:00:00Z", "unpublished_at": "2029-01-01T00:00:00Z"}]}),
            422,
            "product_publications[0].unpublished_at",
        ),
        (
            json!({"name": "Refused", "product_publications": [{"channel_id": web, "published_at": 2030}]}),
            400,
            "product_publications[0].published_at",
        ),
        (
            json!({"name": "Refused", "product_publications": [{"channel_id": web}, {"channel_id": web}]}),
            422,
            "product_publications[1].channel_id",
        ),
        (
            json!({"name": "Refused", "product_publications": {"channel_id": web}}),
            400,
            "product_publications",
        ),
        (
            json!({"name": "Refused", "variants": [{"sku": "R-1", "position": 1}, {"sku": "R-2", "position": 1}]}),
            422,
            "variants.1.position",
        ),
        (
            json!({"name": "Refused", "variants": [{"sku": "R-1", "position": 100001}]}),
            422,
            "variants.0.position",
        ),
    ] {
        let (st, e) = s.post("/products", body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(e["error"]["details"][field].is_array(), "{body}: {e}");
    }
    assert_eq!(count(&s, "Refused").await, before, "nothing written");
    // Publishing needs write_settings.
    let catalog = Spree::new(&app, "alpha", "read_products,write_products").await;
    let (st, e) = catalog
        .post(
            "/products",
            json!({"name": "Refused", "product_publications": [{"channel_id": web}]}),
        )
        .await;
    assert_eq!(st, 403, "{e}");
    assert_eq!(count(&s, "Refused").await, before);
}

/// A product an order sold is retired on DELETE, as Spree soft-deletes: 204, then gone from
/// the catalog (404, not listed), while the order still names its variant.
#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_sold_product_retires_it() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let p = create(
        &s,
        json!({"name": "Sold Out Tee", "variants": [{"sku": "SOT-1", "price": 10}]}),
    )
    .await;
    let variant = p["default_variant_id"].clone();
    let (st, o) = s
        .post(
            "/orders",
            json!({"currency": "USD", "email": "buyer@example.com",
                   "items": [{"variant_id": variant, "quantity": 1}]}),
        )
        .await;
    assert_eq!(st, 201, "{o}");
    let (st, body) = s.delete(&format!("/products/{}", id(&p))).await;
    assert_eq!(st, 204, "{body}");
    let (st, e) = s.get(&format!("/products/{}", id(&p))).await;
    assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    assert_eq!(count(&s, "Sold").await, 0);
    let (st, e) = s
        .get(&format!("/variants/{}", variant.as_str().unwrap()))
        .await;
    assert_eq!(st, 404, "{e}");
    let (st, shown) = s.get(&format!("/orders/{}?expand=items", id(&o))).await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(shown["items"][0]["variant_id"], variant, "{shown}");
    // The SKU is free for a new product.
    create(
        &s,
        json!({"name": "Sold Out Tee", "variants": [{"sku": "SOT-1", "price": 12}]}),
    )
    .await;
}

/// Expands the admin SDK declares: ours where the domain has them (`default_variant`, an
/// order line's `variant`), empty where it has not (`media`, `approver`), never a 400.
#[tokio::test(flavor = "multi_thread")]
async fn the_sdks_expands_are_answered() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let p = create(
        &s,
        json!({"name": "Expand Tee", "variants": [{"sku": "EXP-1", "price": 10}, {"sku": "EXP-2", "price": 11}]}),
    )
    .await;
    let (st, shown) = s
        .get(&format!(
            "/products/{}?expand=default_variant,media,option_types,primary_media",
            id(&p)
        ))
        .await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(shown["default_variant"]["id"], p["default_variant_id"]);
    assert_eq!(shown["default_variant"]["sku"], "EXP-1");
    assert_eq!(shown["media"], json!([]));
    assert_eq!(shown["primary_media"], Value::Null);
    let (st, o) = s
        .post(
            "/orders",
            json!({"currency": "USD", "items": [{"variant_id": p["default_variant_id"], "quantity": 1}]}),
        )
        .await;
    assert_eq!(st, 201, "{o}");
    let (st, shown) = s
        .get(&format!(
            "/orders/{}?expand=items.variant,approver,return_authorizations",
            id(&o)
        ))
        .await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(shown["items"][0]["variant"]["sku"], "EXP-1", "{shown}");
    assert_eq!(shown["approver"], Value::Null);
    assert_eq!(shown["return_authorizations"], json!([]));
    let (st, e) = s
        .get(&format!("/products/{}?expand=wormholes", id(&p)))
        .await;
    assert_eq!(st, 400, "{e}");
}

/// A variant's `compare_at_price` alone (as the admin SDK sends it) goes with its stored price
/// in the store's currency; a variant without one is told to give prices.
#[tokio::test(flavor = "multi_thread")]
async fn a_compare_at_price_alone_updates_the_stored_price() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let p = create(
        &s,
        json!({"name": "Compare Tee", "variants": [{"sku": "CMP-1", "price": 30}, {"sku": "CMP-2"}]}),
    )
    .await;
    let v = p["default_variant_id"].as_str().unwrap().to_owned();
    let path = format!("/products/{}/variants/{v}", id(&p));
    let (st, shown) = s.patch(&path, json!({"compare_at_price": 44.99})).await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(shown["price"]["compare_at_amount"], "44.99", "{shown}");
    assert_eq!(
        shown["price"]["amount"], "30.00",
        "the amount is kept: {shown}"
    );
    let (st, e) = s.patch(&path, json!({"compare_at_price": 20})).await;
    assert_eq!(st, 422, "below the price: {e}");
    let (_, variants) = s.get(&format!("/products/{}/variants", id(&p))).await;
    let other = variants["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["sku"] == "CMP-2")
        .expect("CMP-2")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (st, e) = s
        .patch(
            &format!("/products/{}/variants/{other}", id(&p)),
            json!({"compare_at_price": 50}),
        )
        .await;
    assert_eq!(st, 422, "no stored price: {e}");
}
