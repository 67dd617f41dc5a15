//! `/api/v3/admin/products/{product_id}/variants` and `/api/v3/admin/variants` (Spree's
//! top-level search across products, read only): Spree's `Variant` (and the `Price` it embeds)
//! over GraphQL's `Variant` and `Price`.
//!
//! A variant's scalar `price` is its base price in the shop's default currency
//! (`Variant.price`); a write's scalar `price` / `compare_at_price` become a base price without
//! a currency, which the domain writes in that currency; `compare_at_price` without `price`
//! is the compare-at amount of the price in that currency among `prices`. Inventory,
//! dimensions, option types and media are outside our domain: they are answered as Spree's
//! empty values (`expand=stock_items,media,…` embeds nothing) and ignored in request bodies.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::prices::PRICE;
use super::{Caller, SpreeError};
use crate::auth::Principal;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, json_type, InputField};
use crate::rest::translate::filter::{self, FilterAttr, FilterKind};
use crate::rest::translate::money::{display_field, minor_units_field};
use crate::rest::translate::operation::{run, ListRoot, Mutation};
use crate::rest::translate::page::envelope;
use crate::rest::translate::params::{Accepts, Params};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::{self, SortAttr};
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

/// The GraphQL selection of the `price` field of a variant or product, as [`price_json`]
/// reads it.
pub const PRICE_FIELD: &str = "price { id amount compare_at_amount: compareAtAmount currency \
     price_list_id: priceListId variant_id: variantId created_at: createdAt updated_at: updatedAt }";

/// Spree's `Price` of a price selected with [`PRICE_FIELD`]; without one, Spree's empty price
/// (no amount).
pub fn price_json(v: Option<&Value>) -> Value {
    let Some(p) = v.filter(|p| p.is_object()) else {
        return json!({
            "id": null, "amount": null, "amount_in_cents": 0, "compare_at_amount": null,
            "compare_at_amount_in_cents": null, "currency": null, "display_amount": null,
            "display_compare_at_amount": null, "price_list_id": null, "variant_id": null,
            "created_at": null, "updated_at": null,
        });
    };
    let Value::Object(row) = p else {
        return Value::Null;
    };
    json!({
        "id": p.get("id"),
        "amount": p.get("amount"),
        "amount_in_cents": minor_units_field(row, "amount", "currency"),
        "compare_at_amount": p.get("compare_at_amount"),
        "compare_at_amount_in_cents": minor_units_field(row, "compare_at_amount", "currency"),
        "currency": p.get("currency"),
        "display_amount": display_field(row, "amount", "currency"),
        "display_compare_at_amount": display_field(row, "compare_at_amount", "currency"),
        "price_list_id": p.get("price_list_id"),
        "variant_id": p.get("variant_id"),
        "created_at": p.get("created_at"),
        "updated_at": p.get("updated_at"),
    })
}

fn yes() -> Value {
    Value::Bool(true)
}

/// Spree's `Variant`.
pub static VARIANT: Resource = Resource {
    graphql_type: "Variant",
    fields: &[
        value("id", "id"),
        id_of("product_id", "product { id }"),
        value("sku", "sku"),
        value("options_text", "optionsText"),
        fixed("track_inventory", no),
        fixed("media_count", zero),
        fixed("thumbnail_url", null),
        computed("purchasable", &["_price"], |r| {
            Value::Bool(r.get("_price").is_some_and(Value::is_object))
        }),
        fixed("in_stock", no),
        fixed("backorderable", yes),
        fixed("weight", null),
        fixed("height", null),
        fixed("width", null),
        fixed("depth", null),
        computed("price", &["_price"], |r| price_json(r.get("_price"))),
        fixed("original_price", null),
        fixed("option_values", empty_list),
        fixed("metadata", empty_object),
        value("position", "position"),
        fixed("cost_price", null),
        fixed("cost_currency", null),
        fixed("barcode", null),
        fixed("weight_unit", null),
        fixed("dimensions_unit", null),
        fixed("deleted_at", null),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        fixed("tax_category_id", null),
        fixed("available_stock", null),
        fixed("reserved_quantity", zero),
        fixed("total_on_hand", null),
        computed("product_name", &["_product"], |r| {
            r.get("_product")
                .and_then(|p| p.get("name"))
                .cloned()
                .unwrap_or(Value::Null)
        }),
        value("_price", PRICE_FIELD),
        value("_product", "product { name }"),
    ],
    expands: &[
        Expand {
            name: "prices",
            field: "prices",
            shape: Shape::Many,
            resource: &PRICE,
        },
        absent_many("stock_items"),
        absent_many("option_values"),
        absent_many("media"),
        absent_many("images"),
        absent_many("custom_fields"),
        absent_one("primary_media"),
        absent_one("prior_price"),
    ],
};

