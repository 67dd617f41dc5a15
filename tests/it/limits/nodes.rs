//! Two gateways on one database and one Redis: a client spread over both gets one call limit
//! and one cost bucket; with Redis unreachable a gateway keeps serving on in-process limits
//! and says so in `/metrics`.

use std::time::Duration;

use commerce_gateway::config::Config;
use reqwest::Method;
use serde_json::{json, Value};

use super::cost::{DRAIN, TWELVE};
use super::{fresh_window, key};
use crate::common::{error_code, spawn_with, TestApp};
use crate::sparkpay::{read, ALL};

const REDIS: &str = "redis://127.0.0.1:6379";

/// Limits shared through `url` under `prefix`: 50 Spark Pay calls per 10 s, a 300-point
/// bucket restoring 1 a second.
fn shared(c: &mut Config, url: &str, prefix: &str) {
    c.rate_limits.redis_url = Some(url.to_owned());
    c.rate_limits.redis_prefix = prefix.to_owned();
    c.rate_limits.cost_bucket_size = 300;
    c.rate_limits.cost_restore_rate = 1;
}

/// A Spark Pay call: status and `X-AC-Call-Limit`.
async fn call(app: &TestApp, token: &str) -> (u16, Option<String>, Value) {
    let res = app
        .http
        .request(Method::GET, app.url("/api/v1/customers/1.json"))
        .header("X-AC-Auth-Token", token)
        .send()
        .await
        .unwrap();
    let limit = res
        .headers()
        .get("x-ac-call-limit")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (status, body) = read(res).await;
    (status, limit, body)
}

async fn metrics(app: &TestApp) -> String {
    app.http
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_spread_over_two_nodes_gets_one_call_limit_and_one_cost_bucket() {
    // A prefix of this test's own: parallel tests share the Redis.
    let prefix = format!("cg:test:{}:", uuid::Uuid::new_v4().simple());
    let a = spawn_with(|c| shared(c, REDIS, &prefix)).await;
    let db = a.db_url.clone();
    let b = spawn_with(|c| {
        shared(c, REDIS, &prefix);
        c.database_url = db;
    })
    .await;
    let token = key(&a, "acme", ALL, false).await;
    let window = Duration::from_secs(10);
    fresh_window(window, Duration::from_secs(7)).await;
    for used in 1..=50 {
        let node = if used % 2 == 0 { &a } else { &b };
        let (status, limit, body) = call(node, &token).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(limit, Some(format!("{used}/50")));
    }
    // The 51st call is refused whichever node it reaches.
    for node in [&a, &b] {
        let (status, limit, body) = call(node, &token).await;
        assert_eq!(status, 429, "{body}");
        assert_eq!(limit.as_deref(), Some("50/50"));
    }

    // One bucket: what node A takes, node B no longer has.
    let gql = key(&a, "acme", ALL, false).await;
    let drained = a.gql(&gql, DRAIN, json!({})).await;
    assert!(drained.get("errors").is_none(), "{drained}");
    assert_eq!(
        drained["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"],
        json!(10.0)
    );
    let body = b.gql(&gql, TWELVE, json!({})).await;
    assert_eq!(error_code(&body), "THROTTLED", "{body}");
    let left = body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
        .as_f64()
        .unwrap();
    assert!((10.0..12.0).contains(&left), "{body}");
    assert!(metrics(&a).await.contains("gateway_rate_limit_redis_up 1"));
}

#[tokio::test(flavor = "multi_thread")]
async fn with_redis_unreachable_a_node_keeps_serving_on_its_own_limits() {
    let prefix = format!("cg:test:{}:", uuid::Uuid::new_v4().simple());
    // Nothing listens on port 1.
    let app = spawn_with(|c| {
        shared(c, "redis://127.0.0.1:1", &prefix);
        c.rate_limits.sparkpay_calls = 3;
    })
    .await;
    let token = key(&app, "acme", ALL, false).await;
    fresh_window(Duration::from_secs(10), Duration::from_secs(5)).await;
    for used in 1..=3 {
        let (status, limit, body) = call(&app, &token).await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(limit, Some(format!("{used}/3")));
    }
    let (status, _, body) = call(&app, &token).await;
    assert_eq!(status, 429, "{body}");
    let body = app.gql(&token, TWELVE, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["extensions"]["cost"]["requestedQueryCost"], 12);
    assert!(body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"].is_number());
    assert!(
        metrics(&app)
            .await
            .contains("gateway_rate_limit_redis_up 0"),
        "the gauge says Redis is down"
    );
}

const PAGE: &str = "query($after: String) {
  customers(first: 2, after: $after) { nodes { email } pageInfo { endCursor hasNextPage } } }";

#[tokio::test(flavor = "multi_thread")]
async fn tokens_cursors_and_migration_jobs_work_across_two_nodes() {
    // No JWT_SECRET on either node: both sign with the secret the first stored in the
    // database, so a token and a cursor from one are good on the other.
    let a = spawn_with(|c| {
        c.jwt.secret = None;
        c.jobs.chunk_rows = 200;
        c.jobs.poll_interval = Duration::from_millis(100);
    })
    .await;
    let db = a.db_url.clone();
    let b = spawn_with(|c| {
        c.jwt.secret = None;
        c.jobs.chunk_rows = 200;
        c.jobs.poll_interval = Duration::from_millis(100);
        c.database_url = db;
    })
    .await;
    a.seed("acme", 5, 0).await;

    let token = a.token("acme", crate::migrations::MIG).await;
    let first = a.data(&token, PAGE, json!({})).await;
    let cursor = first["customers"]["pageInfo"]["endCursor"].clone();
    assert!(cursor.is_string(), "{first}");
    // Node B accepts node A's token and continues node A's page.
    let second = b.data(&token, PAGE, json!({ "after": cursor })).await;
    let (one, two) = (&first["customers"]["nodes"], &second["customers"]["nodes"]);
    assert_eq!(two.as_array().map(Vec::len), Some(2), "{second}");
    assert_ne!(one, two);
    // And the other way round, after a restart of neither: the secret is the stored one.
    // (`b.token` would create the client in B's own, unused test database.)
    let (id, secret) = a.client("acme", "customers:read").await;
    let issued: Value = b
        .http
        .post(b.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token_b = issued["access_token"].as_str().expect("a token").to_owned();
    assert!(a
        .gql(&token_b, PAGE, json!({}))
        .await
        .get("errors")
        .is_none());

    // A batch over the inline limit, queued through node A, is run by exactly one of the two
    // workers: claimed once, every row created once.
    let rows = crate::migrations::customer_rows("N2", 0, 1_201);
    let queued = crate::migrations::import_customers(&a, &token, rows).await;
    assert_eq!(queued["batch"]["status"], "QUEUED", "{queued}");
    let id = queued["batch"]["id"].as_str().unwrap().to_owned();
    let mut done = Value::Null;
    for _ in 0..300 {
        done = crate::migrations::batch(&b, &token, &id).await;
        if done["status"] == "COMPLETED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(done["attempts"], 1, "claimed by one worker, once: {done}");
    assert_eq!(done["createdRows"], 1_201, "{done}");
    let total = a
        .data(
            &token,
            "{ customers(first: 1, filter: { externalId: { startsWith: \"N2-\" } }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(total["customers"]["totalCount"], 1_201, "{total}");
}
