//! `/api/v3/admin/prices`: Spree's `Price` over GraphQL's `Price`, base prices and price-list
//! prices alike. Every write goes through `pricesUpsert` / `pricesDelete` (the bulk engine:
//! one lookup and one write statement whatever the number of prices); the bulk routes are in
//! [`super::prices_bulk`].

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::variants::VARIANT;
use super::{Caller, SpreeError};
use crate::rest::error::Kind;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, InputField};
use crate::rest::translate::filter::{FilterAttr, FilterKind};
use crate::rest::translate::money::{display_field, minor_units_field};
use crate::rest::translate::operation::{not_found, run, snake, ListRoot, Mutation};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::SortAttr;
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

/// Spree's `Price`.
pub static PRICE: Resource = Resource {
    graphql_type: "Price",
    fields: &[
        value("id", "id"),
        value("amount", "amount"),
        computed("amount_in_cents", &["amount", "currency"], |r| {
            minor_units_field(r, "amount", "currency")
        }),
        value("compare_at_amount", "compareAtAmount"),
        computed(
            "compare_at_amount_in_cents",
            &["compare_at_amount", "currency"],
            |r| minor_units_field(r, "compare_at_amount", "currency"),
        ),
        value("currency", "currency"),
        computed("display_amount", &["amount", "currency"], |r| {
            display_field(r, "amount", "currency")
        }),
        computed(
            "display_compare_at_amount",
            &["compare_at_amount", "currency"],
            |r| display_field(r, "compare_at_amount", "currency"),
        ),
        value("price_list_id", "priceListId"),
        value("variant_id", "variantId"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
    ],
    expands: &[Expand {
        name: "variant",
        field: "variant",
        shape: Shape::One,
        resource: &VARIANT,
    }],
};

static ROOT: ListRoot = ListRoot {
    field: "prices",
    filter_type: "PriceFilter",
    sort_type: "PriceSort",
    search: false,
    filters: &[
        FilterAttr {
            attr: "id",
            field: "id",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "variant_id",
            field: "variantId",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "price_list_id",
            field: "priceListId",
            kind: FilterKind::Id,
        },
        FilterAttr {
            attr: "currency",
            field: "currency",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "amount",
            field: "amount",
            kind: FilterKind::Decimal,
        },
        FilterAttr {
            attr: "compare_at_amount",
            field: "compareAtAmount",
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
            key: "created_at",
            field: "CREATED_AT",
        },
        SortAttr {
            key: "amount",
            field: "AMOUNT",
        },
        SortAttr {
            key: "updated_at",
            field: "UPDATED_AT",
        },
        SortAttr {
            key: "variant_product_name",
            field: "VARIANT_PRODUCT_NAME",
        },
        SortAttr {
            key: "variant_id",
            field: "VARIANT_ID",
        },
    ],
    resource: &PRICE,
};

/// The fields of a price a body writes (one item of `pricesUpsert`'s input).
pub const INPUT: &[InputField] = &[
    InputField {
        rest: "id",
        gql: "id",
    },
    InputField {
        rest: "variant_id",
        gql: "variantId",
    },
    InputField {
        rest: "currency",
        gql: "currency",
    },
    InputField {
        rest: "price_list_id",
        gql: "priceListId",
    },
    InputField {
        rest: "amount",
        gql: "amount",
    },
    InputField {
        rest: "compare_at_amount",
        gql: "compareAtAmount",
    },
];

/// What a create or update writes (`id` comes from the path).
const ONE_INPUT: &[InputField] = INPUT.split_at(1).1;
const UPDATE_INPUT: &[InputField] = INPUT.split_at(4).1;

const CREATE_REQUIRED: &[&str] = &["variant_id", "currency"];

/// Fields a client may send back as it read them (ignored).
pub const READ_ONLY: &[&str] = &[
    "amount_in_cents",
    "compare_at_amount_in_cents",
    "display_amount",
    "display_compare_at_amount",
    "created_at",
    "updated_at",
    "variant",
];

const UPSERT_ONE: Mutation = Mutation {
    route: "pricesUpsert.one",
    resource: &PRICE,
    text: |sel| {
        format!(
            "mutation RestPriceWrite($input: [PriceInput!]!, $key: String, $ifExists: \
             IfPriceExists) {{ w: pricesUpsert(input: $input, idempotencyKey: $key, \
             ifExists: $ifExists) {{ created \
             results {{ price {{ {sel}}} }} userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

/// An amount may come as a JSON number (`29.99`) or a string (`"29.99"`): GraphQL's `Decimal`
/// takes the string; an empty string is no amount. Anything else is a 400 naming `field`.
pub fn money(input: &mut Map<String, Value>, gql: &str, field: &str) -> Result<(), Refusal> {
    let v = match input.get(gql) {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if s.trim().is_empty() => {
            input.insert(gql.into(), Value::Null);
            return Ok(());
        }
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(other) => {
            return Err(Refusal::param(
                field,
                format!("must be a decimal amount, not {}", body::json_type(other)),
            ))
        }
    };
    if v.parse::<rust_decimal::Decimal>().is_err() {
        return Err(Refusal::param(
            field,
            "must be a decimal amount such as 19.99",
        ));
    }
    input.insert(gql.into(), Value::String(v));
    Ok(())
}

/// `null` for an amount is no amount: the stored one stays (Spree's "no override" has no
/// price row of ours), so it is left out of the input.
fn drop_null_amount(input: &mut Map<String, Value>) {
    if input.get("amount").is_some_and(Value::is_null) {
        input.remove("amount");
    }
}

/// `pricesUpsert`'s userErrors as Spree's body: the item's field named as the body names it
/// (`prefix` + field: `prices[3].amount`, or `amount` for a one-price route). An unknown or
/// malformed `id` is a 404: of a one-price route, its price; of a bulk row (as the admin SDK
/// documents `bulk_upsert`), with the rows named in `details`.
pub fn upsert_refusal(errors: &Value, prefix: Option<&str>) -> Option<Refusal> {
    let list = errors.as_array().filter(|l| !l.is_empty())?;
    let mut refusal = Refusal::new(Kind::Validation, "");
    let mut messages = Vec::new();
    for e in list {
        let message = e
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("is invalid");
        let code = e.get("code").and_then(Value::as_str).unwrap_or("INVALID");
        let path: Vec<&str> = e
            .get("field")
            .and_then(Value::as_array)
            .map(|p| p.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let (index, name) = match path.as_slice() {
            [_, i, f, ..] => (Some(*i), snake(f)),
            _ => (None, "prices".to_owned()),
        };
        let unknown_id = name == "id" && matches!(code, "NOT_FOUND" | "INVALID");
        let field = match (prefix, index) {
            (Some(p), Some(i)) => format!("{p}[{i}].{name}"),
            _ => name,
        };
        if prefix.is_none() && unknown_id {
            return Some(Refusal::not_found("Price not found").with_code("NOT_FOUND"));
        }
        if unknown_id {
            refusal.kind = Kind::NotFound;
        }
        if refusal.code.is_none() {
            refusal.code = Some(code.to_owned());
            if code == "IDEMPOTENCY_KEY_REUSED" {
                refusal.kind = Kind::Conflict;
            }
        }
        messages.push(format!("{field} {message}"));
        refusal
            .details
            .entry(field)
            .or_default()
            .push(message.to_owned());
    }
    refusal.message = messages.join("; ");
    Some(refusal)
}

/// Writes one price through `pricesUpsert` (`if_exists`: `REFUSE` for a create, so an
/// existing price of the same key is TAKEN rather than updated): the price written.
async fn write_one(
    state: &RestState,
    principal: crate::auth::Principal,
    item: Map<String, Value>,
    names: body::Names,
    headers: &HeaderMap,
    if_exists: &str,
) -> Result<Value, SpreeError> {
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Array(vec![Value::Object(item)]));
    vars.insert("key".into(), body::idempotency_key(headers));
    vars.insert("ifExists".into(), Value::String(if_exists.to_owned()));
    let names = body::under("input.0", names);
    let built = state.translator.operation(
        UPSERT_ONE.route,
        UPSERT_ONE.resource,
        &Default::default(),
        UPSERT_ONE.text,
    )?;
    let data = run(&state.app, principal, &built.text, vars, &names).await?;
    let payload = data.get("w").unwrap_or(&Value::Null);
    if let Some(r) = payload
        .get("userErrors")
        .and_then(|e| upsert_refusal(e, None))
    {
        return Err(r.into());
    }
    match payload.pointer("/results/0/price") {
        Some(Value::Object(row)) => Ok(built.plan.reshape(row)),
        _ => Err(not_found(&PRICE).into()),
    }
}

/// `sort=variant_product_name,variant_id` (either direction, the same for both, the comma
/// raw or `%2C`) is the one key `variant_product_name`, which already orders a product's
/// prices by variant; every other query string is left as it is.
fn fold_sort(query: &str) -> std::borrow::Cow<'_, str> {
    let parts: Vec<&str> = query.split('&').collect();
    let folded: Vec<String> = parts
        .iter()
        .map(|p| match p.strip_prefix("sort=") {
            Some(v) => {
                let keys: Vec<&str> = v
                    .split(',')
                    .flat_map(|k| k.split("%2C"))
                    .flat_map(|k| k.split("%2c"))
                    .collect();
                match keys.as_slice() {
                    ["variant_product_name", "variant_id"] => {
                        "sort=variant_product_name".to_owned()
                    }
                    ["-variant_product_name", "-variant_id"] => {
                        "sort=-variant_product_name".to_owned()
                    }
                    _ => (*p).to_owned(),
                }
            }
            None => (*p).to_owned(),
        })
        .collect();
    if folded.iter().zip(&parts).all(|(a, b)| a == b) {
        std::borrow::Cow::Borrowed(query)
    } else {
        std::borrow::Cow::Owned(folded.join("&"))
    }
}

/// `GET /prices`.
pub async fn list_prices(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, SpreeError> {
    let query = query.as_deref().map(fold_sort);
    super::page(&state, principal, query.as_deref(), &ROOT).await
}

/// `GET /prices/{id}`.
pub async fn show_price(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    super::one(&state, principal, query.as_deref(), "price", &PRICE, &id).await
}

/// `POST /prices`: 201 with the new price. A price that already exists for the variant,
/// currency and list is a 422 naming `currency` (update it with `PATCH /prices/{id}`, or write
/// it with `bulk_upsert`); a null `amount` (Spree's placeholder price) is a 422 naming
/// `amount`: a price without an amount is not kept (a price list's products are its
/// `product_ids`).
pub async fn create_price(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    body::required(&object, CREATE_REQUIRED)?;
    let (mut input, names) = body::input(object, ONE_INPUT, READ_ONLY)?;
    money(&mut input, "amount", "amount")?;
    money(&mut input, "compareAtAmount", "compare_at_amount")?;
    drop_null_amount(&mut input);
    let price = write_one(&state, principal, input, names, &headers, "REFUSE").await?;
    Ok((StatusCode::CREATED, Json(price)).into_response())
}

/// `PATCH /prices/{id}`: `amount` and `compare_at_amount`, each optional.
pub async fn update_price(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    let read_only: Vec<&str> = READ_ONLY
        .iter()
        .copied()
        .chain(["id", "variant_id", "currency", "price_list_id"])
        .collect();
    let (mut input, names) = body::input(object, UPDATE_INPUT, &read_only)?;
    money(&mut input, "amount", "amount")?;
    money(&mut input, "compareAtAmount", "compare_at_amount")?;
    drop_null_amount(&mut input);
    input.insert("id".into(), Value::String(id));
    let price = write_one(&state, principal, input, names, &headers, "UPDATE").await?;
    Ok(Json(price))
}

/// `DELETE /prices/{id}`: 204; an unknown (or malformed) ID is 404.
pub async fn delete_price(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestPriceDelete($ids: [ID!]!, $key: String) { d: pricesDelete(ids: $ids, \
                idempotencyKey: $key) { deletedIds userErrors { field code message } } }";
    let mut vars = Map::new();
    vars.insert("ids".into(), json!([id]));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let data = run(
        &state.app,
        principal,
        text,
        vars,
        &[("ids".into(), "id".into())],
    )
    .await?;
    let deleted = data
        .pointer("/d/deletedIds")
        .and_then(Value::as_array)
        .is_some_and(|l| !l.is_empty());
    if deleted {
        return Ok(StatusCode::NO_CONTENT);
    }
    let errors = data
        .pointer("/d/userErrors")
        .cloned()
        .unwrap_or(Value::Null);
    let unknown = errors.as_array().is_none_or(|l| {
        l.iter().all(|e| {
            matches!(
                e.get("code").and_then(Value::as_str),
                Some("NOT_FOUND" | "INVALID")
            )
        })
    });
    if unknown {
        return Err(not_found(&PRICE).into());
    }
    Err(body::user_errors(&errors, &[])
        .unwrap_or_else(|| not_found(&PRICE))
        .into())
}

/// The price routes (the bulk ones are in [`super::prices_bulk`]).
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/prices",
        operation_id: "listPrices",
        summary: "List base and price-list prices",
        scope: "read_products",
        query: Query::List(&ROOT),
        body: Body::None,
        answer: Answer::Page(&PRICE),
        handler: || get(list_prices),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/prices",
        operation_id: "createPrice",
        summary: "Create a price (omit price_list_id for a base price); an existing one is updated",
        scope: "write_products",
        query: Query::None,
        body: Body::Input {
            graphql_type: "PriceInput",
            fields: ONE_INPUT,
            required: CREATE_REQUIRED,
        },
        answer: Answer::Created(&PRICE),
        handler: || post(create_price),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/prices/{id}",
        operation_id: "showPrice",
        summary: "Show a price",
        scope: "read_products",
        query: Query::One(&PRICE),
        body: Body::None,
        answer: Answer::One(&PRICE),
        handler: || get(show_price),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/prices/{id}",
        operation_id: "updatePrice",
        summary: "Update a price's amount or compare-at amount (each optional)",
        scope: "write_products",
        query: Query::None,
        body: Body::Input {
            graphql_type: "PriceInput",
            fields: UPDATE_INPUT,
            required: &[],
        },
        answer: Answer::One(&PRICE),
        handler: || patch(update_price),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/prices/{id}",
        operation_id: "deletePrice",
        summary: "Delete a price",
        scope: "write_products",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_price),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_item_errors() {
        let mut m: Map<String, Value> =
            serde_json::from_value(json!({"amount": 29.99, "compareAtAmount": " 35 "})).unwrap();
        money(&mut m, "amount", "amount").unwrap();
        money(&mut m, "compareAtAmount", "compare_at_amount").unwrap();
        assert_eq!(
            Value::Object(m),
            json!({"amount": "29.99", "compareAtAmount": "35"})
        );
        let mut bad: Map<String, Value> = serde_json::from_value(json!({"amount": "ten"})).unwrap();
        assert_eq!(
            money(&mut bad, "amount", "prices[0].amount")
                .unwrap_err()
                .param
                .as_deref(),
            Some("prices[0].amount")
        );
        let r = upsert_refusal(
            &json!([{"field": ["input", "3", "compareAtAmount"], "code": "OUT_OF_RANGE", "message": "must be at least amount"}]),
            Some("prices"),
        )
        .unwrap();
        assert_eq!(r.kind, Kind::Validation);
        assert!(r.details.contains_key("prices[3].compare_at_amount"));
        let r = upsert_refusal(
            &json!([{"field": ["input", "0", "id"], "code": "NOT_FOUND", "message": "no such price"}]),
            None,
        )
        .unwrap();
        assert_eq!(r.kind, Kind::NotFound);
    }

    #[test]
    fn the_spreadsheet_sort_is_one_key() {
        assert_eq!(
            fold_sort("limit=5&sort=variant_product_name,variant_id"),
            "limit=5&sort=variant_product_name"
        );
        assert_eq!(
            fold_sort("sort=-variant_product_name%2C-variant_id"),
            "sort=-variant_product_name"
        );
        assert_eq!(
            fold_sort("sort=variant_id,amount"),
            "sort=variant_id,amount"
        );
    }
}
