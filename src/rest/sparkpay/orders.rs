//! `/api/v1/orders`: Spark Pay's order over GraphQL's `Order`. `subtotal` is the item total,
//! `shipping_total` the delivery total, `grand_total` the total, `ordered_at` when the order
//! was placed, `special_instructions` the buyer's note and `admin_comments` the staff notes.
//! `order_status_id` is the order's status: 1 draft, 2 complete, 3 canceled, 4 returned.
//!
//! A new order is a draft (in the shop's default currency unless `currency` is sent), with
//! its first `items` (`[{"product_id", "quantity"}]`, each product's master variant priced from
//! the price book; reading the products needs `read_catalog`). A `PUT` changes the fields sent,
//! `items` setting the line of each product given (quantity 0 removes it; the other lines
//! stay); its status changes with a `PUT` of `order_status_id`
//! alone (2 places a draft or a canceled order again, 3 cancels), as Spark Pay's status
//! endpoint does, so a status change never half-applies with other changes. An
//! `order_status_id` sent back unchanged is ignored. `DELETE` removes a draft; a placed order
//! is canceled instead (409). Expands `items`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Json;
use serde_json::{json, Map, Value};

use super::values::{self, int_id, integer, integer_or_null, money_of, number};
use super::{Caller, List, Names, SparkPayError, Write};
use crate::auth::Principal;
use crate::ids::Kind as IdKind;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, json_type};
use crate::rest::translate::filter::{FilterAttr, FilterKind};
use crate::rest::translate::operation::{not_found, run, ListRoot};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::SortAttr;
use crate::rest::{Kind, Refusal, RestState};

/// Our order statuses by Spark Pay's `order_status_id`.
const STATUSES: [(u64, &str); 4] = [
    (1, "DRAFT"),
    (2, "COMPLETE"),
    (3, "CANCELED"),
    (4, "RETURNED"),
];

fn status_id(row: &Map<String, Value>) -> Value {
    row.get("_status")
        .and_then(Value::as_str)
        .and_then(|s| STATUSES.iter().find(|(_, name)| *name == s))
        .map_or(Value::Null, |(id, _)| Value::from(*id))
}

fn status_of(id: u64) -> Option<&'static str> {
    STATUSES.iter().find(|(n, _)| *n == id).map(|(_, s)| *s)
}

/// `row._variant` followed along `path` (null when any step is missing).
fn variant_field(row: &Map<String, Value>, path: &[&str]) -> Value {
    let mut v = row.get("_variant");
    for key in path {
        v = v.and_then(|o| o.get(key));
    }
    v.cloned().unwrap_or(Value::Null)
}

/// A line of an order (`expand=items`). The product's ID and name come from the catalog: null
/// for a caller without `read_catalog`.
pub static ITEM: Resource = Resource {
    graphql_type: "LineItem",
    fields: &[
        typed(
            "id",
            &["_id"],
            |r| int_id(r, "_id", IdKind::LineItem),
            integer,
        ),
        typed(
            "product_id",
            &["_variant"],
            |r| {
                variant_field(r, &["product", "id"])
                    .as_str()
                    .and_then(|id| crate::ids::integers::of_public(IdKind::Product, id))
                    .map_or(Value::Null, Value::from)
            },
            integer_or_null,
        ),
        computed("item_number", &["_variant"], |r| variant_field(r, &["sku"])),
        computed("item_name", &["_variant"], |r| {
            variant_field(r, &["product", "name"])
        }),
        typed("price", &["_price"], |r| money_of(r, "_price"), number),
        value("quantity", "quantity"),
        typed(
            "discount_amount",
            &["_discount"],
            |r| money_of(r, "_discount"),
            number,
        ),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("_id", "id"),
        value("_variant", "variant { sku product { id name } }"),
        value("_price", "price"),
        value("_discount", "discountTotal"),
    ],
    expands: &[],
};

