//! `/api/v3/admin/promotions/{promotion_id}/promotion_actions`: Spree's `PromotionAction` over
//! GraphQL's `PromotionAction`, and the translation of a Spree action body (`type`,
//! `calculator {type, preferences}`) onto `PromotionActionInput`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::promotion_rules::{child, decimal, embedded, object, remove, unsupported};
use super::promotion_types::{self as types, ACTIONS};
use super::{Caller, SpreeError};
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::translate::body::{self, json_type};
use crate::rest::translate::operation::{run, Built, Mutation};
use crate::rest::translate::params::{Accepts, Params};
use crate::rest::translate::resource::*;
use crate::rest::{Refusal, RestState};
use axum::http::Method;
use axum::routing::{delete, get, patch, post};

fn text<'a>(r: &'a Map<String, Value>, key: &str) -> &'a str {
    r.get(key).and_then(Value::as_str).unwrap_or("")
}

/// Spree's nested calculator of one of our actions; null for free delivery.
fn calculator(r: &Map<String, Value>) -> Value {
    let Some(c) = types::calculator_of(text(r, "_kind"), text(r, "_calculator")) else {
        return Value::Null;
    };
    let value = r
        .get(if c.field == "amount" {
            "_amount"
        } else {
            "_percent"
        })
        .cloned()
        .unwrap_or(Value::Null);
    let key = c.spree.prefs.first().map_or(c.field, |p| p.key);
    json!({"type": c.spree.name, "label": c.spree.label,
           "preferences": {key: value},
           "preference_schema": types::preference_schema(&c.spree)})
}

