//! Every kind of bad input answers in Spark Pay's error body naming what is wrong: never a
//! 500, and nothing written.

use reqwest::Method;
use serde_json::json;

use super::{assert_error, id, Sp, ALL};
use crate::common::spawn_with;

#[tokio::test(flavor = "multi_thread")]
async fn bad_parameters_ids_and_bodies_are_named_and_write_nothing() {
    // Well over Spark Pay's 50 calls per 10 s with one key: the call limit is tested in
    // `limits::calls`, not here.
    let app = spawn_with(|c| c.rate_limits.sparkpay_calls = 0).await;
    let sp = Sp::new(&app, "alpha", ALL).await;
    let c = sp.create("customers", json!({"email": "one@x.test"})).await;
    let p = sp.create("products", json!({"item_name": "One"})).await;

    for (path, want, details) in [
        (
            "/customers.json?count=0",
            400,
            "count must be between 1 and 200",
        ),
        (
            "/customers.json?count=201",
            400,
            "count must be between 1 and 200",
        ),
        (
            "/customers.json?count=ten",
            400,
            "count must be a whole number",
        ),
        ("/customers.json?page=0", 400, "page must be at least 1"),
        ("/customers.json?page=9999", 400, "page skips"),
        (
            "/customers.json?colour=red",
            400,
            "colour is not a parameter nor a filterable field",
        ),
        (
            "/customers.json?email=contains:x",
            400,
            "email has an unknown operator `contains`",
        ),
        (
            "/customers.json?email=gt:x",
            400,
            "email does not take the operator `gt`",
        ),
        (
            "/customers.json?email=like:a+OR+like:b",
            400,
            "email combines conditions with OR",
        ),
        (
            "/customers.json?created_at=gt:yesterday",
            400,
            "created_at must be a time",
        ),
        ("/customers.json?id=abc", 400, "id has an unknown value"),
        (
            "/customers.json?sort=colour",
            400,
            "sort `colour` is not a sort key",
        ),
        (
            "/customers.json?fields=colour",
            400,
            "fields `colour` is not a field",
        ),
        (
            "/customers.json?expand=orders",
            400,
            "expand `orders` is not an association",
        ),
        (
            "/orders.json?grand_total=gt:lots",
            400,
            "grand_total must be a decimal number",
        ),
        (
            "/orders.json?order_status_id=7",
            400,
            "order_status_id has an unknown value",
        ),
        (
            "/products.json?weight=gt:5",
            400,
            "weight is not a parameter nor a filterable field",
        ),
        (
            "/products.json?price=gt:5+OR+lt:1",
            400,
            "price combines conditions with OR",
        ),
        (
            "/products.json?price=lots",
            400,
            "price must be a decimal number",
        ),
        ("/customers/abc.json", 400, "id must be a whole number"),
        ("/customers/12a", 400, "id must be a whole number"),
        ("/orders/-4.json", 400, "id must be a whole number"),
        (
            "/customers/99999999999999999999.json",
            404,
            "no customer has the ID",
        ),
        ("/customers/0.json", 404, ""),
        (
            &format!("/customers/{}.json?count=5", id(&c)),
            400,
            "count is not a parameter of this route",
        ),
        ("/nothing.json", 404, "no route GET /api/v1/nothing.json"),
        ("/products/1/variants", 404, "no route"),
    ] {
        let (st, body) = sp.get(path).await;
        assert_error(st, &body, want, details);
    }

    let cid = id(&c);
    for (method, path, body, want, details) in [
        (
            Method::POST,
            "/customers.json",
            "{\"email\": ",
            400,
            "body is not valid JSON",
        ),
        (
            Method::POST,
            "/customers.json",
            "[{\"email\": \"a@x.test\"}]",
            400,
            "body must be a JSON object, not an array",
        ),
        (
            Method::POST,
            "/customers.json",
            "{\"first_name\": \"No email\"}",
            400,
            "email is required",
        ),
        (
            Method::POST,
            "/customers.json",
            "{\"email\": 5}",
            400,
            "email",
        ),
        (
            Method::POST,
            "/customers.json",
            "{\"email\": \"b@x.test\", \"colour\": \"red\"}",
            400,
            "colour is not a field of this resource",
        ),
        (
            Method::POST,
            "/customers.json",
            "{\"id\": \"cus_x\", \"email\": \"c@x.test\"}",
            400,
            "id must be a customer ID",
        ),
        (
            Method::POST,
            "/customers.json?verbose=1",
            "{\"email\": \"d@x.test\"}",
            400,
            "verbose is not a parameter",
        ),
        (
            Method::PUT,
            "/customers/abc.json",
            "{}",
            400,
            "id must be a whole number",
        ),
        (
            Method::PUT,
            &format!("/customers/{cid}.json"),
            "{\"phone_number\": [1]}",
            400,
            "phone_number",
        ),
        (
            Method::POST,
            "/orders.json",
            "{\"customer_id\": \"abc\"}",
            400,
            "customer_id must be a customer ID",
        ),
        (
            Method::POST,
            "/orders.json",
            "{\"customer_id\": 1.5}",
            400,
            "customer_id must be a customer ID",
        ),
        (
            Method::POST,
            "/orders.json",
            "{\"items\": {\"product_id\": 1}}",
            400,
            "items must be a list",
        ),
        (
            Method::POST,
            "/orders.json",
            "{\"items\": [{\"quantity\": 1}]}",
            400,
            "items[0].product_id is required",
        ),
        (
            Method::POST,
            "/orders.json",
            &format!(
                "{{\"items\": [{{\"product_id\": {}, \"quantity\": 0}}]}}",
                id(&p)
            ),
            400,
            "items[0].quantity must be at least 1 on a new order",
        ),
        (
            Method::POST,
            "/orders.json",
            &format!(
                "{{\"items\": [{{\"product_id\": {}, \"quantity\": -2}}]}}",
                id(&p)
            ),
            400,
            "items[0].quantity must be a whole number",
        ),
        (
            Method::POST,
            "/orders.json",
            &format!(
                "{{\"items\": [{{\"product_id\": {}, \"size\": \"L\"}}]}}",
                id(&p)
            ),
            400,
            "items[0].size is not a field",
        ),
        (
            Method::POST,
            "/orders.json",
            "{\"shipping_total\": \"free\"}",
            400,
            "shipping_total must be an amount",
        ),
        (
            Method::POST,
            "/orders.json",
            "{\"order_status_id\": \"2\"}",
            400,
            "order_status_id must be 1",
        ),
        (
            Method::POST,
            "/orders.json",
            "{\"currency\": \"DOLLARS\"}",
            400,
            "currency",
        ),
        (
            Method::PUT,
            &format!("/products/{}.json", id(&p)),
            "{\"price\": \"1,50\"}",
            400,
            "price must be an amount",
        ),
        (
            Method::PATCH,
            "/customers.json",
            "{}",
            405,
            "does not take PATCH",
        ),
    ] {
        let (st, res) = sp.send(method.clone(), path, &[], Some(body)).await;
        assert_error(st, &res, want, details);
    }
    let (st, res) = sp
        .send(
            Method::POST,
            "/customers.json",
            &[("content-type", "text/plain")],
            Some("email=e@x.test"),
        )
        .await;
    assert_error(st, &res, 415, "application/json");

    // Nothing was written by any of them.
    for (resource, n) in [("customers", 1), ("products", 1), ("orders", 0)] {
        let (_, all) = sp.get(&format!("/{resource}.json")).await;
        assert_eq!(all["total_count"], n, "{resource}: {all}");
    }
    let (_, again) = sp.get(&format!("/customers/{cid}.json")).await;
    assert_eq!(again, c);
}
