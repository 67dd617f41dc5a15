//! Another merchant's IDs on every Spark Pay route, Spark Pay's scope names, and credentials.

use reqwest::Method;
use serde_json::{json, Value};

use super::{assert_error, id, read, rows, Sp, ALL};
use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn another_merchant_s_ids_are_not_found_on_every_route() {
    let app = spawn().await;
    let alpha = Sp::new(&app, "alpha", ALL).await;
    let beta = Sp::new(&app, "beta", ALL).await;
    let customer = alpha
        .create(
            "customers",
            json!({"email": "a@alpha.test", "last_name": "Alpha"}),
        )
        .await;
    let product = alpha
        .create("products", json!({"item_name": "Alpha thing", "price": 3}))
        .await;
    let order = alpha
        .create(
            "orders",
            json!({"customer_id": id(&customer), "items": [{"product_id": id(&product)}]}),
        )
        .await;
    beta.create("customers", json!({"email": "b@beta.test"}))
        .await;
    let theirs = [
        ("customers", id(&customer), json!({"last_name": "Stolen"})),
        ("products", id(&product), json!({"item_name": "Stolen"})),
        ("orders", id(&order), json!({"admin_comments": "Stolen"})),
    ];
    for (resource, rid, change) in &theirs {
        for suffix in [".json", ""] {
            let path = format!("/{resource}/{rid}{suffix}");
            let (st, body) = beta.get(&path).await;
            assert_error(st, &body, 404, "");
            let (st, body) = beta.put(&path, change).await;
            assert_error(st, &body, 404, "");
            let (st, body) = beta.delete(&path).await;
            assert_error(st, &body, 404, "");
        }
        // Lists and filters never show them.
        let (st, list) = beta.get(&format!("/{resource}.json?id={rid}")).await;
        assert_eq!((st, &list["total_count"]), (200, &json!(0)), "{list}");
        let (_, all) = beta.get(&format!("/{resource}.json")).await;
        assert!(rows(&all, resource).iter().all(|r| id(r) != *rid));
        // A POST naming their ID creates a record of beta's own.
        let mut body = change.clone();
        body["id"] = json!(rid);
        if *resource == "customers" {
            body["email"] = json!("own@beta.test");
        }
        let (st, created) = beta.post(&format!("/{resource}.json"), &body).await;
        assert_eq!(st, 201, "{resource}: {created}");
        assert_ne!(id(&created), *rid);
    }
    // References to their records in bodies name nothing.
    let (st, body) = beta
        .post("/orders.json", &json!({"customer_id": id(&customer)}))
        .await;
    assert_error(st, &body, 400, "customer_id");
    let (st, body) = beta
        .post(
            "/orders.json",
            &json!({"items": [{"product_id": id(&product), "quantity": 1}]}),
        )
        .await;
    assert_error(st, &body, 400, "items[0].product_id");
    let (_, beta_orders) = beta.get("/orders.json").await;
    assert_eq!(
        beta_orders["total_count"], 1,
        "only the POST above: {beta_orders}"
    );
    let (_, filtered) = beta
        .get(&format!("/orders.json?customer_id={}", id(&customer)))
        .await;
    assert_eq!(filtered["total_count"], 0);

    // Alpha's records are untouched.
    let (_, c) = alpha
        .get(&format!("/customers/{}.json", id(&customer)))
        .await;
    assert_eq!(c["last_name"], "Alpha");
    let (_, p) = alpha.get(&format!("/products/{}.json", id(&product))).await;
    assert_eq!(p["item_name"], "Alpha thing");
    let (_, o) = alpha.get(&format!("/orders/{}.json", id(&order))).await;
    assert_eq!(o["admin_comments"], Value::Null);
}