/// Spark Pay's order.
pub static ORDER: Resource = Resource {
    graphql_type: "Order",
    fields: &[
        typed("id", &["_id"], |r| int_id(r, "_id", IdKind::Order), integer),
        typed(
            "customer_id",
            &["_customer"],
            |r| int_id(r, "_customer", IdKind::Customer),
            integer_or_null,
        ),
        value("order_number", "number"),
        value("ordered_at", "completedAt"),
        typed("order_status_id", &["_status"], status_id, integer),
        value("email", "email"),
        value("currency", "currency"),
        value("special_instructions", "customerNote"),
        typed(
            "subtotal",
            &["_subtotal"],
            |r| money_of(r, "_subtotal"),
            number,
        ),
        typed("tax_total", &["_tax"], |r| money_of(r, "_tax"), number),
        typed(
            "shipping_total",
            &["_shipping"],
            |r| money_of(r, "_shipping"),
            number,
        ),
        typed(
            "discount_total",
            &["_discount"],
            |r| money_of(r, "_discount"),
            number,
        ),
        typed(
            "grand_total",
            &["_total"],
            |r| money_of(r, "_total"),
            number,
        ),
        value("admin_comments", "notes"),
        typed(
            "store_id",
            &["_store"],
            |r| int_id(r, "_store", IdKind::Store),
            integer_or_null,
        ),
        fixed("order_shipping_address_id", null),
        fixed("order_billing_address_id", null),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("_id", "id"),
        value("_customer", "customerId"),
        value("_status", "status"),
        value("_subtotal", "itemTotal"),
        value("_tax", "taxTotal"),
        value("_shipping", "deliveryTotal"),
        value("_discount", "discountTotal"),
        value("_total", "total"),
        value("_store", "storeId"),
    ],
    expands: &[
        Expand {
            name: "items",
            field: "lineItems",
            shape: Shape::Many,
            resource: &ITEM,
        },
        // Spark Pay's custom fields are outside our domain; its shipments and payments (our
        // fulfillments and payments) are not expanded yet: naming them is a 400.
        absent_many("custom_fields"),
    ],
};

fn order_ref(v: &str) -> Option<String> {
    values::filter_id(v, IdKind::Order)
}

fn customer_ref(v: &str) -> Option<String> {
    values::filter_id(v, IdKind::Customer)
}

fn store_ref(v: &str) -> Option<String> {
    values::filter_id(v, IdKind::Store)
}

fn status_filter(v: &str) -> Option<String> {
    status_of(v.trim().parse().ok()?).map(str::to_owned)
}

static ROOT: ListRoot = ListRoot {
    field: "orders",
    filter_type: "OrderFilter",
    sort_type: "OrderSort",
    search: false,
    filters: &[
        FilterAttr {
            attr: "id",
            field: "id",
            kind: FilterKind::Enum(order_ref),
        },
        FilterAttr {
            attr: "customer_id",
            field: "customerId",
            kind: FilterKind::Enum(customer_ref),
        },
        FilterAttr {
            attr: "order_status_id",
            field: "status",
            kind: FilterKind::Enum(status_filter),
        },
        FilterAttr {
            attr: "order_number",
            field: "number",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "email",
            field: "email",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "store_id",
            field: "storeId",
            kind: FilterKind::Enum(store_ref),
        },
        FilterAttr {
            attr: "grand_total",
            field: "total",
            kind: FilterKind::Decimal,
        },
        FilterAttr {
            attr: "ordered_at",
            field: "completedAt",
            kind: FilterKind::Time,
        },
        FilterAttr {
            attr: "created_at",
            field: "createdAt",
            kind: FilterKind::Time,
        },
        FilterAttr {
            attr: "updated_at",
            field: "updatedAt",
            kind: FilterKind::Time,
        },
    ],
    sorts: &[
        SortAttr {
            key: "created_at",
            field: "CREATED_AT",
        },
        SortAttr {
            key: "updated_at",
            field: "UPDATED_AT",
        },
        SortAttr {
            key: "ordered_at",
            field: "COMPLETED_AT",
        },
        SortAttr {
            key: "grand_total",
            field: "TOTAL",
        },
        SortAttr {
            key: "order_number",
            field: "NUMBER",
        },
        SortAttr {
            key: "email",
            field: "EMAIL",
        },
    ],
    resource: &ORDER,
};

