//! Spree's `Payment` and `Fulfillment` of an order (`expand=payments,fulfillments`), over
//! GraphQL's read-only `Payment` and `Fulfillment`.
//!
//! Payment methods, sources, card checks, stock locations, delivery methods and per-shipment
//! costs are outside our domain: answered as Spree's empty values (money as `"0"`).

use serde_json::{Map, Value};

use crate::rest::translate::money::display;
use crate::rest::translate::resource::*;

/// `amount` in the order's currency (selected as `_currency`), for display.
fn in_order_currency(row: &Map<String, Value>, amount: &str) -> Value {
    row.get("_currency")
        .and_then(Value::as_str)
        .and_then(|c| display(amount, c))
        .map_or(Value::Null, Value::String)
}

/// The row's `field` in the order's currency, for display.
fn shown(row: &Map<String, Value>, field: &str) -> Value {
    match row.get(field).and_then(Value::as_str) {
        Some(amount) => in_order_currency(row, amount),
        None => Value::Null,
    }
}

/// Zero in the order's currency, for display.
fn shown_zero(row: &Map<String, Value>) -> Value {
    in_order_currency(row, "0")
}

/// Spree's `Payment`.
pub static PAYMENT: Resource = Resource {
    graphql_type: "Payment",
    fields: &[
        value("id", "id"),
        fixed("payment_method_id", null),
        value("response_code", "reference"),
        fixed("number", null),
        value("amount", "amount"),
        computed("display_amount", &["amount", "_currency"], |r| {
            shown(r, "amount")
        }),
        value("status", "status"),
        computed("source_type", &["_method"], |r| {
            match r.get("_method").and_then(Value::as_str) {
                Some("STORE_CREDIT") => Value::from("store_credit"),
                Some("CREDIT") | Some("DEBIT") => Value::from("credit_card"),
                _ => Value::Null,
            }
        }),
        fixed("source_id", null),
        fixed("source", null),
        fixed("payment_method", null),
        fixed("metadata", empty_object),
        fixed("avs_response", null),
        fixed("cvv_response_code", null),
        fixed("cvv_response_message", null),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        // What was captured: all of a completed payment, nothing of the others.
        computed("captured_amount", &["amount", "status"], |r| {
            if r.get("status").and_then(Value::as_str) == Some("completed") {
                r.get("amount").cloned().unwrap_or(Value::Null)
            } else {
                zero_decimal()
            }
        }),
        value("order_id", "orderId"),
        value("_method", "method"),
        value("_currency", "currency"),
    ],
    expands: &[],
};

/// Spree's `Fulfillment` (a shipment).
pub static FULFILLMENT: Resource = Resource {
    graphql_type: "Fulfillment",
    fields: &[
        value("id", "id"),
        fixed("number", null),
        value("tracking", "trackingNumber"),
        fixed("tracking_url", null),
        fixed("cost", zero_decimal),
        computed("display_cost", &["_currency"], shown_zero),
        fixed("total", zero_decimal),
        computed("display_total", &["_currency"], shown_zero),
        fixed("discount_total", zero_decimal),
        computed("display_discount_total", &["_currency"], shown_zero),
        fixed("additional_tax_total", zero_decimal),
        computed("display_additional_tax_total", &["_currency"], shown_zero),
        fixed("included_tax_total", zero_decimal),
        computed("display_included_tax_total", &["_currency"], shown_zero),
        fixed("tax_total", zero_decimal),
        computed("display_tax_total", &["_currency"], shown_zero),
        value("status", "status"),
        computed("fulfillment_type", &["_type"], |r| {
            r.get("_type")
                .and_then(Value::as_str)
                .map_or(Value::Null, |t| Value::from(t.to_ascii_lowercase()))
        }),
        value("fulfilled_at", "fulfilledAt"),
        fixed("items", empty_list),
        fixed("metadata", empty_object),
        fixed("adjustment_total", zero_decimal),
        fixed("pre_tax_amount", zero_decimal),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("order_id", "orderId"),
        fixed("stock_location_id", null),
        value("_type", "type"),
        value("_currency", "currency"),
    ],
    expands: &[],
};
