//! `/api/v3/admin/promotions`: Spree's `Promotion` over GraphQL's `Promotion`. A create or
//! update may carry `rules` and `actions` in Spree's shape (translated in
//! `promotion_rules.rs` / `promotion_actions.rs`); on update they are the desired set, rows
//! with an `id` keeping it.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::promotion_actions::{self, PROMOTION_ACTION};
use super::promotion_rules::{self, unsupported, PROMOTION_RULE};
use super::{Caller, SpreeError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, json_type, InputField};
use crate::rest::translate::filter::{FilterAttr, FilterKind};
use crate::rest::translate::operation::{run, ListRoot, Mutation};
use crate::rest::translate::resource::*;
use crate::rest::translate::sort::SortAttr;
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

/// The IDs of a selected list of objects (`rules { id }`).
fn ids(r: &Map<String, Value>, key: &str) -> Value {
    let list = r
        .get(key)
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(|o| o.get("id").cloned()).collect())
        .unwrap_or_default();
    Value::Array(list)
}

/// Spree's `Promotion`. `code` is a single-code promotion's code (a multi-code one lists its
/// codes at `coupon_codes`); `path`, `promotion_category_id` and `metadata` are outside our
/// domain. `expand=rules,actions` embeds them.
pub static PROMOTION: Resource = Resource {
    graphql_type: "Promotion",
    fields: &[
        value("id", "id"),
        value("name", "name"),
        value("description", "description"),
        computed("code", &["multi_codes", "_codes"], |r| {
            if r.get("multi_codes") == Some(&Value::Bool(true)) {
                return Value::Null;
            }
            r.get("_codes")
                .and_then(|c| c.pointer("/0/code"))
                .cloned()
                .unwrap_or(Value::Null)
        }),
        value("starts_at", "startsAt"),
        value("expires_at", "expiresAt"),
        value("usage_limit", "usageLimit"),
        value("match_policy", "matchPolicy"),
        fixed("path", null),
        value("kind", "kind"),
        value("multi_codes", "multiCodes"),
        value("number_of_codes", "numberOfCodes"),
        value("code_prefix", "codePrefix"),
        fixed("promotion_category_id", null),
        fixed("metadata", empty_object),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        computed("action_ids", &["_actions"], |r| ids(r, "_actions")),
        computed("rule_ids", &["_rules"], |r| ids(r, "_rules")),
        value("_codes", "couponCodes(first: 1) { code }"),
        value("_actions", "actions { id }"),
        value("_rules", "rules { id }"),
    ],
    expands: &[
        Expand {
            name: "rules",
            field: "rules",
            shape: Shape::Many,
            resource: &PROMOTION_RULE,
        },
        Expand {
            name: "actions",
            field: "actions",
            shape: Shape::Many,
            resource: &PROMOTION_ACTION,
        },
    ],
};

static ROOT: ListRoot = ListRoot {
    field: "promotions",
    filter_type: "PromotionFilter",
    sort_type: "PromotionSort",
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
            attr: "kind",
            field: "kind",
            kind: FilterKind::Text,
        },
        FilterAttr {
            attr: "active",
            field: "active",
            kind: FilterKind::Bool,
        },
        FilterAttr {
            attr: "starts_at",
            field: "startsAt",
            kind: FilterKind::Time,
        },
        FilterAttr {
            attr: "expires_at",
            field: "expiresAt",
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
            key: "name",
            field: "NAME",
        },
        SortAttr {
            key: "created_at",
            field: "CREATED_AT",
        },
        SortAttr {
            key: "updated_at",
            field: "UPDATED_AT",
        },
        SortAttr {
            key: "starts_at",
            field: "STARTS_AT",
        },
        SortAttr {
            key: "expires_at",
            field: "EXPIRES_AT",
        },
    ],
    resource: &PROMOTION,
};

/// Scalar fields a create or an update writes (`rules` / `actions` are translated apart).
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
        rest: "code",
        gql: "code",
    },
    InputField {
        rest: "starts_at",
        gql: "startsAt",
    },
    InputField {
        rest: "expires_at",
        gql: "expiresAt",
    },
    InputField {
        rest: "usage_limit",
        gql: "usageLimit",
    },
    InputField {
        rest: "match_policy",
        gql: "matchPolicy",
    },
    InputField {
        rest: "kind",
        gql: "kind",
    },
    InputField {
        rest: "multi_codes",
        gql: "multiCodes",
    },
    InputField {
        rest: "number_of_codes",
        gql: "numberOfCodes",
    },
    InputField {
        rest: "code_prefix",
        gql: "codePrefix",
    },
];

