//! `/api/admin/v1/migrations/…`: imports by legacy id (idempotent), queued batches, the revert
//! and its refusals, bad bodies, scopes and another merchant's batches.

use commerce_gateway::domain::migrations::jobs::{self, JobOptions};
use reqwest::Method;
use serde_json::{json, Value};

use super::Fs;
use crate::common;

const SCOPES: &str = "migrations:write,customers:read";

fn customers(prefix: &str, n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({"external_id": format!("{prefix}-{i}"), "email": format!("{prefix}{i}@legacy.example"),
                   "first_name": "Legacy", "last_name": format!("Person {i}"), "tags": ["legacy"],
                   "created_at": "2021-03-04T05:06:07Z"})
        })
        .collect()
}

fn id(v: &Value) -> String {
    v["data"]["id"].as_str().expect("batch id").to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn customers_are_imported_again_unchanged_and_reverted() {
    let app = common::spawn().await;
    app.seed("acme", 0, 0).await;
    let fs = Fs::new(&app, "acme", SCOPES).await;
    let rows = json!({"rows": customers("crm", 3), "source": "legacy-crm"});
    let (st, b) = fs
        .json(Method::POST, "/api/admin/v1/migrations/customers", &rows)
        .await;
    assert_eq!(st, 201, "{b}");
    assert_eq!(b["data"]["status"], "completed", "{b}");
    assert_eq!(b["data"]["kind"], "customers");
    assert_eq!(b["data"]["source"], "legacy-crm");
    assert_eq!(b["data"]["created_rows"], 3);
    assert!(b["data"]["id"].as_str().unwrap().starts_with("mig_"));
    let first = id(&b);

    // The same rows again, as a bare array: nothing changes.
    let (st, again) = fs
        .json(
            Method::POST,
            "/api/admin/v1/migrations/customers",
            &json!(customers("crm", 3)),
        )
        .await;
    assert_eq!(st, 201, "{again}");
    assert_eq!(again["data"]["unchanged_rows"], 3, "{again}");
    assert_eq!(again["data"]["created_rows"], 0);

    let (st, shown) = fs.get(&format!("/api/admin/v1/migrations/{first}")).await;
    assert_eq!(st, 200, "{shown}");
    assert_eq!(shown["data"]["total_rows"], 3);
    assert_eq!(shown["data"]["failed"], json!([]));

    // The second batch changed nothing; reverting the first removes what it created.
    let (st, r) = fs
        .json(
            Method::POST,
            &format!("/api/admin/v1/migrations/{first}/revert"),
            &Value::Null,
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["data"]["status"], "reverted", "{r}");
    assert_eq!(r["data"]["reverted_rows"], 3);
    let (_, list) = fs
        .get("/api/admin/v1/customers/bulk?email=crm0@legacy.example")
        .await;
    assert_eq!(list["data"], json!([]), "the revert removed them: {list}");
    let (st, e) = fs
        .json(
            Method::POST,
            &format!("/api/admin/v1/migrations/{first}/revert"),
            &Value::Null,
        )
        .await;
    assert_eq!(st, 422, "a batch reverts once: {e}");
    assert_eq!(e["error"], "invalid_transition", "{e}");

    // Another merchant's batch is not found, for reading and for reverting.
    app.seed("other", 0, 0).await;
    let other = Fs::new(&app, "other", SCOPES).await;
    let (st, e) = other
        .get(&format!("/api/admin/v1/migrations/{first}"))
        .await;
    assert_eq!((st, e["error"].as_str()), (404, Some("not_found")), "{e}");
    let (st, e) = other
        .json(
            Method::POST,
            &format!("/api/admin/v1/migrations/{first}/revert"),
            &Value::Null,
        )
        .await;
    assert_eq!(st, 404, "{e}");
    let (st, e) = fs.get("/api/admin/v1/migrations/cus_nope").await;
    assert_eq!(st, 404, "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_rows_are_named_and_large_batches_are_queued() {
    let app = common::spawn_with(|c| c.jobs.enabled = false).await;
    app.seed("acme", 0, 0).await;
    let fs = Fs::new(&app, "acme", SCOPES).await;
    // A malformed value refuses the batch, naming the row (rows failing a rule are reported
    // by index: see the orders test).
    let mut rows = customers("bad", 2);
    rows[1]["email"] = json!("not-an-email");
    let (st, e) = fs
        .json(
            Method::POST,
            "/api/admin/v1/migrations/customers",
            &json!(rows),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("rows[1].email: "),
        "{e}"
    );

    // More rows than run in the request: queued (202), then done by a worker.
    let (st, b) = fs
        .json(
            Method::POST,
            "/api/admin/v1/migrations/customers",
            &json!(customers("big", 1001)),
        )
        .await;
    assert_eq!(st, 202, "{b}");
    assert_eq!(b["data"]["status"], "queued", "{b}");
    let big = id(&b);
    assert_eq!(
        jobs::run_pending(&app.state.db, &JobOptions::new("test-worker"))
            .await
            .unwrap(),
        1
    );
    let (_, shown) = fs.get(&format!("/api/admin/v1/migrations/{big}")).await;
    assert_eq!(shown["data"]["status"], "completed", "{shown}");
    assert_eq!(shown["data"]["processed_rows"], 1001);
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_reference_their_customer_by_legacy_id() {
    let app = common::spawn().await;
    app.seed("acme", 0, 0).await;
    let fs = Fs::new(&app, "acme", "migrations:write,orders:read,customers:read").await;
    let key = app.api_key("acme", "catalog:read").await;
    let sku = app
        .data(&key, "{ variants(first: 1) { nodes { sku } } }", json!({}))
        .await["variants"]["nodes"][0]["sku"]
        .as_str()
        .expect("a seeded SKU")
        .to_owned();
    let (st, b) = fs
        .json(
            Method::POST,
            "/api/admin/v1/migrations/customers",
            &json!(customers("shop", 1)),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    let order = |ext: &str, customer: &str| {
        let sku = sku.clone();
        json!({"external_id": ext, "number": format!("L-{ext}"), "customer_external_id": customer,
               "currency": "USD", "status": "complete", "total": "12.50",
               "completed_at": "2022-01-02T03:04:05Z",
               "line_items": [{"sku": sku, "quantity": 1, "price": "12.50"}]})
    };
    let (st, b) = fs
        .json(
            Method::POST,
            "/api/admin/v1/migrations/orders",
            &json!({"rows": [order("o1", "shop-0"), order("o2", "nobody")],
                    "error_policy": "reject_failed_rows"}),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    assert_eq!(b["data"]["kind"], "orders");
    assert_eq!(
        b["data"]["failed"][0]["index"], 1,
        "an unknown customer: {b}"
    );
    let (_, orders) = fs.get("/api/admin/v1/orders?number=L-o1").await;
    assert_eq!(orders["data"][0]["total"], "12.50", "{orders}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_batches_are_refused_and_scopes_guard_the_routes() {
    let app = common::spawn().await;
    app.seed("acme", 0, 0).await;
    let fs = Fs::new(&app, "acme", SCOPES).await;
    for (body, message) in [
        (json!({}), "rows: is required"),
        (json!([]), "rows: give at least one row"),
        (json!({"rows": 3}), "rows: must be an array"),
        (json!({"rows": [1]}), "rows[0]: must be a JSON object"),
        (
            json!({"rows": customers("x", 1), "colour": "red"}),
            "colour: ",
        ),
        (
            json!({"rows": customers("x", 1), "error_policy": "yolo"}),
            "error_policy: ",
        ),
        (json!("rows"), "body: must be a JSON array of rows"),
    ] {
        let (st, e) = fs
            .json(Method::POST, "/api/admin/v1/migrations/customers", &body)
            .await;
        assert_eq!(st, 400, "{body}: {e}");
        assert_eq!(e["error"], "validation_error", "{e}");
        assert!(
            e["message"].as_str().unwrap().starts_with(message),
            "{body}: {e}"
        );
    }
    // Duplicate legacy ids in one batch: refused, nothing imported.
    let mut rows = customers("dup", 2);
    rows[1]["external_id"] = json!("dup-0");
    let (st, e) = fs
        .json(
            Method::POST,
            "/api/admin/v1/migrations/customers",
            &json!(rows),
        )
        .await;
    assert!(st == 400 || st == 422, "{e}");
    let (_, list) = fs
        .get("/api/admin/v1/customers/bulk?email=dup0@legacy.example")
        .await;
    assert_eq!(list["data"], json!([]), "{list}");

    let reader = Fs::new(&app, "acme", "customers:read").await;
    let (st, e) = reader
        .json(
            Method::POST,
            "/api/admin/v1/migrations/customers",
            &json!(customers("x", 1)),
        )
        .await;
    assert_eq!(st, 403, "{e}");
}
