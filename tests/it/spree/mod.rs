//! The Spree Admin API v3 routes over real HTTP: shapes, statuses, the translator's
//! parameters and every kind of bad input, tenant isolation and scopes.

mod channels;
mod conformance;
mod coupon_code_show;
mod customer_groups;
mod customers;
mod errors;
mod idempotency;
mod openapi;
mod order_bodies;
mod order_saved_addresses;
mod order_variants;
mod orders;
mod predicates;
mod price_creates;
mod price_lists;
mod price_rule_lists;
mod prices;
mod products;
mod promotions;
mod promotions_refusals;
mod publications;
mod sdk;
mod store;
mod tags;
mod variants;

use reqwest::Method;
use serde_json::Value;

use crate::common::TestApp;

/// A Spree client of one merchant with one API key.
pub struct Spree<'a> {
    pub app: &'a TestApp,
    pub key: String,
}

pub const ALL: &str = "read_customers,write_customers,read_orders,write_orders,read_settings,write_settings,read_products,write_products,read_promotions,write_promotions";

impl<'a> Spree<'a> {
    pub async fn new(app: &'a TestApp, merchant: &str, scopes: &str) -> Spree<'a> {
        Spree {
            app,
            key: app.api_key(merchant, scopes).await,
        }
    }

    /// Sends `method path` with `body` (JSON unless `None`); the status and the JSON body
    /// (null when empty).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .app
            .http
            .request(method, self.app.url(&format!("/api/v3/admin{path}")))
            .header("x-spree-api-key", &self.key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, json)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::POST, path, Some(body)).await
    }
    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(Method::PATCH, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.call(Method::DELETE, path, None).await
    }
}

/// The Spree error code of a body.
pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}
