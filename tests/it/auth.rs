//! `POST /oauth/token`, credential headers, scopes and their error shapes.

use crate::common;

use crate::common::{error_code, spawn};
use serde_json::{json, Value};

const VIEWER: &str = "{ viewer { merchant { slug } scopes subject } }";

#[tokio::test(flavor = "multi_thread")]
async fn client_credentials_issue_a_jwt_from_form_json_and_basic_bodies() {
    let app = spawn().await;
    let (id, secret) = app.client("acme", "customers:read,orders:read").await;

    let form = app
        .http
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    assert_eq!(form.headers()["cache-control"], "no-store");
    let body: Value = form.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "customers:read orders:read");
    let token = body["access_token"].as_str().unwrap();
    // The token names its signing key so keys can rotate.
    let header = token.split('.').next().unwrap();
    use base64::Engine;
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .unwrap(),
    )
    .unwrap();
    assert!(
        header["kid"].as_str().is_some_and(|k| !k.is_empty()),
        "{header}"
    );

    let data = app.data(token, VIEWER, json!({})).await;
    assert_eq!(data["viewer"]["merchant"]["slug"], "acme");
    assert_eq!(
        data["viewer"]["scopes"],
        json!(["customers:read", "orders:read"])
    );

    let json_body = app
        .http
        .post(app.url("/oauth/token"))
        .json(&json!({ "grant_type": "client_credentials", "client_id": id, "client_secret": secret }))
        .send()
        .await
        .unwrap();
    assert_eq!(json_body.status(), 200);

    let basic = app
        .http
        .post(app.url("/oauth/token"))
        .basic_auth(&id, Some(&secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn scope_parameter_narrows_but_never_widens() {
    let app = spawn().await;
    let (id, secret) = app.client("acme", "customers:read,orders:read").await;
    let token = |scope: &'static str| {
        let (id, secret) = (id.clone(), secret.clone());
        let http = app.http.clone();
        let url = app.url("/oauth/token");
        async move {
            http.post(url)
                .form(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", &id),
                    ("client_secret", &secret),
                    ("scope", scope),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let narrowed = token("orders:read").await;
    assert_eq!(narrowed.status(), 200);
    let body: Value = narrowed.json().await.unwrap();
    assert_eq!(body["scope"], "orders:read");
    // The narrowed token really lost customers:read.
    let res = app
        .gql(
            body["access_token"].as_str().unwrap(),
            "{ customers(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&res), "FORBIDDEN");

    let widened = token("orders:write").await;
    assert_eq!(widened.status(), 400);
    assert_eq!(
        widened.json::<Value>().await.unwrap()["error"],
        "invalid_scope"
    );
    let unknown = token("orders:admin").await;
    assert_eq!(unknown.status(), 400);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["error"], "invalid_scope");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("orders:admin"));
}

#[tokio::test(flavor = "multi_thread")]
async fn token_endpoint_rejects_bad_requests_with_oauth_errors() {
    let app = spawn().await;
    let (id, secret) = app.client("acme", "customers:read").await;
    let post_form = |pairs: Vec<(&'static str, String)>| {
        let http = app.http.clone();
        let url = app.url("/oauth/token");
        async move { http.post(url).form(&pairs).send().await.unwrap() }
    };

    let wrong_secret = post_form(vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", id.clone()),
        ("client_secret", "cs_wrong".into()),
    ])
    .await;
    assert_eq!(wrong_secret.status(), 401);
    assert_eq!(
        wrong_secret.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );

    let unknown_client = post_form(vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", "cli_nope".into()),
        ("client_secret", secret.clone()),
    ])
    .await;
    assert_eq!(unknown_client.status(), 401);

    let grant = post_form(vec![
        ("grant_type", "password".into()),
        ("client_id", id.clone()),
        ("client_secret", secret.clone()),
    ])
    .await;
    assert_eq!(grant.status(), 400);
    let body: Value = grant.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("password"));

    let missing = post_form(vec![("grant_type", "client_credentials".into())]).await;
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("client_id"));

    let malformed = app
        .http
        .post(app.url("/oauth/token"))
        .header("content-type", "application/json")
        .body("{\"grant_type\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(
        malformed.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn api_keys_work_in_every_dialect_header_and_can_be_revoked() {
    let app = spawn().await;
    let key = app.api_key("acme", "customers:read").await;
    for header in ["x-spree-api-key", "X-AC-Auth-Token"] {
        let res = app
            .http
            .post(app.url("/graphql"))
            .header(header, &key)
            .json(&json!({ "query": VIEWER }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{header}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(
            body["data"]["viewer"]["merchant"]["slug"], "acme",
            "{header}"
        );
        assert!(body["data"]["viewer"]["subject"]
            .as_str()
            .unwrap()
            .starts_with("api_key:sk_"));
    }
    let data = app.data(&key, VIEWER, json!({})).await;
    assert_eq!(data["viewer"]["scopes"], json!(["customers:read"]));

    // Stored hashed: the database never holds the key itself.
    let mut conn = app.conn().await;
    let stored: Vec<Stored> = diesel_async::RunQueryDsl::load(
        diesel::sql_query("SELECT key_hash, last_used_at IS NOT NULL AS used FROM api_keys"),
        &mut conn,
    )
    .await
    .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].key_hash, key);
    assert_eq!(stored[0].key_hash.len(), 64);
    assert!(stored[0].used, "last use is recorded");

    let m = commerce_gateway::domain::merchants::find_by_slug(&mut conn, "acme")
        .await
        .unwrap();
    assert!(
        commerce_gateway::auth::credentials::revoke_api_key(&mut conn, m.id, &key[..10])
            .await
            .unwrap()
    );
    let (status, body) = app.gql_status(&key, VIEWER, json!({})).await;
    assert_eq!(status, 401);
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[derive(diesel::QueryableByName)]
struct Stored {
    #[diesel(sql_type = diesel::sql_types::Text)]
    key_hash: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    used: bool,
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_or_invalid_credentials_are_401_and_missing_scopes_forbidden() {
    let app = spawn().await;
    let res = app
        .http
        .post(app.url("/graphql"))
        .json(&json!({ "query": VIEWER }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers().contains_key("www-authenticate"));
    assert_eq!(error_code(&res.json().await.unwrap()), "UNAUTHENTICATED");

    for bad in [
        "garbage",
        "sk_not_a_real_key",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
    ] {
        let (status, body) = app.gql_status(bad, VIEWER, json!({})).await;
        assert_eq!(status, 401, "{bad}");
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }

    // A token signed with another secret is refused.
    let other = commerce_gateway::auth::jwt::JwtKeys::new(&commerce_gateway::config::JwtConfig {
        secret: Some("another-secret-another-secret-another-secret".into()),
        ..Default::default()
    });
    let forged = other
        .issue("cli_x", "acme", "customers:read", false)
        .unwrap();
    let (status, _) = app.gql_status(&forged, VIEWER, json!({})).await;
    assert_eq!(status, 401);

    let key = app.api_key("acme", "customers:read").await;
    let body = app
        .gql(&key, "{ orders(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert!(common::error_message(&body).contains("orders:read"));
    // A field guarded by another scope is refused while the rest of the query resolves.
    app.seed("acme", 3, 3).await;
    let key = app.api_key("acme", "customers:read").await;
    let body = app
        .gql(
            &key,
            "{ customers(first: 1) { nodes { email orders { number } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

async fn revoke_client(app: &common::TestApp, merchant: &str, client_id: &str) {
    let mut conn = app.conn().await;
    let m = commerce_gateway::domain::merchants::find_by_slug(&mut conn, merchant)
        .await
        .unwrap();
    assert!(
        commerce_gateway::auth::credentials::revoke_client(&mut conn, m.id, client_id)
            .await
            .unwrap()
    );
}

async fn token_for(app: &common::TestApp, id: &str, secret: &str) -> reqwest::Response {
    app.http
        .post(app.url("/oauth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ])
        .send()
        .await
        .unwrap()
}

/// `clients revoke` refuses the client's tokens already issued (issue #10 item 4): a node
/// that never saw the client asks the database at once; a node that cached "not revoked"
/// refuses them once its revocation cache expires (3 s by default). Other clients are not
/// affected, and the revoked client gets no new token.
#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_clients_tokens_are_refused_within_the_revocation_cache_ttl() {
    let app = spawn().await;
    let (id, secret) = app.client("acme", "customers:read").await;
    let (other_id, other_secret) = app.client("acme", "customers:read").await;
    let body: Value = token_for(&app, &id, &secret).await.json().await.unwrap();
    let used = body["access_token"].as_str().unwrap().to_owned();
    let (unused_id, unused_secret) = app.client("acme", "customers:read").await;
    let body: Value = token_for(&app, &unused_id, &unused_secret)
        .await
        .json()
        .await
        .unwrap();
    let unused = body["access_token"].as_str().unwrap().to_owned();
    let body: Value = token_for(&app, &other_id, &other_secret)
        .await
        .json()
        .await
        .unwrap();
    let other = body["access_token"].as_str().unwrap().to_owned();
    app.data(&used, VIEWER, json!({})).await;
    app.data(&other, VIEWER, json!({})).await;

    revoke_client(&app, "acme", &unused_id).await;
    revoke_client(&app, "acme", &id).await;
    let revoked_at = std::time::Instant::now();
    // A client this node never checked: its token is refused from the next request on.
    let (status, body) = app.gql_status(&unused, VIEWER, json!({})).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert!(common::error_message(&body).contains("revoked"), "{body}");
    // A client checked just before: refused once the cached answer expires.
    let (status, body) = loop {
        let (status, body) = app.gql_status(&used, VIEWER, json!({})).await;
        if status != 200 || revoked_at.elapsed() > std::time::Duration::from_secs(6) {
            break (status, body);
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(status, 401, "{body}");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let took = revoked_at.elapsed();
    assert!(
        took <= std::time::Duration::from_millis(4500),
        "refused {took:?} after revocation"
    );
    println!("a cached token was refused {took:?} after revocation (cache TTL 3 s)");
    // Another client of the merchant keeps working; the revoked one gets no new token.
    app.data(&other, VIEWER, json!({})).await;
    let res = token_for(&app, &id, &secret).await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
}

/// With the revocation cache off, even a token this node just accepted is refused on the very
/// next request.
#[tokio::test(flavor = "multi_thread")]
async fn without_a_revocation_cache_a_revoked_token_is_refused_on_the_next_request() {
    let app = common::spawn_with(|c| c.auth.revocation_cache_ttl = std::time::Duration::ZERO).await;
    let (id, secret) = app.client("acme", "customers:read").await;
    let body: Value = token_for(&app, &id, &secret).await.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap().to_owned();
    app.data(&token, VIEWER, json!({})).await;
    revoke_client(&app, "acme", &id).await;
    let (status, body) = app.gql_status(&token, VIEWER, json!({})).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

/// A client bound to another loopback address, as a second source address.
fn from_address(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

fn retry_after(res: &reqwest::Response) -> u64 {
    res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Failed credential attempts are throttled per client id (or API key prefix) and per source
/// address (issue #10 item 12): past the limit, 429 with `Retry-After`, in the RFC 6749 shape on
/// `/oauth/token` and the gateway's error shape (THROTTLED) on `/graphql`. A success is never
/// refused for another address's failures on another client.
#[tokio::test(flavor = "multi_thread")]
async fn failed_credentials_are_throttled_per_client_and_per_address() {
    let app = common::spawn_with(|c| {
        c.auth.failures_per_client = 3;
        c.auth.failures_per_address = 5;
    })
    .await;
    let a = from_address("127.0.0.1");
    let b = from_address("127.0.0.2");
    let (x, x_secret) = app.client("acme", "customers:read").await;
    let (y, y_secret) = app.client("acme", "customers:read").await;
    let key = app.api_key("acme", "customers:read").await;
    let token = |http: &reqwest::Client, id: &str, secret: &str| {
        let req = http.post(app.url("/oauth/token")).form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
        ]);
        async move { req.send().await.unwrap() }
    };
    let graphql = |http: &reqwest::Client, key: &str| {
        let req = http
            .post(app.url("/graphql"))
            .header("x-spree-api-key", key)
            .json(&json!({ "query": VIEWER }));
        async move { req.send().await.unwrap() }
    };

    // Three wrong secrets for X from A: 401 each; then X is refused, even with its secret and
    // from B, without the secret being checked.
    for _ in 0..3 {
        assert_eq!(token(&a, &x, "cs_wrong").await.status(), 401);
    }
    let res = token(&a, &x, &x_secret).await;
    assert_eq!(res.status(), 429);
    let wait = retry_after(&res);
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "temporarily_unavailable", "{body}");
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .contains("retry"));
    assert_eq!(token(&b, &x, &x_secret).await.status(), 429);

    // Y succeeds from B (another address, another client) and from A (3 failures < 5).
    assert_eq!(token(&b, &y, &y_secret).await.status(), 200);
    assert_eq!(token(&a, &y, &y_secret).await.status(), 200);
    assert_eq!(graphql(&a, &key).await.status(), 200);

    // Two more failures from A (an unknown client, a wrong API key) exhaust A's budget: every
    // credential check from A is refused, from B nothing is.
    assert_eq!(token(&a, "cli_unknown", "cs_x").await.status(), 401);
    assert_eq!(graphql(&a, "sk_notakey0000").await.status(), 401);
    assert_eq!(token(&a, &y, &y_secret).await.status(), 429);
    let res = graphql(&a, &key).await;
    assert_eq!(res.status(), 429);
    assert!(retry_after(&res) >= 1);
    let body: Value = res.json().await.unwrap();
    assert_eq!(error_code(&body), "THROTTLED", "{body}");
    assert!(body["errors"][0]["message"].is_string());
    assert_eq!(token(&b, &y, &y_secret).await.status(), 200);
    assert_eq!(graphql(&b, &key).await.status(), 200);

    // API keys count per displayed prefix (`sk_` + 7 characters): three wrong keys with one
    // prefix lock that prefix, not the address's other keys.
    for i in 0..3 {
        assert_eq!(graphql(&b, &format!("sk_guessed{i}")).await.status(), 401);
    }
    let res = graphql(&b, "sk_guessedX").await;
    assert_eq!(res.status(), 429);
    assert_eq!(error_code(&res.json().await.unwrap()), "THROTTLED");
    assert_eq!(graphql(&b, &key).await.status(), 200);
    // JWTs are verified locally and never throttled.
    let body: Value = token(&b, &y, &y_secret).await.json().await.unwrap();
    let jwt = body["access_token"].as_str().unwrap();
    let res = a
        .post(app.url("/graphql"))
        .bearer_auth(jwt)
        .json(&json!({ "query": VIEWER }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// The limits use a sliding window: once the oldest failure leaves it, attempts are let in.
#[tokio::test(flavor = "multi_thread")]
async fn throttled_clients_are_let_in_again_after_the_window() {
    let app = common::spawn_with(|c| {
        c.auth.failures_per_client = 2;
        c.auth.failure_window = std::time::Duration::from_secs(1);
    })
    .await;
    let (id, secret) = app.client("acme", "customers:read").await;
    for _ in 0..2 {
        assert_eq!(token_for(&app, &id, "cs_wrong").await.status(), 401);
    }
    let res = token_for(&app, &id, &secret).await;
    assert_eq!(res.status(), 429);
    assert_eq!(retry_after(&res), 1);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(token_for(&app, &id, &secret).await.status(), 200);
}

/// Defaults: 10 failures per client and 30 per address a minute; revocation cached 3 s;
/// idempotency keys kept a day.
#[test]
fn hardening_defaults() {
    let c = commerce_gateway::Config::new("postgres://unused/unused");
    assert_eq!(c.auth.failures_per_client, 10);
    assert_eq!(c.auth.failures_per_address, 30);
    assert_eq!(c.auth.failure_window.as_secs(), 60);
    assert_eq!(c.auth.revocation_cache_ttl.as_secs(), 3);
    assert_eq!(c.idempotency_ttl.as_secs(), 86_400);
}

/// A token is refused before its `nbf` (issue #10 item 16), beyond the 30 s clock leeway;
/// issued tokens carry `nbf`.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_before_its_not_before_time_is_refused() {
    use base64::Engine;
    let app = spawn().await;
    let (id, secret) = app.client("acme", "customers:read").await;
    let body: Value = token_for(&app, &id, &secret).await.json().await.unwrap();
    let issued = body["access_token"].as_str().unwrap();
    let payload: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(issued.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(payload["nbf"], payload["iat"], "{payload}");

    let keys = commerce_gateway::auth::jwt::JwtKeys::new(&commerce_gateway::config::JwtConfig {
        secret: Some(common::JWT_SECRET.into()),
        ..Default::default()
    });
    let sign = |nbf: i64| {
        let now = chrono::Utc::now().timestamp();
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        header.kid = Some(keys.kid().to_owned());
        jsonwebtoken::encode(
            &header,
            &json!({ "iss": "commerce-gateway", "aud": "commerce-gateway", "sub": id,
                "iat": now, "nbf": now + nbf, "exp": now + 3600, "jti": "t",
                "merchant": "acme", "scope": "customers:read" }),
            &jsonwebtoken::EncodingKey::from_secret(common::JWT_SECRET.as_bytes()),
        )
        .unwrap()
    };
    let (status, body) = app.gql_status(&sign(600), VIEWER, json!({})).await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert!(
        common::error_message(&body).contains("not valid yet"),
        "{body}"
    );
    // Within the leeway, and in the past, it is accepted.
    app.data(&sign(10), VIEWER, json!({})).await;
    app.data(&sign(-60), VIEWER, json!({})).await;
}
