//! `/api/v1/products`: Spark Pay's product over GraphQL's `Product`. `item_number` is the
//! master variant's SKU, `price` its base price in the shop's default currency and `retail`
//! that price's compare-at ("was") amount; `long_description_1` is the description.
//! `product_status_id` is the product's status: 1 active, 2 draft, 3 archived. Categories,
//! manufacturers, costs, weights and inventory are outside our domain: null in answers, and a
//! `primary_category_id` (or another of those fields) sent in a body is accepted and ignored.
//! Expands `variant_inventory` (our variants, each with its SKU and price).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::Json;
use serde_json::{json, Map, Value};

use super::values::{self, int_id, integer, integer_or_null, number_or_null};
use super::{Caller, List, Names, SparkPayError, Write};
use crate::auth::Principal;
use crate::ids::Kind as IdKind;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, json_type};
use crate::rest::translate::filter::{FilterAttr, FilterKind};
use crate::rest::translate::operation::{run, ListRoot};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::SortAttr;
use crate::rest::{Refusal, RestState};

/// Our product statuses by Spark Pay's `product_status_id`.
const STATUSES: [(u64, &str); 3] = [(1, "active"), (2, "draft"), (3, "archived")];

fn status_id(row: &Map<String, Value>) -> Value {
    row.get("_status")
        .and_then(Value::as_str)
        .and_then(|s| STATUSES.iter().find(|(_, name)| *name == s))
        .map_or(Value::Null, |(id, _)| Value::from(*id))
}

fn status_of(id: u64) -> Option<&'static str> {
    STATUSES.iter().find(|(n, _)| *n == id).map(|(_, s)| *s)
}

/// `row[source][key]` (null when either is missing).
fn nested(row: &Map<String, Value>, source: &str, key: &str) -> Value {
    row.get(source)
        .and_then(|v| v.get(key))
        .cloned()
        .unwrap_or(Value::Null)
}

fn nested_money(row: &Map<String, Value>, source: &str, key: &str) -> Value {
    values::money(row.get(source).and_then(|v| v.get(key)))
}

