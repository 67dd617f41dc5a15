//! Spark Pay's call limit: `X-AC-Call-Limit: used/limit` on every call, 429 with `Retry-After`
//! and Spark Pay's error body past it, a throttled call writes nothing.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::{fresh_window, key};
use crate::common::{spawn_with, TestApp};
use crate::sparkpay::{assert_error, read, ALL};

/// Sends `method path` under `/api/v1` with `token`: status, `X-AC-Call-Limit`, `Retry-After`
/// and the JSON body.
async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Option<String>, Option<u64>, Value) {
    let mut req = app
        .http
        .request(method, app.url(&format!("/api/v1{path}")))
        .header("X-AC-Auth-Token", token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let limit = header("x-ac-call-limit");
    let retry = header("retry-after").map(|v| v.parse::<u64>().expect("Retry-After seconds"));
    let (status, body) = read(res).await;
    (status, limit, retry, body)
}

async fn get(app: &TestApp, token: &str) -> (u16, Option<String>, Option<u64>, Value) {
    call(app, token, Method::GET, "/customers.json?count=1", None).await
}

async fn limited(calls: u32, window: Duration) -> TestApp {
    spawn_with(|c| {
        c.rate_limits.sparkpay_calls = calls;
        c.rate_limits.sparkpay_window = window;
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_header_counts_calls_and_past_the_limit_a_429_writes_nothing() {
    let window = Duration::from_secs(10);
    let app = limited(3, window).await;
    let token = key(&app, "acme", ALL, false).await;
    fresh_window(window, Duration::from_secs(5)).await;
    for used in 1..=3 {
        let (status, limit, retry, body) = get(&app, &token).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(limit.as_deref(), Some(format!("{used}/3").as_str()));
        assert_eq!(retry, None);
    }
    // Past the limit: a create is refused before it runs.
    let (status, limit, retry, body) = call(
        &app,
        &token,
        Method::POST,
        "/customers.json",
        Some(json!({"email": "late@example.com", "first_name": "Late"})),
    )
    .await;
    assert_error(status, &body, 429, "call limit reached");
    assert_eq!(body["message"], "Too Many Requests");
    assert_eq!(limit.as_deref(), Some("3/3"));
    let retry = retry.expect("Retry-After");
    assert!((1..=10).contains(&retry), "Retry-After {retry}");
    // Nothing was written: the next window's list has no customer.
    tokio::time::sleep(Duration::from_secs(retry)).await;
    let (status, limit, _, body) = get(&app, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(limit.as_deref(), Some("1/3"));
    assert_eq!(body["total_count"], 0, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_resets_and_a_refused_client_may_call_again() {
    let window = Duration::from_millis(1500);
    let app = limited(2, window).await;
    let token = key(&app, "acme", ALL, false).await;
    fresh_window(window, Duration::from_millis(1000)).await;
    assert_eq!(get(&app, &token).await.1.as_deref(), Some("1/2"));
    assert_eq!(get(&app, &token).await.1.as_deref(), Some("2/2"));
    let (status, limit, retry, _) = get(&app, &token).await;
    assert_eq!(
        (status, limit.as_deref(), retry),
        (429, Some("2/2"), Some(2))
    );
    // Once the window is over, the count starts again.
    let (_, left) = commerce_gateway::limits::calls::window_of(
        commerce_gateway::limits::calls::now_ms(),
        window,
    );
    tokio::time::sleep(Duration::from_millis(left + 20)).await;
    let (status, limit, retry, body) = get(&app, &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!((limit.as_deref(), retry), (Some("1/2"), None));
}

#[tokio::test(flavor = "multi_thread")]
async fn installed_clients_share_their_store_limit_and_custom_clients_have_their_own() {
    let window = Duration::from_secs(10);
    let app = limited(3, window).await;
    let installed_a = key(&app, "acme", ALL, true).await;
    let installed_b = key(&app, "acme", ALL, true).await;
    let custom = key(&app, "acme", ALL, false).await;
    let other_store = key(&app, "globex", ALL, true).await;
    // An installed OAuth client's tokens count against the store too.
    let (client_id, secret) = {
        let mut conn = app.conn().await;
        let m = commerce_gateway::domain::merchants::find_or_create(&mut conn, "acme")
            .await
            .unwrap();
        let scopes = commerce_gateway::auth::ScopeSet::parse(ALL).unwrap();
        let c = commerce_gateway::auth::credentials::create_client(
            &mut conn, m.id, &m.slug, "app", &scopes, true,
        )
        .await
        .unwrap();
        (c.client_id, c.client_secret)
    };
    let res = app
        .http
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &client_id),
            ("client_secret", &secret),
        ])
        .send()
        .await
        .unwrap();
    let jwt = res.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    fresh_window(window, Duration::from_secs(5)).await;

    assert_eq!(get(&app, &installed_a).await.1.as_deref(), Some("1/3"));
    assert_eq!(get(&app, &installed_b).await.1.as_deref(), Some("2/3"));
    assert_eq!(get(&app, &jwt).await.1.as_deref(), Some("3/3"));
    for token in [&installed_a, &installed_b, &jwt] {
        let (status, limit, retry, body) = get(&app, token).await;
        assert_error(status, &body, 429, "call limit reached");
        assert_eq!(limit.as_deref(), Some("3/3"));
        assert!(retry.is_some());
    }
    // A custom client of the same store, and another store's installed client, count alone.
    for token in [&custom, &other_store] {
        let (status, limit, _, body) = get(&app, token).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(limit.as_deref(), Some("1/3"));
    }
    assert_eq!(get(&app, &custom).await.1.as_deref(), Some("2/3"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_default_is_50_calls_per_10_seconds_and_zero_disables_it() {
    let app = crate::common::spawn().await;
    let token = key(&app, "acme", ALL, false).await;
    assert_eq!(get(&app, &token).await.1.as_deref(), Some("1/50"));
    // Without credentials there is no one to count: 401, no header.
    let res = app
        .http
        .get(app.url("/api/v1/customers.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers().get("x-ac-call-limit").is_none());

    let app = limited(0, Duration::from_secs(10)).await;
    let token = key(&app, "acme", ALL, false).await;
    for _ in 0..55 {
        let (status, limit, _, body) =
            call(&app, &token, Method::GET, "/customers/1.json", None).await;
        assert_eq!((status, limit), (404, None), "{body}");
    }
}
