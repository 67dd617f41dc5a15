//! `/api/v3/admin/orders/{order_id}/items`: Spree's `LineItem` over GraphQL's `LineItem` (a
//! draft's lines: add, change the quantity, remove), and Spree's `Discount`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::{Caller, SpreeError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, InputField};
use crate::rest::translate::money::display;
use crate::rest::translate::operation::{not_found, run, Mutation};
use crate::rest::translate::page::envelope;
use crate::rest::translate::params::{Accepts, Params};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::{self, SortAttr};
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

fn decimal(row: &Map<String, Value>, key: &str) -> Decimal {
    row.get(key)
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .unwrap_or_default()
}

fn text(d: Decimal) -> Value {
    Value::String(d.normalize().to_string())
}

fn pointer(row: &Map<String, Value>, key: &str, path: &[&str]) -> Value {
    // Plain lookups: `Value::pointer` unescapes every segment (a `replace` per call), and a
    // page of lines reads four of these per line.
    let mut v = row.get(key);
    for segment in path {
        v = v.and_then(|o| o.get(segment));
    }
    v.cloned().unwrap_or(Value::Null)
}

/// The line's currency: its order's.
fn currency(row: &Map<String, Value>) -> Option<&str> {
    row.get("_order")?.get("currency")?.as_str()
}

/// `amount` in the line's currency, for display; null without a currency.
fn shown(row: &Map<String, Value>, amount: Decimal) -> Value {
    currency(row)
        .and_then(|c| display(&amount.to_string(), c))
        .map_or(Value::Null, Value::String)
}

/// The line's decimal field `field` in its currency, for display, as GraphQL wrote it (no
/// decimal arithmetic on the way).
fn shown_field(row: &Map<String, Value>, field: &str) -> Value {
    match (row.get(field).and_then(Value::as_str), currency(row)) {
        (Some(amount), Some(c)) => display(amount, c).map_or(Value::Null, Value::String),
        _ => Value::Null,
    }
}

/// `display_<field>` of a line in its order's currency.
macro_rules! display {
    ($name:literal, $field:literal) => {
        computed($name, &[$field, "_order"], |r| shown_field(r, $field))
    };
}

/// The line's total after its discounts.
fn discounted(r: &Map<String, Value>) -> Decimal {
    decimal(r, "total") - decimal(r, "discount_total")
}