/// One of a product's variants (`expand=variant_inventory`).
pub static VARIANT: Resource = Resource {
    graphql_type: "Variant",
    fields: &[
        typed(
            "id",
            &["_id"],
            |r| int_id(r, "_id", IdKind::Variant),
            integer,
        ),
        value("item_number", "sku"),
        value("description", "optionsText"),
        typed(
            "price",
            &["_price"],
            |r| nested_money(r, "_price", "amount"),
            number_or_null,
        ),
        typed(
            "retail",
            &["_price"],
            |r| nested_money(r, "_price", "compareAtAmount"),
            number_or_null,
        ),
        value("sort_order", "position"),
        value("is_master", "isMaster"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("_id", "id"),
        value("_price", "price { amount compareAtAmount }"),
    ],
    expands: &[],
};

/// Spark Pay's product.
pub static PRODUCT: Resource = Resource {
    graphql_type: "Product",
    fields: &[
        typed(
            "id",
            &["_id"],
            |r| int_id(r, "_id", IdKind::Product),
            integer,
        ),
        computed("item_number", &["_master"], |r| nested(r, "_master", "sku")),
        fixed("manufacturer_id", null),
        fixed("primary_category_id", null),
        typed(
            "product_status_id",
            &["_status"],
            status_id,
            integer_or_null,
        ),
        value("item_name", "name"),
        fixed("short_description", null),
        value("long_description_1", "description"),
        fixed("weight", null),
        fixed("cost", null),
        typed(
            "price",
            &["_price"],
            |r| nested_money(r, "_price", "amount"),
            number_or_null,
        ),
        typed(
            "retail",
            &["_price"],
            |r| nested_money(r, "_price", "compareAtAmount"),
            number_or_null,
        ),
        fixed("quantity_on_hand", null),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("_id", "id"),
        value("_master", "masterVariant { id sku }"),
        value("_status", "status"),
        value("_price", "price { amount compareAtAmount }"),
    ],
    expands: &[
        Expand {
            name: "variant_inventory",
            field: "variants",
            shape: Shape::Many,
            resource: &VARIANT,
        },
        absent_many("categories"),
        absent_many("pictures"),
    ],
};

fn product_ref(v: &str) -> Option<String> {
    values::filter_id(v, IdKind::Product)
}

fn status_filter(v: &str) -> Option<String> {
    status_of(v.trim().parse().ok()?).map(str::to_owned)
}

static ROOT: ListRoot = ListRoot {
    field: "products",
    filter_type: "ProductFilter",
    sort_type: "ProductSort",
    search: false,
    filters: &[
        FilterAttr {
            attr: "id",
            field: "id",
            kind: FilterKind::Enum(product_ref),
        },
        FilterAttr {
            attr: "item_name",
            field: "name",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "product_status_id",
            field: "status",
            kind: FilterKind::Enum(status_filter),
        },
        FilterAttr {
            attr: "price",
            field: "price",
            kind: FilterKind::Decimal,
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
            key: "item_name",
            field: "NAME",
        },
        SortAttr {
            key: "price",
            field: "PRICE",
        },
        SortAttr {
            key: "created_at",
            field: "CREATED_AT",
        },
        SortAttr {
            key: "updated_at",
            field: "UPDATED_AT",
        },
    ],
    resource: &PRODUCT,
};

pub(super) static LIST: List = List {
    key: "products",
    root: &ROOT,
};

/// The fields a product write takes.
const WRITABLE: &[&str] = &[
    "item_name",
    "item_number",
    "product_status_id",
    "long_description_1",
    "price",
    "retail",
    "primary_category_id",
];

/// The body's fields, checked: the product's own input, and the master variant's (`sku`,
/// `prices`, `compareAtPrice`) when any is sent.
struct Parsed {
    product: Map<String, Value>,
    master: Map<String, Value>,
}

fn parse(object: Map<String, Value>) -> Result<Parsed, Refusal> {
    let mut p = Parsed {
        product: Map::new(),
        master: Map::new(),
    };
    for (k, v) in object {
        match k.as_str() {
            "item_name" => {
                p.product.insert("name".into(), v);
            }
            "long_description_1" => {
                p.product.insert("description".into(), v);
            }
            "product_status_id" => {
                let status = v.as_u64().and_then(status_of).ok_or_else(|| {
                    Refusal::param(
                        &k,
                        format!(
                            "must be 1 (active), 2 (draft) or 3 (archived), not {}",
                            if v.is_number() {
                                v.to_string()
                            } else {
                                json_type(&v).to_owned()
                            }
                        ),
                    )
                })?;
                p.product.insert("status".into(), json!(status));
            }
            "item_number" => {
                p.master.insert("sku".into(), v);
            }
            "price" if v.is_null() => {}
            "price" => {
                p.master.insert(
                    "prices".into(),
                    json!([{"amount": values::amount(&k, &v)?}]),
                );
            }
            "retail" if v.is_null() => {}
            "retail" => {
                p.master
                    .insert("compareAtPrice".into(), values::amount(&k, &v)?);
            }
            // Categories are outside our domain: the ID is checked and ignored.
            "primary_category_id" if v.is_null() => {}
            "primary_category_id" => {
                values::whole(&k, &v)?;
            }
            _ if super::is_read_only(&PRODUCT, &k) => {}
            _ => return Err(super::unknown_field(&k, WRITABLE)),
        }
    }
    Ok(p)
}

/// How failures name the body's fields: the create's and the update's argument paths, and
/// the input fields.
fn names() -> Names {
    let mut n = Names::default();
    for (gql, rest) in [
        ("name", "item_name"),
        ("description", "long_description_1"),
        ("status", "product_status_id"),
        ("sku", "item_number"),
        ("compareAtPrice", "retail"),
        ("amount", "price"),
    ] {
        n.fields.push((gql.into(), rest.into()));
    }
    for (arg, rest) in [
        ("input.name", "item_name"),
        ("input.description", "long_description_1"),
        ("input.status", "product_status_id"),
        ("input.sku", "item_number"),
        ("input.variants.0.sku", "item_number"),
        ("input.variants.0.prices", "price"),
        ("input.variants.0.compareAtPrice", "retail"),
        ("id", "id"),
        ("idempotencyKey", "Idempotency-Key"),
    ] {
        n.arguments.push((arg.into(), rest.into()));
    }
    n
}

const USER_ERRORS: &str = "userErrors { field code message kind }";

const CREATE: Write = Write {
    route: "sparkpay.productCreate",
    resource: &PRODUCT,
    text: |sel| {
        format!(
            "mutation SparkProductCreate($input: ProductCreateInput!, $key: String) {{ w: \
             productCreate(input: $input, idempotencyKey: $key) {{ product {{ {sel}}} \
             {USER_ERRORS} }} }}"
        )
    },
    pointer: "/product",
};

const UPDATE: Write = Write {
    route: "sparkpay.productUpdate",
    resource: &PRODUCT,
    text: |sel| {
        format!(
            "mutation SparkProductUpdate($id: ID!, $input: ProductUpdateInput!, $key: String) \
             {{ w: productUpdate(id: $id, input: $input, idempotencyKey: $key) {{ product \
             {{ {sel}}} {USER_ERRORS} }} }}"
        )
    },
    pointer: "/product",
};

/// Creates the product of `p`: with a price, its master variant is given with the SKU and
/// the price; without, the SKU alone.
async fn create(
    state: &RestState,
    principal: Principal,
    p: Parsed,
    headers: &HeaderMap,
) -> Result<Value, SparkPayError> {
    let Parsed {
        mut product,
        mut master,
    } = p;
    if master.contains_key("prices") || master.contains_key("compareAtPrice") {
        product.insert("variants".into(), json!([master]));
    } else if let Some(sku) = master.remove("sku") {
        product.insert("sku".into(), sku);
    }
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Object(product));
    vars.insert("key".into(), body::idempotency_key(headers));
    super::write(state, principal, &CREATE, vars, &names()).await
}