pub(super) static LIST: List = List {
    key: "orders",
    root: &ROOT,
};

/// The fields an order write takes.
const WRITABLE: &[&str] = &[
    "customer_id",
    "email",
    "currency",
    "special_instructions",
    "admin_comments",
    "shipping_total",
    "store_id",
    "items",
    "order_status_id",
];

/// The body's fields, checked: the GraphQL input (without its lines), the lines asked for,
/// the status and the currency sent.
struct Parsed {
    input: Map<String, Value>,
    items: Option<Vec<Item>>,
    status: Option<&'static str>,
    currency: Option<Value>,
}

fn parse(object: Map<String, Value>) -> Result<Parsed, Refusal> {
    let mut p = Parsed {
        input: Map::new(),
        items: None,
        status: None,
        currency: None,
    };
    for (k, v) in object {
        match k.as_str() {
            "customer_id" if v.is_null() => {
                p.input.insert("customerId".into(), Value::Null);
            }
            "customer_id" => {
                let id = values::body_id(&k, &v, IdKind::Customer)?;
                p.input.insert("customerId".into(), Value::String(id));
            }
            "store_id" if v.is_null() => {
                p.input.insert("storeId".into(), Value::Null);
            }
            "store_id" => {
                let id = values::body_id(&k, &v, IdKind::Store)?;
                p.input.insert("storeId".into(), Value::String(id));
            }
            "email" => {
                p.input.insert("email".into(), v);
            }
            "special_instructions" => {
                p.input.insert("customerNote".into(), v);
            }
            "admin_comments" => {
                p.input.insert("notes".into(), v);
            }
            "shipping_total" if v.is_null() => {}
            "shipping_total" => {
                p.input
                    .insert("deliveryTotal".into(), values::amount(&k, &v)?);
            }
            "currency" if v.is_null() => {}
            "currency" => p.currency = Some(v),
            "items" if v.is_null() => {}
            "items" => p.items = Some(items(&v)?),
            "order_status_id" if v.is_null() => {}
            "order_status_id" => {
                let status =
                    v.as_u64().and_then(status_of).ok_or_else(|| {
                        Refusal::param(
                            &k,
                            format!(
                            "must be 1 (draft), 2 (complete), 3 (canceled) or 4 (returned), not {}",
                            if v.is_number() { v.to_string() } else { json_type(&v).to_owned() }
                        ),
                        )
                    })?;
                p.status = Some(status);
            }
            _ if super::is_read_only(&ORDER, &k) => {}
            _ => return Err(super::unknown_field(&k, WRITABLE)),
        }
    }
    Ok(p)
}

/// Lines a body may carry at once.
const MAX_ITEMS: usize = 250;

/// A line of a body's `items`: the product's public ID, the quantity (0 on a create is
/// refused, on an update removes the line), and the item's name for errors (`items[2]`).
struct Item {
    product: String,
    quantity: u64,
    at: String,
}