/// Spree's `LineItem`. `total` is quantity × price (before discounts), as Spree's; taxes are
/// the order's, so a line's tax totals are 0.
pub static LINE_ITEM: Resource = Resource {
    graphql_type: "LineItem",
    fields: &[
        value("id", "id"),
        value("variant_id", "variantId"),
        value("quantity", "quantity"),
        computed("currency", &["_order"], |r| {
            pointer(r, "_order", &["currency"])
        }),
        computed("name", &["_variant"], |r| {
            pointer(r, "_variant", &["product", "name"])
        }),
        computed("slug", &["_variant"], |r| {
            pointer(r, "_variant", &["product", "slug"])
        }),
        computed("options_text", &["_variant"], |r| {
            pointer(r, "_variant", &["optionsText"])
        }),
        value("price", "price"),
        display!("display_price", "price"),
        value("total", "total"),
        display!("display_total", "total"),
        computed("adjustment_total", &["discount_total"], |r| {
            text(-decimal(r, "discount_total"))
        }),
        computed(
            "display_adjustment_total",
            &["discount_total", "_order"],
            |r| shown(r, -decimal(r, "discount_total")),
        ),
        fixed("additional_tax_total", zero_decimal),
        computed("display_additional_tax_total", &["_order"], |r| {
            shown(r, Decimal::ZERO)
        }),
        fixed("included_tax_total", zero_decimal),
        computed("display_included_tax_total", &["_order"], |r| {
            shown(r, Decimal::ZERO)
        }),
        value("discount_total", "discountTotal"),
        display!("display_discount_total", "discount_total"),
        computed("pre_tax_amount", &["total", "discount_total"], |r| {
            text(discounted(r))
        }),
        computed(
            "display_pre_tax_amount",
            &["total", "discount_total", "_order"],
            |r| shown(r, discounted(r)),
        ),
        computed("discounted_amount", &["total", "discount_total"], |r| {
            text(discounted(r))
        }),
        computed(
            "display_discounted_amount",
            &["total", "discount_total", "_order"],
            |r| shown(r, discounted(r)),
        ),
        fixed("display_compare_at_amount", null),
        fixed("compare_at_amount", null),
        fixed("thumbnail_url", null),
        fixed("option_values", empty_list),
        fixed("digital_links", empty_list),
        value("metadata", "metadata"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        fixed("cost_price", null),
        fixed("tax_category_id", null),
        value("_order", "order { currency }"),
        value("_variant", "variant { optionsText product { name slug } }"),
    ],
    expands: &[
        Expand {
            name: "variant",
            field: "variant",
            shape: Shape::One,
            resource: &super::variants::VARIANT,
        },
        absent_one("tax_category"),
    ],
};

/// Spree's `Discount` (a promotion's adjustment on an order or a line).
pub static DISCOUNT: Resource = Resource {
    graphql_type: "Discount",
    fields: &[
        value("id", "id"),
        value("promotion_id", "promotionId"),
        value("name", "label"),
        fixed("description", null),
        computed("code", &["_coupon"], |r| pointer(r, "_coupon", &["code"])),
        value("amount", "amount"),
        computed("display_amount", &["amount", "_order"], |r| {
            shown(r, decimal(r, "amount"))
        }),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("_coupon", "couponCode { code }"),
        value("_order", "order { currency }"),
    ],
    expands: &[],
};

/// The order's lines, selected under `items`.
fn order_items(sel: &str) -> String {
    format!("items: lineItems {{ {sel}}}")
}

const INPUT: &[InputField] = &[
    InputField {
        rest: "variant_id",
        gql: "variantId",
    },
    InputField {
        rest: "quantity",
        gql: "quantity",
    },
    InputField {
        rest: "metadata",
        gql: "metadata",
    },
];

/// Sort keys of an order's items (oldest first by default).
const SORTS: &[SortAttr] = &[
    SortAttr {
        key: "created_at",
        field: "CREATED_AT",
    },
    SortAttr {
        key: "updated_at",
        field: "UPDATED_AT",
    },
    SortAttr {
        key: "quantity",
        field: "QUANTITY",
    },
    SortAttr {
        key: "price",
        field: "PRICE",
    },
    SortAttr {
        key: "total",
        field: "TOTAL",
    },
];

const READ_ONLY: &[&str] = &[
    "id",
    "price",
    "total",
    "currency",
    "name",
    "created_at",
    "updated_at",
];

/// The line-item mutations answer with the order; the route picks its line.
macro_rules! lines_mutation {
    ($name:ident, $route:literal, $text:literal) => {
        const $name: Mutation = Mutation {
            route: $route,
            resource: &LINE_ITEM,
            text: |sel| format!($text, items = order_items(sel)),
            fields: INPUT,
        };
    };
}

lines_mutation!(
    ADD,
    "orderLineItemsAdd",
    "mutation RestItemsAdd($order: ID!, $lines: [OrderLineItemInput!]!, $key: String) {{ w: \
     orderLineItemsAdd(orderId: $order, lineItems: $lines, idempotencyKey: $key) {{ order {{ \
     {items} }} userErrors {{ field code message }} }} }}"
);
lines_mutation!(
    UPDATE,
    "orderLineItemsUpdate",
    "mutation RestItemsUpdate($order: ID!, $lines: [OrderLineItemUpdateInput!]!, $key: String) \
     {{ w: orderLineItemsUpdate(orderId: $order, lineItems: $lines, idempotencyKey: $key) {{ \
     order {{ {items} }} userErrors {{ field code message }} }} }}"
);

/// The order's line whose `key` (REST name) equals `value`, reshaped.
fn pick(
    written: &crate::rest::translate::operation::Written,
    key: &str,
    value: &Value,
) -> Result<Value, Refusal> {
    let lines = written
        .payload
        .pointer("/order/items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let line = lines.iter().find(|l| {
        l.pointer(&format!("/{key}")) == Some(value) || {
            key == "variant_id" && l.pointer("/variant_id/id") == Some(value)
        }
    });
    match line {
        Some(l) => Ok(written.built.plan.reshape_value(l)),
        None => Err(not_found(&LINE_ITEM)),
    }
}

