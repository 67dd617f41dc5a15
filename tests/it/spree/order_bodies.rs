//! Order bodies as Spree's admin SDK and Spree's own controllers send them: addresses (both
//! spellings), the customer's note and locale, a coupon code and item metadata on create,
//! `items` / `line_items` on update, a page of an order's items; bad input named, nothing
//! written; another merchant's IDs not found.

use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::{spawn, TestApp};

/// Variants of the seeded catalog that have a USD base price.
async fn variants(app: &TestApp, key: &str, n: usize) -> Vec<String> {
    let d = app
        .data(
            key,
            "{ variants(first: 50) { nodes { id prices { currency priceList { id } } } } }",
            json!({}),
        )
        .await;
    let v: Vec<String> = d["variants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| {
            v["prices"].as_array().is_some_and(|p| {
                p.iter()
                    .any(|p| p["currency"] == "USD" && p["priceList"].is_null())
            })
        })
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .take(n)
        .collect();
    assert_eq!(v.len(), n, "the seed has {n} priced variants");
    v
}

/// The address the SDK's example sends.
fn addr(city: &str) -> Value {
    json!({"first_name": "Jane", "last_name": "Doe", "address1": "350 Fifth Avenue",
           "address2": "Floor 42", "city": city, "postal_code": "10118", "country_iso": "US",
           "state_abbr": "NY", "phone": "+1 212 555 1234", "company": "Acme Inc."})
}

async fn orders_count(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel_async::RunQueryDsl;
    let rows: Vec<N> = diesel::sql_query(
        "SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_addresses) \
         + (SELECT count(*) FROM line_items) AS n",
    )
    .load(&mut app.conn().await)
    .await
    .unwrap();
    rows[0].n
}

