//! HTTP caching of reads in every dialect: ETag, Last-Modified, Cache-Control, 304 on a matching
//! condition, a fresh answer after a write, `Cache-Control: no-cache`, and no 304 across merchants.

use reqwest::header::{CACHE_CONTROL, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{RequestBuilder, StatusCode};
use serde_json::json;

use crate::common::{spawn, TestApp};

const SCOPES: &str = "customers:read,customers:write,orders:read";

fn get(app: &TestApp, key: &str, path: &str) -> RequestBuilder {
    app.http
        .get(app.url(path))
        .header("Authorization", format!("Bearer {key}"))
}

/// The ETag and Last-Modified of a plain GET, checking the cache headers are there.
async fn validators(req: RequestBuilder) -> (String, Option<String>, String) {
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h[CACHE_CONTROL], "private, max-age=0, must-revalidate");
    let etag = h[ETAG].to_str().unwrap().to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    let modified = h.get(LAST_MODIFIED).map(|v| v.to_str().unwrap().to_owned());
    (etag, modified, res.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_revalidate_with_304_until_a_write_changes_them() {
    let app = spawn().await;
    app.seed("m", 5, 10).await;
    let key = app.api_key("m", SCOPES).await;
    let id = app
        .data(&key, "{ customers(first: 1) { nodes { id } } }", json!({}))
        .await["customers"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let spree = format!("/api/v3/admin/customers/{id}");
    let (etag, modified, body) = validators(get(&app, &key, &spree)).await;
    let modified = modified.expect("a customer has updated_at");
    assert!(modified.ends_with(" GMT"), "{modified}");

    // Same answer: 304 with no body, by ETag or by date.
    let res = get(&app, &key, &spree)
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(res.headers()[ETAG], etag.as_str());
    assert!(res.bytes().await.unwrap().is_empty());
    let res = get(&app, &key, &spree)
        .header(IF_MODIFIED_SINCE, &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    // An ETag that does not match decides over a date that would.
    let res = get(&app, &key, &spree)
        .header(IF_NONE_MATCH, "W/\"other\"")
        .header(IF_MODIFIED_SINCE, &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // no-cache: the full answer whatever the conditions.
    let res = get(&app, &key, &spree)
        .header(IF_NONE_MATCH, &etag)
        .header(CACHE_CONTROL, "no-cache")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.unwrap(), body);

    // A write: the next conditional read gets the new body and new validators.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let res = app
        .http
        .patch(app.url(&spree))
        .header("x-spree-api-key", &key)
        .json(&json!({"first_name": "Zed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let res = get(&app, &key, &spree)
        .header(IF_NONE_MATCH, &etag)
        .header(IF_MODIFIED_SINCE, &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let new_etag = res.headers()[ETAG].to_str().unwrap().to_owned();
    let new_modified = res.headers()[LAST_MODIFIED].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    assert_ne!(new_modified, modified);
    assert!(res.text().await.unwrap().contains("\"Zed\""));
    let res = get(&app, &key, &spree)
        .header(IF_MODIFIED_SINCE, &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "modified since the old date");

    // Another merchant's credential never gets a 304 for this merchant's URL.
    let other = app.api_key("other", SCOPES).await;
    let res = get(&app, &other, &spree)
        .header(IF_NONE_MATCH, "*")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_dialect_and_graphql_get_carry_validators_and_exports_do_not() {
    let app = spawn().await;
    app.seed("m", 5, 10).await;
    let key = app.api_key("m", SCOPES).await;
    for path in [
        "/api/v3/admin/customers?limit=2",
        "/api/admin/v1/customers/bulk?limit=2",
        "/api/v1/customers.json?count=2",
        "/graphql?query=%7B%20customers(first%3A%202)%20%7B%20nodes%20%7B%20email%20updatedAt%20%7D%20%7D%20%7D",
    ] {
        let (etag, modified, _) = validators(get(&app, &key, path)).await;
        assert!(modified.is_some(), "{path}: rows with updated times");
        let res = get(&app, &key, path).header(IF_NONE_MATCH, &etag).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    // A streamed export is not buffered to be hashed.
    let res = get(&app, &key, "/api/admin/v1/customers/bulk?format=ndjson")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get(ETAG).is_none());
    // Writes and errors carry none.
    let res = get(&app, &key, "/api/v3/admin/customers/cus_nope")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.headers().get(ETAG).is_none());
}
