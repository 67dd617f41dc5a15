//! The Spark Pay dialect over real HTTP: every route, the seed's own `curl` examples,
//! filters, sorts and pages, exact money, integer IDs, tenant isolation, scopes and bad input.

mod bad_input;
mod customers;
mod openapi;
mod orders;
mod products;
mod seed_curl;
mod tenants;

use reqwest::Method;
use serde_json::Value;

use crate::common::TestApp;

/// Every Spark Pay scope, by Spark Pay's names.
pub const ALL: &str = "read_people,people,read_orders,orders,read_catalog,catalog";

/// A Spark Pay client of one merchant with one `X-AC-Auth-Token`.
pub struct Sp<'a> {
    pub app: &'a TestApp,
    pub token: String,
}

impl<'a> Sp<'a> {
    /// A client with an API key of `scopes` (Spark Pay's names or ours).
    pub async fn new(app: &'a TestApp, merchant: &str, scopes: &str) -> Sp<'a> {
        Sp {
            app,
            token: app.api_key(merchant, scopes).await,
        }
    }

    /// Sends `method path` (under `/api/v1`) with the token, `headers` and a raw `body` (sent
    /// as `application/json` unless `headers` name a content type); the status and the JSON
    /// body (null when empty).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self
            .app
            .http
            .request(method, self.app.url(&format!("/api/v1{path}")))
            .header("X-AC-Auth-Token", &self.token);
        if body.is_some()
            && !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            req = req.header("content-type", "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.body(b.to_owned());
        }
        read(req.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(Method::GET, path, &[], None).await
    }
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(Method::POST, path, &[], Some(&body.to_string()))
            .await
    }
    pub async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(Method::PUT, path, &[], Some(&body.to_string()))
            .await
    }
    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(Method::DELETE, path, &[], None).await
    }

    /// Creates a record at `/<resource>.json`, asserting 201; the record.
    pub async fn create(&self, resource: &str, body: Value) -> Value {
        let (st, row) = self.post(&format!("/{resource}.json"), &body).await;
        assert_eq!(st, 201, "{resource} {body}: {row}");
        row
    }
}

/// The status and the JSON body of a response (null when empty).
pub async fn read(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    (status, json)
}

/// Asserts a Spark Pay error body: exactly `{"status_code", "message", "details"}`, with the
/// status repeated and `details` containing `details`.
#[track_caller]
pub fn assert_error(status: u16, body: &Value, want: u16, details: &str) {
    assert_eq!(status, want, "{body}");
    assert_eq!(body["status_code"], want, "{body}");
    assert!(body["message"].is_string(), "{body}");
    let d = body["details"]
        .as_str()
        .unwrap_or_else(|| panic!("no details: {body}"));
    assert!(
        d.contains(details),
        "details {d:?} should contain {details:?}"
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(3), "{body}");
}

/// The integer `id` of a record.
#[track_caller]
pub fn id(v: &Value) -> u64 {
    v["id"]
        .as_u64()
        .unwrap_or_else(|| panic!("no integer id: {v}"))
}

/// The rows of a list under `key`.
#[track_caller]
pub fn rows<'v>(body: &'v Value, key: &str) -> &'v Vec<Value> {
    body[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key}: {body}"))
}
