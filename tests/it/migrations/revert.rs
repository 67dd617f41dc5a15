//! Reverting: exactly the state before the batch (a checksum of every table of the merchant),
//! records changed since left and reported, and the refusals.

use super::*;
use diesel_async::SimpleAsyncConnection;

const EVERYTHING: &str =
    "migrations:write,customers:read,customers:write,orders:read,orders:write,catalog:read";

#[tokio::test(flavor = "multi_thread")]
async fn a_revert_restores_every_table_of_the_merchant_exactly() {
    let app = spawn_quiet().await;
    app.seed("acme", 30, 60).await;
    app.seed("other", 5, 5).await;
    let key = app.token("acme", EVERYTHING).await;
    let mut conn = app.conn().await;
    let m = merchant_id(&mut conn, "acme").await;
    // Records that exist before the batches and that they will update: seeded customers
    // (legacy ids `legacy-N`), and two seeded complete orders given legacy ids, one with a
    // discount on a line (restored with its line).
    conn.batch_execute(&format!(
        "UPDATE orders SET external_id = 'LO-' || id WHERE merchant_id = {m} AND id IN
           (SELECT id FROM orders WHERE merchant_id = {m} AND status = 'complete' ORDER BY id LIMIT 2);
         INSERT INTO adjustments (merchant_id, order_id, line_item_id, label, amount)
           SELECT li.merchant_id, li.order_id, li.id, 'Legacy line discount', 1.5 FROM line_items li
           JOIN orders o ON o.merchant_id = li.merchant_id AND o.id = li.order_id
           WHERE o.merchant_id = {m} AND o.external_id IS NOT NULL ORDER BY li.id LIMIT 1;"
    ))
    .await
    .unwrap();
    let legacy_orders: Vec<Text> = diesel::sql_query(format!(
        "SELECT external_id AS value FROM orders WHERE merchant_id = {m} AND external_id IS NOT NULL ORDER BY id"
    ))
    .load(&mut conn)
    .await
    .unwrap();
    let variants = app
        .data(
            &key,
            "{ variants(first: 2, filter: { sku: { isNull: false } }) { nodes { id sku } } }",
            json!({}),
        )
        .await;
    let sku = variants["variants"]["nodes"][0]["sku"]
        .as_str()
        .unwrap()
        .to_owned();
    let variant = variants["variants"]["nodes"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = checksum(&mut conn, m).await;
    let other_id = merchant_id(&mut conn, "other").await;
    let other_before = checksum(&mut conn, other_id).await;

    // Customers: 5 seeded ones updated, 20 created, 2 unchanged-after-update... all in one batch.
    let mut rows = customer_rows("R", 0, 20);
    for i in 1..=5 {
        rows.push(json!({
            "externalId": format!("legacy-{i}"), "email": format!("customer{i}@example.com"),
            "firstName": "Migrated", "tags": ["migrated"], "notes": "from the legacy CRM",
        }));
    }
    let c = import_customers(&app, &key, rows).await;
    assert_eq!(c["userErrors"], json!([]), "{c}");
    assert_eq!(
        (&c["batch"]["createdRows"], &c["batch"]["updatedRows"]),
        (&json!(20), &json!(5))
    );

    // Orders: new complete orders of the new customers (rollups, units sold) and the seeded
    // orders updated with other lines and status.
    let mut orders: Vec<Value> = (0..10)
        .map(|i| {
            json!({
                "externalId": format!("RO-{i}"), "number": format!("RO-{i}"),
                "customerExternalId": format!("R-{i}"), "currency": "USD", "status": "COMPLETE",
                "createdAt": format!("2019-0{}-01T10:00:00Z", 1 + i % 9),
                "completedAt": format!("2019-0{}-01T11:00:00Z", 1 + i % 9),
                "total": "25.00",
                "lineItems": [{ "sku": sku, "quantity": 1 + i % 3, "price": "5.00", "total": "20.00" },
                              { "variantId": variant, "quantity": 1, "price": "5.00" }],
            })
        })
        .collect();
    for (i, ext) in legacy_orders.iter().enumerate() {
        orders.push(json!({
            "externalId": ext.value, "number": format!("LEGACY-{i}"), "customerExternalId": "legacy-2",
            "currency": "USD", "status": if i == 0 { "RETURNED" } else { "COMPLETE" },
            "completedAt": "2018-05-05T05:05:05Z", "total": "99.00",
            "lineItems": [{ "sku": sku, "quantity": 9, "price": "11.00" }],
        }));
    }
    let o = app
        .data(&key, IMPORT_ORDERS, json!({ "rows": orders }))
        .await["migrationOrdersImport"]
        .clone();
    assert_eq!(o["userErrors"], json!([]), "{o}");
    assert_eq!(
        (&o["batch"]["createdRows"], &o["batch"]["updatedRows"]),
        (&json!(10), &json!(2))
    );
    assert_ne!(checksum(&mut conn, m).await, before);

    // Customers cannot go while their orders exist: that revert leaves them (conflicts).
    // Orders first, then customers, and everything is as it was.
    let r = revert_batch(&app, &key, o["batch"]["id"].as_str().unwrap()).await;
    assert_eq!(r["userErrors"], json!([]), "{r}");
    assert_eq!(
        (
            &r["batch"]["status"],
            &r["batch"]["revertedRows"],
            &r["batch"]["conflictCount"]
        ),
        (&json!("REVERTED"), &json!(12), &json!(0))
    );
    let r = revert_batch(&app, &key, c["batch"]["id"].as_str().unwrap()).await;
    assert_eq!(
        (&r["batch"]["revertedRows"], &r["batch"]["conflictCount"]),
        (&json!(25), &json!(0)),
        "{r}"
    );
    let after = checksum(&mut conn, m).await;
    assert_eq!(
        after, before,
        "the merchant's tables differ after the revert"
    );
    assert_eq!(checksum(&mut conn, other_id).await, other_before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_changed_after_the_batch_is_left_and_reported() {
    let app = spawn_quiet().await;
    app.seed("acme", 5, 0).await;
    let key = app.token("acme", EVERYTHING).await;
    let mut rows = customer_rows("X", 0, 3);
    rows.push(json!({ "externalId": "legacy-1", "email": "customer1@example.com", "firstName": "Imported" }));
    rows.push(json!({ "externalId": "legacy-2", "email": "customer2@example.com", "firstName": "Imported" }));
    let p = import_customers(&app, &key, rows).await;
    let id = p["batch"]["id"].as_str().unwrap().to_owned();
    // After the batch: a created customer and an updated one are edited.
    let d = app
        .data(&key, r#"{ customers(first: 10, filter: { externalId: { in: ["X-1", "legacy-2", "legacy-1"] } }, sort: { field: EMAIL, direction: ASC }) { nodes { id externalId firstName } } }"#, json!({}))
        .await;
    let nodes = d["customers"]["nodes"].as_array().unwrap().clone();
    let id_of = |ext: &str| nodes.iter().find(|n| n["externalId"] == ext).unwrap()["id"].clone();
    let edit = app
        .data(
            &key,
            "mutation($input: [CustomerUpdateInput!]!) { customersUpdate(input: $input) { userErrors { message } } }",
            json!({ "input": [
                { "id": id_of("X-1"), "firstName": "Edited later" },
                { "id": id_of("legacy-2"), "lastName": "Edited later" },
            ] }),
        )
        .await;
    assert_eq!(edit["customersUpdate"]["userErrors"], json!([]));

    let r = revert_batch(&app, &key, &id).await;
    let b = &r["batch"];
    assert_eq!(
        (&b["status"], &b["revertedRows"], &b["conflictCount"]),
        (&json!("REVERTED"), &json!(3), &json!(2)),
        "{r}"
    );
    let conflicts: Vec<(Value, Value, Value)> = b["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["externalId"].clone(),
                row["revert"].clone(),
                row["recordId"].clone(),
            )
        })
        .collect();
    assert_eq!(
        conflicts,
        [
            (json!("X-1"), json!("CONFLICT"), id_of("X-1")),
            (json!("legacy-2"), json!("CONFLICT"), id_of("legacy-2")),
        ]
    );
    assert!(b["rows"][0]["revertReason"]
        .as_str()
        .unwrap()
        .contains("changed after the batch"));
    // The edited records kept their edits; the others were reverted.
    let d = app
        .data(&key, r#"{ customers(first: 10, filter: { externalId: { in: ["X-0", "X-1", "X-2", "legacy-1", "legacy-2"] } }) { nodes { externalId firstName lastName } } }"#, json!({}))
        .await;
    let mut left: Vec<(String, Value, Value)> = d["customers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["externalId"].as_str().unwrap().to_owned(),
                n["firstName"].clone(),
                n["lastName"].clone(),
            )
        })
        .collect();
    left.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(left[0].0, "X-1");
    assert_eq!(left[0].1, "Edited later");
    assert_eq!(left[1].0, "legacy-1");
    assert_ne!(left[1].1, "Imported", "restored from its before-image");
    assert_eq!(
        (&left[2].0, &left[2].1, &left[2].2),
        (
            &"legacy-2".to_owned(),
            &json!("Imported"),
            &json!("Edited later")
        )
    );
    assert_eq!(left.len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn reverting_twice_or_a_running_batch_is_refused() {
    let app = spawn_quiet().await;
    let key = app.token("acme", MIG).await;
    let p = import_customers(&app, &key, customer_rows("Z", 0, 2)).await;
    let id = p["batch"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        revert_batch(&app, &key, &id).await["batch"]["status"],
        "REVERTED"
    );
    let again = revert_batch(&app, &key, &id).await;
    assert!(again["batch"].is_null());
    assert_eq!(again["userErrors"][0]["field"], json!(["id"]));
    assert_eq!(again["userErrors"][0]["code"], "INVALID_TRANSITION");
    assert!(again["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("already reverted"));

    // Queued (the worker is off here), then running: refused both times.
    let q = import_customers(&app, &key, customer_rows("Y", 0, 1_001)).await;
    let qid = q["batch"]["id"].as_str().unwrap().to_owned();
    let r = revert_batch(&app, &key, &qid).await;
    assert_eq!(r["userErrors"][0]["code"], "INVALID_TRANSITION");
    assert!(r["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("still queued"));
    let mut conn = app.conn().await;
    let opts = worker("w", 500);
    let claimed = commerce_gateway::domain::migrations::jobs::claim(&mut conn, &opts)
        .await
        .unwrap()
        .unwrap();
    commerce_gateway::domain::migrations::jobs::step(&mut conn, &claimed, &opts)
        .await
        .unwrap();
    let r = revert_batch(&app, &key, &qid).await;
    assert!(
        r["userErrors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("still running"),
        "{r}"
    );
    assert_eq!(batch(&app, &key, &qid).await["processedRows"], 500);
}
