//! `POST|PATCH|DELETE /api/admin/v1/customers/bulk`: a result per item, whole-request
//! refusals for malformed batches, idempotency and tenant isolation.

use reqwest::Method;
use serde_json::{json, Value};

use super::{assert_error, Fs};
use crate::common::{spawn, TestApp};

const PATH: &str = "/api/admin/v1/customers/bulk";

async fn customers_count(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.conn().await;
    diesel_async::RunQueryDsl::load::<N>(
        diesel::sql_query("SELECT count(*) AS n FROM customers"),
        &mut conn,
    )
    .await
    .unwrap()[0]
        .n
}

#[tokio::test(flavor = "multi_thread")]
async fn create_update_delete_with_a_result_per_item() {
    let app = spawn().await;
    let fs = Fs::new(&app, "alpha", "customers:read customers:write").await;
    let (st, body) = fs
        .json(
            Method::POST,
            PATH,
            &json!([
                {"email": "a@example.com", "first_name": "Ann", "tags": ["vip"]},
                {"email": "not an email"},
                {"email": "b@example.com", "last_name": "Bee", "metadata": {"crm": 7}},
            ]),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    let r = body["data"].as_array().unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!(r[0]["index"], 0);
    assert!(r[0]["id"].as_str().unwrap().starts_with("cus_"), "{body}");
    assert_eq!(r[0]["errors"], json!([]));
    assert_eq!(r[1]["id"], Value::Null);
    assert_eq!(r[1]["errors"][0]["field"], "email", "{body}");
    assert_eq!(r[1]["errors"][0]["code"], "invalid");
    assert!(r[2]["id"].is_string());
    assert_eq!(customers_count(&app).await, 2);
    let (a, b) = (r[0]["id"].clone(), r[2]["id"].clone());

    // The same email again is refused for that item only.
    let (st, body) = fs
        .json(
            Method::POST,
            PATH,
            &json!([{"email": "A@example.com"}, {"email": "c@example.com"}]),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["data"][0]["errors"][0]["code"], "taken", "{body}");
    assert!(body["data"][1]["id"].is_string());

    // PATCH: omitted fields keep their values; an unknown ID is that item's error.
    let (st, body) = fs
        .json(
            Method::PATCH,
            PATH,
            &json!([
                {"id": a, "last_name": "Lee", "tags": ["vip", "eu"]},
                {"id": "cus_doesnotexist"},
                {"id": b, "email": "c@example.com"},
            ]),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["data"][0], json!({"index": 0, "id": a, "errors": []}));
    assert_eq!(body["data"][1]["id"], "cus_doesnotexist");
    assert_eq!(body["data"][1]["errors"][0]["field"], "id", "{body}");
    assert_eq!(body["data"][2]["errors"][0]["field"], "email", "{body}");
    let (_, list) = fs.get(&format!("{PATH}?ids={}", a.as_str().unwrap())).await;
    let ann = &list["data"][0];
    assert_eq!(
        (
            ann["first_name"].clone(),
            ann["last_name"].clone(),
            ann["tags"].clone()
        ),
        (json!("Ann"), json!("Lee"), json!(["vip", "eu"]))
    );

    // DELETE: an array of IDs.
    let (st, body) = fs
        .json(Method::DELETE, PATH, &json!([a, "cus_doesnotexist"]))
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["data"][0], json!({"index": 0, "id": a, "errors": []}));
    assert_eq!(body["data"][1]["errors"][0]["field"], "id", "{body}");
    assert_eq!(customers_count(&app).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_batches_are_refused_whole_and_write_nothing() {
    let app = spawn().await;
    let fs = Fs::new(&app, "alpha", "customers:write").await;
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({"email": format!("c{i}@example.com")}))
        .collect();
    let ids: Vec<Value> = (0..1001).map(|i| json!(format!("cus_{i}"))).collect();
    for (method, body, message) in [
        (
            Method::POST,
            json!(many),
            "body: holds 1001 items; send at most 1000",
        ),
        (Method::DELETE, json!(ids), "body: holds 1001 items"),
        (
            Method::POST,
            json!({"email": "a@example.com"}),
            "body: must be a JSON array, not an object",
        ),
        (
            Method::POST,
            json!([{"email": "a@example.com"}, 7]),
            "[1]: must be a JSON object",
        ),
        (
            Method::POST,
            json!([{"email": "a@example.com", "frist_name": "x"}]),
            "[0].frist_name: is not a field",
        ),
        (Method::POST, json!([{"email": 5}]), "[0].email: "),
        (
            Method::POST,
            json!([{"first_name": "No email"}]),
            "[0].email: is required",
        ),
        (
            Method::POST,
            json!([{"email": null}]),
            "[0].email: is required",
        ),
        (
            Method::POST,
            json!([{"email": "a@example.com", "tags": [5]}]),
            "[0].tags: ",
        ),
        (
            Method::PATCH,
            json!([{"first_name": "x"}]),
            "[0].id: is required",
        ),
        (
            Method::PATCH,
            json!([{"id": 5}]),
            "[0].id: must be a customer ID",
        ),
        (
            Method::DELETE,
            json!({"ids": ["cus_1"]}),
            "body: must be a JSON array",
        ),
        (
            Method::DELETE,
            json!([{"id": "cus_1"}]),
            "[0]: must be a customer ID",
        ),
    ] {
        let (st, b) = fs.json(method.clone(), PATH, &body).await;
        assert_error(st, &b, 400, "validation_error", message);
    }
    for method in [Method::POST, Method::PATCH, Method::DELETE] {
        let (st, b) = fs.json(method.clone(), PATH, &json!([])).await;
        assert_error(st, &b, 400, "validation_error", "body: give at least one");
        let (st, b) = fs
            .send(method.clone(), PATH, &[], Some("[{\"email\": "))
            .await;
        assert_error(st, &b, 400, "validation_error", "body: is not valid JSON");
        let (st, b) = fs
            .send(
                method.clone(),
                PATH,
                &[("content-type", "text/csv")],
                Some("email\na@example.com"),
            )
            .await;
        assert_error(st, &b, 415, "unsupported_media_type", "Content-Type: ");
        let (st, b) = fs
            .send(method, &format!("{PATH}?atomic=true"), &[], Some("[]"))
            .await;
        assert_error(st, &b, 400, "validation_error", "atomic: ");
    }
    assert_eq!(customers_count(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idempotency_key_replays_the_first_answer() {
    let app = spawn().await;
    let fs = Fs::new(&app, "alpha", "customers:write").await;
    let body = json!([{"email": "a@example.com"}]).to_string();
    let headers = [("Idempotency-Key", "batch-1")];
    let (st, first) = fs.send(Method::POST, PATH, &headers, Some(&body)).await;
    assert_eq!(st, 200, "{first}");
    let (st, again) = fs.send(Method::POST, PATH, &headers, Some(&body)).await;
    assert_eq!((st, &again), (200, &first));
    assert_eq!(customers_count(&app).await, 1);
    let other = json!([{"email": "b@example.com"}]).to_string();
    let (st, b) = fs.send(Method::POST, PATH, &headers, Some(&other)).await;
    assert_error(st, &b, 409, "idempotency_key_reused", "Idempotency-Key: ");
    assert_eq!(customers_count(&app).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_customers_are_never_matched() {
    let app = spawn().await;
    app.seed("beta", 3, 0).await;
    let beta = Fs::new(&app, "beta", "customers:read").await;
    let (_, list) = beta.get(PATH).await;
    let theirs: Vec<Value> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(theirs.len(), 3);
    let alpha = Fs::new(&app, "alpha", "customers:read customers:write").await;
    let (_, body) = alpha.get(PATH).await;
    assert_eq!(body["data"], json!([]));
    let joined = theirs
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(",");
    let (st, body) = alpha.get(&format!("{PATH}?ids={joined}")).await;
    assert_eq!((st, body["data"].clone()), (200, json!([])));
    // Another merchant's group matches none of Alpha's customers.
    let beta_key = app.api_key("beta", "customers:write").await;
    let d = app
        .data(
            &beta_key,
            "mutation($ids: [ID!]) { customerGroupCreate(input: {name: \"B\", customerIds: $ids}) { customerGroup { id } } }",
            json!({ "ids": theirs }),
        )
        .await;
    let group = d["customerGroupCreate"]["customerGroup"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (st, body) = beta.get(&format!("{PATH}?customer_group_id={group}")).await;
    assert_eq!(
        (st, body["data"].as_array().unwrap().len()),
        (200, 3),
        "{body}"
    );
    let (st, body) = alpha
        .get(&format!("{PATH}?customer_group_id={group}"))
        .await;
    assert_eq!((st, body["data"].clone()), (200, json!([])));
    let (st, body) = alpha
        .json(
            Method::POST,
            PATH,
            &json!([{"email": "x@example.com", "customer_group_ids": [group]}]),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(
        body["data"][0]["errors"][0]["field"], "customer_group_ids.0",
        "{body}"
    );
    assert_eq!(body["data"][0]["errors"][0]["code"], "not_found");
    let (st, body) = alpha
        .json(
            Method::PATCH,
            PATH,
            &json!([{"id": theirs[0], "first_name": "Hijacked"}]),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["data"][0]["errors"][0]["field"], "id", "{body}");
    let (st, body) = alpha.json(Method::DELETE, PATH, &json!(theirs)).await;
    assert_eq!(st, 200, "{body}");
    assert!(
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["errors"].as_array().unwrap().len() == 1),
        "{body}"
    );
    let (_, after) = beta.get(PATH).await;
    assert_eq!(after["data"].as_array().unwrap().len(), 3);
    assert!(after["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["first_name"] != "Hijacked"));
}
