//! Large batches as background jobs: queued, claimed with SKIP LOCKED (never twice), processed
//! in chunks with progress readable meanwhile, and taken over when their worker stops.

use super::*;
use commerce_gateway::domain::migrations::jobs::{self, Step};
use diesel_async::{AnsiTransactionManager, SimpleAsyncConnection, TransactionManager};

async fn queue(app: &TestApp, key: &str, prefix: &str, n: usize) -> String {
    let p = import_customers(app, key, customer_rows(prefix, 0, n)).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let b = &p["batch"];
    assert_eq!(b["status"], "QUEUED", "{b}");
    assert_eq!(
        (&b["totalRows"], &b["processedRows"]),
        (&json!(n), &json!(0))
    );
    b["id"].as_str().unwrap().to_owned()
}

async fn legacy_customers(conn: &mut AsyncPgConnection, prefix: &str) -> i64 {
    count(
        conn,
        &format!("SELECT count(*) AS n FROM customers WHERE external_id LIKE '{prefix}-%'"),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_over_the_inline_limit_is_queued_and_its_progress_readable() {
    let app = spawn_quiet().await;
    let key = app.token("acme", MIG).await;
    let id = queue(&app, &key, "Q", 1_201).await;
    let mut conn = app.conn().await;
    assert_eq!(legacy_customers(&mut conn, "Q").await, 0);

    let opts = worker("w1", 500);
    let claimed = jobs::claim(&mut conn, &opts)
        .await
        .unwrap()
        .expect("a batch to claim");
    assert_eq!(claimed.attempts, 1);
    assert!(matches!(
        jobs::step(&mut conn, &claimed, &opts).await.unwrap(),
        Step::Progressed(c) if c.processed == 500 && c.created == 500
    ));
    let b = batch(&app, &key, &id).await;
    assert_eq!(b["status"], "RUNNING");
    assert_eq!(
        (&b["processedRows"], &b["createdRows"]),
        (&json!(500), &json!(500))
    );
    assert!(!b["startedAt"].is_null());
    assert_eq!(legacy_customers(&mut conn, "Q").await, 500);
    // Rows not processed yet are listed as such.
    let d = app
        .data(
            &key,
            "query($id: ID!) { migrationBatch(id: $id) { rows(only: PENDING, first: 2) { index action } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        d["migrationBatch"]["rows"],
        json!([{ "index": 500, "action": null }, { "index": 501, "action": null }])
    );

    // The worker's claim is alive: another worker finds nothing to take.
    assert!(jobs::claim(&mut conn, &worker("w2", 500))
        .await
        .unwrap()
        .is_none());
    assert!(matches!(
        jobs::run_claimed(&mut conn, &claimed, &opts).await.unwrap(),
        Step::Finished(commerce_gateway::domain::migrations::BatchStatus::Completed)
    ));
    let b = batch(&app, &key, &id).await;
    assert_eq!(b["status"], "COMPLETED");
    assert_eq!(
        (&b["processedRows"], &b["createdRows"]),
        (&json!(1_201), &json!(1_201))
    );
    assert!(!b["finishedAt"].is_null());
    assert_eq!(legacy_customers(&mut conn, "Q").await, 1_201);

    // Its revert is queued too, then run by a worker.
    let r = revert_batch(&app, &key, &id).await;
    assert_eq!(r["batch"]["status"], "REVERTING", "{r}");
    let again = revert_batch(&app, &key, &id).await;
    assert_eq!(again["userErrors"][0]["code"], "INVALID_TRANSITION");
    assert_eq!(jobs::run_pending(&app.state.db, &opts).await.unwrap(), 1);
    let b = batch(&app, &key, &id).await;
    assert_eq!(
        (&b["status"], &b["revertedRows"]),
        (&json!("REVERTED"), &json!(1_201))
    );
    assert_eq!(legacy_customers(&mut conn, "Q").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gateways_worker_runs_queued_batches() {
    let app = common::spawn().await;
    let key = app.token("acme", MIG).await;
    let id = queue(&app, &key, "W", 1_050).await;
    let mut last = Value::Null;
    for _ in 0..300 {
        last = batch(&app, &key, &id).await;
        if last["status"] == "COMPLETED" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(last["status"], "COMPLETED", "{last}");
    assert_eq!(last["createdRows"], 1_050);
    assert_eq!(last["attempts"], 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_workers_never_run_one_batch_twice() {
    let app = spawn_quiet().await;
    let key = app.token("acme", MIG).await;
    let mut ids = Vec::new();
    for p in ["C0", "C1", "C2", "C3"] {
        ids.push(queue(&app, &key, p, 1_001).await);
    }
    // A batch whose row another transaction holds locked is skipped, not waited for.
    let mut holder = app.conn().await;
    let mut conn = app.conn().await;
    AnsiTransactionManager::begin_transaction(&mut holder)
        .await
        .unwrap();
    holder
        .batch_execute("SELECT 1 FROM migration_batches FOR UPDATE")
        .await
        .unwrap();
    let claimed = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        jobs::claim(&mut conn, &worker("blocked", 100)),
    )
    .await
    .expect("the claim skips locked batches instead of waiting")
    .unwrap();
    assert!(claimed.is_none());
    AnsiTransactionManager::rollback_transaction(&mut holder)
        .await
        .unwrap();

    // Four workers at once, over four batches.
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let db = app.state.db.clone();
            tokio::spawn(
                async move { jobs::run_pending(&db, &worker(&format!("w{i}"), 200)).await },
            )
        })
        .collect();
    let mut ran = 0;
    for t in tasks {
        ran += t.await.unwrap().unwrap();
    }
    assert_eq!(ran, 4, "each batch run once");
    for id in &ids {
        let b = batch(&app, &key, id).await;
        assert_eq!(b["status"], "COMPLETED", "{b}");
        assert_eq!(b["attempts"], 1, "claimed once: {b}");
        assert_eq!(
            (&b["createdRows"], &b["processedRows"]),
            (&json!(1_001), &json!(1_001))
        );
    }
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM customers WHERE external_id LIKE 'C_-%'"
        )
        .await,
        4_004
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_whose_worker_stopped_is_taken_over_and_finished_once() {
    let app = spawn_quiet().await;
    let key = app.token("acme", MIG).await;
    let id = queue(&app, &key, "K", 1_500).await;
    let mut conn = app.conn().await;
    let first = worker("crashing", 400);
    let claimed = jobs::claim(&mut conn, &first).await.unwrap().unwrap();
    assert!(matches!(
        jobs::step(&mut conn, &claimed, &first).await.unwrap(),
        Step::Progressed(_)
    ));
    // The worker dies in the middle of its second chunk: that transaction never commits.
    AnsiTransactionManager::begin_transaction(&mut conn)
        .await
        .unwrap();
    let b = commerce_gateway::domain::migrations::process::BatchRef {
        merchant_id: claimed.batch.merchant_id,
        id: claimed.batch.id,
        kind: claimed.batch.kind,
    };
    commerce_gateway::domain::migrations::process::chunk(&mut conn, &b, 400)
        .await
        .unwrap();
    AnsiTransactionManager::rollback_transaction(&mut conn)
        .await
        .unwrap();

    // Before its heartbeat is stale nobody takes it; after, another worker does.
    assert!(
        jobs::run_pending(&app.state.db, &worker("patient", 400))
            .await
            .unwrap()
            == 0
    );
    let mut rescuer = worker("rescuer", 400);
    rescuer.stale_after = std::time::Duration::ZERO;
    assert_eq!(jobs::run_pending(&app.state.db, &rescuer).await.unwrap(), 1);
    let b = batch(&app, &key, &id).await;
    assert_eq!(b["status"], "COMPLETED");
    assert_eq!(b["attempts"], 2);
    assert_eq!(
        (&b["processedRows"], &b["createdRows"], &b["errorCount"]),
        (&json!(1_500), &json!(1_500), &json!(0))
    );
    assert_eq!(legacy_customers(&mut conn, "K").await, 1_500);
    // The first worker, back, finds it lost its batch.
    assert!(matches!(
        jobs::step(&mut conn, &claimed, &first).await.unwrap(),
        Step::Lost
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_queued_batch_with_a_failed_row_keeps_nothing_under_reject_everything() {
    let app = spawn_quiet().await;
    app.seed("acme", 3, 0).await;
    let key = app.token("acme", MIG).await;
    let sku = app
        .data(
            &key,
            "{ variants(first: 1, filter: { sku: { isNull: false } }) { nodes { sku } } }",
            json!({}),
        )
        .await["variants"]["nodes"][0]["sku"]
        .as_str()
        .unwrap()
        .to_owned();
    let rows: Vec<Value> = (0..1_001)
        .map(|i| {
            json!({
                "externalId": format!("QO-{i}"), "number": format!("QO-{i}"), "currency": "USD",
                "completedAt": "2022-02-02T02:02:02Z", "total": "3.00",
                "lineItems": [{ "sku": if i == 700 { "NO-SUCH-SKU" } else { sku.as_str() }, "quantity": 1, "price": "3.00" }],
            })
        })
        .collect();
    let p = app.data(&key, IMPORT_ORDERS, json!({ "rows": rows })).await["migrationOrdersImport"]
        .clone();
    assert_eq!(p["batch"]["status"], "QUEUED", "{p}");
    let id = p["batch"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        jobs::run_pending(&app.state.db, &worker("w", 300))
            .await
            .unwrap(),
        1
    );
    let d = app
        .data(
            &key,
            "query($id: ID!) { migrationBatch(id: $id) { status error processedRows createdRows errorCount revertedRows
               rows(only: FAILED) { index userErrors { field code } } } }",
            json!({ "id": id }),
        )
        .await;
    let b = &d["migrationBatch"];
    assert_eq!(b["status"], "FAILED");
    assert!(
        b["error"].as_str().unwrap().contains("REJECT_EVERYTHING"),
        "{b}"
    );
    assert_eq!(
        (
            &b["processedRows"],
            &b["createdRows"],
            &b["errorCount"],
            &b["revertedRows"]
        ),
        (&json!(1_001), &json!(1_000), &json!(1), &json!(1_000))
    );
    assert_eq!(
        b["rows"],
        json!([{ "index": 700, "userErrors": [{ "field": ["rows", "700", "lineItems", "0", "sku"], "code": "NOT_FOUND" }] }])
    );
    let mut conn = app.conn().await;
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) AS n FROM orders WHERE number LIKE 'QO-%'"
        )
        .await,
        0
    );
}