/// What an update writes: the codes of a multi-code promotion are generated, not edited here.
const UPDATE_INPUT: &[InputField] = INPUT.split_at(8).0;

/// Fields clients send back as they read them; ignored.
const READ_ONLY: &[&str] = &[
    "id",
    "path",
    "metadata",
    "created_at",
    "updated_at",
    "action_ids",
    "rule_ids",
];

/// An update also ignores the code batch fields it read (`multi_codes`…).
const UPDATE_READ_ONLY: &[&str] = &[
    "id",
    "path",
    "metadata",
    "created_at",
    "updated_at",
    "action_ids",
    "rule_ids",
    "multi_codes",
    "number_of_codes",
    "code_prefix",
];

/// 422 names of the GraphQL input fields (the rules' and actions' included).
const NAMES: &[InputField] = &[
    InputField {
        rest: "type",
        gql: "kind",
    },
    InputField {
        rest: "starts_at",
        gql: "startsAt",
    },
    InputField {
        rest: "expires_at",
        gql: "expiresAt",
    },
];

const CREATE: Mutation = Mutation {
    route: "promotionCreate",
    resource: &PROMOTION,
    text: |sel| {
        format!(
            "mutation RestPromotionCreate($input: PromotionCreateInput!, $key: String) \
             {{ w: promotionCreate(input: $input, idempotencyKey: $key) {{ promotion {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: NAMES,
};

const UPDATE: Mutation = Mutation {
    route: "promotionUpdate",
    resource: &PROMOTION,
    text: |sel| {
        format!(
            "mutation RestPromotionUpdate($id: ID!, $input: PromotionUpdateInput!, $key: String) \
             {{ w: promotionUpdate(id: $id, input: $input, idempotencyKey: $key) \
             {{ promotion {{ {sel}}} userErrors {{ field code message }} }} }}"
        )
    },
    fields: NAMES,
};

/// Moves `rules` / `actions` out of the body, translated (null or absent: none given).
fn children(
    object: &mut Map<String, Value>,
    input: &mut Map<String, Value>,
) -> Result<(), Refusal> {
    for key in ["rules", "actions"] {
        match object.remove(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let at = format!("{key}[{i}].");
                    out.push(Value::Object(if key == "rules" {
                        promotion_rules::input(item, &at, true)?
                    } else {
                        promotion_actions::input(item, &at)?
                    }));
                }
                input.insert(key.into(), Value::Array(out));
            }
            Some(other) => {
                return Err(Refusal::param(
                    key,
                    format!("must be an array, not {}", json_type(&other)),
                ))
            }
        }
    }
    // A promotion category is outside our domain: only none is accepted.
    if let Some(v) = object.remove("promotion_category_id") {
        if !v.is_null() {
            return Err(unsupported(
                "promotion_category_id",
                "cannot be set: promotion categories are not supported",
            ));
        }
    }
    Ok(())
}

/// `GET /promotions`.
pub async fn list_promotions(
    State(state): State<RestState>,
    Caller(principal): Caller,
    RawQuery(query): RawQuery,
) -> Result<Response, SpreeError> {
    super::page(&state, principal, query.as_deref(), &ROOT).await
}

/// `GET /promotions/{id}` (`expand=rules,actions`).
pub async fn show_promotion(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    super::one(
        &state,
        principal,
        query.as_deref(),
        "promotion",
        &PROMOTION,
        &id,
    )
    .await
}