/// `items`: `[{"product_id", "quantity"}]` (quantity 1 when omitted); fields of a line the
/// order only reads are ignored.
fn items(v: &Value) -> Result<Vec<Item>, Refusal> {
    let Value::Array(list) = v else {
        return Err(Refusal::param(
            "items",
            format!(
                "must be a list of {{product_id, quantity}}, not {}",
                json_type(v)
            ),
        ));
    };
    if list.len() > MAX_ITEMS {
        return Err(Refusal::param(
            "items",
            format!("holds {} lines; send at most {MAX_ITEMS}", list.len()),
        ));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let at = format!("items[{i}]");
        let Value::Object(item) = item else {
            return Err(Refusal::param(
                &at,
                "must be an object {product_id, quantity}",
            ));
        };
        let mut product = None;
        let mut quantity = 1;
        for (k, v) in item {
            match k.as_str() {
                "product_id" => {
                    product = Some(values::body_id(
                        &format!("{at}.product_id"),
                        v,
                        IdKind::Product,
                    )?)
                }
                "quantity" => {
                    quantity = v.as_u64().ok_or_else(|| {
                        Refusal::param(
                            &format!("{at}.quantity"),
                            format!("must be a whole number, not {v}"),
                        )
                    })?;
                }
                _ if super::is_read_only(&ITEM, k) => {}
                _ => {
                    return Err(Refusal::param(
                        &format!("{at}.{k}"),
                        "is not a field of an item (writable: product_id, quantity)",
                    ))
                }
            }
        }
        let product =
            product.ok_or_else(|| Refusal::param(&format!("{at}.product_id"), "is required"))?;
        out.push(Item {
            product,
            quantity,
            at,
        });
    }
    Ok(out)
}

/// The lines of `items` as GraphQL `{variantId, quantity}` inputs: each product's master
/// variant, read in one query. A product of no one (or of another store) is a 400 naming its
/// item.
async fn lines(
    state: &RestState,
    principal: Principal,
    items: Vec<Item>,
) -> Result<Vec<Value>, SparkPayError> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<&str> = items.iter().map(|i| i.product.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let data = run(
        &state.app,
        principal,
        "query SparkOrderProducts($ids: [ID!]!, $first: Int!) { products(first: $first, filter: \
         {id: {in: $ids}}) { nodes { id masterVariant { id } } } }",
        Map::from_iter([
            ("ids".to_owned(), json!(ids)),
            ("first".to_owned(), json!(ids.len())),
        ]),
        &[],
    )
    .await?;
    let masters: HashMap<&str, &Value> = data
        .pointer("/products/nodes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|n| Some((n.get("id")?.as_str()?, n.pointer("/masterVariant/id")?)))
        .collect();
    items
        .iter()
        .map(|i| match masters.get(i.product.as_str()) {
            Some(variant) => Ok(json!({"variantId": variant, "quantity": i.quantity})),
            None => Err(Refusal::param(
                &format!("{}.product_id", i.at),
                "names no product of this store",
            )
            .into()),
        })
        .collect()
}

fn names() -> Names {
    let mut n = Names::default();
    for (gql, rest) in [
        ("customerId", "customer_id"),
        ("storeId", "store_id"),
        ("email", "email"),
        ("customerNote", "special_instructions"),
        ("notes", "admin_comments"),
        ("deliveryTotal", "shipping_total"),
        ("currency", "currency"),
        ("lineItems", "items"),
        ("lineItems.quantity", "items[].quantity"),
        ("lineItems.variantId", "items[].product_id"),
        ("orderId", "id"),
    ] {
        n.fields.push((gql.into(), rest.into()));
        n.arguments.push((format!("input.{gql}"), rest.into()));
    }
    n.arguments.push(("orderId".into(), "id".into()));
    n.arguments
        .push(("idempotencyKey".into(), "Idempotency-Key".into()));
    n
}

const USER_ERRORS: &str = "userErrors { field code message kind }";

const CREATE: Write = Write {
    route: "sparkpay.orderCreate",
    resource: &ORDER,
    text: |sel| {
        format!(
            "mutation SparkOrderCreate($input: OrderCreateInput!, $key: String) {{ w: \
             orderCreate(input: $input, idempotencyKey: $key) {{ order {{ {sel}}} {USER_ERRORS} }} }}"
        )
    },
    pointer: "/order",
};

const UPDATE: Write = Write {
    route: "sparkpay.orderUpdate",
    resource: &ORDER,
    text: |sel| {
        format!(
            "mutation SparkOrderUpdate($orderId: ID!, $input: OrderUpdateInput!, $key: String) \
             {{ w: orderUpdate(orderId: $orderId, input: $input, idempotencyKey: $key) {{ order \
             {{ {sel}}} {USER_ERRORS} }} }}"
        )
    },
    pointer: "/order",
};

/// A status change: the mutation of each transition, by its name.
macro_rules! transition {
    ($name:ident, $route:literal, $field:literal) => {
        const $name: Write = Write {
            route: $route,
            resource: &ORDER,
            text: |sel| {
                format!(
                    concat!(
                        "mutation SparkOrderStatus($orderId: ID!, $key: String) {{ w: ",
                        $field,
                        "(orderId: $orderId, idempotencyKey: $key) {{ order {{ {sel}}} {errors} }} }}"
                    ),
                    sel = sel,
                    errors = USER_ERRORS
                )
            },
            pointer: "/order",
        };
    };
}
transition!(COMPLETE, "sparkpay.orderComplete", "orderComplete");
transition!(CANCEL, "sparkpay.orderCancel", "orderCancel");
transition!(RESUME, "sparkpay.orderResume", "orderResume");

/// Creates the draft of `p`.
async fn create(
    state: &RestState,
    principal: Principal,
    p: Parsed,
    headers: &HeaderMap,
) -> Result<Value, SparkPayError> {
    if let Some(status) = p.status.filter(|s| *s != "DRAFT") {
        return Err(Refusal::param(
            "order_status_id",
            format!(
                "must be 1 (draft) on a new order, not {}: create the order, then PUT its \
                 order_status_id",
                STATUSES
                    .iter()
                    .find(|(_, s)| *s == status)
                    .map_or(0, |(n, _)| *n)
            ),
        )
        .into());
    }
    let mut input = p.input;
    if let Some(currency) = p.currency {
        input.insert("currency".into(), currency);
    }
    if let Some(items) = p.items {
        if let Some(empty) = items.iter().find(|i| i.quantity == 0) {
            return Err(Refusal::param(
                &format!("{}.quantity", empty.at),
                "must be at least 1 on a new order",
            )
            .into());
        }
        let lines = lines(state, principal.clone(), items).await?;
        input.insert("lineItems".into(), Value::Array(lines));
    }
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(headers));
    super::write(state, principal, &CREATE, vars, &names()).await
}

