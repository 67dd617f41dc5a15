//! `/api/v3/admin/price_lists`: Spree's `PriceList` over GraphQL's `PriceList`, and its
//! `PriceRule`s over ours. Rules travel as Spree's STI shape (`type` + `preferences`, see
//! [`super::price_rules`]); a PATCH with `rules` reconciles them by id; `product_ids` on create
//! adds products, on update makes them the list's products; `prices` (`[{variant_id, currency,
//! amount, compare_at_amount}]`) are upserted by variant + currency in the same transaction
//! (on update `[]` removes the list's prices, as Spree's clears its overrides).
//! `GET /price_lists/price_rule_types` lists the rule types we support.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::price_rules::{self, PRICE_RULE};
use super::promotion_rules::decimal;
use super::{Caller, SpreeError};
use crate::auth::Scope;
use crate::rest::error::Kind;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, json_type, InputField};
use crate::rest::translate::filter::{FilterAttr, FilterKind};
use crate::rest::translate::operation::{not_found, run, snake, ListRoot, Mutation};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::SortAttr;
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

/// Spree's status names onto ours (`draft` → `DRAFT`).
fn status_value(v: &str) -> Option<String> {
    matches!(v, "draft" | "active" | "scheduled" | "inactive").then(|| v.to_ascii_uppercase())
}

/// Spree's `PriceList`; `expand=price_rules` embeds its rules.
pub static PRICE_LIST: Resource = Resource {
    graphql_type: "PriceList",
    fields: &[
        value("id", "id"),
        value("name", "name"),
        value("description", "description"),
        computed("status", &["_status"], |r| {
            r.get("_status")
                .and_then(Value::as_str)
                .map_or(Value::Null, |s| Value::String(s.to_ascii_lowercase()))
        }),
        value("position", "position"),
        value("match_policy", "matchPolicy"),
        value("starts_at", "startsAt"),
        value("ends_at", "endsAt"),
        fixed("deleted_at", null),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        value("currently_active", "currentlyActive"),
        value("products_count", "productsCount"),
        value("prices_count", "pricesCount"),
        value("product_ids", "productIds"),
        value("_status", "status"),
    ],
    expands: &[Expand {
        name: "price_rules",
        field: "rules",
        shape: Shape::Many,
        resource: &PRICE_RULE,
    }],
};

static ROOT: ListRoot = ListRoot {
    field: "priceLists",
    filter_type: "PriceListFilter",
    sort_type: "PriceListSort",
    search: false,
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
            attr: "status",
            field: "status",
            kind: FilterKind::EnumSet(status_value),
        },
        FilterAttr {
            attr: "starts_at",
            field: "startsAt",
            kind: FilterKind::Time,
        },
        FilterAttr {
            attr: "ends_at",
            field: "endsAt",
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
            key: "position",
            field: "POSITION",
        },
        SortAttr {
            key: "name",
            field: "NAME",
        },
        SortAttr {
            key: "starts_at",
            field: "STARTS_AT",
        },
        SortAttr {
            key: "ends_at",
            field: "ENDS_AT",
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
    resource: &PRICE_LIST,
};

const INPUT: &[InputField] = &[
    InputField {
        rest: "name",
        gql: "name",
    },
    InputField {
        rest: "description",
        gql: "description",
    },
    InputField {
        rest: "starts_at",
        gql: "startsAt",
    },
    InputField {
        rest: "ends_at",
        gql: "endsAt",
    },
    InputField {
        rest: "match_policy",
        gql: "matchPolicy",
    },
    InputField {
        rest: "position",
        gql: "position",
    },
    InputField {
        rest: "product_ids",
        gql: "productIds",
    },
    InputField {
        rest: "rules",
        gql: "rules",
    },
    InputField {
        rest: "prices",
        gql: "prices",
    },
];

/// Body fields a create needs.
const CREATE_REQUIRED: &[&str] = &["name"];

