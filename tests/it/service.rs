//! Health, readiness, metrics, request ids and the committed SDL.

use crate::common;

use crate::common::{error_code, error_message, spawn, spawn_with};
use diesel_async::SimpleAsyncConnection;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

// ---- Hardening of the edge (issue #10): nesting, GET mutations, document cost, limits ----

/// `[[[…1…]]]`, `{a: {a: …1…}}` as a GraphQL literal, `depth` levels.
fn nested_list(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}
fn nested_object(depth: usize) -> String {
    format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth))
}

#[tokio::test(flavor = "multi_thread")]
async fn deeply_nested_values_are_refused_before_anything_recurses() {
    let app = spawn().await;
    let key = app.api_key("acme", "customers:read,stores:write").await;
    for depth in [2_000, 20_000] {
        let documents = [
            // A list in a filter, an input object in a list, a JSON literal, a list argument.
            format!(
                "{{ customers(first: 1, filter: {{tags: {{hasAll: {}}}}}) {{ totalCount }} }}",
                nested_list(depth)
            ),
            format!(
                "mutation {{ storesUpsert(stores: [{}]) {{ userErrors {{ code }} }} }}",
                nested_object(depth)
            ),
            format!(
                "mutation {{ storesUpsert(stores: {}) {{ userErrors {{ code }} }} }}",
                nested_list(depth)
            ),
            format!(
                "{{ customers(first: 1, filter: {{email: {{in: {}}}}}) {{ totalCount }} }}",
                nested_list(depth)
            ),
            // Nested selection sets and a variable default.
            format!("{{ {} }}", "viewer { ".repeat(depth) + &"}".repeat(depth)),
            format!(
                "query($t: [String!] = {}) {{ viewer {{ scopes }} }}",
                nested_list(depth)
            ),
        ];
        for doc in &documents {
            let (status, body) = app.gql_status(&key, doc, json!({})).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
            assert!(error_message(&body).contains("levels deep"), "{body}");
            assert!(body["data"].is_null());
        }
        // The same nesting in a variable (written by hand: a serde_json::Value that deep
        // would overflow the test's own stack): serde_json stops at 128 levels.
        let text = format!(
            r#"{{"query":"query($s: [JSON!]!) {{ viewer {{ scopes }} }}","variables":{{"s":{}"x"{}}}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let res = app
            .http
            .post(app.url("/graphql"))
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(text)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let body: Value = res.json().await.unwrap();
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        // And over GET (a URL holds at most 64 KB: 2,000 levels only).
        if depth > 2_000 {
            continue;
        }
        let res = app
            .http
            .get(app.url("/graphql"))
            .bearer_auth(&key)
            .query(&[(
                "query",
                format!(
                    "{{ customers(first: 1, filter: {{tags: {{hasAll: {}}}}}) {{ totalCount }} }}",
                    nested_list(depth)
                ),
            )])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let body: Value = res.json().await.unwrap();
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    }
    // Variables between our limit (64) and serde_json's (128) are refused by name.
    let mut value = json!("vip");
    for _ in 0..100 {
        value = json!([value]);
    }
    let (status, body) = app
        .gql_status(
            &key,
            "query($s: JSON) { viewer { scopes } }",
            json!({ "s": value }),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "variables.s");
    // The process is alive and a normal query still works.
    let data = app
        .data(
            &key,
            "{ customers(first: 1, filter: {tags: {hasAll: [\"vip\"]}}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["customers"]["totalCount"], 0);
    assert_eq!(
        app.http
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

async fn customer_count(app: &common::TestApp) -> i64 {
    let key = app.api_key("acme", "customers:read").await;
    app.data(&key, "{ customers(first: 1) { totalCount } }", json!({}))
        .await["customers"]["totalCount"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn get_never_runs_a_mutation_however_the_document_is_spelled() {
    let app = spawn().await;
    let key = app.api_key("acme", "customers:read,customers:write").await;
    let create = "mutation W { customersCreate(input: [{email: \"get@example.com\"}]) { customers { id } } }";
    let sneaky = [
        (format!("# a comment\n{create}"), None),
        (format!(",{create}"), None),
        (format!("\u{feff}{create}"), None),
        (
            format!("fragment F on Query {{ viewer {{ scopes }} }}\n{create}"),
            None,
        ),
        (
            format!("query Q {{ viewer {{ scopes }} }}\n{create}"),
            Some(("operation_name", "W")),
        ),
        (
            format!("query Q {{ viewer {{ scopes }} }}\n{create}"),
            Some(("operationName", "W")),
        ),
        (format!("  \n\t{create}"), None),
    ];
    for (doc, op) in &sneaky {
        let mut params = vec![("query", doc.as_str())];
        if let Some(op) = op {
            params.push(*op);
        }
        let res = app
            .http
            .get(app.url("/graphql"))
            .bearer_auth(&key)
            .query(&params)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 405, "{doc:?} {op:?}");
        assert_eq!(res.headers()["allow"], "POST");
        let body: Value = res.json().await.unwrap();
        assert_eq!(error_code(&body), "BAD_REQUEST");
    }
    assert_eq!(customer_count(&app).await, 0, "no GET wrote anything");
    // `operationName` (the standard spelling) selects the query of a two-operation document.
    let two = "query A { viewer { scopes } } query B { customers(first: 1) { totalCount } }";
    for name in ["operationName", "operation_name"] {
        let body: Value = app
            .http
            .get(app.url("/graphql"))
            .bearer_auth(&key)
            .query(&[("query", two), (name, "B")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["data"]["customers"]["totalCount"], 0, "{name}: {body}");
    }
    // POST still runs the mutation.
    let data = app.data(&key, create, json!({})).await;
    assert!(data["customersCreate"]["customers"][0]["id"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn costly_documents_are_refused_before_validation() {
    let app = spawn().await;
    let key = app
        .api_key("acme", "customers:read,orders:read,promotions:read")
        .await;
    // Doubling fragment spreads: 2^40 fields once expanded, ~1.5 KB of text.
    let mut doc = String::from("query { ...F40 }\nfragment F0 on Query { viewer { scopes } }\n");
    for i in 1..=40 {
        doc.push_str(&format!(
            "fragment F{i} on Query {{ ...F{p} ...F{p} }}\n",
            p = i - 1
        ));
    }
    let (status, body) = app.gql_status(&key, &doc, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(error_code(&body), "MAX_COST_EXCEEDED", "{body}");
    assert!(
        error_message(&body).contains("once its fragments are expanded"),
        "{body}"
    );
    // Expensive roots weigh more than a field: a thousand aliases are refused up front.
    for field in [
        "orderStats(groupBy: [STATUS]) { count }",
        "customerStats(period: DAY) { newCustomers }",
        "promotionEvaluate(draft: {currency: \"EUR\", lines: []}) { evaluation { itemTotal } }",
    ] {
        let doc = format!(
            "{{ {} }}",
            (0..1000)
                .map(|i| format!("a{i}: {field}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let (status, body) = app.gql_status(&key, &doc, json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(error_code(&body), "MAX_COST_EXCEEDED", "{field}: {body}");
    }
    // Text and token caps.
    let long = format!("{{ viewer {{ scopes }} }}{}", " ".repeat(600 * 1024));
    let (_, body) = app.gql_status(&key, &long, json!({})).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(error_message(&body).contains("bytes long"), "{body}");
    let many = format!("{{ viewer {{ {} }} }}", "a ".repeat(120_000));
    let (_, body) = app.gql_status(&key, &many, json!({})).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(error_message(&body).contains("tokens"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_configured_body_limit_is_the_real_one_and_answers_json() {
    let app = spawn_with(|c| c.body_limit_bytes = 8 * 1024 * 1024).await;
    let key = app.api_key("acme", "customers:read").await;
    // 3 MB: over axum's 2 MB default, under the configured 8 MiB.
    let body = json!({
        "query": "query($pad: String) { viewer { scopes } }",
        "variables": { "pad": "x".repeat(3 * 1024 * 1024) },
    });
    let res = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // Over the limit with a Content-Length: refused before the body is read.
    let response = raw_http(
        &app,
        &format!(
            "POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            9 * 1024 * 1024
        ),
        &[],
    )
    .await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("application/json"), "{response}");
    assert!(response.contains("PAYLOAD_TOO_LARGE"), "{response}");
    // Without a Content-Length (chunked), the extractor's limit answers the same way.
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let mut body = Vec::new();
    for _ in 0..10 {
        body.extend_from_slice(format!("{:x}\r\n", 1024 * 1024).as_bytes());
        body.extend(std::iter::repeat_n(b' ', 1024 * 1024));
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let response = raw_http(&app, &head, &body).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("PAYLOAD_TOO_LARGE"), "{response}");
}

/// Sends `head` then as much of `body` as the server reads over a raw connection; returns what
/// the server answered (a client library would fail on the server closing mid-body).
async fn raw_http(app: &common::TestApp, head: &str, body: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(64 * 1024) {
        if stream.write_all(chunk).await.is_err() {
            break; // the server answered and closed
        }
    }
    let mut response = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut response),
    )
    .await;
    String::from_utf8_lossy(&response).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn database_down_is_a_503_with_retry_after_and_recovers() {
    let app = spawn().await;
    let key = app.token("acme", "customers:read").await;
    let query = "{ customers(first: 1) { totalCount } }";
    app.data(&key, query, json!({})).await;
    let db = app.db_url.rsplit('/').next().unwrap().to_owned();
    let mut admin = common::admin_conn().await;
    admin
        .batch_execute(&format!(
            "ALTER DATABASE {db} ALLOW_CONNECTIONS false; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}'"
        ))
        .await
        .unwrap();
    // The pool's connections are gone and no new one can be made.
    let mut saw_503 = false;
    for _ in 0..3 {
        let (status, body) = app.gql_status(&key, query, json!({})).await;
        if status == 503 {
            assert_eq!(error_code(&body), "SERVICE_UNAVAILABLE", "{body}");
            saw_503 = true;
            break;
        }
    }
    assert!(saw_503, "the database being down is a 503");
    let res = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&key)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after"));
    admin
        .batch_execute(&format!("ALTER DATABASE {db} ALLOW_CONNECTIONS true"))
        .await
        .unwrap();
    app.data(&key, query, json!({})).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pooled_sessions_carry_timeouts_and_an_application_name() {
    let app = spawn_with(|c| {
        c.session.statement_timeout = std::time::Duration::from_millis(500);
        c.session.application_name = "cg-test-session".into();
    })
    .await;
    let key = app.api_key("acme", "customers:read").await;
    let mut conn = app.conn().await;
    let settings: Vec<Setting> = diesel_async::RunQueryDsl::load(
        diesel::sql_query(
            "SELECT current_setting('statement_timeout') AS value \
             UNION ALL SELECT current_setting('idle_in_transaction_session_timeout')",
        ),
        &mut *app.state.db.conn().await.unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(settings[0].value, "500ms");
    assert_eq!(settings[1].value, "30s");
    // A statement stuck on a lock is stopped by PostgreSQL at statement_timeout.
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut conn,
        "BEGIN; LOCK TABLE customers IN ACCESS EXCLUSIVE MODE",
    )
    .await
    .unwrap();
    let (status, body) = app
        .gql_status(&key, "{ customers(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(error_code(&body), "TIMEOUT", "{body}");
    let names: Vec<Setting> = diesel_async::RunQueryDsl::load(
        diesel::sql_query(
            "SELECT DISTINCT application_name AS value FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    assert!(
        names.iter().any(|n| n.value == "cg-test-session"),
        "{:?}",
        names.iter().map(|n| &n.value).collect::<Vec<_>>()
    );
    diesel_async::SimpleAsyncConnection::batch_execute(&mut conn, "ROLLBACK")
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_past_its_timeout_cancels_its_statement() {
    let app = spawn_with(|c| {
        c.request_timeout = std::time::Duration::from_secs(2);
        c.session.statement_timeout = std::time::Duration::from_secs(60);
        c.session.application_name = "cg-test-cancel".into();
    })
    .await;
    let key = app.api_key("acme", "customers:read").await;
    // Warm: the credential and a pooled connection, so the 2 s go to the blocked statement.
    app.data(&key, "{ customers(first: 1) { totalCount } }", json!({}))
        .await;
    let mut conn = app.conn().await;
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut conn,
        "BEGIN; LOCK TABLE customers IN ACCESS EXCLUSIVE MODE",
    )
    .await
    .unwrap();
    let (status, body) = app
        .gql_status(&key, "{ customers(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(status, 408);
    assert_eq!(error_code(&body), "TIMEOUT");
    // The abandoned statement no longer waits in PostgreSQL: without the cancel it would wait
    // for the lock up to its 60 s statement_timeout. (Its connection, marked broken, may sit
    // in the pool until the next checkout discards it; it waits on nothing but its client.)
    let mut waiting = i64::MAX;
    for _ in 0..50 {
        let rows: Vec<Count> = diesel_async::RunQueryDsl::load(
            diesel::sql_query(
                "SELECT count(*) AS n FROM pg_stat_activity \
                 WHERE application_name = 'cg-test-cancel' AND wait_event_type = 'Lock'",
            ),
            &mut conn,
        )
        .await
        .unwrap();
        waiting = rows[0].n;
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    if waiting != 0 {
        let rows: Vec<Setting> = diesel_async::RunQueryDsl::load(
            diesel::sql_query(
                "SELECT concat_ws(' | ', pid::text, state, wait_event_type, query) AS value \
                 FROM pg_stat_activity WHERE application_name = 'cg-test-cancel'",
            ),
            &mut conn,
        )
        .await
        .unwrap();
        panic!(
            "still waiting for the lock: {:?}",
            rows.iter().map(|r| &r.value).collect::<Vec<_>>()
        );
    }
    diesel_async::SimpleAsyncConnection::batch_execute(&mut conn, "ROLLBACK")
        .await
        .unwrap();
}

#[derive(diesel::QueryableByName)]
struct Setting {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test(flavor = "multi_thread")]
async fn cors_origins_are_configurable() {
    let app = spawn_with(|c| c.cors_origins = vec!["https://admin.example".into()]).await;
    for (origin, allowed) in [
        ("https://admin.example", true),
        ("https://evil.example", false),
    ] {
        let res = app
            .http
            .request(reqwest::Method::OPTIONS, app.url("/graphql"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.headers().get("access-control-allow-origin").is_some(),
            allowed,
            "{origin}"
        );
    }
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
        // (No `query` at all is a 400 whatever the Accept: a_request_without_a_document_is_a_400.)
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

#[tokio::test(flavor = "multi_thread")]
async fn a_request_without_a_document_is_a_400() {
    let app = spawn().await;
    let key = app.api_key("acme", "customers:read").await;
    for body in [
        json!({ "qeury": "{ __typename }" }),
        json!({ "query": "  " }),
    ] {
        let res = app
            .http
            .post(app.url("/graphql"))
            .bearer_auth(&key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{body}");
        let res: Value = res.json().await.unwrap();
        assert_eq!(error_code(&res), "BAD_REQUEST");
    }
    let res = app
        .http
        .get(app.url("/graphql?variables=%7B%7D"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn data_nesting_is_capped_but_introspection_goes_as_deep_as_graphiql_asks() {
    let app = spawn().await;
    app.seed("m", 5, 10).await;
    let key = app.api_key("m", "customers:read,orders:read").await;
    // 12 levels (the default limit), then 14 through a fragment.
    let twelve = "{ orders(first: 1) { nodes { customer { orders(first: 1) { customer { orders(first: 1) \
                  { customer { orders(first: 1) { customer { orders(first: 1) { customer { email } } } } } } } } } } } }";
    let body = app.gql(&key, twelve, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    let fourteen = "{ orders(first: 1) { nodes { customer { orders(first: 1) { customer { orders(first: 1) \
                    { customer { orders(first: 1) { customer { orders(first: 1) { customer { ...More } } } } } } } } } } } } \
                    fragment More on Customer { orders(first: 1) { customer { email } } }";
    let body = app.gql(&key, fourteen, json!({})).await;
    assert_eq!(error_code(&body), "MAX_COST_EXCEEDED", "{body}");
    assert!(error_message(&body).contains("14 deep"), "{body}");
    // graphql-js's introspection query (as GraphiQL sends it): type references nine deep.
    let mut type_ref = String::from("kind name");
    for _ in 0..9 {
        type_ref = format!("kind name ofType {{ {type_ref} }}");
    }
    let introspection = format!(
        "query IntrospectionQuery {{ __schema {{ queryType {{ name }} types {{ ...FullType }} }} }} \
         fragment FullType on __Type {{ kind name fields(includeDeprecated: true) {{ name args {{ name type {{ ...TypeRef }} }} type {{ ...TypeRef }} }} }} \
         fragment TypeRef on __Type {{ {type_ref} }}"
    );
    let body = app.gql(&key, &introspection, json!({})).await;
    assert!(
        body.get("errors").is_none(),
        "{}",
        &body.to_string()[..300.min(body.to_string().len())]
    );
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
}
