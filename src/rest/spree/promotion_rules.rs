//! `/api/v3/admin/promotions/{promotion_id}/promotion_rules`: Spree's `PromotionRule` over
//! GraphQL's `PromotionRule`, and the translation of a Spree rule body (`type`, `preferences`,
//! `product_ids`, `customer_ids`) onto `PromotionRuleInput` / `PromotionRuleUpdateInput`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::promotion_types::{self as types, RULES};
use super::{Caller, SpreeError};
use crate::rest::error::Kind;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, json_type};
use crate::rest::translate::operation::{run, Built, Mutation};
use crate::rest::translate::page::envelope;
use crate::rest::translate::params::{Accepts, Params};
use crate::rest::translate::plan::Plan;
use crate::rest::translate::resource::*;
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

fn kind(r: &Map<String, Value>) -> &str {
    r.get("_kind").and_then(Value::as_str).unwrap_or("")
}

fn get_or_null(r: &Map<String, Value>, key: &str) -> Value {
    r.get(key).cloned().unwrap_or(Value::Null)
}

/// Spree's `preferences` of a rule, from our fields of its kind.
fn preferences(r: &Map<String, Value>) -> Value {
    match kind(r) {
        "item_total" => json!({
            "amount_min": get_or_null(r, "_amount_min"), "operator_min": "gte",
            "amount_max": get_or_null(r, "_amount_max"), "operator_max": "lte"}),
        "product" => json!({"match_policy": get_or_null(r, "_match_policy")}),
        "customer_group" => json!({"customer_group_ids": get_or_null(r, "_customer_group_ids")}),
        "currency" => json!({"currency": get_or_null(r, "_currency")}),
        _ => json!({}),
    }
}

/// The IDs of `key` when the rule is of `of` kind; null otherwise (as Spree's).
fn ids_if(r: &Map<String, Value>, of: &str, key: &str) -> Value {
    if kind(r) == of {
        get_or_null(r, key)
    } else {
        Value::Null
    }
}

/// Spree's `PromotionRule`. Categories are outside our domain (`category_ids` null).
pub static PROMOTION_RULE: Resource = Resource {
    graphql_type: "PromotionRule",
    fields: &[
        value("id", "id"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        computed("type", &["_kind"], |r| {
            types::rule_of(kind(r)).map_or(Value::Null, |t| json!(t.name))
        }),
        value("promotion_id", "promotionId"),
        computed(
            "preferences",
            &[
                "_kind",
                "_amount_min",
                "_amount_max",
                "_match_policy",
                "_customer_group_ids",
                "_currency",
            ],
            preferences,
        ),
        computed("preference_schema", &["_kind"], |r| {
            types::rule_of(kind(r)).map_or(json!([]), types::preference_schema)
        }),
        computed("label", &["_kind"], |r| {
            types::rule_of(kind(r)).map_or(Value::Null, |t| json!(t.label))
        }),
        computed("product_ids", &["_kind", "_product_ids"], |r| {
            ids_if(r, "product", "_product_ids")
        }),
        fixed("category_ids", null),
        computed("customer_ids", &["_kind", "_customer_ids"], |r| {
            ids_if(r, "customer", "_customer_ids")
        }),
        value("_kind", "kind"),
        value("_amount_min", "amountMin"),
        value("_amount_max", "amountMax"),
        value("_match_policy", "matchPolicy"),
        value("_currency", "currency"),
        value("_product_ids", "productIds"),
        value("_customer_ids", "customerIds"),
        value("_customer_group_ids", "customerGroupIds"),
    ],
    expands: &[],
};

/// A 422 naming `field` (a value our engine cannot represent).
pub fn unsupported(field: &str, problem: &str) -> Refusal {
    let mut r = Refusal::new(Kind::Validation, format!("{field} {problem}")).with_code("INVALID");
    r.details.insert(field.to_owned(), vec![problem.to_owned()]);
    r
}

/// A decimal preference as GraphQL's Decimal (a string); numbers and numeric strings pass.
pub fn decimal(field: &str, v: &Value) -> Result<Value, Refusal> {
    match v {
        Value::Null => Ok(Value::Null),
        Value::Number(n) => Ok(Value::String(n.to_string())),
        Value::String(s) if s.trim().parse::<rust_decimal::Decimal>().is_ok() => {
            Ok(Value::String(s.trim().to_owned()))
        }
        other => Err(Refusal::param(
            field,
            format!("must be a decimal number, not {}", json_type(other)),
        )),
    }
}

fn text(field: &str, v: &Value) -> Result<Value, Refusal> {
    match v {
        Value::Null | Value::String(_) => Ok(v.clone()),
        other => Err(Refusal::param(
            field,
            format!("must be a string, not {}", json_type(other)),
        )),
    }
}

fn id_list(field: &str, v: &Value) -> Result<Value, Refusal> {
    let mut m = Map::new();
    m.insert(field.to_owned(), v.clone());
    Ok(body::id_list(&m, field)?.map_or(Value::Null, |ids| json!(ids)))
}

/// `preferences` of a rule body as an object (absent: empty), or a 400 naming `at`.
pub fn object<'a>(
    v: Option<&'a Value>,
    at: &str,
) -> Result<Option<&'a Map<String, Value>>, Refusal> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(other) => Err(Refusal::param(
            at,
            format!("must be an object, not {}", json_type(other)),
        )),
    }
}

