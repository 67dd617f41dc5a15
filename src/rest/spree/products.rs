//! `/api/v3/admin/products`: Spree's `Product` over GraphQL's `Product`.
//!
//! A product's `price` is its master variant's base price in the shop's default currency
//! (`Product.price`); `variants` (with their `prices`), `prices` (every price of its variants,
//! as Spree's `Product#prices`) and `channels` expand. A create or update may carry variants
//! with their prices, written in one transaction; an update's variants with an `id` are
//! changed, the others added. `product_publications` (channels, each with a publication
//! window) publishes a new product, and on an update is the product's whole set, reconciled
//! in the same transaction. Media, option types, categories, SEO
//! fields and inventory are outside our domain: answered as Spree's empty values and ignored
//! in bodies.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::channels::CHANNEL;
use super::prices::PRICE;
use super::variants::{nested_user_errors, price_json, variant_input, PRICE_FIELD, VARIANT};
use super::{Caller, SpreeError};
use crate::auth::Principal;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, json_type, InputField};
use crate::rest::translate::filter::{FilterAttr, FilterKind};
use crate::rest::translate::operation::{run, ListRoot, Mutation};
use crate::rest::translate::params::Params;
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::SortAttr;
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

fn yes() -> Value {
    Value::Bool(true)
}

fn variants_of(row: &Map<String, Value>) -> &[Value] {
    row.get("_variants")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn is_active(row: &Map<String, Value>) -> bool {
    row.get("status").and_then(Value::as_str) == Some("active")
}

/// Spree's `Product`.
pub static PRODUCT: Resource = Resource {
    graphql_type: "Product",
    fields: &[
        value("id", "id"),
        value("name", "name"),
        value("slug", "slug"),
        fixed("meta_title", null),
        fixed("meta_description", null),
        fixed("meta_keywords", null),
        // Spree counts the variants besides the master.
        computed("variant_count", &["_variants"], |r| {
            let n = variants_of(r)
                .iter()
                .filter(|v| v.get("isMaster") != Some(&Value::Bool(true)))
                .count();
            Value::from(n)
        }),
        fixed("available_on", null),
        computed("purchasable", &["status", "_price"], |r| {
            Value::Bool(is_active(r) && r.get("_price").is_some_and(Value::is_object))
        }),
        fixed("in_stock", no),
        fixed("backorderable", yes),
        computed("available", &["status"], |r| Value::Bool(is_active(r))),
        value("description", "description"),
        computed("description_html", &["description"], |r| {
            r.get("description").cloned().unwrap_or(Value::Null)
        }),
        computed("default_variant_id", &["_variants"], |r| {
            variants_of(r)
                .iter()
                .find(|v| v.get("isMaster") == Some(&Value::Bool(true)))
                .and_then(|v| v.get("id"))
                .cloned()
                .unwrap_or(Value::Null)
        }),
        fixed("thumbnail_url", null),
        value("tags", "tags"),
        computed("price", &["_price"], |r| match r.get("_price") {
            Some(p) if p.is_object() => price_json(Some(p)),
            _ => Value::Null,
        }),
        fixed("original_price", null),
        value("status", "status"),
        fixed("metadata", empty_object),
        fixed("deleted_at", null),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        fixed("tax_category_id", null),
        value("_variants", "variants { id isMaster }"),
        value("_price", PRICE_FIELD),
    ],
    expands: &[
        Expand {
            name: "variants",
            field: "variants",
            shape: Shape::Many,
            resource: &VARIANT,
        },
        Expand {
            name: "channels",
            field: "channels",
            shape: Shape::Many,
            resource: &CHANNEL,
        },
        // Spree's `Product#prices`: the prices of all its variants, the master's included.
        Expand {
            name: "prices",
            field: "prices",
            shape: Shape::Many,
            resource: &PRICE,
        },
        Expand {
            name: "default_variant",
            field: "masterVariant",
            shape: Shape::One,
            resource: &VARIANT,
        },
        absent_many("option_types"),
        absent_many("option_values"),
        absent_many("media"),
        absent_one("primary_media"),
        absent_many("categories"),
        absent_many("taxons"),
        absent_many("custom_fields"),
        absent_one("prior_price"),
    ],
};

static ROOT: ListRoot = ListRoot {
    field: "products",
    filter_type: "ProductFilter",
    sort_type: "ProductSort",
    search: true,
    filters: &[
        FilterAttr {
            attr: "id",
            field: "id",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "name",
            field: "name",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "slug",
            field: "slug",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "status",
            field: "status",
            kind: FilterKind::Text,
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
            key: "name",
            field: "NAME",
        },
        SortAttr {
            key: "price",
            field: "PRICE",
        },
        // Ascending is best sellers first, as Spree's `best_selling`.
        SortAttr {
            key: "best_selling",
            field: "BEST_SELLING",
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

/// Body fields of a product write; `variants` is translated by [`product_input`].
const INPUT: &[InputField] = &[
    InputField {
        rest: "name",
        gql: "name",
    },
    InputField {
        rest: "slug",
        gql: "slug",
    },
    InputField {
        rest: "description",
        gql: "description",
    },
    InputField {
        rest: "status",
        gql: "status",
    },
    InputField {
        rest: "tags",
        gql: "tags",
    },
    InputField {
        rest: "variants",
        gql: "variants",
    },
];

/// Body fields outside our domain (accepted and ignored) and those a product only reads.
const IGNORED: &[&str] = &[
    "tax_category_id",
    "category_ids",
    "meta_title",
    "meta_description",
    "meta_keywords",
    "available_on",
    "id",
    "variant_count",
    "purchasable",
    "in_stock",
    "backorderable",
    "available",
    "description_html",
    "default_variant_id",
    "thumbnail_url",
    "price",
    "original_price",
    "metadata",
    "deleted_at",
    "created_at",
    "updated_at",
];

/// Spree's `product_publications` (`[{channel_id, published_at, unpublished_at}]`) as the
/// GraphQL `publications`: on a create, where the new product is published; on an update, the
/// product's whole set of publications (`[]`, or null, unpublishes it everywhere).
fn publications(v: &Value) -> Result<Value, Refusal> {
    let list = match v {
        Value::Null => return Ok(json!([])),
        Value::Array(l) => l,
        other => {
            return Err(Refusal::param(
                "product_publications",
                format!("must be a list of {{channel_id}}, not {}", json_type(other)),
            ))
        }
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let at = format!("product_publications[{i}]");
        let Value::Object(p) = p else {
            return Err(Refusal::param(&at, "must be an object {channel_id}"));
        };
        let mut one = Map::new();
        for (k, v) in p {
            let gql = match k.as_str() {
                "channel_id" => "channelId",
                "published_at" => "publishedAt",
                "unpublished_at" => "unpublishedAt",
                // What a publication read back carries besides (ignored when sent back).
                "id" | "product_id" | "created_at" | "updated_at" => continue,
                _ => {
                    return Err(Refusal::param(
                        &format!("{at}.{k}"),
                        "is not a field of a publication (channel_id, published_at, \
                         unpublished_at)",
                    ))
                }
            };
            match v {
                Value::String(_) => {
                    one.insert(gql.to_owned(), v.clone());
                }
                Value::Null if gql != "channelId" => {}
                other => {
                    return Err(Refusal::param(
                        &format!("{at}.{k}"),
                        format!(
                            "must be {}, not {}",
                            if gql == "channelId" {
                                "a channel ID"
                            } else {
                                "an ISO 8601 time or null"
                            },
                            json_type(other)
                        ),
                    ))
                }
            }
        }
        if !one.contains_key("channelId") {
            return Err(Refusal::param(&format!("{at}.channel_id"), "is required"));
        }
        out.push(Value::Object(one));
    }
    Ok(Value::Array(out))
}

/// The body as the GraphQL product input; an update's variants may carry their `id`.
fn product_input(
    object: Map<String, Value>,
    updating: bool,
) -> Result<Map<String, Value>, Refusal> {
    let mut input = Map::new();
    for (k, v) in object {
        match k.as_str() {
            "variants" if v.is_null() => {}
            "variants" => {
                let Value::Array(list) = &v else {
                    return Err(Refusal::param(
                        "variants",
                        format!("must be a list of variants, not {}", json_type(&v)),
                    ));
                };
                let mut out = Vec::with_capacity(list.len());
                for (j, item) in list.iter().enumerate() {
                    let at = format!("variants[{j}]");
                    let obj = item
                        .as_object()
                        .ok_or_else(|| Refusal::param(&at, "must be an object"))?;
                    let one = variant_input(obj, &at, updating)?;
                    out.push(Value::Object(one));
                }
                input.insert("variants".into(), Value::Array(out));
            }
            "product_publications" => {
                input.insert("publications".into(), publications(&v)?);
            }
            k if IGNORED.contains(&k) => {}
            k => match INPUT.iter().find(|f| f.rest == k) {
                Some(f) => {
                    input.insert(f.gql.to_owned(), v);
                }
                None => {
                    return Err(Refusal::param(
                        k,
                        format!(
                            "is not a field this route writes (fields: {})",
                            INPUT.iter().map(|f| f.rest).collect::<Vec<_>>().join(", ")
                        ),
                    ))
                }
            },
        }
    }
    Ok(input)
}

/// `GET /products` (`q[name_cont]`, `q[status_eq]`, `sort=price`, `-best_selling`…).
pub async fn list_products(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, SpreeError> {
    super::page(&state, principal, query.as_deref(), &ROOT).await
}

/// `GET /products/{id}` (`expand=variants,variants.prices,prices,channels`).
pub async fn show_product(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    super::one(
        &state,
        principal,
        query.as_deref(),
        "product",
        &PRODUCT,
        &id,
    )
    .await
}

const CREATE: Mutation = Mutation {
    route: "productCreate",
    resource: &PRODUCT,
    text: |sel| {
        format!(
            "mutation RestProductCreate($input: ProductCreateInput!, $key: String) {{ w: \
             productCreate(input: $input, idempotencyKey: $key) {{ product {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

const UPDATE: Mutation = Mutation {
    route: "productUpdate",
    resource: &PRODUCT,
    text: |sel| {
        format!(
            "mutation RestProductUpdate($id: ID!, $input: ProductUpdateInput!, $key: String) \
             {{ w: productUpdate(id: $id, input: $input, idempotencyKey: $key) {{ product \
             {{ {sel}}} userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

fn product_not_found() -> Refusal {
    Refusal::not_found("Product not found").with_code("NOT_FOUND")
}

/// Runs a product write and answers its product; NOT_FOUND on the product itself is 404.
async fn write(
    state: &RestState,
    principal: Principal,
    m: &Mutation,
    vars: Map<String, Value>,
) -> Result<Value, SpreeError> {
    let names = [
        ("id".into(), "id".into()),
        ("idempotencyKey".into(), "Idempotency-Key".into()),
    ];
    let built = state
        .translator
        .operation(m.route, m.resource, &Params::default(), m.text)?;
    let data = run(&state.app, principal, &built.text, vars, &names).await?;
    let payload = data.get("w").cloned().unwrap_or(Value::Null);
    let errors = payload.get("userErrors").cloned().unwrap_or(Value::Null);
    if let Some(first) = errors.as_array().and_then(|l| l.first()) {
        if first.get("code") == Some(&json!("NOT_FOUND"))
            && first.get("field") == Some(&json!(["id"]))
        {
            return Err(product_not_found().into());
        }
    }
    if let Some(r) = nested_user_errors(&publications_named(errors)) {
        return Err(r.into());
    }
    match payload.get("product") {
        Some(Value::Object(row)) => Ok(built.plan.reshape(row)),
        _ => Err(product_not_found().into()),
    }
}

/// userErrors with the publications named as the body named them:
/// `["input", "publications", "2", "unpublishedAt"]` → `product_publications[2].unpublished_at`.
fn publications_named(mut errors: Value) -> Value {
    for e in errors.as_array_mut().into_iter().flatten() {
        let renamed = match e.get("field").and_then(Value::as_array).map(Vec::as_slice) {
            Some([input, list, i, rest @ ..]) if input == "input" && list == "publications" => {
                let i = i.as_str().map_or_else(|| i.to_string(), str::to_owned);
                let field = match rest.first().and_then(Value::as_str) {
                    Some("publishedAt") => "published_at",
                    Some("unpublishedAt") => "unpublished_at",
                    _ => "channel_id",
                };
                Some(json!([
                    "input",
                    format!("product_publications[{i}]"),
                    field
                ]))
            }
            Some([input, list]) if input == "input" && list == "publications" => {
                Some(json!(["input", "product_publications"]))
            }
            _ => None,
        };
        if let Some(field) = renamed {
            e["field"] = field;
        }
    }
    errors
}

/// `POST /products`: 201 with the product, its variants and their prices written together.
pub async fn create_product(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    body::required(&object, &["name"])?;
    let input = product_input(object, false)?;
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let row = write(&state, principal, &CREATE, vars).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `PATCH /products/{id}`: given fields change (`tags` replace the product's tags); listed
/// variants are changed (with `id`) or added, with their prices.
pub async fn update_product(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    let input = product_input(object, true)?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    Ok(Json(write(&state, principal, &UPDATE, vars).await?))
}

/// `DELETE /products/{id}`: 204; a product orders use is 422 (archive it instead).
pub async fn delete_product(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestProductDelete($id: ID!, $key: String) { d: productDelete(id: $id, \
                idempotencyKey: $key) { deletedId userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[("id".into(), "id".into())],
    )
    .await?;
    super::deleted(&data, "/d/deletedId", "/d/userErrors", &PRODUCT)
}

fn product_body() -> Value {
    let price = json!({"type": "object", "required": ["currency", "amount"], "properties": {
        "currency": {"type": "string"}, "amount": {"type": "number"},
        "compare_at_amount": {"type": "number"}}});
    let variant = json!({"type": "object", "properties": {
        "id": {"type": "string", "description": "On update: the variant to change"},
        "sku": {"type": "string"},
        "options": {"type": "array", "items": {"type": "object", "required": ["name", "value"],
            "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}},
        "price": {"type": "number", "description": "Base price in the store's default currency"},
        "compare_at_price": {"type": "number", "description": "Compare-at amount of the price in the store's default currency"},
        "position": {"type": "integer"},
        "prices": {"type": "array", "items": price}}});
    json!({"type": "object", "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "slug": {"type": "string"},
        "status": {"type": "string", "enum": ["draft", "active", "archived"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "variants": {"type": "array", "items": variant}}})
}

fn publications_body(description: &str) -> Value {
    let time = json!({"type": ["string", "null"], "format": "date-time"});
    json!({"type": "array", "description": description,
        "items": {"type": "object", "required": ["channel_id"], "properties": {
            "channel_id": {"type": "string"}, "published_at": time, "unpublished_at": time}}})
}

fn product_create_body() -> Value {
    let mut body = product_body();
    body["properties"]["product_publications"] = publications_body(
        "Channels the new product is published on, each within a window (published_at null: \
         now; unpublished_at null: never); requires write_settings",
    );
    body
}

fn product_update_body() -> Value {
    let mut body = product_body();
    body["properties"]["product_publications"] = publications_body(
        "The product's whole set of publications: channels listed are published with their \
         window (null published_at keeps an earlier start), others unpublished; requires \
         write_settings",
    );
    body
}

/// The product routes (the bulk ones are in [`super::products_bulk`]).
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/products",
        operation_id: "listProducts",
        summary: "List products (sort by name, price, best_selling…)",
        scope: "read_products",
        query: Query::List(&ROOT),
        body: Body::None,
        answer: Answer::Page(&PRODUCT),
        handler: || get(list_products),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/products",
        operation_id: "createProduct",
        summary: "Create a product with its variants, their prices and its channel publications, in one transaction",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(product_create_body),
        answer: Answer::Created(&PRODUCT),
        handler: || post(create_product),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/products/{id}",
        operation_id: "showProduct",
        summary: "Show a product (expand: variants, variants.prices, prices, channels)",
        scope: "read_products",
        query: Query::One(&PRODUCT),
        body: Body::None,
        answer: Answer::One(&PRODUCT),
        handler: || get(show_product),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/products/{id}",
        operation_id: "updateProduct",
        summary: "Update a product, its variants (by id; new ones added), their prices and its publications",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(product_update_body),
        answer: Answer::One(&PRODUCT),
        handler: || patch(update_product),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/products/{id}",
        operation_id: "deleteProduct",
        summary: "Delete a product (refused while orders use it)",
        scope: "write_products",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_product),
    },
];