/// `GET /orders/{order_id}/items`: a page of the order's lines (`page`, `limit`, `sort`;
/// oldest first by default), with `meta`.
pub async fn list_items(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(order_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::PagedSorted)?;
    let offset = params.offset()?;
    let sort = sort::sort(SORTS, &params.sort)?;
    let built = state
        .translator
        .operation("orderItems", &LINE_ITEM, &params, |sel| {
            format!(
                "query RestItems($id: ID!, $first: Int!, $offset: Int!, $sort: [LineItemSort!]) \
                 {{ one: order(id: $id) {{ lineItemCount \
                 items: lineItems(first: $first, offset: $offset, sort: $sort) {{ {sel}}} }} }}"
            )
        })?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(order_id));
    vars.insert("first".into(), Value::from(params.limit()));
    // Past the last line (at most 1,000) every page is empty.
    vars.insert("offset".into(), Value::from(offset.min(1000)));
    vars.insert(
        "sort".into(),
        sort.unwrap_or_else(|| json!([{"field": "CREATED_AT", "direction": "ASC"}])),
    );
    let data = run(
        &state.app,
        principal,
        &built.text,
        vars,
        &[
            ("id".into(), "order_id".into()),
            ("sort".into(), "sort".into()),
        ],
    )
    .await?;
    let Some(order) = data.get("one").filter(|o| o.is_object()) else {
        return Err(Refusal::not_found("Order not found")
            .with_code("NOT_FOUND")
            .into());
    };
    let rows = match built
        .plan
        .reshape_list(order.get("items").unwrap_or(&Value::Null))
    {
        Value::Array(r) => r,
        _ => Vec::new(),
    };
    let count = order
        .get("lineItemCount")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    Ok(Json(envelope(rows, params.page(), params.limit(), count)))
}