#[tokio::test(flavor = "multi_thread")]
async fn spark_pay_scope_names_guard_every_route() {
    let app = spawn().await;
    let admin = Sp::new(&app, "alpha", ALL).await;
    let c = admin
        .create("customers", json!({"email": "s@x.test"}))
        .await;
    let p = admin
        .create("products", json!({"item_name": "S", "price": 1}))
        .await;
    let o = admin.create("orders", json!({"email": "o@x.test"})).await;
    let ids = [
        ("customers", id(&c)),
        ("orders", id(&o)),
        ("products", id(&p)),
    ];
    // (scopes, resource it reads, resource it writes)
    for (scopes, reads, writes) in [
        ("read_people", "customers", None),
        ("people", "customers", Some("customers")),
        ("read_orders", "orders", None),
        ("orders", "orders", Some("orders")),
        ("read_catalog", "products", None),
        ("catalog", "products", Some("products")),
    ] {
        let sp = Sp::new(&app, "alpha", scopes).await;
        for (resource, rid) in ids {
            let list = sp.get(&format!("/{resource}.json")).await;
            let one = sp.get(&format!("/{resource}/{rid}.json")).await;
            if resource == reads {
                assert_eq!((list.0, one.0), (200, 200), "{scopes} {resource}");
            } else {
                assert_error(list.0, &list.1, 403, "scope");
                assert_error(one.0, &one.1, 403, "scope");
            }
            let put = sp.put(&format!("/{resource}/{rid}.json"), &json!({})).await;
            let delete_other = sp.delete(&format!("/{resource}/{}.json", rid + 1)).await;
            if Some(resource) == writes {
                assert_eq!(put.0, 200, "{scopes} {resource}: {}", put.1);
                assert_ne!(delete_other.0, 403);
            } else {
                assert_error(put.0, &put.1, 403, "scope");
                assert_error(delete_other.0, &delete_other.1, 403, "scope");
            }
        }
    }
    // A 403 names the scope in Spark Pay's terms too.
    let readers = Sp::new(&app, "alpha", "read_people").await;
    let (st, body) = readers
        .post("/customers.json", &json!({"email": "no@x.test"}))
        .await;
    assert_error(st, &body, 403, "(Spark Pay scope `people`)");
    // Our own scope names work in this dialect as well.
    let ours = Sp::new(&app, "alpha", "customers:read").await;
    assert_eq!(ours.get("/customers.json").await.0, 200);
    let (_, all) = admin.get("/customers.json").await;
    assert_eq!(all["total_count"], 1, "nothing written by refused calls");
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_are_api_keys_or_access_tokens_and_anything_else_is_401() {
    let app = spawn().await;
    let sp = Sp::new(&app, "alpha", ALL).await;
    sp.create("customers", json!({"email": "t@x.test"})).await;
    let url = app.url("/api/v1/customers.json");
    let jwt = app.token("alpha", "read_people").await;
    let (st, body) = read(
        app.http
            .get(&url)
            .header("X-AC-Auth-Token", &jwt)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st, &body["total_count"]), (200, &json!(1)), "{body}");
    let (st, body) = read(app.http.get(&url).send().await.unwrap()).await;
    assert_error(st, &body, 401, "X-AC-Auth-Token is required");
    for bad in ["sk_nope", "not-a-token", "eyJhbGciOiJIUzI1NiJ9.e30.x"] {
        let (st, body) = read(
            app.http
                .get(&url)
                .header("X-AC-Auth-Token", bad)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_error(st, &body, 401, "");
    }
    let (st, body) = read(
        app.http
            .request(Method::POST, &url)
            .header("X-AC-Auth-Token", "sk_nope")
            .json(&json!({"email": "x@x.test"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(st, &body, 401, "");
    let (_, all) = sp.get("/customers.json").await;
    assert_eq!(all["total_count"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn throttled_credentials_are_a_429_in_the_dialect_s_body_with_retry_after() {
    let app = crate::common::spawn_with(|c| c.auth.failures_per_client = 2).await;
    let url = app.url("/api/v1/products.json");
    let wrong = "sk_wrongwrongwrongwrong";
    for _ in 0..2 {
        let (st, body) = read(
            app.http
                .get(&url)
                .header("X-AC-Auth-Token", wrong)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_error(st, &body, 401, "");
    }
    let res = app
        .http
        .get(&url)
        .header("X-AC-Auth-Token", wrong)
        .send()
        .await
        .unwrap();
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    let (st, body) = read(res).await;
    assert_error(st, &body, 429, "");
    assert_eq!(body["message"], "Too Many Requests");
}
