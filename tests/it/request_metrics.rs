//! `/metrics` over real HTTP: request counts and latency histograms per matched route and per
//! GraphQL operation type, recorded from every worker thread, beside the gateway's own counters,
//! and never shared between two gateways of one process.

use crate::common::spawn;
use serde_json::json;

/// The value of the series `series` (name and labels exactly as rendered), if present.
fn value(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|line| {
        let rest = line.strip_prefix(series)?.strip_prefix(' ')?;
        rest.trim().parse().ok()
    })
}

async fn scrape(app: &crate::common::TestApp) -> String {
    let res = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_are_counted_and_timed_per_route_and_operation_type() {
    let app = spawn().await;
    let other = spawn().await;
    let key = app.api_key("demo", "customers:read customers:write").await;

    // Concurrent requests, answered on whichever worker thread picks them up.
    let healthz = (0..24).map(|_| {
        let http = app.http.clone();
        let url = app.url("/healthz");
        tokio::spawn(async move { http.get(url).send().await.unwrap().status() })
    });
    for status in futures_util::future::join_all(healthz).await {
        assert_eq!(status.unwrap(), 200);
    }
    let missing = app
        .http
        .get(app.url("/no-such-route-42"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    for _ in 0..3 {
        app.data(&key, "{ viewer { scopes } }", json!({})).await;
    }
    app.gql(
        &key,
        "mutation($ids: [ID!]!) { customersDelete(ids: $ids) { deletedIds } }",
        json!({ "ids": [] }),
    )
    .await;
    let refused = app
        .http
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ viewer { scopes } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    let metrics = scrape(&app).await;
    let v = |series: &str| value(&metrics, series);
    assert_eq!(
        v(r#"http_requests_total{method="GET",route="/healthz",status="200"}"#),
        Some(24.0),
        "{metrics}"
    );
    assert!(metrics.contains("# TYPE http_request_duration_seconds histogram"));
    assert_eq!(
        v(r#"http_request_duration_seconds_count{method="GET",route="/healthz"}"#),
        Some(24.0)
    );
    assert_eq!(
        v(r#"http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"}"#),
        Some(24.0)
    );
    let sum = v(r#"http_request_duration_seconds_sum{method="GET",route="/healthz"}"#);
    assert!(sum.is_some_and(|s| s > 0.0), "{sum:?}");
    // An unmatched request is counted without its path (its values are unbounded).
    assert_eq!(
        v(r#"http_requests_total{method="GET",route="unmatched",status="404"}"#),
        Some(1.0)
    );
    assert!(!metrics.contains("no-such-route-42"));
    assert_eq!(
        v(r#"http_requests_total{method="POST",route="/graphql",status="200"}"#),
        Some(4.0)
    );
    assert_eq!(
        v(r#"http_requests_total{method="POST",route="/graphql",status="401"}"#),
        Some(1.0)
    );
    assert_eq!(
        v(r#"graphql_requests_total{operation_type="query"}"#),
        Some(3.0)
    );
    assert_eq!(
        v(r#"graphql_requests_total{operation_type="mutation"}"#),
        Some(1.0)
    );
    // Refused before an operation was selected (no credentials).
    assert_eq!(
        v(r#"graphql_requests_total{operation_type="none"}"#),
        Some(1.0)
    );
    assert!(metrics.contains("# TYPE graphql_request_duration_seconds histogram"));
    assert_eq!(
        v(r#"graphql_request_duration_seconds_count{operation_type="query"}"#),
        Some(3.0)
    );
    // The gateway's own counters keep their names and values.
    assert_eq!(
        v("gateway_sql_statements_total"),
        Some(app.statements() as f64)
    );
    assert_eq!(
        v("gateway_sql_statements_prepared_total"),
        Some(app.prepared_statements() as f64)
    );

    // The scrape itself is counted once answered.
    let again = scrape(&app).await;
    assert_eq!(
        value(
            &again,
            r#"http_requests_total{method="GET",route="/metrics",status="200"}"#
        ),
        Some(1.0)
    );

    // Another gateway in the same process counted none of it.
    let theirs = scrape(&other).await;
    assert_eq!(
        value(
            &theirs,
            r#"http_requests_total{method="GET",route="/healthz",status="200"}"#
        ),
        None,
        "{theirs}"
    );
    assert_eq!(
        value(&theirs, r#"graphql_requests_total{operation_type="query"}"#),
        None
    );
}
