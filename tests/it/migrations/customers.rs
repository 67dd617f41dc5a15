//! Customers batches: processed in the request, keyed by legacy id, idempotent, with per-row
//! errors under both error policies, and never touching another merchant's customers.

use super::*;
use crate::common::error_code;

const BY_EXTERNAL: &str = "query($ids: [String!]) {
  customers(first: 250, filter: { externalId: { in: $ids } }, sort: { field: EMAIL, direction: ASC }) {
    totalCount nodes { id email firstName lastName tags metadata createdAt updatedAt externalId } } }";

async fn customers_md5(conn: &mut AsyncPgConnection, merchant: i64) -> String {
    diesel::sql_query(
        "SELECT md5(coalesce(string_agg(c::text, '|' ORDER BY c.id), '')) AS value
         FROM customers c WHERE merchant_id = $1",
    )
    .bind::<sql_types::BigInt, _>(merchant)
    .get_result::<Text>(conn)
    .await
    .unwrap()
    .value
}

#[tokio::test(flavor = "multi_thread")]
async fn a_small_batch_runs_in_the_request_and_re_sending_it_changes_nothing() {
    let app = spawn_quiet().await;
    let key = app.token("acme", MIG).await;
    let rows = customer_rows("L", 0, 10);
    let p = import_customers(&app, &key, rows.clone()).await;
    assert_eq!(p["userErrors"], json!([]));
    let b = &p["batch"];
    assert!(b["id"].as_str().unwrap().starts_with("mig_"));
    assert_eq!(b["kind"], "CUSTOMERS");
    assert_eq!(b["status"], "COMPLETED");
    assert_eq!(
        (&b["totalRows"], &b["processedRows"], &b["createdRows"]),
        (&json!(10), &json!(10), &json!(10))
    );
    let d = app.data(&key, BY_EXTERNAL, json!({ "ids": ["L-3"] })).await;
    let c = &d["customers"]["nodes"][0];
    assert_eq!(c["email"], "L3@legacy.example");
    assert_eq!(c["lastName"], "Person 3");
    assert_eq!(c["tags"], json!(["legacy"]));
    assert_eq!(c["metadata"], json!({ "row": 3 }));
    assert_eq!(c["createdAt"], "2021-03-04T05:06:07+00:00");

    // The same batch again: a new batch that changes nothing, not even `updatedAt`.
    let mut conn = app.conn().await;
    let m = merchant_id(&mut conn, "acme").await;
    let before = customers_md5(&mut conn, m).await;
    let p = import_customers(&app, &key, rows.clone()).await;
    let b = &p["batch"];
    assert_eq!(b["status"], "COMPLETED");
    assert_eq!(
        (&b["createdRows"], &b["updatedRows"], &b["unchangedRows"]),
        (&json!(0), &json!(0), &json!(10))
    );
    assert_eq!(customers_md5(&mut conn, m).await, before);

    // One row changed: that customer alone is updated.
    let mut changed = rows;
    changed[4]["firstName"] = json!("Renamed");
    changed[4]["tags"] = json!([]);
    let b = import_customers(&app, &key, changed).await["batch"].clone();
    assert_eq!(
        (&b["createdRows"], &b["updatedRows"], &b["unchangedRows"]),
        (&json!(0), &json!(1), &json!(9))
    );
    let d = app.data(&key, BY_EXTERNAL, json!({ "ids": ["L-4"] })).await;
    assert_eq!(d["customers"]["nodes"][0]["firstName"], "Renamed");
    assert_eq!(d["customers"]["nodes"][0]["tags"], json!([]));
    assert_eq!(
        d["customers"]["nodes"][0]["createdAt"],
        "2021-03-04T05:06:07+00:00"
    );

    // The batches, newest first.
    let d = app
        .data(
            &key,
            "{ migrationBatches(first: 10, filter: { kind: CUSTOMERS }) { totalCount nodes { updatedRows } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["migrationBatches"]["totalCount"], 3);
    assert_eq!(d["migrationBatches"]["nodes"][0]["updatedRows"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_rows_are_reported_with_their_index_under_each_policy() {
    let app = spawn_quiet().await;
    app.seed("acme", 5, 0).await;
    let key = app.token("acme", MIG).await;
    let mut rows = customer_rows("E", 0, 4);
    rows[1]["email"] = json!("not-an-email");
    rows[2]["externalId"] = json!("E-0");
    // Checked against the database: a seeded customer (legacy id `legacy-1`) has this email.
    rows[3]["email"] = json!("customer1@example.com");

    // REJECT_EVERYTHING (the default): nothing is written, no batch exists.
    let p = import_customers(&app, &key, rows.clone()).await;
    assert!(p["batch"].is_null(), "{p}");
    let errors: Vec<(Value, Value)> = p["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].clone(), e["code"].clone()))
        .collect();
    assert_eq!(
        errors,
        [
            (json!(["rows", "1", "email"]), json!("INVALID")),
            (
                json!(["rows", "2", "externalId"]),
                json!("DUPLICATE_IN_REQUEST")
            ),
        ]
    );
    // Only the database check fails: still nothing kept.
    let p = import_customers(&app, &key, vec![rows[0].clone(), rows[3].clone()]).await;
    assert!(p["batch"].is_null(), "{p}");
    assert_eq!(p["userErrors"][0]["field"], json!(["rows", "1", "email"]));
    assert_eq!(p["userErrors"][0]["code"], "TAKEN");
    let d = app
        .data(&key, BY_EXTERNAL, json!({ "ids": ["E-0", "E-3"] }))
        .await;
    assert_eq!(d["customers"]["totalCount"], 0);
    let d = app
        .data(&key, "{ migrationBatches { totalCount } }", json!({}))
        .await;
    assert_eq!(d["migrationBatches"]["totalCount"], 0);

    // REJECT_FAILED_ROWS: the valid row is written, the others reported on the batch too.
    let p = app
        .data(
            &key,
            IMPORT_CUSTOMERS,
            json!({ "rows": rows, "policy": "REJECT_FAILED_ROWS" }),
        )
        .await["migrationCustomersImport"]
        .clone();
    let b = &p["batch"];
    assert_eq!(b["status"], "COMPLETED");
    assert_eq!(
        (&b["createdRows"], &b["errorCount"]),
        (&json!(1), &json!(3))
    );
    let failed: Vec<(Value, Value)> = b["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["index"].clone(), r["userErrors"][0]["field"].clone()))
        .collect();
    assert_eq!(
        failed,
        [
            (json!(1), json!(["rows", "1", "email"])),
            (json!(2), json!(["rows", "2", "externalId"])),
            (json!(3), json!(["rows", "3", "email"])),
        ]
    );
    assert_eq!(p["userErrors"].as_array().unwrap().len(), 3);
    let d = app
        .data(&key, BY_EXTERNAL, json!({ "ids": ["E-0", "E-3"] }))
        .await;
    assert_eq!(d["customers"]["totalCount"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_are_refused_whole() {
    let app = spawn_quiet().await;
    let key = app.token("acme", MIG).await;
    let p = import_customers(&app, &key, vec![]).await;
    assert!(p["batch"].is_null());
    assert_eq!(p["userErrors"][0]["field"], json!(["rows"]));
    let p = app
        .data(
            &key,
            IMPORT_CUSTOMERS,
            json!({ "rows": customer_rows("S", 0, 1), "source": "x".repeat(201) }),
        )
        .await["migrationCustomersImport"]
        .clone();
    assert!(p["batch"].is_null());
    assert_eq!(p["userErrors"][0]["field"], json!(["source"]));
    // Without `migrations:write`.
    let reader = app.token("acme", "customers:write,customers:read").await;
    let body = app
        .gql(
            &reader,
            IMPORT_CUSTOMERS,
            json!({ "rows": customer_rows("S", 0, 1) }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = app
        .gql(&reader, "{ migrationBatches { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = app.gql(&reader, BATCH, json!({ "id": "mig_0" })).await;
    assert!(matches!(
        error_code(&body).as_str(),
        "FORBIDDEN" | "BAD_USER_INPUT"
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_customers_are_never_matched_updated_or_reverted() {
    let app = spawn_quiet().await;
    let acme = app.token("acme", MIG).await;
    let other = app.token("other", MIG).await;
    let rows = customer_rows("T", 0, 3);
    let a = import_customers(&app, &acme, rows.clone()).await["batch"].clone();
    assert_eq!(a["createdRows"], 3);
    // The same legacy ids and emails for another merchant: its own customers.
    let o = import_customers(&app, &other, rows.clone()).await["batch"].clone();
    assert_eq!(o["createdRows"], 3, "{o}");
    let mut changed = rows.clone();
    changed[0]["firstName"] = json!("Other");
    let o2 = import_customers(&app, &other, changed).await["batch"].clone();
    assert_eq!(
        (&o2["updatedRows"], &o2["unchangedRows"]),
        (&json!(1), &json!(2))
    );
    let d = app
        .data(&acme, BY_EXTERNAL, json!({ "ids": ["T-0"] }))
        .await;
    assert_eq!(d["customers"]["nodes"][0]["firstName"], "Legacy");

    // Reverting the other merchant's batches leaves acme's customers.
    for id in [&o2["id"], &o["id"]] {
        let r = revert_batch(&app, &other, id.as_str().unwrap()).await;
        assert_eq!(r["batch"]["status"], "REVERTED", "{r}");
    }
    let d = app
        .data(&other, BY_EXTERNAL, json!({ "ids": ["T-0", "T-1", "T-2"] }))
        .await;
    assert_eq!(d["customers"]["totalCount"], 0);
    let d = app
        .data(&acme, BY_EXTERNAL, json!({ "ids": ["T-0", "T-1", "T-2"] }))
        .await;
    assert_eq!(d["customers"]["totalCount"], 3);

    // Acme's batch, seen from the other merchant: not found.
    let id = a["id"].as_str().unwrap();
    assert!(batch(&app, &other, id).await.is_null());
    let r = revert_batch(&app, &other, id).await;
    assert!(r["batch"].is_null());
    assert_eq!(r["userErrors"][0]["field"], json!(["id"]));
    assert_eq!(r["userErrors"][0]["code"], "NOT_FOUND");
    let d = app
        .data(
            &other,
            "{ migrationBatches { totalCount nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(d["migrationBatches"]["totalCount"], 2);
    assert!(!d["migrationBatches"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["id"] == a["id"]));
    assert_eq!(batch(&app, &acme, id).await["status"], "COMPLETED");
    // A malformed ID, or another kind's.
    let r = revert_batch(&app, &acme, "cus_abc").await;
    assert_eq!(r["userErrors"][0]["code"], "INVALID");
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_batches_with_their_rows_costs_the_same_whatever_their_number() {
    let app = spawn_quiet().await;
    let key = app.token("acme", MIG).await;
    let list = "{ migrationBatches(first: 20) { nodes { id status
        rows { index action recordId customer { id email } userErrors { code } } } } }";
    let mut statements = Vec::new();
    for (from, batches) in [(0, 2), (100, 6)] {
        for b in 0..batches {
            import_customers(&app, &key, customer_rows(&format!("N{from}"), b * 10, 3)).await;
        }
        let before = app.statements();
        let d = app.data(&key, list, json!({})).await;
        statements.push(app.statements() - before);
        let nodes = d["migrationBatches"]["nodes"].as_array().unwrap();
        assert!(nodes
            .iter()
            .all(|n| n["rows"].as_array().unwrap().len() == 3));
        assert!(nodes
            .iter()
            .all(|n| n["rows"][0]["customer"]["email"].as_str().is_some()));
    }
    assert_eq!(
        statements[0], statements[1],
        "statements do not grow with batches"
    );
    assert!(statements[0] <= 4, "{statements:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idempotency_key_replays_the_first_answer() {
    let app = spawn_quiet().await;
    let key = app.token("acme", MIG).await;
    let vars = json!({ "rows": customer_rows("I", 0, 3), "key": "import-2024-01" });
    let first =
        app.data(&key, IMPORT_CUSTOMERS, vars.clone()).await["migrationCustomersImport"].clone();
    let again = app.data(&key, IMPORT_CUSTOMERS, vars).await["migrationCustomersImport"].clone();
    assert_eq!(first["batch"]["id"], again["batch"]["id"]);
    assert_eq!(again["batch"]["createdRows"], 3);
    let other = app
        .data(
            &key,
            IMPORT_CUSTOMERS,
            json!({ "rows": customer_rows("I", 5, 1), "key": "import-2024-01" }),
        )
        .await["migrationCustomersImport"]
        .clone();
    assert!(other["batch"].is_null());
    assert_eq!(other["userErrors"][0]["code"], "IDEMPOTENCY_KEY_REUSED");
    let d = app
        .data(&key, "{ migrationBatches { totalCount } }", json!({}))
        .await;
    assert_eq!(d["migrationBatches"]["totalCount"], 1);
}