/// A Spree rule body (`{type, preferences, product_ids, customer_ids, category_ids, id}`) as
/// GraphQL's rule input. `at` prefixes the names in errors (`rules[0].`); `new` says whether
/// `type` is required (a create) or optional (a rule update, where it must not change).
/// Unknown types are 422 `unknown_promotion_rule_type`; unknown keys 400; `gt` / `lt`
/// operators 422 (our bounds are inclusive).
pub fn input(rule: &Value, at: &str, new: bool) -> Result<Map<String, Value>, Refusal> {
    let name = |k: &str| format!("{at}{k}");
    let Value::Object(rule) = rule else {
        return Err(Refusal::param(
            at.trim_end_matches('.'),
            format!("must be an object, not {}", json_type(rule)),
        ));
    };
    let mut out = Map::new();
    match rule.get("type") {
        None | Some(Value::Null) if new => {
            return Err(Refusal::param(&name("type"), "is required"))
        }
        None | Some(Value::Null) => {}
        Some(Value::String(t)) => match types::rule(t) {
            Some(t) => {
                out.insert("kind".into(), json!(t.ours));
            }
            None => return Err(types::unknown(&name("type"), "rule", t, RULES)),
        },
        Some(other) => {
            return Err(Refusal::param(
                &name("type"),
                format!("must be a string, not {}", json_type(other)),
            ))
        }
    }
    for (key, v) in rule {
        match key.as_str() {
            "type" | "preferences" | "promotion_id" | "created_at" | "updated_at" | "label"
            | "preference_schema" => {}
            "id" => {
                if !v.is_null() {
                    out.insert("id".into(), text(&name("id"), v)?);
                }
            }
            "product_ids" => {
                out.insert("productIds".into(), id_list(&name(key), v)?);
            }
            "customer_ids" => {
                out.insert("customerIds".into(), id_list(&name(key), v)?);
            }
            "category_ids" => {
                if v.as_array().is_some_and(|l| !l.is_empty()) {
                    return Err(unsupported(
                        &name(key),
                        "cannot be set: categories are not supported",
                    ));
                }
            }
            _ => return Err(Refusal::param(
                &name(key),
                "is not a field of a promotion rule (type, preferences, product_ids, customer_ids)",
            )),
        }
    }
    let prefs_at = name("preferences");
    if let Some(prefs) = object(rule.get("preferences"), &prefs_at)? {
        for (key, v) in prefs {
            let field = format!("{prefs_at}.{key}");
            match key.as_str() {
                "amount_min" => {
                    out.insert("amountMin".into(), decimal(&field, v)?);
                }
                "amount_max" => {
                    out.insert("amountMax".into(), decimal(&field, v)?);
                }
                "operator_min" => match v.as_str() {
                    None | Some("gte") | Some(">=") => {}
                    Some(_) => {
                        return Err(unsupported(&field, "must be gte: amount_min is inclusive"))
                    }
                },
                "operator_max" => match v.as_str() {
                    None | Some("lte") | Some("<=") => {}
                    Some(_) => {
                        return Err(unsupported(&field, "must be lte: amount_max is inclusive"))
                    }
                },
                "match_policy" => {
                    out.insert("matchPolicy".into(), text(&field, v)?);
                }
                "currency" => {
                    out.insert("currency".into(), text(&field, v)?);
                }
                "customer_group_ids" => {
                    out.insert("customerGroupIds".into(), id_list(&field, v)?);
                }
                "product_ids" => {
                    out.insert("productIds".into(), id_list(&field, v)?);
                }
                "customer_ids" | "user_ids" => {
                    out.insert("customerIds".into(), id_list(&field, v)?);
                }
                _ => {
                    return Err(Refusal::param(
                        &field,
                        "is not a preference of a rule type we support",
                    ))
                }
            }
        }
    }
    // Absent or null optional fields are left out (a create does not need them; an update keeps them).
    out.retain(|k, v| !v.is_null() || (!new && matches!(k.as_str(), "amountMin" | "amountMax")));
    Ok(out)
}