/// `GET /orders/{order_id}/items/{id}`: 404 when the line is not that order's.
pub async fn show_item(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((order_id, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::One)?;
    let built = state.translator.operation("orderItem", &LINE_ITEM, &params, |sel| {
        format!(
            "query RestItem($id: ID!) {{ one: node(id: $id) {{ ... on LineItem {{ {sel} _owner: order {{ id }} }} }} }}"
        )
    })?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    let data = run(
        &state.app,
        principal,
        &built.text,
        vars,
        &[("id".into(), "id".into())],
    )
    .await?;
    match data.get("one") {
        Some(Value::Object(row))
            if row.get("_owner").and_then(|o| o.get("id")) == Some(&json!(order_id)) =>
        {
            Ok(Json(built.plan.reshape(row)))
        }
        _ => Err(not_found(&LINE_ITEM).into()),
    }
}

/// `POST /orders/{order_id}/items`: `{variant_id, quantity = 1, metadata}`, 201 with the
/// variant's line (an existing line of that variant grows by `quantity`, its metadata takes
/// the keys given).
pub async fn create_item(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    let (mut line, names) = body::input(object, INPUT, READ_ONLY)?;
    line.entry("quantity").or_insert(json!(1));
    let variant = line
        .get("variantId")
        .cloned()
        .ok_or_else(|| Refusal::param("variant_id", "is required"))?;
    let mut vars = Map::new();
    vars.insert("order".into(), Value::String(order_id));
    vars.insert("lines".into(), json!([line]));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let mut names = body::under("lineItems.0", names);
    names.push(("orderId".into(), "order_id".into()));
    let written = state
        .translator
        .mutate(&state.app, principal, &ADD, vars, &names)
        .await
        .map_err(super::orders::unknown_variant_is_404)?;
    let row = pick(&written, "variant_id", &variant)?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `PATCH /orders/{order_id}/items/{id}`: `{quantity, metadata}` (metadata merged in).
pub async fn update_item(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((order_id, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    let (mut line, names) = body::input(object, INPUT, READ_ONLY)?;
    if line.contains_key("variantId") {
        return Err(Refusal::param(
            "variant_id",
            "cannot change: remove the line and add another",
        )
        .into());
    }
    let Some(quantity) = line.remove("quantity") else {
        return Err(Refusal::param("quantity", "is required").into());
    };
    let metadata = line.remove("metadata").unwrap_or(Value::Null);
    let mut vars = Map::new();
    vars.insert("order".into(), Value::String(order_id));
    vars.insert(
        "lines".into(),
        json!([{"id": id, "quantity": quantity, "metadata": metadata}]),
    );
    vars.insert("key".into(), body::idempotency_key(&headers));
    let mut names = body::under("lineItems.0", names);
    names.push(("orderId".into(), "order_id".into()));
    names.push(("lineItems.0.id".into(), "id".into()));
    let written = state
        .translator
        .mutate(&state.app, principal, &UPDATE, vars, &names)
        .await?;
    Ok(Json(pick(&written, "id", &json!(id))?))
}

/// `DELETE /orders/{order_id}/items/{id}`: 204.
pub async fn delete_item(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((order_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestItemsRemove($order: ID!, $ids: [ID!]!, $key: String) { d: \
                orderLineItemsRemove(orderId: $order, lineItemIds: $ids, idempotencyKey: $key) \
                { order { id } userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("order".into(), Value::String(order_id));
    vars.insert("ids".into(), json!([id]));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = [
        ("orderId".into(), "order_id".into()),
        ("lineItemIds".into(), "id".into()),
    ];
    let data = run(&state.app, principal, text, vars, &names).await?;
    let errors = data
        .pointer("/d/userErrors")
        .cloned()
        .unwrap_or(Value::Null);
    if errors.as_array().is_none_or(Vec::is_empty) {
        return Ok(StatusCode::NO_CONTENT);
    }
    super::deleted(
        &json!({"d": {"userErrors": errors}}),
        "/d/none",
        "/d/userErrors",
        &LINE_ITEM,
    )
}

/// An order's item routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/orders/{order_id}/items",
        operation_id: "listOrderItems",
        summary: "List an order's items",
        scope: "read_orders",
        query: Query::Paged(&LINE_ITEM, SORTS),
        body: Body::None,
        answer: Answer::Page(&LINE_ITEM),
        handler: || get(list_items),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/orders/{order_id}/items",
        operation_id: "createOrderItem",
        summary: "Add an item to a draft order",
        scope: "write_orders",
        query: Query::None,
        body: Body::Input {
            graphql_type: "OrderLineItemInput",
            fields: INPUT,
            required: &["variant_id"],
        },
        answer: Answer::Created(&LINE_ITEM),
        handler: || post(create_item),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/orders/{order_id}/items/{id}",
        operation_id: "showOrderItem",
        summary: "Show an order's item",
        scope: "read_orders",
        query: Query::One(&LINE_ITEM),
        body: Body::None,
        answer: Answer::One(&LINE_ITEM),
        handler: || get(show_item),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/orders/{order_id}/items/{id}",
        operation_id: "updateOrderItem",
        summary: "Change an item's quantity",
        scope: "write_orders",
        query: Query::None,
        body: Body::Input {
            graphql_type: "OrderLineItemUpdateInput",
            fields: INPUT,
            required: &["quantity"],
        },
        answer: Answer::One(&LINE_ITEM),
        handler: || patch(update_item),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/orders/{order_id}/items/{id}",
        operation_id: "deleteOrderItem",
        summary: "Remove an item from a draft order",
        scope: "write_orders",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_item),
    },
];
