//! The Fire spark dialect over real HTTP: the Integrations API's store upsert and the Admin
//! API's bulk customers and orders, with their error body, scopes, tenant isolation and every
//! kind of bad input.

mod customers;
mod customers_bulk;
mod exports;
mod migrations;
mod orders;
mod stores;

use reqwest::Method;
use serde_json::Value;

use crate::common::TestApp;

/// A Fire spark client of one merchant with one access token from `POST /oauth/token`.
pub struct Fs<'a> {
    pub app: &'a TestApp,
    pub token: String,
}

impl<'a> Fs<'a> {
    pub async fn new(app: &'a TestApp, merchant: &str, scopes: &str) -> Fs<'a> {
        Fs {
            app,
            token: app.token(merchant, scopes).await,
        }
    }

    /// Sends `method path` with the token, `headers` and `body` (raw bytes, sent as
    /// `application/json` unless `headers` name another content type); the status and the
    /// JSON body (null when empty).
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
            .request(method, self.app.url(path))
            .bearer_auth(&self.token);
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

    /// Sends `body` as JSON.
    pub async fn json(&self, method: Method, path: &str, body: &Value) -> (u16, Value) {
        self.send(method, path, &[], Some(&body.to_string())).await
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

/// Asserts a Fire spark error body: exactly `{"error", "message"}`, with this `error` and a
/// message starting with `message`.
#[track_caller]
pub fn assert_error(status: u16, body: &Value, want_status: u16, error: &str, message: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"], error, "{body}");
    let m = body["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no message: {body}"));
    assert!(
        m.starts_with(message),
        "message {m:?} should start with {message:?}"
    );
    assert_eq!(body.as_object().map(|o| o.len()), Some(2), "{body}");
}
