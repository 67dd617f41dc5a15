//! `GET /api/admin/v1/orders`: the Admin API's orders across every channel and store,
//! cursor-paged over GraphQL's `orders` connection, with their line items embedded (unless
//! `fields` leaves them out).

use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value};

use super::{Caller, FiresparkError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::cursor::{CursorRoot, Op, ParamFilter, GRAPHQL_PAGE};
use crate::rest::translate::filter::FilterKind;
use crate::rest::translate::resource::*;
use crate::rest::RestState;

pub const PATH: &str = "/api/admin/v1/orders";

/// `row[key]` followed along `path` (null when any step is missing).
fn pointer(row: &Map<String, Value>, key: &str, path: &[&str]) -> Value {
    let mut v = row.get(key);
    for segment in path {
        v = v.and_then(|o| o.get(segment));
    }
    v.cloned().unwrap_or(Value::Null)
}

/// A line of an order. `sku` and `name` come from the variant and its product: null for a
/// caller without `catalog:read`.
pub static LINE_ITEM: Resource = Resource {
    graphql_type: "LineItem",
    fields: &[
        value("id", "id"),
        value("variant_id", "variantId"),
        computed("sku", &["_variant"], |r| pointer(r, "_variant", &["sku"])),
        computed("name", &["_variant"], |r| {
            pointer(r, "_variant", &["product", "name"])
        }),
        value("quantity", "quantity"),
        value("price", "price"),
        value("discount_total", "discountTotal"),
        value("total", "total"),
        value("metadata", "metadata"),
        value("_variant", "variant { sku product { name } }"),
    ],
    expands: &[],
};

/// Fire spark's order.
pub static ORDER: Resource = Resource {
    graphql_type: "Order",
    fields: &[
        value("id", "id"),
        value("number", "number"),
        computed("status", &["_status"], |r| {
            r.get("_status")
                .and_then(Value::as_str)
                .map_or(Value::Null, |s| Value::String(s.to_ascii_lowercase()))
        }),
        value("payment_status", "paymentStatus"),
        value("fulfillment_status", "fulfillmentStatus"),
        value("channel_id", "channelId"),
        value("store_id", "storeId"),
        value("customer_id", "customerId"),
        value("email", "email"),
        value("currency", "currency"),
        value("item_count", "itemCount"),
        value("item_total", "itemTotal"),
        value("discount_total", "discountTotal"),
        value("tax_total", "taxTotal"),
        value("delivery_total", "deliveryTotal"),
        value("total", "total"),
        value("external_id", "externalId"),
        value("notes", "notes"),
        value("customer_note", "customerNote"),
        value("metadata", "metadata"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("completed_at", "completedAt"),
        value("canceled_at", "canceledAt"),
        value("_status", "status"),
    ],
    expands: &[Expand {
        name: "line_items",
        field: "lineItems",
        shape: Shape::Many,
        resource: &LINE_ITEM,
    }],
};

/// A status as the dialect writes it (`complete`, any case) → GraphQL's `OrderStatus`.
fn status(v: &str) -> Option<String> {
    match v.to_ascii_lowercase().as_str() {
        "draft" => Some("DRAFT".into()),
        "complete" | "completed" => Some("COMPLETE".into()),
        "canceled" | "cancelled" => Some("CANCELED".into()),
        "returned" => Some("RETURNED".into()),
        _ => None,
    }
}

/// A time range of `field`: `<param>_min` and `<param>_max`.
macro_rules! range {
    ($min:literal, $max:literal, $field:literal, $what:literal) => {
        [
            ParamFilter {
                param: $min,
                field: $field,
                op: Op::One("gte"),
                kind: FilterKind::Time,
                description: concat!(
                    $what,
                    " at or after this time (ISO 8601; a date is its midnight UTC)."
                ),
            },
            ParamFilter {
                param: $max,
                field: $field,
                op: Op::One("lte"),
                kind: FilterKind::Time,
                description: concat!($what, " at or before this time."),
            },
        ]
    };
}

const CREATED: [ParamFilter; 2] =
    range!("created_at_min", "created_at_max", "createdAt", "Created");
const COMPLETED: [ParamFilter; 2] = range!(
    "completed_at_min",
    "completed_at_max",
    "completedAt",
    "Placed"
);
const UPDATED: [ParamFilter; 2] = range!(
    "updated_at_min",
    "updated_at_max",
    "updatedAt",
    "Last changed"
);

pub static ROOT: CursorRoot = CursorRoot {
    field: "orders",
    filter_type: "OrderFilter",
    params: &[
        ParamFilter {
            param: "ids",
            field: "id",
            op: Op::List("in"),
            kind: FilterKind::Id,
            description: "Only these orders (`or_…`, comma-separated).",
        },
        ParamFilter {
            param: "channel_id",
            field: "channelId",
            op: Op::List("in"),
            kind: FilterKind::Id,
            description: "Orders of these sales channels (`ch_…`, comma-separated).",
        },
        ParamFilter {
            param: "store_id",
            field: "storeId",
            op: Op::List("in"),
            kind: FilterKind::Id,
            description: "Orders taken by these stores (`st_…`, comma-separated).",
        },
        ParamFilter {
            param: "status",
            field: "status",
            op: Op::List("in"),
            kind: FilterKind::Enum(status),
            description:
                "Orders in these statuses: draft, complete, canceled, returned (comma-separated).",
        },
        ParamFilter {
            param: "customer_id",
            field: "customerId",
            op: Op::List("in"),
            kind: FilterKind::Id,
            description: "Orders of these customers (`cus_…`, comma-separated).",
        },
        ParamFilter {
            param: "email",
            field: "email",
            op: Op::One("eq"),
            kind: FilterKind::Text,
            description: "The order's contact email, exactly (ignoring case).",
        },
        ParamFilter {
            param: "number",
            field: "number",
            op: Op::One("eq"),
            kind: FilterKind::Text,
            description: "The order number (`R000000001`).",
        },
        ParamFilter {
            param: "payment_status",
            field: "paymentStatus",
            op: Op::List("in"),
            kind: FilterKind::Text,
            description:
                "pending, paid, partially_paid, refunded, void or failed (comma-separated).",
        },
        ParamFilter {
            param: "fulfillment_status",
            field: "fulfillmentStatus",
            op: Op::List("in"),
            kind: FilterKind::Text,
            description: "unfulfilled, partial, fulfilled or canceled (comma-separated).",
        },
        CREATED[0],
        CREATED[1],
        COMPLETED[0],
        COMPLETED[1],
        UPDATED[0],
        UPDATED[1],
    ],
    resource: &ORDER,
    default_expand: &["line_items"],
    page_size: GRAPHQL_PAGE,
};

/// `GET /orders`: a page of orders across channels and stores, newest first.
pub async fn list_orders(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, FiresparkError> {
    super::list(&state, principal, query.as_deref(), &ROOT).await
}

/// The orders routes.
pub static ROUTES: &[Route] = &[Route {
    method: Method::GET,
    path: PATH,
    operation_id: "listOrders",
    summary: "List orders across channels and stores (cursor-paged, line items embedded)",
    scope: "orders:read",
    query: Query::Cursor(&ROOT),
    body: Body::None,
    answer: Answer::CursorPage(&ORDER),
    handler: || get(list_orders),
}];