/// The GraphQL input fields a rule body sets, named as the body does (for 422 details).
pub const NAMES: &[body::InputField] = &[
    body::InputField {
        rest: "amount_min",
        gql: "amountMin",
    },
    body::InputField {
        rest: "amount_max",
        gql: "amountMax",
    },
    body::InputField {
        rest: "type",
        gql: "kind",
    },
];

/// The promotion's rules, selected under `rules`.
fn promotion_rules(sel: &str) -> String {
    format!("rules {{ {sel}}}")
}

const ADD: Mutation = Mutation {
    route: "promotionRuleAdd",
    resource: &PROMOTION_RULE,
    text: |sel| {
        format!(
            "mutation RestRuleAdd($promotion: ID!, $input: PromotionRuleInput!, $key: String) \
             {{ w: promotionRuleAdd(promotionId: $promotion, input: $input, idempotencyKey: $key) \
             {{ rule {{ {sel}}} userErrors {{ field code message }} }} }}"
        )
    },
    fields: NAMES,
};

const UPDATE: Mutation = Mutation {
    route: "promotionRuleUpdate",
    resource: &PROMOTION_RULE,
    text: |sel| {
        format!(
            "mutation RestRuleUpdate($id: ID!, $promotion: ID!, $input: PromotionRuleUpdateInput!, \
             $key: String) {{ w: promotionRuleUpdate(id: $id, promotionId: $promotion, \
             input: $input, idempotencyKey: $key) {{ rule {{ {sel}}} \
             userErrors {{ field code message }} }} }}"
        )
    },
    fields: NAMES,
};

/// `GET /promotions/{promotion_id}/promotion_rules`: the promotion's rules (at most 50),
/// paged by `page` / `limit`.
pub async fn list_rules(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(promotion_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::Paged)?;
    let data = read_rules(&state, principal, &params, promotion_id).await?;
    embedded(&data.0, "rules", &data.1.plan, &params)
}

