//! The calculated cost of GraphQL operations (`extensions.cost`), the maximum per operation,
//! the leaky bucket per client (THROTTLED with the wait) and the REST dialects charged from the
//! same bucket (429 in each dialect's body).

use serde_json::{json, Value};

use crate::common::{error_code, error_message, spawn_with, TestApp};

/// 2 + 10 × (one customer): 12.
pub const TWELVE: &str =
    "{ customers(first: 10) { edges { cursor node { id email } } pageInfo { hasNextPage } } }";

/// (2 + 250) + (2 + 36): 290 of a 300-point bucket.
pub const DRAIN: &str =
    "{ a: customers(first: 250) { nodes { id } } b: customers(first: 36) { nodes { id } } }";

async fn bucket(size: u64, rate: u64) -> TestApp {
    spawn_with(|c| {
        c.rate_limits.cost_bucket_size = size;
        c.rate_limits.cost_restore_rate = rate;
    })
    .await
}

fn cost(body: &Value) -> &Value {
    &body["extensions"]["cost"]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_response_carries_the_calculated_cost_and_the_bucket() {
    let app = bucket(1000, 50).await;
    let key = app.api_key("acme", "customers:read").await;
    let body = app.gql(&key, TWELVE, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        cost(&body),
        &json!({
            "requestedQueryCost": 12,
            "actualQueryCost": 12,
            "throttleStatus": {
                "maximumAvailable": 1000.0,
                "currentlyAvailable": 988.0,
                "restoreRate": 50.0,
            }
        }),
        "{body}"
    );
    // A mutation's root field costs 10, whatever it selects.
    let write = app.api_key("acme", "customers:write").await;
    let body = app
        .gql(
            &write,
            "mutation { customersCreate(input: [{email: \"a@example.com\"}]) { customers { id orders { id } } userErrors { field } } }",
            json!({}),
        )
        .await;
    assert_eq!(cost(&body)["requestedQueryCost"], 10, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operation_over_the_maximum_cost_is_refused_before_it_runs() {
    let app = spawn_with(|c| {
        c.rate_limits.max_query_cost = 100;
        c.rate_limits.cost_bucket_size = 1000;
        c.rate_limits.cost_restore_rate = 50;
    })
    .await;
    let key = app.api_key("acme", "customers:read").await;
    let body = app
        .gql(
            &key,
            "{ customers(first: 200) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "MAX_COST_EXCEEDED", "{body}");
    assert!(error_message(&body).contains("202"), "{body}");
    assert_eq!(cost(&body)["requestedQueryCost"], 202);
    assert_eq!(cost(&body)["actualQueryCost"], Value::Null);
    // Nothing was taken from the bucket.
    let body = app.gql(&key, TWELVE, json!({})).await;
    assert_eq!(
        cost(&body)["throttleStatus"]["currentlyAvailable"],
        json!(988.0),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_bucket_is_throttled_with_the_wait_and_writes_nothing() {
    let app = bucket(30, 1).await;
    let key = app.api_key("acme", "customers:read,customers:write").await;
    for left in [18.0, 6.0] {
        let body = app.gql(&key, TWELVE, json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(
            cost(&body)["throttleStatus"]["currentlyAvailable"],
            json!(left)
        );
    }
    let body = app.gql(&key, TWELVE, json!({})).await;
    assert_eq!(error_code(&body), "THROTTLED", "{body}");
    let retry = body["errors"][0]["extensions"]["retryAfter"]
        .as_u64()
        .unwrap();
    assert!((5..=6).contains(&retry), "{body}");
    assert!(
        error_message(&body).contains(&format!("retry in {retry} s")),
        "{body}"
    );
    assert_eq!(cost(&body)["requestedQueryCost"], 12);
    assert_eq!(cost(&body)["actualQueryCost"], Value::Null);
    assert_eq!(
        cost(&body)["throttleStatus"]["currentlyAvailable"],
        json!(6.0)
    );
    // A throttled mutation writes nothing.
    let body = app
        .gql(
            &key,
            "mutation { customersCreate(input: [{email: \"late@example.com\"}]) { customers { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "THROTTLED", "{body}");
    let other = app.api_key("acme", "customers:read").await;
    let body = app
        .data(
            &other,
            "{ customers(first: 5) { nodes { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["customers"]["nodes"], json!([]));
    // Another client of the same merchant has its own bucket (30 - 7 - 12).
    let body = app.gql(&other, TWELVE, json!({})).await;
    assert_eq!(
        cost(&body)["throttleStatus"]["currentlyAvailable"],
        json!(11.0)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rest_calls_are_charged_from_the_callers_bucket_and_refused_in_their_dialect() {
    let app = bucket(300, 1).await;
    let key = app.api_key("acme", "customers:read").await;
    // A Spree list takes the cost of the operation it runs from the key's bucket.
    let res = app
        .http
        .get(app.url("/api/v3/admin/customers?limit=5"))
        .header("x-spree-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = app.gql(&key, "{ viewer { scopes } }", json!({})).await;
    let left = cost(&body)["throttleStatus"]["currentlyAvailable"]
        .as_f64()
        .unwrap();
    assert!(left < 299.0, "the Spree call took nothing: {body}");

    // Drained: every dialect answers 429 in its own body, with Retry-After.
    let key = app.api_key("acme", "customers:read").await;
    let drain = app.gql(&key, DRAIN, json!({})).await;
    assert_eq!(
        cost(&drain)["throttleStatus"]["currentlyAvailable"],
        json!(10.0),
        "{drain}"
    );
    let res = app
        .http
        .get(app.url("/api/v3/admin/customers?limit=100"))
        .header("x-spree-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limit_exceeded", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("retry in"),
        "{body}"
    );

    let token = app.token("acme", "customers:read").await;
    // The token's client has a fresh bucket: drain it, then call Fire spark.
    let drain = app.gql(&token, DRAIN, json!({})).await;
    assert!(drain.get("errors").is_none(), "{drain}");
    let res = app
        .http
        .get(app.url("/api/admin/v1/customers/bulk"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().get("retry-after").is_some());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited", "{body}");
}