/// Spree's variant predicates (`q[sku_cont]`, `q[product_id_eq]`, `q[is_master_eq]`…).
const FILTERS: &[FilterAttr] = &[
    FilterAttr {
        attr: "id",
        field: "id",
        kind: FilterKind::Id,
    },
    FilterAttr {
        attr: "sku",
        field: "sku",
        kind: FilterKind::Text,
    },
    FilterAttr {
        attr: "is_master",
        field: "isMaster",
        kind: FilterKind::Bool,
    },
    FilterAttr {
        attr: "position",
        field: "position",
        kind: FilterKind::Int,
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
    // Last, so a product's own list leaves it out (see `NESTED_FILTERS`).
    FilterAttr {
        attr: "product_id",
        field: "productId",
        kind: FilterKind::Id,
    },
];

/// The filters of a product's variants: the product is the route's.
const NESTED_FILTERS: &[FilterAttr] = FILTERS.split_at(FILTERS.len() - 1).0;

const SORTS: &[SortAttr] = &[
    SortAttr {
        key: "position",
        field: "POSITION",
    },
    SortAttr {
        key: "sku",
        field: "SKU",
    },
    SortAttr {
        key: "created_at",
        field: "CREATED_AT",
    },
    SortAttr {
        key: "updated_at",
        field: "UPDATED_AT",
    },
];

/// `GET /variants`: every variant of the caller, by SKU unless sorted; `q[search]` matches SKU
/// and options.
static ROOT: ListRoot = ListRoot {
    field: "variants",
    filter_type: "VariantFilter",
    sort_type: "VariantSort",
    search: true,
    filters: FILTERS,
    sorts: SORTS,
    resource: &VARIANT,
};

/// The variants of a product, for the OpenAPI document (the handler adds the product, and
/// sorts by position unless told otherwise).
static NESTED_ROOT: ListRoot = ListRoot {
    field: "variants",
    filter_type: "VariantFilter",
    sort_type: "VariantSort",
    search: true,
    filters: NESTED_FILTERS,
    sorts: SORTS,
    resource: &VARIANT,
};

/// Body fields of a variant write; `options`, `price`, `compare_at_price` and `prices` are
/// translated by [`variant_input`].
pub const INPUT: &[InputField] = &[
    InputField {
        rest: "sku",
        gql: "sku",
    },
    InputField {
        rest: "position",
        gql: "position",
    },
    InputField {
        rest: "options",
        gql: "optionsText",
    },
    InputField {
        rest: "prices",
        gql: "prices",
    },
    InputField {
        rest: "price",
        gql: "prices",
    },
    InputField {
        rest: "compare_at_price",
        gql: "prices",
    },
];

/// Body fields outside our domain (inventory, dimensions, tax, costs, barcodes): accepted and
/// ignored, so Spree clients that send them keep working; and the fields a variant only reads.
pub const IGNORED: &[&str] = &[
    "stock_items",
    "total_on_hand",
    "track_inventory",
    "tax_category_id",
    "cost_price",
    "cost_currency",
    "barcode",
    "weight",
    "height",
    "width",
    "depth",
    "weight_unit",
    "dimensions_unit",
    "id",
    "product_id",
    "options_text",
    "created_at",
    "updated_at",
];

/// Spree's `options` (`[{name, value}]`) as our options text (`size: Small, color: navy`).
fn options_text(v: &Value, at: &str) -> Result<String, Refusal> {
    let Value::Array(list) = v else {
        return Err(Refusal::param(
            at,
            format!("must be a list of {{name, value}}, not {}", json_type(v)),
        ));
    };
    let mut parts = Vec::with_capacity(list.len());
    for (i, o) in list.iter().enumerate() {
        let name = o.get("name").and_then(Value::as_str);
        let value = o.get("value").and_then(Value::as_str);
        match (name, value) {
            (Some(n), Some(v)) if o.as_object().is_some_and(|m| m.len() == 2) => {
                parts.push(format!("{}: {}", n.trim(), v.trim()));
            }
            _ => {
                return Err(Refusal::param(
                    &format!("{at}[{i}]"),
                    "must be an object {name, value} of two strings",
                ))
            }
        }
    }
    Ok(parts.join(", "))
}

/// A JSON number or decimal string (Spree sends `29.99` or `"29.99"`), as GraphQL's Decimal.
fn decimal(v: &Value, at: &str) -> Result<Value, Refusal> {
    match v {
        Value::Number(n) => Ok(Value::String(n.to_string())),
        Value::String(s) if s.trim().parse::<Decimal>().is_ok() => {
            Ok(Value::String(s.trim().to_owned()))
        }
        other => Err(Refusal::param(
            at,
            format!("must be a decimal number, not {}", json_type(other)),
        )),
    }
}

/// Spree's `prices` (`[{currency, amount, compare_at_amount}]`) as `VariantPriceInput`s.
fn prices(v: &Value, at: &str) -> Result<Vec<Value>, Refusal> {
    let Value::Array(list) = v else {
        return Err(Refusal::param(
            at,
            format!("must be a list of prices, not {}", json_type(v)),
        ));
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let here = format!("{at}[{i}]");
        let Some(obj) = p.as_object() else {
            return Err(Refusal::param(
                &here,
                "must be an object {currency, amount}",
            ));
        };
        let mut price = Map::new();
        for (k, v) in obj {
            match k.as_str() {
                "currency" => {
                    let c = v.as_str().ok_or_else(|| {
                        Refusal::param(&format!("{here}.currency"), "must be a string")
                    })?;
                    price.insert("currency".into(), Value::String(c.trim().to_uppercase()));
                }
                "amount" => {
                    price.insert("amount".into(), decimal(v, &format!("{here}.amount"))?);
                }
                "compare_at_amount" if v.is_null() => {}
                "compare_at_amount" => {
                    price.insert(
                        "compareAtAmount".into(),
                        decimal(v, &format!("{here}.compare_at_amount"))?,
                    );
                }
                other => {
                    return Err(Refusal::param(
                        &format!("{here}.{other}"),
                        "is not a field of a price (currency, amount, compare_at_amount)",
                    ))
                }
            }
        }
        for required in ["currency", "amount"] {
            if !price.contains_key(required) {
                return Err(Refusal::param(&format!("{here}.{required}"), "is required"));
            }
        }
        out.push(Value::Object(price));
    }
    Ok(out)
}

/// A variant body (at `at`: `""` for a variant route, `variants[0]` nested in a product) as
/// the GraphQL variant input. `allow_id` lets a product update address its variants.
pub fn variant_input(
    object: &Map<String, Value>,
    at: &str,
    allow_id: bool,
) -> Result<Map<String, Value>, Refusal> {
    let name = |k: &str| {
        if at.is_empty() {
            k.to_owned()
        } else {
            format!("{at}.{k}")
        }
    };
    let mut input = Map::new();
    let mut price_list: Vec<Value> = Vec::new();
    let mut scalar = Map::new();
    for (k, v) in object {
        match k.as_str() {
            "id" if allow_id => {
                let id = v
                    .as_str()
                    .ok_or_else(|| Refusal::param(&name("id"), "must be a variant ID"))?;
                input.insert("id".into(), Value::String(id.to_owned()));
            }
            "sku" => {
                input.insert("sku".into(), v.clone());
            }
            "position" => {
                input.insert("position".into(), v.clone());
            }
            "options" => {
                input.insert(
                    "optionsText".into(),
                    Value::String(options_text(v, &name("options"))?),
                );
            }
            "prices" if v.is_null() => {}
            "prices" => price_list.extend(prices(v, &name("prices"))?),
            "price" if v.is_null() => {}
            "price" => {
                scalar.insert("amount".into(), decimal(v, &name("price"))?);
            }
            "compare_at_price" if v.is_null() => {}
            "compare_at_price" => {
                scalar.insert(
                    "compareAtAmount".into(),
                    decimal(v, &name("compare_at_price"))?,
                );
            }
            k if IGNORED.contains(&k) => {}
            other => {
                return Err(Refusal::param(
                    &name(other),
                    format!(
                        "is not a field this route writes (fields: {})",
                        INPUT.iter().map(|f| f.rest).collect::<Vec<_>>().join(", ")
                    ),
                ))
            }
        }
    }
    match scalar.remove("compareAtAmount") {
        // Spree applies it to the price in the store's default currency among `prices`: the
        // domain finds that one (and refuses when there is none).
        Some(c) if !scalar.contains_key("amount") => {
            input.insert("compareAtPrice".into(), c);
        }
        Some(c) => {
            scalar.insert("compareAtAmount".into(), c);
        }
        None => {}
    }
    if !scalar.is_empty() {
        // The scalar price has no currency: the shop's default one.
        price_list.insert(0, Value::Object(scalar));
    }
    if !price_list.is_empty() {
        input.insert("prices".into(), Value::Array(price_list));
    }
    Ok(input)
}

/// A mutation's `userErrors` as Spree's 422, each field named by its whole path below the
/// input (`variants.0.prices.1.amount`), snake_cased.
pub fn nested_user_errors(errors: &Value) -> Option<Refusal> {
    let list = errors.as_array().filter(|l| !l.is_empty())?;
    let renamed: Vec<Value> = list
        .iter()
        .map(|e| {
            let mut e = e.clone();
            let path: Vec<String> = e
                .get("field")
                .and_then(Value::as_array)
                .map(|p| {
                    p.iter()
                        .filter_map(Value::as_str)
                        .map(crate::rest::translate::operation::snake)
                        .collect()
                })
                .unwrap_or_default();
            // Below the input argument (`input`), or the argument itself (`id`, `productId`).
            let named = match path.as_slice() {
                [first, rest @ ..] if first == "input" && !rest.is_empty() => rest.join("."),
                [only] if only == "input" => "base".to_owned(),
                other => other.join("."),
            };
            e["field"] = json!(["input", named]);
            e
        })
        .collect();
    body::user_errors(&Value::Array(renamed), &[])
}

/// `GET /products/{product_id}/variants`: the product's variants by position, paged; 404 for
/// a product that is not the caller's.
pub async fn list_variants(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(product_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::List)?;
    let offset = params.offset()?;
    let (filter, mut names) = filter::filter(NESTED_FILTERS, &params.conditions)?;
    let mut filter = match filter {
        Some(Value::Object(f)) => f,
        _ => Map::new(),
    };
    filter.insert("productId".into(), json!({ "eq": product_id }));
    let sort = sort::sort(SORTS, &params.sort)?
        .unwrap_or_else(|| json!([{"field": "POSITION", "direction": "ASC"}]));
    let built = state
        .translator
        .operation("productVariants", &VARIANT, &params, |sel| {
            format!(
                "query RestVariants($product: ID!, $first: Int!, $offset: Int!, \
                 $filter: VariantFilter, $sort: [VariantSort!], $search: String) \
                 {{ owner: product(id: $product) {{ id }} list: variants(first: $first, \
                 offset: $offset, filter: $filter, sort: $sort, search: $search) \
                 {{ totalCount nodes {{ {sel}}} }} }}"
            )
        })?;
    let mut vars = Map::new();
    vars.insert("product".into(), Value::String(product_id));
    vars.insert("first".into(), Value::from(params.limit()));
    vars.insert("offset".into(), Value::from(offset));
    vars.insert("filter".into(), Value::Object(filter));
    vars.insert("sort".into(), sort);
    vars.insert("search".into(), params.search.clone().into());
    names.extend([
        ("product".into(), "product_id".into()),
        ("id".into(), "product_id".into()),
        ("filter.productId".into(), "product_id".into()),
        ("search".into(), "q[search]".into()),
        ("sort".into(), "sort".into()),
    ]);
    let data = run(&state.app, principal, &built.text, vars, &names).await?;
    if !data.get("owner").is_some_and(Value::is_object) {
        return Err(Refusal::not_found("Product not found")
            .with_code("NOT_FOUND")
            .into());
    }
    let list = data.get("list").unwrap_or(&Value::Null);
    let count = list.get("totalCount").and_then(Value::as_u64).unwrap_or(0);
    let rows = match built
        .plan
        .reshape_list(list.get("nodes").unwrap_or(&Value::Null))
    {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    };
    Ok(Json(envelope(rows, params.page(), params.limit(), count)))
}

/// `GET /variants` (`q[sku_cont]`, `q[product_id_eq]`, `q[search]`, `sort=sku`…): the
/// caller's variants across products.
pub async fn list_all_variants(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, SpreeError> {
    super::page(&state, principal, query.as_deref(), &ROOT).await
}

/// `GET /variants/{id}`.
pub async fn show_any_variant(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    super::one(
        &state,
        principal,
        query.as_deref(),
        "variant",
        &VARIANT,
        &id,
    )
    .await
}

/// 404 in Spree's words for a variant.
fn variant_not_found() -> Refusal {
    Refusal::not_found("Variant not found").with_code("NOT_FOUND")
}

/// `GET /products/{product_id}/variants/{id}`; 404 when the variant is not that product's.
pub async fn show_variant(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((product_id, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::One)?;
    let built = state
        .translator
        .operation("productVariant", &VARIANT, &params, |sel| {
            format!(
                "query RestVariant($id: ID!) {{ one: variant(id: $id) {{ {sel}_owner: product {{ id }} }} }}"
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
    .await
    .map_err(|e| SpreeError::from(e).not_found_as("variant_not_found"))?;
    match data.get("one") {
        Some(Value::Object(row))
            if row.get("_owner").and_then(|o| o.get("id")) == Some(&json!(product_id)) =>
        {
            Ok(Json(built.plan.reshape(row)))
        }
        _ => Err(SpreeError::from(variant_not_found()).not_found_as("variant_not_found")),
    }
}

const CREATE: Mutation = Mutation {
    route: "variantCreate",
    resource: &VARIANT,
    text: |sel| {
        format!(
            "mutation RestVariantCreate($product: ID!, $input: VariantCreateInput!, $key: String) \
             {{ w: variantCreate(productId: $product, input: $input, idempotencyKey: $key) \
             {{ variant {{ {sel}}} userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

const UPDATE: Mutation = Mutation {
    route: "variantUpdate",
    resource: &VARIANT,
    text: |sel| {
        format!(
            "mutation RestVariantUpdate($id: ID!, $product: ID!, $input: VariantUpdateInput!, \
             $key: String) {{ w: variantUpdate(id: $id, productId: $product, input: $input, \
             idempotencyKey: $key) {{ variant {{ {sel}}} userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

/// Runs a variant write and answers its variant; a NOT_FOUND on the product or variant is 404.
async fn write(
    state: &RestState,
    principal: Principal,
    m: &Mutation,
    vars: Map<String, Value>,
) -> Result<Value, SpreeError> {
    let names = [
        ("product".into(), "product_id".into()),
        ("productId".into(), "product_id".into()),
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
        let top = first
            .get("field")
            .and_then(Value::as_array)
            .is_some_and(|p| p.len() == 1);
        if first.get("code") == Some(&json!("NOT_FOUND")) && top {
            return Err(match first.pointer("/field/0").and_then(Value::as_str) {
                Some("productId") => Refusal::not_found("Product not found").with_code("NOT_FOUND"),
                _ => variant_not_found(),
            }
            .into());
        }
    }
    if let Some(r) = nested_user_errors(&errors) {
        return Err(r.into());
    }
    match payload.get("variant") {
        Some(Value::Object(row)) => Ok(built.plan.reshape(row)),
        _ => Err(variant_not_found().into()),
    }
}

/// `POST /products/{product_id}/variants`: 201 with the variant (and its prices).
pub async fn create_variant(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(product_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    let input = variant_input(&object, "", false)?;
    let mut vars = Map::new();
    vars.insert("product".into(), Value::String(product_id));
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let row = write(&state, principal, &CREATE, vars).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `PATCH /products/{product_id}/variants/{id}`: prices are upserted by currency.
pub async fn update_variant(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((product_id, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    let input = variant_input(&object, "", false)?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("product".into(), Value::String(product_id));
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    Ok(Json(write(&state, principal, &UPDATE, vars).await?))
}

/// `DELETE /products/{product_id}/variants/{id}`: 204; the master, or a variant orders use,
/// is 422.
pub async fn delete_variant(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((product_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestVariantDelete($id: ID!, $product: ID!, $key: String) { d: \
                variantDelete(id: $id, productId: $product, idempotencyKey: $key) { deletedId \
                userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("product".into(), Value::String(product_id));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[
            ("id".into(), "id".into()),
            ("product".into(), "product_id".into()),
        ],
    )
    .await?;
    super::deleted(&data, "/d/deletedId", "/d/userErrors", &VARIANT)
}

fn variant_body() -> Value {
    let price = json!({"type": "object", "required": ["currency", "amount"], "properties": {
        "currency": {"type": "string"}, "amount": {"type": "number"},
        "compare_at_amount": {"type": "number"}}});
    json!({"type": "object", "properties": {
        "sku": {"type": "string"},
        "price": {"type": "number", "description": "Base price in the store's default currency"},
        "compare_at_price": {"type": "number"},
        "position": {"type": "integer"},
        "options": {"type": "array", "items": {"type": "object", "required": ["name", "value"],
            "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}},
        "prices": {"type": "array", "items": price}}})
}

/// The variant routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/products/{product_id}/variants",
        operation_id: "listProductVariants",
        summary: "List a product's variants (the master included), by position unless sorted",
        scope: "read_products",
        query: Query::List(&NESTED_ROOT),
        body: Body::None,
        answer: Answer::Page(&VARIANT),
        handler: || get(list_variants),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/products/{product_id}/variants",
        operation_id: "createProductVariant",
        summary: "Create a variant with its prices (`price`: in the store's default currency)",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(variant_body),
        answer: Answer::Created(&VARIANT),
        handler: || post(create_variant),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/products/{product_id}/variants/{id}",
        operation_id: "showProductVariant",
        summary: "Show a variant",
        scope: "read_products",
        query: Query::One(&VARIANT),
        body: Body::None,
        answer: Answer::One(&VARIANT),
        handler: || get(show_variant),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/products/{product_id}/variants/{id}",
        operation_id: "updateProductVariant",
        summary: "Update a variant (prices upserted by currency)",
        scope: "write_products",
        query: Query::None,
        body: Body::Schema(variant_body),
        answer: Answer::One(&VARIANT),
        handler: || patch(update_variant),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/products/{product_id}/variants/{id}",
        operation_id: "deleteProductVariant",
        summary: "Delete a variant (not the master, nor one orders use)",
        scope: "write_products",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_variant),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/variants",
        operation_id: "listVariants",
        summary: "List variants across products (by SKU unless sorted; q[search]: SKU and options)",
        scope: "read_products",
        query: Query::List(&ROOT),
        body: Body::None,
        answer: Answer::Page(&VARIANT),
        handler: || get(list_all_variants),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/variants/{id}",
        operation_id: "showVariant",
        summary: "Show a variant",
        scope: "read_products",
        query: Query::One(&VARIANT),
        body: Body::None,
        answer: Answer::One(&VARIANT),
        handler: || get(show_any_variant),
    },
];