/// The promotion's rules as `{one: {rules}}`, and the operation that read them.
async fn read_rules(
    state: &RestState,
    principal: crate::auth::Principal,
    params: &Params,
    promotion_id: String,
) -> Result<(Value, std::sync::Arc<Built>), SpreeError> {
    let built = state
        .translator
        .operation("promotionRules", &PROMOTION_RULE, params, |sel| {
            format!(
                "query RestRules($id: ID!) {{ one: promotion(id: $id) {{ {} }} }}",
                promotion_rules(sel)
            )
        })?;
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(promotion_id));
    let data = run(
        &state.app,
        principal,
        &built.text,
        vars,
        &[("id".into(), "promotion_id".into())],
    )
    .await?;
    Ok((data, built))
}

/// `GET /promotions/{promotion_id}/promotion_rules/{id}`: 404 when the rule is not that
/// promotion's.
pub async fn show_rule(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((promotion_id, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::One)?;
    let (data, built) = read_rules(&state, principal, &params, promotion_id).await?;
    Ok(Json(child(
        &data,
        "rules",
        &built.plan,
        &id,
        "Promotion rule",
    )?))
}

/// The promotion's rows of `list` (`rules`, `actions`) in the dialect's shape; 404 without
/// the promotion.
fn rows_of(data: &Value, list: &str, plan: &Plan) -> Result<Vec<Value>, SpreeError> {
    let Some(promotion) = data.get("one").filter(|o| o.is_object()) else {
        return Err(Refusal::not_found("Promotion not found")
            .with_code("NOT_FOUND")
            .into());
    };
    Ok(
        match plan.reshape_list(promotion.get(list).unwrap_or(&Value::Null)) {
            Value::Array(r) => r,
            _ => Vec::new(),
        },
    )
}

/// The promotion's `list` (`rules`, `actions`: at most 50 each) as a Spree page of `params`'
/// `page` and `limit`; 404 without the promotion.
pub fn embedded(
    data: &Value,
    list: &str,
    plan: &Plan,
    params: &Params,
) -> Result<Json<Value>, SpreeError> {
    let rows = rows_of(data, list, plan)?;
    let count = rows.len() as u64;
    let offset = usize::try_from(params.offset()?).unwrap_or(usize::MAX);
    let page: Vec<Value> = rows
        .into_iter()
        .skip(offset)
        .take(params.limit() as usize)
        .collect();
    Ok(Json(envelope(page, params.page(), params.limit(), count)))
}

/// The row `id` of the promotion's `list`; 404 (naming `what`) when it has none.
pub fn child(
    data: &Value,
    list: &str,
    plan: &Plan,
    id: &str,
    what: &str,
) -> Result<Value, SpreeError> {
    rows_of(data, list, plan)?
        .into_iter()
        .find(|r| r.get("id").and_then(Value::as_str) == Some(id))
        .ok_or_else(|| {
            Refusal::not_found(format!("{what} not found"))
                .with_code("NOT_FOUND")
                .into()
        })
}

/// `POST /promotions/{promotion_id}/promotion_rules`: 201 with the new rule.
pub async fn create_rule(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(promotion_id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &raw)?;
    let rule = input(&Value::Object(object), "", true)?;
    if rule.contains_key("id") {
        return Err(Refusal::param("id", "cannot be set on a new rule").into());
    }
    let mut vars = Map::new();
    vars.insert("promotion".into(), Value::String(promotion_id));
    vars.insert("input".into(), Value::Object(rule));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = vec![("promotionId".into(), "promotion_id".into())];
    let written = state
        .translator
        .mutate(&state.app, principal, &ADD, vars, &names)
        .await?;
    let row = written.object("/rule")?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `PATCH /promotions/{promotion_id}/promotion_rules/{id}`: `preferences` (and the rule's ID
/// lists) change in place; the rule keeps its ID and type.
pub async fn update_rule(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((promotion_id, id)): Path<(String, String)>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let object = body::object(&headers, &raw)?;
    let mut rule = input(&Value::Object(object), "", false)?;
    rule.remove("id");
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("promotion".into(), Value::String(promotion_id));
    vars.insert("input".into(), Value::Object(rule));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = vec![
        ("id".into(), "id".into()),
        ("promotionId".into(), "promotion_id".into()),
    ];
    let written = state
        .translator
        .mutate(&state.app, principal, &UPDATE, vars, &names)
        .await?;
    Ok(Json(written.object("/rule")?))
}

/// `DELETE /promotions/{promotion_id}/promotion_rules/{id}`: 204; 404 when the rule is not
/// that promotion's.
pub async fn delete_rule(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((promotion_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestRuleRemove($id: ID!, $promotion: ID!, $key: String) { d: \
                promotionRuleRemove(id: $id, promotionId: $promotion, idempotencyKey: $key) \
                { promotion { id } userErrors { field code message } } }";
    remove(
        &state,
        principal,
        text,
        id,
        promotion_id,
        &headers,
        &PROMOTION_RULE,
    )
    .await
}

/// Runs a rule or action removal: 204, or 404 when it is not the promotion's.
pub async fn remove(
    state: &RestState,
    principal: crate::auth::Principal,
    text: &str,
    id: String,
    promotion_id: String,
    headers: &HeaderMap,
    resource: &'static Resource,
) -> Result<StatusCode, SpreeError> {
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("promotion".into(), Value::String(promotion_id));
    vars.insert("key".into(), body::idempotency_key(headers));
    let names = [
        ("id".into(), "id".into()),
        ("promotionId".into(), "promotion_id".into()),
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
        resource,
    )
}

/// A rule body, as a JSON schema.
pub fn rule_schema() -> Value {
    json!({"type": "object", "required": ["type"], "properties": {
        "type": {"type": "string", "description": "currency, customer_group, customer, first_order, item_total or product (or the Ruby class name)"},
        "preferences": {"type": "object", "additionalProperties": true},
        "product_ids": {"type": "array", "items": {"type": "string"}},
        "customer_ids": {"type": "array", "items": {"type": "string"}},
        "category_ids": {"type": "array", "items": {"type": "string"}, "maxItems": 0}}})
}

fn rule_update_schema() -> Value {
    json!({"type": "object", "properties": {
        "preferences": {"type": "object", "additionalProperties": true},
        "product_ids": {"type": "array", "items": {"type": "string"}},
        "customer_ids": {"type": "array", "items": {"type": "string"}}}})
}

/// A promotion's rule routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotions/{promotion_id}/promotion_rules",
        operation_id: "listPromotionRules",
        summary: "List a promotion's rules (paged)",
        scope: "read_promotions",
        query: Query::Paged(&PROMOTION_RULE, &[]),
        body: Body::None,
        answer: Answer::Page(&PROMOTION_RULE),
        handler: || get(list_rules),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/promotions/{promotion_id}/promotion_rules",
        operation_id: "createPromotionRule",
        summary: "Add a rule to a promotion",
        scope: "write_promotions",
        query: Query::None,
        body: Body::Schema(rule_schema),
        answer: Answer::Created(&PROMOTION_RULE),
        handler: || post(create_rule),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotions/{promotion_id}/promotion_rules/{id}",
        operation_id: "showPromotionRule",
        summary: "Show a promotion's rule",
        scope: "read_promotions",
        query: Query::One(&PROMOTION_RULE),
        body: Body::None,
        answer: Answer::One(&PROMOTION_RULE),
        handler: || get(show_rule),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/promotions/{promotion_id}/promotion_rules/{id}",
        operation_id: "updatePromotionRule",
        summary: "Change a rule's preferences in place",
        scope: "write_promotions",
        query: Query::None,
        body: Body::Schema(rule_update_schema),
        answer: Answer::One(&PROMOTION_RULE),
        handler: || patch(update_rule),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/promotions/{promotion_id}/promotion_rules/{id}",
        operation_id: "deletePromotionRule",
        summary: "Remove a rule from a promotion",
        scope: "write_promotions",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_rule),
    },
];