/// The SDK's full example body: every field lands on the order and reads back in Spree's
/// shapes, with the addresses expanded.
#[tokio::test(flavor = "multi_thread")]
async fn the_sdks_full_create_body_is_an_order() {
    let app = spawn().await;
    app.seed("alpha", 2, 2).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let v = variants(&app, &s.key, 2).await;
    // A new customer: WELCOME10 is for a first order.
    let (st, c) = s
        .post("/customers", json!({"email": "first@example.com"}))
        .await;
    assert_eq!(st, 201, "{c}");
    let (_, channels) = s.get("/channels").await;
    let channel = channels["data"][0]["id"].clone();
    let body = json!({
        "email": "sdk@example.com", "customer_id": c["id"], "use_customer_default_address": false,
        "currency": "USD", "channel_id": channel, "locale": "en-US",
        "customer_note": "Please leave at the front desk.", "internal_note": "VIP customer",
        "metadata": {"external_reference": "sdk_1", "source": "sdk-harness"},
        "items": [{"variant_id": v[0], "quantity": 2},
                  {"variant_id": v[1], "quantity": 1, "metadata": {"gift": true}}],
        "shipping_address": addr("Brooklyn"), "billing_address": addr("New York"),
        "coupon_code": "WELCOME10"});
    let (st, o) = s.post("/orders", body).await;
    assert_eq!(st, 201, "{o}");
    assert_eq!(o["customer_note"], "Please leave at the front desk.");
    assert_eq!(o["locale"], "en-US");
    assert_eq!(o["internal_note"], "VIP customer");
    assert_eq!(o["total_quantity"], 3);
    let discount: f64 = o["discount_total"].as_str().unwrap().parse().unwrap();
    assert!(discount > 0.0, "WELCOME10 applied: {o}");
    let id = o["id"].as_str().unwrap().to_owned();

    let (st, o) = s
        .get(&format!(
            "/orders/{id}?expand=items,discounts,billing_address,shipping_address"
        ))
        .await;
    assert_eq!(st, 200, "{o}");
    assert_eq!(o["discounts"][0]["code"], "WELCOME10", "{o}");
    let b = &o["billing_address"];
    assert!(b["id"].as_str().unwrap().starts_with("addr_"), "{b}");
    for (k, want) in [
        ("first_name", "Jane"),
        ("last_name", "Doe"),
        ("full_name", "Jane Doe"),
        ("address1", "350 Fifth Avenue"),
        ("address2", "Floor 42"),
        ("city", "New York"),
        ("postal_code", "10118"),
        ("country_iso", "US"),
        ("state_name", "NY"),
        ("phone", "+1 212 555 1234"),
        ("company", "Acme Inc."),
    ] {
        assert_eq!(b[k], want, "{k}: {b}");
    }
    assert_eq!(b["is_default_billing"], false);
    assert!(b["created_at"].is_string() && b["updated_at"].is_string());
    assert_eq!(o["shipping_address"]["city"], "Brooklyn");
    let gift = o["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["variant_id"] == v[1].as_str())
        .unwrap();
    assert_eq!(gift["metadata"], json!({"gift": true}));
    let (_, items) = s.get(&format!("/orders/{id}/items")).await;
    assert!(items["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["metadata"] == json!({"gift": true})));
}

/// `use_customer_default_address` copies the customer's default addresses.
#[tokio::test(flavor = "multi_thread")]
async fn a_customers_default_addresses_fill_the_order() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (_, c) = s
        .post("/customers", json!({"email": "c@example.com"}))
        .await;
    let cid = c["id"].as_str().unwrap();
    let mut home = addr("Denver");
    home["is_default_billing"] = json!(true);
    home["is_default_shipping"] = json!(true);
    let (st, a) = s.post(&format!("/customers/{cid}/addresses"), home).await;
    assert_eq!(st, 201, "{a}");
    let (st, o) = s
        .post(
            "/orders",
            json!({"customer_id": cid, "use_customer_default_address": true,
                   "shipping_address": addr("Austin")}),
        )
        .await;
    assert_eq!(st, 201, "{o}");
    let (_, o) = s
        .get(&format!(
            "/orders/{}?expand=billing_address,shipping_address",
            o["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(o["billing_address"]["city"], "Denver");
    assert_ne!(o["billing_address"]["id"], a["id"], "a copy");
    assert_eq!(o["shipping_address"]["city"], "Austin");
}

/// `PATCH /orders/{id}` with Spree's controller body (`ship_address` / `bill_address` with
/// `firstname`, `zipcode`; `items`) and the SDK's (`line_items`).
#[tokio::test(flavor = "multi_thread")]
async fn an_update_takes_addresses_notes_and_items() {
    let app = spawn().await;
    app.seed("alpha", 2, 2).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let v = variants(&app, &s.key, 3).await;
    let (_, o) = s
        .post(
            "/orders",
            json!({"currency": "USD", "email": "b@example.com",
                   "items": [{"variant_id": v[0], "quantity": 1}, {"variant_id": v[1], "quantity": 2}]}),
        )
        .await;
    let id = o["id"].as_str().unwrap().to_owned();
    let (st, o) = s
        .patch(
            &format!("/orders/{id}"),
            json!({"customer_note": "note", "locale": "fr",
                   "ship_address": {"firstname": "Jane", "lastname": "Doe", "address1": "1 Main St",
                                    "city": "Brooklyn", "zipcode": "11201", "country_iso": "US",
                                    "state_abbr": "NY", "phone": "555"},
                   "bill_address": addr("New York"),
                   "items": [{"variant_id": v[0], "quantity": 3, "metadata": {"gift": true}},
                             {"variant_id": v[2]}]}),
        )
        .await;
    assert_eq!(st, 200, "{o}");
    assert_eq!(
        (&o["customer_note"], &o["locale"]),
        (&json!("note"), &json!("fr"))
    );
    assert_eq!(o["total_quantity"], 6, "3 + 2 untouched + 1: {o}");
    let (_, o) = s
        .get(&format!(
            "/orders/{id}?expand=items,billing_address,shipping_address"
        ))
        .await;
    let sh = &o["shipping_address"];
    assert_eq!(
        (
            &sh["first_name"],
            &sh["last_name"],
            &sh["postal_code"],
            &sh["city"]
        ),
        (
            &json!("Jane"),
            &json!("Doe"),
            &json!("11201"),
            &json!("Brooklyn")
        )
    );
    assert_eq!(o["billing_address"]["city"], "New York");
    let line = |o: &Value, v: &str| -> Option<Value> {
        o["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["variant_id"] == v)
            .cloned()
    };
    assert_eq!(line(&o, &v[0]).unwrap()["metadata"], json!({"gift": true}));
    // The SDK's `line_items`; quantity 0 removes; `bill_address: null` removes the address.
    let (st, o) = s
        .patch(
            &format!("/orders/{id}"),
            json!({"line_items": [{"variant_id": v[1], "quantity": 0}], "bill_address": null}),
        )
        .await;
    assert_eq!(st, 200, "{o}");
    let (_, o) = s
        .get(&format!("/orders/{id}?expand=items,billing_address"))
        .await;
    assert!(line(&o, &v[1]).is_none(), "{o}");
    assert_eq!(o["items"].as_array().unwrap().len(), 2);
    assert!(o["billing_address"].is_null());
    // Placed: addresses still change, items do not.
    s.patch(&format!("/orders/{id}/complete"), json!({})).await;
    let (st, _) = s
        .patch(
            &format!("/orders/{id}"),
            json!({"ship_address": addr("Queens")}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, e) = s
        .patch(
            &format!("/orders/{id}"),
            json!({"items": [{"variant_id": v[0], "quantity": 1}]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(e["error"]["details"]["items"].is_array(), "{e}");
}

/// Bad input is named and writes nothing: 400 for a malformed body, 422 for values the domain
/// refuses.
#[tokio::test(flavor = "multi_thread")]
async fn bad_order_bodies_are_named_and_write_nothing() {
    let app = spawn().await;
    app.seed("alpha", 2, 2).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let v = variants(&app, &s.key, 1).await;
    let before = orders_count(&app).await;
    let item = json!([{"variant_id": v[0], "quantity": 1}]);
    let mut bad_country = addr("X");
    bad_country["country_iso"] = json!("USA");
    let mut no_city = addr("X");
    no_city.as_object_mut().unwrap().remove("city");
    let mut extra = addr("X");
    extra["planet"] = json!("Mars");
    let mut twice = addr("X");
    twice["firstname"] = json!("J");
    for (body, status, field) in [
        (
            json!({"items": item, "shipping_address": bad_country}),
            422,
            "shipping_address.country_iso",
        ),
        (
            json!({"items": item, "billing_address": no_city}),
            400,
            "billing_address.city",
        ),
        (
            json!({"items": item, "billing_address": extra}),
            400,
            "billing_address.planet",
        ),
        (
            json!({"items": item, "billing_address": twice}),
            400,
            "billing_address.firstname",
        ),
        (
            json!({"items": item, "billing_address": "home"}),
            400,
            "billing_address",
        ),
        (
            json!({"items": [{"variant_id": "variant_nope", "quantity": 1}]}),
            422,
            "items[0].variant_id",
        ),
        (
            json!({"items": [{"variant_id": v[0], "quantity": 1}, {"variant_id": v[0], "quantity": -2}]}),
            422,
            "items[1].quantity",
        ),
        (
            json!({"items": [{"variant_id": v[0], "quantity": 1, "colour": "red"}]}),
            400,
            "items[0].colour",
        ),
        (
            json!({"items": [{"variant_id": v[0], "metadata": [1]}]}),
            422,
            "items[0].metadata",
        ),
        (json!({"items": item, "locale": "english"}), 422, "locale"),
        (
            json!({"items": item, "customer_note": "n".repeat(5001)}),
            422,
            "customer_note",
        ),
        (
            json!({"items": item, "customer_note": "a", "special_instructions": "b"}),
            400,
            "special_instructions",
        ),
    ] {
        let (st, e) = s.post("/orders", body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(
            e["error"]["details"][field].is_array(),
            "{field} named for {body}: {e}"
        );
        if status == 422 {
            assert_eq!(code(&e), "validation_error");
        }
    }
    assert_eq!(orders_count(&app).await, before, "nothing written");

    let (_, o) = s
        .post(
            "/orders",
            json!({"items": item, "billing_address": addr("Kept")}),
        )
        .await;
    let id = o["id"].as_str().unwrap().to_owned();
    let before = orders_count(&app).await;
    let (_, shown) = s
        .get(&format!("/orders/{id}?expand=items,billing_address"))
        .await;
    for (body, status, field) in [
        (
            json!({"customer_note": "no", "bill_address": {"address1": "1", "city": "X", "country_iso": "us"}}),
            422,
            "bill_address.country_iso",
        ),
        (
            json!({"customer_note": "no", "items": [{"variant_id": v[0], "quantity": -1}]}),
            422,
            "items[0].quantity",
        ),
        (
            json!({"customer_note": "no", "line_items": [{"variant_id": "variant_nope", "quantity": 1}]}),
            422,
            "items[0].variant_id",
        ),
        (json!({"items": [], "line_items": []}), 400, "line_items"),
        (
            json!({"ship_address": addr("A"), "shipping_address": addr("B")}),
            400,
            "shipping_address",
        ),
        (json!({"currency": "EUR"}), 400, "currency"),
    ] {
        let (st, e) = s.patch(&format!("/orders/{id}"), body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(
            e["error"]["details"][field].is_array(),
            "{field} named for {body}: {e}"
        );
    }
    assert_eq!(orders_count(&app).await, before);
    let (_, after) = s
        .get(&format!("/orders/{id}?expand=items,billing_address"))
        .await;
    assert_eq!(after, shown, "nothing changed");
}

/// Another merchant's order, variants, customers and coupon codes are not found.
#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_ids_are_not_found() {
    let app = spawn().await;
    app.seed("alpha", 2, 2).await;
    app.seed("beta", 2, 2).await;
    let a = Spree::new(&app, "alpha", ALL).await;
    let b = Spree::new(&app, "beta", ALL).await;
    let va = variants(&app, &a.key, 1).await;
    let vb = variants(&app, &b.key, 1).await;
    let (_, bc) = b
        .post("/customers", json!({"email": "b@example.com"}))
        .await;
    let (_, bo) = b
        .post(
            "/orders",
            json!({"items": [{"variant_id": vb[0], "quantity": 1}],
                   "shipping_address": addr("Beta")}),
        )
        .await;
    let bid = bo["id"].as_str().unwrap().to_owned();
    // Alpha on Beta's order: 404 for every route, and it stays as it was.
    let (_, before) = b
        .get(&format!("/orders/{bid}?expand=items,shipping_address"))
        .await;
    for (st, e) in [
        a.patch(
            &format!("/orders/{bid}"),
            json!({"ship_address": addr("Alpha"), "items": [{"variant_id": va[0], "quantity": 5}]}),
        )
        .await,
        a.get(&format!(
            "/orders/{bid}/items?page=1&limit=10&sort=created_at"
        ))
        .await,
        a.get(&format!("/orders/{bid}?expand=shipping_address"))
            .await,
    ] {
        assert_eq!(st, 404, "{e}");
    }
    let (_, after) = b
        .get(&format!("/orders/{bid}?expand=items,shipping_address"))
        .await;
    assert_eq!(after, before);
    // Beta's variant and customer in Alpha's bodies: the variant is not found (404, as
    // Spree's lookup of an item's variant answers), the customer a 422 naming it.
    let (st, e) = a
        .post(
            "/orders",
            json!({"items": [{"variant_id": vb[0], "quantity": 1}]}),
        )
        .await;
    assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
    assert!(
        e["error"]["details"]["items[0].variant_id"].is_array(),
        "{e}"
    );
    let (st, e) = a
        .post(
            "/orders",
            json!({"customer_id": bc["id"], "use_customer_default_address": true}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(e["error"]["details"]["customer_id"].is_array(), "{e}");
    let (_, ao) = a
        .post(
            "/orders",
            json!({"items": [{"variant_id": va[0], "quantity": 1}]}),
        )
        .await;
    let (st, e) = a
        .patch(
            &format!("/orders/{}", ao["id"].as_str().unwrap()),
            json!({"items": [{"variant_id": vb[0], "quantity": 1}]}),
        )
        .await;
    assert_eq!(st, 404, "{e}");
    assert!(
        e["error"]["details"]["items[0].variant_id"].is_array(),
        "{e}"
    );
}

/// `GET /orders/{id}/items` takes `page`, `limit` and `sort`, and its `meta` says so.
#[tokio::test(flavor = "multi_thread")]
async fn an_orders_items_are_paged_and_sorted() {
    let app = spawn().await;
    app.seed("alpha", 2, 2).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let v = variants(&app, &s.key, 5).await;
    let items: Vec<Value> = v
        .iter()
        .zip([3, 1, 5, 2, 4])
        .map(|(v, q)| json!({"variant_id": v, "quantity": q}))
        .collect();
    let (_, o) = s.post("/orders", json!({"items": items})).await;
    let id = o["id"].as_str().unwrap().to_owned();
    let quantities = |b: &Value| -> Vec<i64> {
        b["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["quantity"].as_i64().unwrap())
            .collect()
    };
    let (st, p) = s
        .get(&format!(
            "/orders/{id}/items?sort=created_at&page=1&limit=10"
        ))
        .await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(quantities(&p), vec![3, 1, 5, 2, 4]);
    assert_eq!(
        p["meta"],
        json!({"page": 1, "limit": 10, "count": 5, "pages": 1, "from": 1, "to": 5, "in": 5,
               "previous": null, "next": null})
    );
    let (_, p) = s
        .get(&format!("/orders/{id}/items?sort=-quantity&page=2&limit=2"))
        .await;
    assert_eq!(quantities(&p), vec![3, 2]);
    assert_eq!(
        p["meta"],
        json!({"page": 2, "limit": 2, "count": 5, "pages": 3, "from": 3, "to": 4, "in": 2,
               "previous": 1, "next": 3})
    );
    let (_, p) = s.get(&format!("/orders/{id}/items?page=9&limit=2")).await;
    assert_eq!(
        (p["data"].clone(), p["meta"]["count"].clone()),
        (json!([]), json!(5))
    );
    let (_, p) = s.get(&format!("/orders/{id}/items")).await;
    assert_eq!(p["meta"]["limit"], 25);
    assert_eq!(p["data"].as_array().unwrap().len(), 5);
    for (q, param) in [
        ("sort=colour", "sort"),
        ("q[quantity_eq]=1", "q[quantity_eq]"),
        ("limit=101", "limit"),
    ] {
        let (st, e) = s.get(&format!("/orders/{id}/items?{q}")).await;
        assert_eq!(st, 400, "{q}: {e}");
        assert!(e["error"]["details"][param].is_array(), "{q}: {e}");
    }
}

/// The OpenAPI document describes the order bodies' nested objects.
#[tokio::test(flavor = "multi_thread")]
async fn the_order_bodies_are_documented() {
    let app = spawn().await;
    let doc: Value = app
        .http
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let body = |path: &str, method: &str| {
        doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"].clone()
    };
    let create = body("/api/v3/admin/orders", "post");
    let item = &create["properties"]["items"]["items"];
    assert_eq!(item["type"], "object", "{create}");
    for k in ["variant_id", "quantity", "metadata"] {
        assert!(item["properties"][k].is_object(), "{k}: {item}");
    }
    assert!(create["properties"]["shipping_address"]["properties"]["country_iso"].is_object());
    assert!(create["properties"]["coupon_code"].is_object());
    let update = body("/api/v3/admin/orders/{id}", "patch");
    for k in [
        "ship_address",
        "bill_address",
        "line_items",
        "items",
        "customer_note",
    ] {
        assert!(update["properties"][k].is_object(), "{k}: {update}");
    }
    let params = doc["paths"]["/api/v3/admin/orders/{order_id}/items"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>();
    for p in ["page", "limit", "sort"] {
        assert!(params.contains(&p.to_owned()), "{p}: {params:?}");
    }
}

/// Spree applies `coupon_code` non-fatally: an unknown code does not block the order, which is
/// created without it; a retry with the same Idempotency-Key answers the same order.
#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_coupon_code_does_not_block_the_order() {
    let app = spawn().await;
    app.seed("alpha", 2, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let v = variants(&app, &s.key, 1).await;
    let body = json!({"email": "x@example.com", "currency": "USD", "coupon_code": "NO-SUCH-CODE",
                      "items": [{"variant_id": v[0], "quantity": 1}]});
    let send = || {
        app.http
            .post(app.url("/api/v3/admin/orders"))
            .header("x-spree-api-key", &s.key)
            .header("Idempotency-Key", "coupon-retry-1")
            .json(&body)
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["total_quantity"], 1, "{first}");
    assert_eq!(first["discount_total"], "0.00", "{first}");
    let again: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(again["id"], first["id"], "the retry answers the same order");
}
