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

/// CORS answers browsers (requests with `Origin`, preflights included) and compression answers
/// clients that accept it; a server-side client sending neither gets uncompressed JSON.
#[tokio::test(flavor = "multi_thread")]
async fn cors_and_compression_serve_the_clients_that_ask_for_them() {
    let app = spawn().await;
    app.seed("acme", 60, 0).await;
    let key = app.api_key("acme", "customers:read").await;
    let body = serde_json::json!({ "query": "{ customers(first: 60) { nodes { id email firstName lastName } } }" });

    // A browser's preflight and its request.
    let res = app
        .http
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "https://admin.example.com")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert!(res.headers().contains_key("access-control-allow-methods"));
    let res = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&key)
        .header("origin", "https://admin.example.com")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        v["data"]["customers"]["nodes"].as_array().unwrap().len(),
        60
    );

    // A client accepting gzip gets gzip (reqwest here does not decode it: the raw bytes show).
    let res = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&key)
        .header("accept-encoding", "gzip")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip stream");

    // Neither header: plain, uncompressed JSON.
    let res = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(!res.headers().contains_key("content-encoding"));
    let v: Value = res.json().await.unwrap();
    assert_eq!(
        v["data"]["customers"]["nodes"].as_array().unwrap().len(),
        60
    );
}

/// GraphQL over HTTP with `Accept: application/graphql-response+json`: a request error (the
/// document does not parse or validate, a variable does not coerce, an input is refused before
/// execution) is a 400 whose body has no `data` entry; a field error during execution is a 200
/// with `data`. With `application/json` every result is a 200 with `data`, as before.
#[tokio::test(flavor = "multi_thread")]
async fn graphql_response_json_request_errors_have_no_data_entry() {
    let app = spawn().await;
    let token = app.token("acme", "customers:read").await;
    let post = |accept: &'static str, body: Value| {
        let req = app
            .http
            .post(app.url("/graphql"))
            .bearer_auth(&token)
            .header("accept", accept)
            .json(&body);
        async move {
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
            let body: Value = res.json().await.unwrap();
            (status, content_type, body)
        }
    };
    const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
    let request_errors = [
        serde_json::json!({ "query": "{" }),
        serde_json::json!({ "query": "{ noSuchField }" }),
        serde_json::json!({ "query": "query($id: ID!) { customer(id: $id) { id } }", "variables": { "id": null } }),
        serde_json::json!({ "query": "{ customers(search: \"\\u0000\") { totalCount } }" }),
        serde_json::json!({ "notquery": "{ __typename }" }),
    ];
    for body in &request_errors {
        let (status, content_type, res) = post(GRAPHQL_RESPONSE, body.clone()).await;
        assert_eq!(status, 400, "{body}: {res}");
        assert!(content_type.starts_with(GRAPHQL_RESPONSE), "{content_type}");
        assert!(res.get("data").is_none(), "{body}: {res}");
        assert!(res["errors"][0]["message"].is_string(), "{res}");
        assert!(res["errors"][0]["extensions"]["code"].is_string(), "{res}");

        let (status, content_type, res) = post("application/json", body.clone()).await;
        assert_eq!(status, 200, "{body}: {res}");
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        assert!(res.get("data").is_some(), "{body}: {res}");
    }
    // Execution ran: a field error keeps `data` and the 200.
    let (status, _, res) = post(
        GRAPHQL_RESPONSE,
        serde_json::json!({ "query": "{ customer(id: \"or_nope\") { id } viewer { scopes } }" }),
    )
    .await;
    assert_eq!(status, 200, "{res}");
    assert!(res["data"].is_object(), "{res}");
    assert!(res["errors"][0]["path"].is_array(), "{res}");
    let (status, _, res) = post(
        GRAPHQL_RESPONSE,
        serde_json::json!({ "query": "{ __typename }" }),
    )
    .await;
    assert_eq!(
        (status, &res["data"]["__typename"]),
        (200, &Value::from("Query"))
    );
}