/// Updates order `id` with `p`: its fields, or (alone) its status.
async fn update(
    state: &RestState,
    principal: Principal,
    id: String,
    p: Parsed,
    headers: &HeaderMap,
) -> Result<Value, SparkPayError> {
    let data = run(
        &state.app,
        principal.clone(),
        "query SparkOrderNow($id: ID!) { order(id: $id) { status currency customerId storeId \
         email customerNote notes deliveryTotal lineItems { quantity _variant: variant { \
         product { id } } } } }",
        Map::from_iter([("id".to_owned(), Value::String(id.clone()))]),
        &[("id".into(), "id".into())],
    )
    .await?;
    let Some(now) = data.get("order").filter(|o| o.is_object()) else {
        return Err(not_found(&ORDER).into());
    };
    let mut p = p;
    unchanged_dropped(&mut p, now);
    if let Some(currency) = &p.currency {
        if Some(currency) != now.get("currency") {
            return Err(Refusal::param(
                "currency",
                "cannot change: an order keeps the currency it was created in",
            )
            .into());
        }
    }
    let mut vars = Map::new();
    vars.insert("orderId".into(), Value::String(id));
    vars.insert("key".into(), body::idempotency_key(headers));
    let current = now.get("status").and_then(Value::as_str).unwrap_or("");
    let status = p.status.filter(|s| *s != current);
    if let Some(target) = status {
        if !p.input.is_empty() || p.items.is_some() {
            return Err(Refusal::param(
                "order_status_id",
                "changes in a request of its own: PUT the other fields first, then \
                 {\"order_status_id\": …} alone",
            )
            .into());
        }
        let w = match (current, target) {
            ("DRAFT", "COMPLETE") => &COMPLETE,
            ("CANCELED", "COMPLETE") => &RESUME,
            (_, "CANCELED") => &CANCEL,
            _ => {
                let mut r = Refusal::new(
                    Kind::Conflict,
                    format!(
                        "order_status_id cannot go from {} to {}: drafts are placed (2), placed \
                         orders canceled (3) and canceled ones placed again (2)",
                        status_number(current),
                        status_number(target)
                    ),
                )
                .with_code("INVALID_TRANSITION");
                r.param = Some("order_status_id".into());
                return Err(r.into());
            }
        };
        return super::write(state, principal, w, vars, &names()).await;
    }
    let mut input = p.input;
    if let Some(items) = p.items {
        let lines = lines(state, principal.clone(), items).await?;
        input.insert("lineItems".into(), Value::Array(lines));
    }
    vars.insert("input".into(), Value::Object(input));
    super::write(state, principal, &UPDATE, vars, &names()).await
}