/// `POST /promotions`: 201 with the promotion (its rules and actions created with it). Without
/// `kind`, a promotion with a `code` (or `multi_codes`) is a coupon_code one, else automatic.
pub async fn create_promotion(
    State(state): State<RestState>,
    Caller(principal): Caller,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, SpreeError> {
    let mut object = body::object(&headers, &raw)?;
    body::required(&object, &["name"])?;
    let mut nested = Map::new();
    children(&mut object, &mut nested)?;
    let (mut input, names) = body::input(object, INPUT, READ_ONLY)?;
    if input.get("kind").is_none_or(Value::is_null) {
        let coded = input.get("code").is_some_and(|c| !c.is_null())
            || input.get("multiCodes") == Some(&Value::Bool(true));
        input.insert(
            "kind".into(),
            json!(if coded { "coupon_code" } else { "automatic" }),
        );
    }
    if input.get("multiCodes").is_some_and(Value::is_null) {
        input.remove("multiCodes");
    }
    input.extend(nested);
    let mut vars = Map::new();
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = body::under("input", names);
    let written = state
        .translator
        .mutate(&state.app, principal, &CREATE, vars, &names)
        .await?;
    let row = written.object("/promotion")?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `PATCH /promotions/{id}`: `rules` / `actions` are the desired set (rows with `id` change in
/// place and keep it; `[]` removes them all).
pub async fn update_promotion(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let mut object = body::object(&headers, &raw)?;
    let mut nested = Map::new();
    children(&mut object, &mut nested)?;
    let (mut input, names) = body::input(object, UPDATE_INPUT, UPDATE_READ_ONLY)?;
    input.extend(nested);
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("input".into(), Value::Object(input));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let mut names = body::under("input", names);
    names.push(("id".into(), "id".into()));
    let written = state
        .translator
        .mutate(&state.app, principal, &UPDATE, vars, &names)
        .await?;
    Ok(Json(written.object("/promotion")?))
}

/// `DELETE /promotions/{id}`: 204.
pub async fn delete_promotion(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestPromotionDelete($id: ID!, $key: String) { d: \
                promotionDelete(id: $id, idempotencyKey: $key) \
                { deletedId userErrors { field code message } } }";
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
    super::deleted(&data, "/d/deletedId", "/d/userErrors", &PROMOTION)
}

/// A promotion body, as a JSON schema (`rules` / `actions` items as their own routes take them).
fn promotion_schema(required: &'static [&'static str], update: bool) -> Value {
    let mut rule = promotion_rules::rule_schema();
    let mut action = promotion_actions::action_schema();
    if update {
        rule["properties"]["id"] = json!({"type": ["string", "null"], "description": "An existing rule to change in place; absent: a new rule"});
        action["properties"]["id"] = json!({"type": ["string", "null"], "description": "An existing action to change in place; absent: a new action"});
    }
    let mut props = json!({
        "name": {"type": "string"},
        "description": {"type": ["string", "null"]},
        "code": {"type": ["string", "null"]},
        "starts_at": {"type": ["string", "null"], "format": "date-time"},
        "expires_at": {"type": ["string", "null"], "format": "date-time"},
        "usage_limit": {"type": ["integer", "null"]},
        "match_policy": {"type": "string", "enum": ["all", "any"]},
        "kind": {"type": "string", "enum": ["coupon_code", "automatic"]},
        "promotion_category_id": {"type": "null"},
        "rules": {"type": "array", "items": rule},
        "actions": {"type": "array", "items": action}});
    if !update {
        props["multi_codes"] = json!({"type": "boolean"});
        props["number_of_codes"] = json!({"type": ["integer", "null"]});
        props["code_prefix"] = json!({"type": ["string", "null"]});
    }
    json!({"type": "object", "properties": props, "required": required})
}

/// The promotion routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotions",
        operation_id: "listPromotions",
        summary: "List promotions",
        scope: "read_promotions",
        query: Query::List(&ROOT),
        body: Body::None,
        answer: Answer::Page(&PROMOTION),
        handler: || get(list_promotions),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/promotions",
        operation_id: "createPromotion",
        summary: "Create a promotion (with its rules and actions)",
        scope: "write_promotions",
        query: Query::None,
        body: Body::Schema(|| promotion_schema(&["name"], false)),
        answer: Answer::Created(&PROMOTION),
        handler: || post(create_promotion),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotions/{id}",
        operation_id: "showPromotion",
        summary: "Show a promotion",
        scope: "read_promotions",
        query: Query::One(&PROMOTION),
        body: Body::None,
        answer: Answer::One(&PROMOTION),
        handler: || get(show_promotion),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/promotions/{id}",
        operation_id: "updatePromotion",
        summary: "Update a promotion (rules and actions reconciled by id)",
        scope: "write_promotions",
        query: Query::None,
        body: Body::Schema(|| promotion_schema(&[], true)),
        answer: Answer::One(&PROMOTION),
        handler: || patch(update_promotion),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/promotions/{id}",
        operation_id: "deletePromotion",
        summary: "Delete a promotion",
        scope: "write_promotions",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_promotion),
    },
];