/// Spree's `PromotionAction`. Our actions keep no preferences of their own (the calculator
/// carries the amount); `line_items` is for `create_line_items`, which we do not support.
pub static PROMOTION_ACTION: Resource = Resource {
    graphql_type: "PromotionAction",
    fields: &[
        value("id", "id"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        computed("type", &["_kind"], |r| {
            types::action_of(text(r, "_kind")).map_or(Value::Null, |t| json!(t.name))
        }),
        value("promotion_id", "promotionId"),
        fixed("preferences", empty_object),
        fixed("preference_schema", empty_list),
        computed("label", &["_kind"], |r| {
            types::action_of(text(r, "_kind")).map_or(Value::Null, |t| json!(t.label))
        }),
        computed(
            "calculator",
            &["_kind", "_calculator", "_amount", "_percent"],
            calculator,
        ),
        fixed("line_items", null),
        value("_kind", "kind"),
        value("_calculator", "calculator"),
        value("_amount", "amount"),
        value("_percent", "percent"),
    ],
    expands: &[],
};

/// A Spree action body (`{type, calculator: {type, preferences}, preferences, id}`) as
/// GraphQL's action input. `at` prefixes the names in errors (`actions[0].`). Unknown action
/// types (and `create_line_items`) are 422 `unknown_promotion_action_type`; a calculator that
/// does not go with the type is 422 naming `calculator.type`.
pub fn input(action: &Value, at: &str) -> Result<Map<String, Value>, Refusal> {
    let name = |k: &str| format!("{at}{k}");
    let Value::Object(action) = action else {
        return Err(Refusal::param(
            at.trim_end_matches('.'),
            format!("must be an object, not {}", json_type(action)),
        ));
    };
    let t = match action.get("type") {
        None | Some(Value::Null) => return Err(Refusal::param(&name("type"), "is required")),
        Some(Value::String(t)) => {
            types::action(t).ok_or_else(|| types::unknown(&name("type"), "action", t, ACTIONS))?
        }
        Some(other) => {
            return Err(Refusal::param(
                &name("type"),
                format!("must be a string, not {}", json_type(other)),
            ))
        }
    };
    let mut out = Map::new();
    out.insert("kind".into(), json!(t.ours));
    for (key, v) in action {
        match key.as_str() {
            "type" | "calculator" | "promotion_id" | "created_at" | "updated_at" | "label"
            | "preference_schema" | "line_items" => {}
            "id" => match v {
                Value::Null => {}
                Value::String(s) => {
                    out.insert("id".into(), json!(s));
                }
                other => {
                    return Err(Refusal::param(
                        &name("id"),
                        format!("must be a string, not {}", json_type(other)),
                    ))
                }
            },
            "preferences" => {
                if object(Some(v), &name(key))?.is_some_and(|p| !p.is_empty()) {
                    return Err(Refusal::param(
                        &name(key),
                        "must be empty: the calculator carries the amount",
                    ));
                }
            }
            _ => {
                return Err(Refusal::param(
                    &name(key),
                    "is not a field of a promotion action (type, calculator, preferences)",
                ))
            }
        }
    }
    let calc_at = name("calculator");
    let Some(calc) = object(action.get("calculator"), &calc_at)? else {
        // Free shipping takes none; the others are refused by the domain (calculator required).
        return Ok(out);
    };
    let type_at = format!("{calc_at}.type");
    let c = match calc.get("type") {
        Some(Value::String(sent)) => types::calculator(sent)
            .filter(|c| c.actions.contains(&t.name))
            .ok_or_else(|| {
                let supported: Vec<&str> = types::CALCULATORS
                    .iter()
                    .filter(|c| c.actions.contains(&t.name))
                    .map(|c| c.spree.name)
                    .collect();
                unsupported(
                    &type_at,
                    &if supported.is_empty() {
                        format!("`{sent}`: a {} action takes no calculator", t.name)
                    } else {
                        format!(
                            "`{sent}` is not a calculator of {} we support ({})",
                            t.name,
                            supported.join(", ")
                        )
                    },
                )
            })?,
        // No type: the one calculator of this action whose preferences are the ones sent
        // (`{"preferences": {"flat_percent": 12}}` is the percent calculator), as Spree's SDK
        // sends a change of amount.
        None | Some(Value::Null) => {
            let sent: Vec<&String> =
                object(calc.get("preferences"), &format!("{calc_at}.preferences"))?
                    .map(|p| p.keys().filter(|k| k.as_str() != "currency").collect())
                    .unwrap_or_default();
            let mut fits = types::CALCULATORS.iter().filter(|c| {
                c.actions.contains(&t.name)
                    && !sent.is_empty()
                    && sent
                        .iter()
                        .all(|k| c.spree.prefs.iter().any(|p| p.key == k.as_str()))
            });
            match (fits.next(), fits.next()) {
                (Some(c), None) => c,
                _ => return Err(Refusal::param(&type_at, "is required")),
            }
        }
        Some(other) => {
            return Err(Refusal::param(
                &type_at,
                format!("must be a string, not {}", json_type(other)),
            ))
        }
    };
    out.insert("calculator".into(), json!(c.calculator));
    let prefs_at = format!("{calc_at}.preferences");
    for (key, v) in object(calc.get("preferences"), &prefs_at)?
        .into_iter()
        .flatten()
    {
        let field = format!("{prefs_at}.{key}");
        if c.spree.prefs.iter().any(|p| p.key == key) {
            out.insert(c.field.into(), decimal(&field, v)?);
        } else if key == "currency" && c.field == "amount" {
            // A flat rate applies in the order's currency: ours keep none of their own.
        } else {
            return Err(Refusal::param(
                &field,
                format!("is not a preference of {}", c.spree.name),
            ));
        }
    }
    for (key, _) in calc {
        if !matches!(
            key.as_str(),
            "type" | "preferences" | "label" | "preference_schema"
        ) {
            return Err(Refusal::param(
                &format!("{calc_at}.{key}"),
                "is not a field of a calculator (type, preferences)",
            ));
        }
    }
    Ok(out)
}

/// The GraphQL input fields an action body sets, named as the body does (for 422 details).
pub const NAMES: &[body::InputField] = &[body::InputField {
    rest: "type",
    gql: "kind",
}];

const ADD: Mutation = Mutation {
    route: "promotionActionAdd",
    resource: &PROMOTION_ACTION,
    text: |sel| {
        format!(
            "mutation RestActionAdd($promotion: ID!, $input: PromotionActionInput!, $key: String) \
             {{ w: promotionActionAdd(promotionId: $promotion, input: $input, idempotencyKey: $key) \
             {{ action {{ {sel}}} userErrors {{ field code message }} }} }}"
        )
    },
    fields: NAMES,
};

/// `GET /promotions/{promotion_id}/promotion_actions`: the promotion's actions (at most 50),
/// paged by `page` / `limit`.
pub async fn list_actions(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(promotion_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::Paged)?;
    let (data, built) = read_actions(&state, principal, &params, promotion_id).await?;
    embedded(&data, "actions", &built.plan, &params)
}

/// `GET /promotions/{promotion_id}/promotion_actions/{id}`: 404 when the action is not that
/// promotion's.
pub async fn show_action(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((promotion_id, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    let params = Params::parse(query.as_deref(), Accepts::One)?;
    let (data, built) = read_actions(&state, principal, &params, promotion_id).await?;
    Ok(Json(child(
        &data,
        "actions",
        &built.plan,
        &id,
        "Promotion action",
    )?))
}

/// The promotion's actions as `{one: {actions}}`, and the operation that read them.
async fn read_actions(
    state: &RestState,
    principal: crate::auth::Principal,
    params: &Params,
    promotion_id: String,
) -> Result<(Value, std::sync::Arc<Built>), SpreeError> {
    let built = state
        .translator
        .operation("promotionActions", &PROMOTION_ACTION, params, |sel| {
            format!("query RestActions($id: ID!) {{ one: promotion(id: $id) {{ actions {{ {sel}}} }} }}")
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

const UPDATE: Mutation = Mutation {
    route: "promotionActionUpdate",
    resource: &PROMOTION_ACTION,
    text: |sel| {
        format!(
            "mutation RestActionUpdate($id: ID!, $promotion: ID!, \
             $input: PromotionActionUpdateInput!, $key: String) {{ w: promotionActionUpdate(\
             id: $id, promotionId: $promotion, input: $input, idempotencyKey: $key) \
             {{ action {{ {sel}}} userErrors {{ field code message }} }} }}"
        )
    },
    fields: NAMES,
};

/// `PATCH /promotions/{promotion_id}/promotion_actions/{id}` (`{"calculator": {"type",
/// "preferences"}}`): the action changes in place, keeping its ID and type; 404 when it is not
/// that promotion's.
pub async fn update_action(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((promotion_id, id)): Path<(String, String)>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Json<Value>, SpreeError> {
    let mut object = body::object(&headers, &raw)?;
    if object.get("type").is_none_or(Value::is_null) {
        // The calculators an action takes depend on its type: read it.
        let (data, built) = read_actions(
            &state,
            principal.clone(),
            &Params::default(),
            promotion_id.clone(),
        )
        .await?;
        let row = child(&data, "actions", &built.plan, &id, "Promotion action")?;
        object.insert(
            "type".into(),
            row.get("type").cloned().unwrap_or(Value::Null),
        );
    }
    let mut action = input(&Value::Object(object), "")?;
    if action
        .get("id")
        .is_some_and(|v| v.as_str() != Some(id.as_str()))
    {
        return Err(Refusal::param("id", "is the action's own: leave it out").into());
    }
    action.remove("id");
    let mut vars = Map::new();
    vars.insert("id".into(), Value::String(id));
    vars.insert("promotion".into(), Value::String(promotion_id));
    vars.insert("input".into(), Value::Object(action));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = vec![
        ("id".into(), "id".into()),
        ("promotionId".into(), "promotion_id".into()),
    ];
    let written = state
        .translator
        .mutate(&state.app, principal, &UPDATE, vars, &names)
        .await;
    match written {
        Ok(w) => Ok(Json(w.object("/action")?)),
        // The action (`["id"]`) is not that promotion's.
        Err(r) if r.code.as_deref() == Some("NOT_FOUND") => {
            Err(Refusal::not_found("Promotion action not found")
                .with_code("NOT_FOUND")
                .into())
        }
        Err(r) => Err(r.into()),
    }
}

/// `POST /promotions/{promotion_id}/promotion_actions`: 201 with the new action.
pub async fn create_action(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path(promotion_id): Path<String>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, SpreeError> {
    let object = body::object(&headers, &raw)?;
    let action = input(&Value::Object(object), "")?;
    if action.contains_key("id") {
        return Err(Refusal::param("id", "cannot be set on a new action").into());
    }
    let mut vars = Map::new();
    vars.insert("promotion".into(), Value::String(promotion_id));
    vars.insert("input".into(), Value::Object(action));
    vars.insert("key".into(), body::idempotency_key(&headers));
    let names = vec![("promotionId".into(), "promotion_id".into())];
    let written = state
        .translator
        .mutate(&state.app, principal, &ADD, vars, &names)
        .await?;
    let row = written.object("/action")?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// `DELETE /promotions/{promotion_id}/promotion_actions/{id}`: 204; 404 when the action is not
/// that promotion's.
pub async fn delete_action(
    State(state): State<RestState>,
    Caller(principal): Caller,
    Path((promotion_id, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, SpreeError> {
    let text = "mutation RestActionRemove($id: ID!, $promotion: ID!, $key: String) { d: \
                promotionActionRemove(id: $id, promotionId: $promotion, idempotencyKey: $key) \
                { promotion { id } userErrors { field code message } } }";
    remove(
        &state,
        principal,
        text,
        id,
        promotion_id,
        &headers,
        &PROMOTION_ACTION,
    )
    .await
}

/// An action body, as a JSON schema.
pub fn action_schema() -> Value {
    json!({"type": "object", "required": ["type"], "properties": {
        "type": {"type": "string", "description": "create_adjustment, create_item_adjustments or free_shipping (or the Ruby class name)"},
        "preferences": {"type": "object", "maxProperties": 0},
        "calculator": {"type": "object", "required": ["type"], "properties": {
            "type": {"type": "string", "description": "flat_rate, flat_percent_item_total (create_adjustment) or percent_on_line_item (create_item_adjustments)"},
            "preferences": {"type": "object", "additionalProperties": true}}}}})
}

fn action_update_schema() -> Value {
    let mut s = action_schema();
    s["required"] = json!([]);
    s["properties"]["type"]["description"] = json!("The action's own type (it cannot change)");
    s
}

/// A promotion's action routes.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotions/{promotion_id}/promotion_actions",
        operation_id: "listPromotionActions",
        summary: "List a promotion's actions (paged)",
        scope: "read_promotions",
        query: Query::Paged(&PROMOTION_ACTION, &[]),
        body: Body::None,
        answer: Answer::Page(&PROMOTION_ACTION),
        handler: || get(list_actions),
    },
    Route {
        method: Method::POST,
        path: "/api/v3/admin/promotions/{promotion_id}/promotion_actions",
        operation_id: "createPromotionAction",
        summary: "Add an action to a promotion",
        scope: "write_promotions",
        query: Query::None,
        body: Body::Schema(action_schema),
        answer: Answer::Created(&PROMOTION_ACTION),
        handler: || post(create_action),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotions/{promotion_id}/promotion_actions/{id}",
        operation_id: "showPromotionAction",
        summary: "Show a promotion's action",
        scope: "read_promotions",
        query: Query::One(&PROMOTION_ACTION),
        body: Body::None,
        answer: Answer::One(&PROMOTION_ACTION),
        handler: || get(show_action),
    },
    Route {
        method: Method::PATCH,
        path: "/api/v3/admin/promotions/{promotion_id}/promotion_actions/{id}",
        operation_id: "updatePromotionAction",
        summary: "Change an action's calculator in place (it keeps its ID and type)",
        scope: "write_promotions",
        query: Query::None,
        body: Body::Schema(action_update_schema),
        answer: Answer::One(&PROMOTION_ACTION),
        handler: || patch(update_action),
    },
    Route {
        method: Method::DELETE,
        path: "/api/v3/admin/promotions/{promotion_id}/promotion_actions/{id}",
        operation_id: "deletePromotionAction",
        summary: "Remove an action from a promotion",
        scope: "write_promotions",
        query: Query::None,
        body: Body::None,
        answer: Answer::NoContent,
        handler: || delete(delete_action),
    },
];
