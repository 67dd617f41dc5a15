//! Health, readiness, metrics, request ids and the committed SDL.

mod common;

use common::spawn;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn health_readiness_metrics_and_request_ids() {
    let app = spawn().await;
    let res = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers().contains_key("x-request-id"),
        "a request id is assigned"
    );
    let res = app
        .http
        .get(app.url("/readyz"))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["x-request-id"],
        "abc-123",
        "a caller's request id is propagated"
    );
    assert_eq!(res.json::<Value>().await.unwrap()["database"], "ok");
    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("gateway_sql_statements_total"));
}

#[test]
fn committed_schema_graphql_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .unwrap_or_default();
    let current = commerce_gateway::graphql::sdl();
    assert!(
        committed == current,
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql` and commit it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_is_deterministic_and_tops_up_without_duplicating() {
    let a = spawn().await;
    let b = spawn().await;
    let s1 = a.seed("demo", 50, 120).await;
    let s2 = b.seed("demo", 50, 120).await;
    assert_eq!(
        (s1.customers, s1.orders, s1.line_items),
        (s2.customers, s2.orders, s2.line_items)
    );
    assert_eq!((s1.customers, s1.orders), (50, 120));
    let key_a = a.api_key("demo", "orders:read").await;
    let key_b = b.api_key("demo", "orders:read").await;
    let q = "{ orders(first: 20, sort: { field: NUMBER, direction: ASC }) { nodes { id number total createdAt } } }";
    assert_eq!(
        a.data(&key_a, q, serde_json::json!({})).await,
        b.data(&key_b, q, serde_json::json!({})).await
    );
    let again = a.seed("demo", 50, 150).await;
    assert_eq!((again.customers, again.orders), (50, 150));
}
