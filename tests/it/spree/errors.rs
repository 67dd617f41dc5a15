//! Bad input of every kind is Spree's error body naming the parameter, never a 500, and
//! writes nothing; credentials, scopes and other merchants' IDs are refused.

use reqwest::Method;
use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn bad_query_parameters_are_400_naming_them() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    for (query, param) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("page=0", "page"),
        ("page=500&limit=25", "page"),
        ("per_page=10", "per_page"),
        ("q[email_like]=x", "q[email_like]"),
        ("q[nickname_eq]=x", "q[nickname_eq]"),
        ("q[created_at_gt]=yesterday", "q[created_at_gt]"),
        ("q[id_eq]=or_UkLWZg9DAJ", "q[id_eq]"),
        ("sort=nickname", "sort"),
        ("fields=email,nickname", "fields"),
        ("expand=wallets", "expand"),
        ("expand=a.b.c.d.e", "expand"),
    ] {
        let (st, body) = s.get(&format!("/customers?{query}")).await;
        assert_eq!(st, 400, "{query}: {body}");
        assert_eq!(code(&body), "invalid_request", "{query}");
        assert!(
            body["error"]["details"][param].is_array(),
            "{query}: {body}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_bodies_are_4xx_and_write_nothing() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let url = app.url("/api/v3/admin/customers");
    for (content_type, body, status) in [
        ("application/json", "{\"email\": ", 400),
        ("application/json", "[{\"email\": \"a@example.com\"}]", 400),
        ("application/json", "\"a@example.com\"", 400),
        ("text/plain", "{\"email\": \"a@example.com\"}", 415),
    ] {
        let res = app
            .http
            .post(&url)
            .header("x-spree-api-key", &s.key)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), status, "{body}");
        let v: Value = res.json().await.unwrap();
        assert!(v["error"]["code"].is_string(), "{v}");
    }
    let (st, e) = s
        .post(
            "/customers",
            json!({"email": "a@example.com", "nickname": "x"}),
        )
        .await;
    assert_eq!(st, 400);
    assert!(e["error"]["details"]["nickname"].is_array(), "{e}");
    let (st, e) = s
        .post("/customers", json!({"email": ["a@example.com"]}))
        .await;
    assert_eq!(st, 400, "{e}");
    let (_, list) = s.get("/customers").await;
    assert_eq!(list["meta"]["count"], 0, "nothing was written: {list}");
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_checked_and_scopes_guard_every_route() {
    let app = spawn().await;
    let url = app.url("/api/v3/admin/customers");
    let res = app.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let v: Value = res.json().await.unwrap();
    assert_eq!(code(&v), "authentication_required");
    let res = app
        .http
        .get(&url)
        .header("x-spree-api-key", "sk_nope")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let v: Value = res.json().await.unwrap();
    assert_eq!(code(&v), "authentication_failed");
    // A bearer secret key and a JWT both work.
    let key = app.api_key("alpha", "read_customers").await;
    let res = app.http.get(&url).bearer_auth(&key).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let jwt = app.token("alpha", "customers:read").await;
    let res = app.http.get(&url).bearer_auth(&jwt).send().await.unwrap();
    assert_eq!(res.status(), 200);

    let reader = Spree::new(&app, "alpha", "read_customers").await;
    let (st, e) = reader
        .post("/customers", json!({"email": "a@example.com"}))
        .await;
    assert_eq!((st, code(&e)), (403, "access_denied"));
    let (st, _) = reader.get("/orders").await;
    assert_eq!(st, 403);
    let (st, _) = reader.get("/channels").await;
    assert_eq!(st, 403);
    // An order's customer is another aggregate: expanding it needs its scope.
    let orders_only = Spree::new(&app, "alpha", "read_orders,write_orders").await;
    let (_, o) = orders_only
        .post(
            "/orders",
            json!({"currency": "USD", "email": "x@example.com"}),
        )
        .await;
    let (st, _) = orders_only
        .get(&format!(
            "/orders/{}?expand=customer",
            o["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(st, 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_ids_are_not_found_on_every_route() {
    let app = spawn().await;
    let a = Spree::new(&app, "alpha", ALL).await;
    let b = Spree::new(&app, "beta", ALL).await;
    let (_, c) = a
        .post("/customers", json!({"email": "a@example.com"}))
        .await;
    let (_, g) = a.post("/customer_groups", json!({"name": "VIP"})).await;
    let (_, ch) = a.post("/channels", json!({"name": "Alpha POS"})).await;
    let (_, o) = a
        .post(
            "/orders",
            json!({"currency": "USD", "email": "a@example.com"}),
        )
        .await;
    let (c, g, ch, o) = (
        c["id"].as_str().unwrap().to_owned(),
        g["id"].as_str().unwrap().to_owned(),
        ch["id"].as_str().unwrap().to_owned(),
        o["id"].as_str().unwrap().to_owned(),
    );
    for (method, path, body) in [
        (Method::GET, format!("/customers/{c}"), None),
        (
            Method::PATCH,
            format!("/customers/{c}"),
            Some(json!({"first_name": "B"})),
        ),
        (Method::DELETE, format!("/customers/{c}"), None),
        (Method::GET, format!("/customers/{c}/addresses"), None),
        (Method::GET, format!("/customer_groups/{g}"), None),
        (
            Method::PATCH,
            format!("/customer_groups/{g}"),
            Some(json!({"name": "B"})),
        ),
        (Method::DELETE, format!("/customer_groups/{g}"), None),
        (Method::GET, format!("/channels/{ch}"), None),
        (
            Method::PATCH,
            format!("/channels/{ch}"),
            Some(json!({"name": "B"})),
        ),
        (Method::DELETE, format!("/channels/{ch}"), None),
        (Method::GET, format!("/orders/{o}"), None),
        (
            Method::PATCH,
            format!("/orders/{o}"),
            Some(json!({"email": "b@example.com"})),
        ),
        (Method::DELETE, format!("/orders/{o}"), None),
        (Method::PATCH, format!("/orders/{o}/complete"), None),
        (Method::PATCH, format!("/orders/{o}/cancel"), None),
        (Method::GET, format!("/orders/{o}/items"), None),
    ] {
        let (st, body) = b.call(method.clone(), &path, body).await;
        assert!(st == 404 || st == 422, "{method} {path}: {st} {body}");
        assert_ne!(st, 200);
    }
    // B's lists and filters never see A's rows.
    let (_, l) = b.get(&format!("/customers?q[id_eq]={c}")).await;
    assert_eq!(l["meta"]["count"], 0, "{l}");
    let (st, _) = b
        .post(
            "/customers/bulk_add_to_groups",
            json!({"ids": [c], "customer_group_ids": [g]}),
        )
        .await;
    assert!(st == 404 || st == 422, "{st}");
    // And A's rows are untouched.
    let (st, got) = a.get(&format!("/customers/{c}")).await;
    assert_eq!((st, got["first_name"].clone()), (200, Value::Null));
    let (st, _) = a.get(&format!("/orders/{o}")).await;
    assert_eq!(st, 200);
}

/// An unknown path or method under the prefix answers in Spree's error body (the admin SDK
/// parses every error body; an empty one made it throw a JSON syntax error).
#[tokio::test(flavor = "multi_thread")]
async fn unknown_routes_and_methods_answer_in_spree_s_error_body() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, e) = s.get("/no_such_things?limit=5").await;
    assert_eq!(st, 404, "{e}");
    assert_eq!(code(&e), "record_not_found");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("/api/v3/admin/no_such_things"));
    let (st, e) = s.call(Method::PUT, "/customers", Some(json!({}))).await;
    assert_eq!(st, 405, "{e}");
    assert_eq!(code(&e), "method_not_allowed");
    let (st, e) = s.delete("/store").await;
    assert_eq!(st, 405, "{e}");
    assert_eq!(code(&e), "method_not_allowed");
    // Routes outside the prefix keep their own answers.
    let res = app.http.get(app.url("/nothing-here")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
}