/// Drops from `p` what it sends back as it is (`now`: the order's fields under their GraphQL
/// names): a client that PUTs a whole order it read, with one change, changes only that,
/// even on a placed order whose buyer and lines can no longer change.
fn unchanged_dropped(p: &mut Parsed, now: &Value) {
    p.input.retain(|k, v| match now.get(k) {
        Some(Value::String(cur)) if k == "deliveryTotal" => {
            let amount = |s: &str| s.trim().parse::<rust_decimal::Decimal>().ok();
            v.as_str().and_then(amount).is_none() || v.as_str().and_then(amount) != amount(cur)
        }
        Some(cur) => cur != v,
        None => true,
    });
    let lines = now.get("lineItems").and_then(Value::as_array);
    let mut current: Option<Vec<(&str, u64)>> = lines.map(|l| {
        l.iter()
            .filter_map(|line| {
                let product = line.pointer("/_variant/product/id")?.as_str()?;
                Some((product, line.get("quantity")?.as_u64()?))
            })
            .collect()
    });
    if current.as_ref().map(Vec::len) != lines.map(Vec::len) {
        // A line whose product the caller cannot read: compared as changed.
        current = None;
    }
    if let (Some(mut current), Some(items)) = (current, p.items.as_ref()) {
        let mut sent: Vec<(&str, u64)> = items
            .iter()
            .map(|i| (i.product.as_str(), i.quantity))
            .collect();
        sent.sort_unstable();
        current.sort_unstable();
        if sent == current {
            p.items = None;
        }
    }
}

fn status_number(status: &str) -> u64 {
    STATUSES
        .iter()
        .find(|(_, s)| *s == status)
        .map_or(0, |(n, _)| *n)
}

/// `GET /orders.json`.
pub async fn list_orders(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, SparkPayError> {
    super::list(&state, principal, &headers, &uri, &LIST).await
}

/// `GET /orders/{id}.json`.
pub async fn show_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SparkPayError> {
    let id = values::path_id(&raw, IdKind::Order)?;
    super::show(&state, principal, query.as_deref(), "order", &ORDER, &id).await
}

/// `POST /orders.json`: 201 with the new draft; with the `id` of an existing order, 200 with
/// it updated.
pub async fn create_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    bytes: Bytes,
) -> Result<Response, SparkPayError> {
    super::no_query(query.as_deref())?;
    let mut object = values::object(&headers, &bytes)?;
    let id = object.remove("id");
    if let Some(id) = super::existing(&state, principal.clone(), id, IdKind::Order, "order").await?
    {
        let row = update(&state, principal, id, parse(object)?, &headers).await?;
        return Ok(Json(row).into_response());
    }
    let row = create(&state, principal, parse(object)?, &headers).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `PUT /orders/{id}.json`: the order with the fields sent changed, or its status.
pub async fn update_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    bytes: Bytes,
) -> Result<Json<Value>, SparkPayError> {
    super::no_query(query.as_deref())?;
    let id = values::path_id(&raw, IdKind::Order)?;
    let parsed = parse(values::object(&headers, &bytes)?)?;
    Ok(Json(update(&state, principal, id, parsed, &headers).await?))
}

