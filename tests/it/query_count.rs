//! The number of SQL statements of a request depends on the depth of the query, never on the
//! number of rows (every association goes through a per-request DataLoader).

use crate::common::{spawn, spawn_with};
use serde_json::json;

/// The dashboard page of issue #3, verbatim.
const DASHBOARD: &str = "query($n: Int!) { orders(first: $n) { nodes { number total
    customer { email customerGroups { name } } store { name } channel { code }
    lineItems { quantity variant { sku product { name } } } discounts { amount } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn dashboard_query_sends_the_same_statements_for_5_50_and_250_orders() {
    let app = spawn().await;
    app.seed("acme", 300, 600).await;
    // A JWT: authenticating it needs no statement, so the count is the query's alone.
    let token = app
        .token(
            "acme",
            "customers:read,orders:read,stores:read,catalog:read",
        )
        .await;
    // Warm the merchant cache (one lookup per slug per process).
    app.data(&token, "{ viewer { scopes } }", json!({})).await;

    // Warm the pool so no connection set-up falls inside a measurement.
    app.data(&token, DASHBOARD, json!({ "n": 250 })).await;
    let mut counts = Vec::new();
    for n in [5, 50, 250] {
        let before = app.statements();
        let d = app.data(&token, DASHBOARD, json!({ "n": n })).await;
        let after = app.statements();
        assert_eq!(d["orders"]["nodes"].as_array().unwrap().len(), n);
        counts.push(after - before);
    }
    println!("statements per request for 5, 50, 250 orders: {counts:?}");
    assert_eq!(counts[0], counts[1], "statements per request: {counts:?}");
    assert_eq!(counts[1], counts[2], "statements per request: {counts:?}");
    // orders; customers, stores, channels, line items, discounts; groups, variants+products.
    assert!(counts[0] <= 8, "statements per request: {counts:?}");
    // The page really holds grouped customers and discounts, so those loaders ran.
    let d = app.data(&token, DASHBOARD, json!({ "n": 250 })).await;
    let nodes = d["orders"]["nodes"].as_array().unwrap();
    assert!(nodes
        .iter()
        .any(|o| !o["discounts"].as_array().unwrap().is_empty()));
    assert!(nodes.iter().any(|o| !o["customer"]["customerGroups"]
        .as_array()
        .map(Vec::is_empty)
        .unwrap_or(true)));
}

/// The statements of a page and of its loaders are prepared once per connection and then only
/// bound and executed: one round trip each instead of two, and no parse or plan in PostgreSQL.
#[tokio::test(flavor = "multi_thread")]
async fn hot_statements_stay_prepared_across_requests() {
    // One connection, so that every statement of the page meets the statements it prepared.
    let app = spawn_with(|c| c.pool_size = 1).await;
    app.seed("acme", 50, 100).await;
    let token = app
        .token(
            "acme",
            "customers:read,orders:read,stores:read,catalog:read",
        )
        .await;
    let run = |n: i64| app.data(&token, DASHBOARD, json!({ "n": n }));
    run(20).await;
    let warm = app.prepared_statements();
    assert!(warm >= 5, "the page and its loaders were prepared: {warm}");
    let before = app.statements();
    for n in [5, 20, 50, 20, 5] {
        run(n).await;
    }
    assert!(
        app.statements() - before >= 5 * 7,
        "the requests ran their statements"
    );
    assert_eq!(
        app.prepared_statements(),
        warm,
        "no statement was prepared again"
    );
    // A filtered list is not kept prepared: its text depends on the client's filter.
    let prepared = app.prepared_statements();
    app.data(
        &token,
        r#"{ orders(first: 5, filter: { number: { startsWith: "R" } }) { nodes { number } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(app.prepared_statements(), prepared);
}

/// A lookup by id is one prepared statement that PostgreSQL plans once: after its first
/// executions it runs on the generic plan (`pg_prepared_statements` of the gateway's only
/// connection), instead of being planned again on every request.
#[tokio::test(flavor = "multi_thread")]
async fn a_lookup_by_id_runs_on_a_generic_plan() {
    use diesel::QueryableByName;
    use diesel_async::RunQueryDsl;

    #[derive(QueryableByName)]
    struct Plans {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        generic_plans: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        custom_plans: i64,
    }

    let app = spawn_with(|c| c.pool_size = 1).await;
    app.seed("acme", 5, 10).await;
    let token = app.token("acme", "orders:read").await;
    let id = app
        .data(&token, "{ orders(first: 1) { nodes { id } } }", json!({}))
        .await["orders"]["nodes"][0]["id"]
        .clone();
    for _ in 0..20 {
        let d = app
            .data(
                &token,
                "query($id: ID!) { order(id: $id) { number } }",
                json!({ "id": id }),
            )
            .await;
        assert!(d["order"]["number"].is_string());
    }
    let mut conn = app.state.db.conn().await.expect("the gateway's connection");
    let plans: Vec<Plans> = diesel::sql_query(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements \
         WHERE statement LIKE 'SELECT * FROM orders WHERE merchant_id = $1 AND id = $2 %'",
    )
    .load(&mut *conn)
    .await
    .expect("pg_prepared_statements");
    assert_eq!(plans.len(), 1, "one prepared lookup statement");
    assert!(
        plans[0].generic_plans >= 14 && plans[0].custom_plans <= 6,
        "generic {} / custom {} plans over 20 lookups",
        plans[0].generic_plans,
        plans[0].custom_plans
    );
}