const READ_ONLY: &[&str] = &[
    "id",
    "status",
    "deleted_at",
    "created_at",
    "updated_at",
    "currently_active",
    "products_count",
    "prices_count",
    "price_rules",
];

const CREATE: Mutation = Mutation {
    route: "priceListCreate",
    resource: &PRICE_LIST,
    text: |sel| {
        format!(
            "mutation RestPriceListCreate($input: PriceListCreateInput!, $key: String) {{ w: \
             priceListCreate(input: $input, idempotencyKey: $key) {{ priceList {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

const UPDATE: Mutation = Mutation {
    route: "priceListUpdate",
    resource: &PRICE_LIST,
    text: |sel| {
        format!(
            "mutation RestPriceListUpdate($id: ID!, $input: PriceListUpdateInput!, $key: String) \
             {{ w: priceListUpdate(id: $id, input: $input, idempotencyKey: $key) {{ priceList {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: INPUT,
};

const ACTIVATE: Mutation = Mutation {
    route: "priceListActivate",
    resource: &PRICE_LIST,
    text: |sel| {
        format!(
            "mutation RestPriceListActivate($id: ID!, $key: String) {{ w: priceListActivate(id: $id, \
             scheduleFutureStart: true, idempotencyKey: $key) {{ priceList {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: &[],
};

const DEACTIVATE: Mutation = Mutation {
    route: "priceListDeactivate",
    resource: &PRICE_LIST,
    text: |sel| {
        format!(
            "mutation RestPriceListDeactivate($id: ID!, $key: String) {{ w: priceListDeactivate(id: $id, \
             idempotencyKey: $key) {{ priceList {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: &[],
};

/// Spree's `prices` of a list (`[{id, variant_id, currency, amount, compare_at_amount}]`) as
/// GraphQL's `PriceListPriceInput`s; each bad value is a 400 naming it (`prices[2].amount`).
fn list_prices(v: &Value) -> Result<Value, Refusal> {
    let Value::Array(rows) = v else {
        return Err(Refusal::param(
            "prices",
            format!("must be a list of prices, not {}", json_type(v)),
        ));
    };
    let mut out = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let at = format!("prices[{i}]");
        let Value::Object(row) = row else {
            return Err(Refusal::param(
                &at,
                "must be an object {variant_id, currency, amount, compare_at_amount}",
            ));
        };
        let mut price = Map::new();
        for (k, v) in row {
            let here = format!("{at}.{k}");
            let text = |v: &Value| match v {
                Value::String(t) if !t.trim().is_empty() => Ok(t.trim().to_owned()),
                other => Err(Refusal::param(
                    &here,
                    format!("must be a non-empty string, not {}", json_type(other)),
                )),
            };
            match k.as_str() {
                "id" | "variant_id" | "currency" if v.is_null() => {}
                "id" => {
                    price.insert("id".into(), json!(text(v)?));
                }
                "variant_id" => {
                    price.insert("variantId".into(), json!(text(v)?));
                }
                "currency" => {
                    price.insert("currency".into(), json!(text(v)?.to_uppercase()));
                }
                "amount" if v.is_null() => {}
                "amount" => {
                    price.insert("amount".into(), decimal(&here, v)?);
                }
                // null removes it.
                "compare_at_amount" => {
                    price.insert("compareAtAmount".into(), decimal(&here, v)?);
                }
                _ => {
                    return Err(Refusal::param(
                        &here,
                        "is not a field of a price list's price (id, variant_id, currency, \
                         amount, compare_at_amount)",
                    ))
                }
            }
        }
        out.push(Value::Object(price));
    }
    Ok(Value::Array(out))
}

/// The body as the GraphQL input: `match_policy` upper-cased, `product_ids` checked, `rules`
/// from Spree's STI shape (ids kept on update), `prices` as [`list_prices`].
fn input(
    object: Map<String, Value>,
    updating: bool,
) -> Result<(Map<String, Value>, body::Names), Refusal> {
    let mut object = object;
    let prices = match object.remove("prices") {
        None | Some(Value::Null) => None,
        Some(p) => Some(list_prices(&p)?),
    };
    if let Some(ids) = body::id_list(&object, "product_ids")? {
        object.insert("product_ids".into(), json!(ids));
    }
    let (mut input, names) = body::input(object, INPUT, READ_ONLY)?;
    match input.get("matchPolicy") {
        None => {}
        Some(Value::String(m)) if m == "all" || m == "any" => {
            let upper = Value::String(m.to_ascii_uppercase());
            input.insert("matchPolicy".into(), upper);
        }
        Some(_) => return Err(Refusal::param("match_policy", "must be all or any")),
    }
    if let Some(rules) = input.remove("rules") {
        if !rules.is_null() {
            input.insert("rules".into(), price_rules::from_spree(&rules, updating)?);
        }
    }
    if let Some(p) = prices {
        input.insert("prices".into(), p);
    }
    Ok((input, names))
}

/// `GET /price_lists`.
pub async fn list_price_lists(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, SpreeError> {
    super::page(&state, principal, query.as_deref(), &ROOT).await
}

/// `GET /price_lists/price_rule_types`: Spree's rule types we support, with their preference
/// schemas (as `GET /promotion_rules/types`).
pub async fn price_rule_types(
    State(_): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    if let Some((k, _)) = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()).next() {
        return Err(Refusal::param(&k, "is not a parameter of this route").into());
    }
    principal
        .require(Scope::PricingRead)
        .map_err(|_| Refusal::new(Kind::Forbidden, "requires read_products"))?;
    Ok(Json(json!({ "data": price_rules::types() })))
}

/// `GET /price_lists/{id}`.
pub async fn show_price_list(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    super::one(
        &state,
        principal,
        query.as_deref(),
        "priceList",
        &PRICE_LIST,
        &id,
    )
    .await
}

/// `POST /price_lists`: 201, a draft list.
pub async fn create_price_list(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &body)?;
    body::required(&object, CREATE_REQUIRED)?;
    let (input, names) = input(object, false)?;
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = body::under("input", names);
    let list = write(&state, principal, &CREATE, vars, &names).await?;
    Ok((StatusCode::CREATED, Json(list)).into_response())
}

/// `PATCH /price_lists/{id}`.
pub async fn update_price_list(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &body)?;
    let (input, names) = input(object, true)?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let mut names = body::under("input", names);
    names.push(("id".into(), "id".into()));
    Ok(Json(write(&state, principal, &UPDATE, vars, &names).await?))
}

/// `PATCH /price_lists/{id}/activate` and `/deactivate`: an empty body (or none).
async fn transition(
    state: &RestState,
    principal: crate::auth::Principal,
    id: String,
    headers: &HeaderMap,
    body: &[u8],
    m: &Mutation,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(headers, body)?;
    if let Some(key) = object.keys().next() {
        return Err(Refusal::param(key, "is not a field of this route").into());
    }
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("key".into(), body::idempotency_key(headers));
    Ok(Json(
        write(state, principal, m, vars, &[("id".into(), "id".into())]).await?,
    ))
}

/// Runs a price list mutation; its userErrors become Spree's body (see [`list_refusal`]).
async fn write(
    state: &RestState,
    principal: crate::auth::Principal,
    m: &Mutation,
    vars: Map<String, Value>,
    names: &[(String, String)],
) -> Result<Value, SpreeError> {
    let built = state
        .translator
        .operation(m.route, m.resource, &Default::default(), m.text)?;
    let data = run(&state.app, principal, &built.text, vars, names).await?;
    let payload = data.get("w").unwrap_or(&Value::Null);
    if let Some(r) = payload.get("userErrors").and_then(list_refusal) {
        return Err(r.into());
    }
    match payload.get("priceList") {
        Some(Value::Object(row)) => Ok(built.plan.reshape(row)),
        _ => Err(not_found(&PRICE_LIST).into()),
    }
}

/// The body's name of a price list mutation's error path: `["input", "rules", "2",
/// "customerGroupIds", "1"]` → `rules[2].preferences.customer_group_ids` (the preference as a
/// whole, as Spree keys its errors), `["input", "productIds",
/// "3"]` → `product_ids[3]`, `["input", "endsAt"]` → `ends_at`.
fn body_name(path: &[&str]) -> String {
    match path {
        [_, "rules", i, field, ..] => match price_rules::preference_of(field) {
            Some(p) => format!("rules[{i}].preferences.{p}"),
            None if *field == "kind" => format!("rules[{i}].type"),
            None => format!("rules[{i}].{}", snake(field)),
        },
        [_, "productIds", i, ..] => format!("product_ids[{i}]"),
        [_, "prices", i, field, ..] => format!("prices[{i}].{}", snake(field)),
        [_, "prices", i] => format!("prices[{i}]"),
        [_, field, ..] => snake(field),
        _ => "base".to_owned(),
    }
}

/// A price list mutation's userErrors as Spree's body: 404 when the list addressed (`["id"]`)
/// does not exist for the caller, else 422 (409 for a reused idempotency key) with details
/// keyed by the body's names.
fn list_refusal(errors: &Value) -> Option<Refusal> {
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
        if path == ["id"] && matches!(code, "NOT_FOUND" | "INVALID") {
            return Some(not_found(&PRICE_LIST));
        }
        let field = body_name(&path);
        if refusal.code.is_none() {
            refusal.code = Some(code.to_owned());
            if matches!(code, "CONFLICT" | "IDEMPOTENCY_KEY_REUSED") {
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

/// `PATCH /price_lists/{id}/activate`: `active`, or `scheduled` when its start is ahead.
pub async fn activate_price_list(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    transition(&state, principal, id, &headers, &body, &ACTIVATE).await
}

/// `PATCH /price_lists/{id}/deactivate`.
pub async fn deactivate_price_list(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, SpreeError> {
    transition(&state, principal, id, &headers, &body, &DEACTIVATE).await
}

/// `DELETE /price_lists/{id}`: 204; its rules and prices go with it.
pub async fn delete_price_list(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text =
        "mutation RestPriceListDelete($id: ID!, $key: String) { d: priceListDelete(id: $id, \
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
    super::deleted(&data, "/d/deletedId", "/d/userErrors", &PRICE_LIST)
}

/// The price list routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/price_lists",
        operation_id: "listPriceLists",
        summary: "List price lists (expand: price_rules)",
        scope: "read_products",
        query: Query::List(&ROOT),
        body: Body::None,
        answer: Answer::Page(&PRICE_LIST),
        handler: || get(list_price_lists),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/price_lists",
        operation_id: "createPriceList",
        summary: "Create a draft price list with its rules, products and prices",
        scope: "write_products",
        query: Query::None,
        body: Body::Input {
            graphql_type: "PriceListCreateInput",
            fields: INPUT,
            required: CREATE_REQUIRED,
        },
        answer: Answer::Created(&PRICE_LIST),
        handler: || post(create_price_list),
    },
    // Before `/price_lists/{id}`.
    Route {
        method: Method::GET,
        path: "/api/v3/admin/price_lists/price_rule_types",
        operation_id: "listPriceRuleTypes",
        summary: "List the price rule types we support, with their preference schemas",
        scope: "read_products",
        query: Query::None,
        body: Body::None,
        answer: Answer::Schema(super::promotion_types::types_schema),
        handler: || get(price_rule_types),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/price_lists/{id}",
        operation_id: "showPriceList",
        summary: "Show a price list",
        scope: "read_products",
        query: Query::One(&PRICE_LIST),
        body: Body::None,
        answer: Answer::One(&PRICE_LIST),
        handler: || get(show_price_list),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/price_lists/{id}",
        operation_id: "updatePriceList",
        summary: "Update a price list (rules reconciled by id; product_ids replace its products; prices upserted)",
        scope: "write_products",
        query: Query::None,
        body: Body::Input {
            graphql_type: "PriceListUpdateInput",
            fields: INPUT,
            required: &[],
        },
        answer: Answer::One(&PRICE_LIST),
        handler: || patch(update_price_list),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/price_lists/{id}",
        operation_id: "deletePriceList",
        summary: "Delete a price list with its rules and prices",
        scope: "write_products",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_price_list),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/price_lists/{id}/activate",
        operation_id: "activatePriceList",
        summary: "Activate a price list (scheduled when its start is ahead)",
        scope: "write_products",
        query: Query::None,
        body: Body::None,
        answer: Answer::One(&PRICE_LIST),
        handler: || patch(activate_price_list),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/price_lists/{id}/deactivate",
        operation_id: "deactivatePriceList",
        summary: "Deactivate a price list",
        scope: "write_products",
        query: Query::None,
        body: Body::None,
        answer: Answer::One(&PRICE_LIST),
        handler: || patch(deactivate_price_list),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_become_the_graphql_input() {
        let body = json!({"name": "EU", "match_policy": "any", "product_ids": ["prod_x"],
            "rules": [{"type": "volume_rule", "preferences": {"min_quantity": 5}}], "id": "pl_x"});
        let (input, _) = input(body.as_object().unwrap().clone(), false).unwrap();
        assert_eq!(
            Value::Object(input),
            json!({"name": "EU", "matchPolicy": "ANY", "productIds": ["prod_x"],
                "rules": [{"kind": "VOLUME", "minQuantity": 5}]})
        );
        for (bad, param) in [
            (json!({"match_policy": "most"}), "match_policy"),
            (json!({"product_ids": "prod_x"}), "product_ids"),
            (json!({"prices": {}}), "prices"),
            (
                json!({"prices": [{"variant_id": "variant_x", "amount": "x"}]}),
                "prices[0].amount",
            ),
            (
                json!({"prices": [{"variant_id": 5}]}),
                "prices[0].variant_id",
            ),
            (
                json!({"prices": [{"variant_id": "variant_x", "price": 5}]}),
                "prices[0].price",
            ),
            (json!({"colour": "red"}), "colour"),
        ] {
            let e = super::input(bad.as_object().unwrap().clone(), true).unwrap_err();
            assert_eq!(e.param.as_deref(), Some(param), "{bad}");
        }
        assert_eq!(status_value("active").as_deref(), Some("ACTIVE"));
        assert_eq!(
            body_name(&["input", "rules", "2", "customerGroupId"]),
            "rules[2].preferences.customer_group_ids"
        );
        assert_eq!(
            body_name(&["input", "rules", "0", "customerIds", "1"]),
            "rules[0].preferences.user_ids"
        );
        assert_eq!(body_name(&["input", "productIds", "3"]), "product_ids[3]");
        assert_eq!(
            body_name(&["input", "prices", "1", "compareAtAmount"]),
            "prices[1].compare_at_amount"
        );
        let (input, _) = super::input(
            json!({"prices": [{"variant_id": "variant_x", "currency": "usd", "amount": 19.99,
                "compare_at_amount": null}]})
            .as_object()
            .unwrap()
            .clone(),
            false,
        )
        .unwrap();
        assert_eq!(
            input["prices"],
            json!([{"variantId": "variant_x", "currency": "USD", "amount": "19.99",
                "compareAtAmount": null}])
        );
        assert_eq!(body_name(&["input", "endsAt"]), "ends_at");
        let r = list_refusal(
            &json!([{"field": ["id"], "code": "NOT_FOUND", "message": "no such price list"}]),
        );
        assert_eq!(r.unwrap().kind, Kind::NotFound);
        assert_eq!(status_value("gone"), None);
    }
}