/// `DELETE /orders/{id}.json`: 204 for a draft; a placed order is 409 (cancel it instead).
pub async fn delete_order(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<StatusCode, SparkPayError> {
    super::no_query(query.as_deref())?;
    let id = values::path_id(&raw, IdKind::Order)?;
    let mut vars = Map::new();
    vars.insert("orderId".into(), Value::String(id));
    vars.insert("key".into(), body::idempotency_key(&headers));
    super::delete(
        &state,
        principal,
        "mutation SparkOrderDelete($orderId: ID!, $key: String) { d: orderDelete(orderId: \
         $orderId, idempotencyKey: $key) { deletedId userErrors { field code message kind } } }",
        vars,
        ("/d/deletedId", "/d/userErrors"),
        &ORDER,
    )
    .await
}

fn list_params() -> Vec<Value> {
    super::query::openapi(&ROOT)
}

fn one_params() -> Vec<Value> {
    super::query::openapi_one(&ORDER)
}

fn order_body() -> Value {
    json!({"type": "object", "properties": {
        "id": {"type": "integer", "description": "POST only: the order to update, if it exists."},
        "customer_id": {"type": ["integer", "null"]},
        "store_id": {"type": ["integer", "null"]},
        "email": {"type": ["string", "null"]},
        "currency": {"type": "string", "description": "ISO 4217; omitted, the shop's default currency. Cannot change."},
        "special_instructions": {"type": ["string", "null"]},
        "admin_comments": {"type": ["string", "null"]},
        "shipping_total": {"type": ["number", "string"]},
        "items": {"type": "array", "description": "The draft's lines: each product's master variant, priced from the price book.",
            "items": {"type": "object", "required": ["product_id"], "properties": {
                "product_id": {"type": "integer"}, "quantity": {"type": "integer", "minimum": 0, "default": 1, "description": "At least 1 on a new order; on a PUT, 0 removes the product's line."}}}},
        "order_status_id": {"type": "integer", "enum": [1, 2, 3, 4],
            "description": "1 draft, 2 complete, 3 canceled, 4 returned. A new order is a draft; a PUT of order_status_id alone changes the status."}}})
}

/// The order routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v1/orders.json",
        operation_id: "sparkPayListOrders",
        summary: "List orders (also served at /api/v1/orders)",
        scope: "read_orders",
        query: Query::Documented(list_params),
        body: Body::None,
        answer: Answer::Wrapped {
            key: "orders",
            resource: &ORDER,
        },
        handler: || get(list_orders),
    },
    Route {
        method: Method::POST,
        path: "/api/v1/orders.json",
        operation_id: "sparkPayCreateOrder",
        summary: "Create a draft order with its items (201), or update the one the body's `id` names (200)",
        scope: "orders",
        query: Query::None,
        body: Body::Schema(order_body),
        answer: Answer::Created(&ORDER),
        handler: || post(create_order),
    },
    Route {
        method: Method::GET,
        path: "/api/v1/orders/{id}",
        operation_id: "sparkPayShowOrder",
        summary: "Show an order",
        scope: "read_orders",
        query: Query::Documented(one_params),
        body: Body::None,
        answer: Answer::One(&ORDER),
        handler: || get(show_order),
    },
    Route {
        method: Method::PUT,
        path: "/api/v1/orders/{id}",
        operation_id: "sparkPayUpdateOrder",
        summary: "Update the fields sent of an order, or (alone) its order_status_id",
        scope: "orders",
        query: Query::None,
        body: Body::Schema(order_body),
        answer: Answer::One(&ORDER),
        handler: || put(update_order),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v1/orders/{id}",
        operation_id: "sparkPayDeleteOrder",
        summary: "Delete a draft order (a placed one is canceled instead: 409)",
        scope: "orders",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_order),
    },
];