/// Updates product `id` with `p`; the master variant's fields go to the master variant
/// (its ID read first).
async fn update(
    state: &RestState,
    principal: Principal,
    id: String,
    p: Parsed,
    headers: &HeaderMap,
) -> Result<Value, SparkPayError> {
    let Parsed {
        mut product,
        mut master,
    } = p;
    if !master.is_empty() {
        let data = run(
            &state.app,
            principal.clone(),
            "query SparkProductMaster($id: ID!) { product(id: $id) { masterVariant { id } } }",
            Map::from_iter([("id".to_owned(), Value::String(id.clone()))]),
            &[("id".into(), "id".into())],
        )
        .await?;
        let master_id = data
            .pointer("/product/masterVariant/id")
            .cloned()
            .ok_or_else(|| crate::rest::translate::operation::not_found(&PRODUCT))?;
        master.insert("id".into(), master_id);
        product.insert("variants".into(), json!([master]));
    }
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("input".into(), Value::Object(product));
    vars.insert("key".into(), body::idempotency_key(headers));
    super::write(state, principal, &UPDATE, vars, &names()).await
}

/// `GET /products.json`.
pub async fn list_products(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, SparkPayError> {
    super::list(&state, principal, &headers, &uri, &LIST).await
}

/// `GET /products/{id}.json`.
pub async fn show_product(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SparkPayError> {
    let id = values::path_id(&raw, IdKind::Product)?;
    super::show(
        &state,
        principal,
        query.as_deref(),
        "product",
        &PRODUCT,
        &id,
    )
    .await
}

/// `POST /products.json`: 201 with the new product; with the `id` of an existing product, 200
/// with it updated.
pub async fn create_product(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    bytes: Bytes,
) -> Result<Response, SparkPayError> {
    super::no_query(query.as_deref())?;
    let mut object = values::object(&headers, &bytes)?;
    let id = object.remove("id");
    if let Some(id) =
        super::existing(&state, principal.clone(), id, IdKind::Product, "product").await?
    {
        let row = update(&state, principal, id, parse(object)?, &headers).await?;
        return Ok(Json(row).into_response());
    }
    body::required(&object, &["item_name"])?;
    let row = create(&state, principal, parse(object)?, &headers).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `PUT /products/{id}.json`: the product with the fields sent changed.
pub async fn update_product(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    bytes: Bytes,
) -> Result<Json<Value>, SparkPayError> {
    super::no_query(query.as_deref())?;
    let id = values::path_id(&raw, IdKind::Product)?;
    let parsed = parse(values::object(&headers, &bytes)?)?;
    Ok(Json(update(&state, principal, id, parsed, &headers).await?))
}

/// `DELETE /products/{id}.json`: 204 (a product orders sold is retired, and keeps showing on
/// them).
pub async fn delete_product(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(raw): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<StatusCode, SparkPayError> {
    super::no_query(query.as_deref())?;
    let id = values::path_id(&raw, IdKind::Product)?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("key".into(), body::idempotency_key(&headers));
    super::delete(
        &state,
        principal,
        "mutation SparkProductDelete($id: ID!, $key: String) { d: productDelete(id: $id, \
         idempotencyKey: $key) { deletedId userErrors { field code message kind } } }",
        vars,
        ("/d/deletedId", "/d/userErrors"),
        &PRODUCT,
    )
    .await
}

fn list_params() -> Vec<Value> {
    super::query::openapi(&ROOT)
}

fn one_params() -> Vec<Value> {
    super::query::openapi_one(&PRODUCT)
}

fn product_body() -> Value {
    let amount = json!({"type": ["number", "string", "null"], "description": "An amount in the shop's default currency."});
    json!({"type": "object", "properties": {
        "id": {"type": "integer", "description": "POST only: the product to update, if it exists."},
        "item_name": {"type": "string"},
        "item_number": {"type": "string", "description": "The master variant's SKU."},
        "product_status_id": {"type": "integer", "enum": [1, 2, 3], "description": "1 active, 2 draft, 3 archived."},
        "long_description_1": {"type": ["string", "null"]},
        "price": amount.clone(),
        "retail": {"type": ["number", "string", "null"], "description": "The price's compare-at (\"was\") amount, at least the price."},
        "primary_category_id": {"type": ["integer", "null"], "description": "Accepted and ignored: categories are outside our domain."}}})
}

/// The product routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v1/products.json",
        operation_id: "sparkPayListProducts",
        summary: "List products (also served at /api/v1/products)",
        scope: "read_catalog",
        query: Query::Documented(list_params),
        body: Body::None,
        answer: Answer::Wrapped {
            key: "products",
            resource: &PRODUCT,
        },
        handler: || get(list_products),
    },
    Route {
        method: Method::POST,
        path: "/api/v1/products.json",
        operation_id: "sparkPayCreateProduct",
        summary: "Create a product with its SKU and price (201), or update the one the body's `id` names (200)",
        scope: "catalog",
        query: Query::None,
        body: Body::Schema(product_body),
        answer: Answer::Created(&PRODUCT),
        handler: || post(create_product),
    },
    Route {
        method: Method::GET,
        path: "/api/v1/products/{id}",
        operation_id: "sparkPayShowProduct",
        summary: "Show a product",
        scope: "read_catalog",
        query: Query::Documented(one_params),
        body: Body::None,
        answer: Answer::One(&PRODUCT),
        handler: || get(show_product),
    },
    Route {
        method: Method::PUT,
        path: "/api/v1/products/{id}",
        operation_id: "sparkPayUpdateProduct",
        summary: "Update the fields sent of a product (SKU and price on its master variant)",
        scope: "catalog",
        query: Query::None,
        body: Body::Schema(product_body),
        answer: Answer::One(&PRODUCT),
        handler: || put(update_product),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v1/products/{id}",
        operation_id: "sparkPayDeleteProduct",
        summary: "Delete a product (retired instead when orders sold it)",
        scope: "catalog",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_product),
    },
];
