//! Spree's promotion rule, action and calculator types that our promotion engine supports, as
//! static tables: the wire shorthand (`item_total`), the Ruby class a client may send instead
//! (`Spree::Promotion::Rules::ItemTotal`), label and preference schema, and our kind.
//! `GET /promotion_rules/types` and `GET /promotion_actions/types` serve them, and
//! `GET /promotion_actions/calculators?type=` the calculators of one action type.

use axum::extract::{RawQuery, State};
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};

use super::{Caller, SpreeError};
use crate::auth::Scope;
use crate::rest::error::Kind;
use crate::rest::routes::{Answer, Body, Query, Route};
use crate::rest::{Refusal, RestState};

/// One preference of a type: key, Spree's value type and default.
pub struct Pref {
    pub key: &'static str,
    pub kind: &'static str,
    pub default: fn() -> Value,
}

/// A Spree type we support.
pub struct SpreeType {
    /// The wire shorthand (`item_total`).
    pub name: &'static str,
    /// The last segment of its Ruby class (`ItemTotal`).
    pub class: &'static str,
    pub label: &'static str,
    pub prefs: &'static [Pref],
    /// Our GraphQL kind (rules: the same name; actions: `order_adjustment`…).
    pub ours: &'static str,
}

fn null() -> Value {
    Value::Null
}
fn any() -> Value {
    json!("any")
}
fn gte() -> Value {
    json!("gte")
}
fn lte() -> Value {
    json!("lte")
}
fn no_ids() -> Value {
    json!([])
}
fn zero() -> Value {
    json!(0)
}

/// The rule types, in Spree's order. An item_total's bounds are inclusive (`gte` / `lte`).
pub const RULES: &[SpreeType] = &[
    SpreeType {
        name: "currency",
        class: "Currency",
        label: "Currency",
        prefs: &[Pref {
            key: "currency",
            kind: "string",
            default: null,
        }],
        ours: "currency",
    },
    SpreeType {
        name: "customer_group",
        class: "CustomerGroup",
        label: "Customer Group(s)",
        prefs: &[Pref {
            key: "customer_group_ids",
            kind: "array",
            default: no_ids,
        }],
        ours: "customer_group",
    },
    SpreeType {
        name: "customer",
        class: "User",
        label: "Customers",
        prefs: &[],
        ours: "customer",
    },
    SpreeType {
        name: "first_order",
        class: "FirstOrder",
        label: "First order",
        prefs: &[],
        ours: "first_order",
    },
    SpreeType {
        name: "item_total",
        class: "ItemTotal",
        label: "Item total",
        prefs: &[
            Pref {
                key: "amount_min",
                kind: "decimal",
                default: null,
            },
            Pref {
                key: "operator_min",
                kind: "string",
                default: gte,
            },
            Pref {
                key: "amount_max",
                kind: "decimal",
                default: null,
            },
            Pref {
                key: "operator_max",
                kind: "string",
                default: lte,
            },
        ],
        ours: "item_total",
    },
    SpreeType {
        name: "product",
        class: "Product",
        label: "Product(s)",
        prefs: &[Pref {
            key: "match_policy",
            kind: "string",
            default: any,
        }],
        ours: "product",
    },
];

/// The action types. `create_line_items` is not supported.
pub const ACTIONS: &[SpreeType] = &[
    SpreeType {
        name: "create_item_adjustments",
        class: "CreateItemAdjustments",
        label: "Create per-line-item adjustment",
        prefs: &[],
        ours: "item_adjustment",
    },
    SpreeType {
        name: "create_adjustment",
        class: "CreateAdjustment",
        label: "Create whole-order adjustment",
        prefs: &[],
        ours: "order_adjustment",
    },
    SpreeType {
        name: "free_shipping",
        class: "FreeShipping",
        label: "Free shipping",
        prefs: &[],
        ours: "free_delivery",
    },
];

/// A calculator we support: Spree's type and preference, and our calculator (flat/percent).
pub struct Calculator {
    pub spree: SpreeType,
    /// The action types it goes with.
    pub actions: &'static [&'static str],
    /// `flat` or `percent`.
    pub calculator: &'static str,
    /// Our field its one preference sets (`amount`, `percent`).
    pub field: &'static str,
}

pub const CALCULATORS: &[Calculator] = &[
    Calculator {
        spree: SpreeType {
            name: "flat_rate",
            class: "FlatRate",
            label: "Flat Rate",
            prefs: &[Pref {
                key: "amount",
                kind: "decimal",
                default: zero,
            }],
            ours: "flat",
        },
        actions: &["create_adjustment", "create_item_adjustments"],
        calculator: "flat",
        field: "amount",
    },
    Calculator {
        spree: SpreeType {
            name: "flat_percent_item_total",
            class: "FlatPercentItemTotal",
            label: "Flat Percent",
            prefs: &[Pref {
                key: "flat_percent",
                kind: "decimal",
                default: zero,
            }],
            ours: "percent",
        },
        actions: &["create_adjustment"],
        calculator: "percent",
        field: "percent",
    },
    Calculator {
        spree: SpreeType {
            name: "percent_on_line_item",
            class: "PercentOnLineItem",
            label: "Percent Per Item",
            prefs: &[Pref {
                key: "percent",
                kind: "decimal",
                default: zero,
            }],
            ours: "percent",
        },
        actions: &["create_item_adjustments"],
        calculator: "percent",
        field: "percent",
    },
];

/// The shorthand of a type a client sent: the shorthand itself, or a Ruby class name
/// (`Spree::Promotion::Rules::ItemTotal`, `Spree::Calculator::FlatRate`).
fn find<'a, T>(table: &'a [T], sent: &str, of: impl Fn(&T) -> &SpreeType) -> Option<&'a T> {
    let sent = sent.trim();
    let class = sent.rsplit("::").next().unwrap_or(sent);
    table
        .iter()
        .find(|t| of(t).name == sent || (sent.contains("::") && of(t).class == class))
}

pub fn rule(sent: &str) -> Option<&'static SpreeType> {
    find(RULES, sent, |t| t)
}

pub fn action(sent: &str) -> Option<&'static SpreeType> {
    find(ACTIONS, sent, |t| t)
}

pub fn calculator(sent: &str) -> Option<&'static Calculator> {
    find(CALCULATORS, sent, |c| &c.spree)
}

/// The Spree type of one of our rule kinds or action kinds.
pub fn rule_of(kind: &str) -> Option<&'static SpreeType> {
    RULES.iter().find(|t| t.ours == kind)
}

pub fn action_of(kind: &str) -> Option<&'static SpreeType> {
    ACTIONS.iter().find(|t| t.ours == kind)
}

/// The calculator of one of our actions (`item_adjustment` + `percent`).
pub fn calculator_of(action_kind: &str, calculator: &str) -> Option<&'static Calculator> {
    let action = action_of(action_kind)?;
    CALCULATORS
        .iter()
        .find(|c| c.calculator == calculator && c.actions.contains(&action.name))
}

/// Spree's `preference_schema`: `[{key, type, default}]`.
pub fn preference_schema(t: &SpreeType) -> Value {
    Value::Array(
        t.prefs
            .iter()
            .map(|p| json!({"key": p.key, "type": p.kind, "default": (p.default)()}))
            .collect(),
    )
}

/// 422 with Spree's `unknown_promotion_rule_type` / `unknown_promotion_action_type` code
/// (see `errors.rs`), naming the body field.
pub fn unknown(field: &str, what: &str, sent: &str, table: &[SpreeType]) -> Refusal {
    let supported: Vec<&str> = table.iter().map(|t| t.name).collect();
    let problem = format!(
        "`{sent}` is not a {what} type we support ({})",
        supported.join(", ")
    );
    let mut r = Refusal::new(Kind::Validation, format!("Unknown type: {field} {problem}"))
        .with_code(if what == "rule" {
            "UNKNOWN_PROMOTION_RULE_TYPE"
        } else {
            "UNKNOWN_PROMOTION_ACTION_TYPE"
        });
    r.details.insert(field.to_owned(), vec![problem]);
    r
}

fn types(table: &[SpreeType]) -> Value {
    let rows: Vec<Value> = table
        .iter()
        .map(|t| {
            json!({"type": t.name, "label": t.label, "description": null,
                   "preference_schema": preference_schema(t)})
        })
        .collect();
    json!({"data": rows})
}

/// The static lists answer only callers that may read promotions.
fn can_read(caller: &Caller) -> Result<(), SpreeError> {
    caller
        .0
        .require(Scope::PromotionsRead)
        .map_err(|_| Refusal::new(Kind::Forbidden, "requires read_promotions").into())
}

/// `GET /promotion_rules/types`.
pub async fn rule_types(
    State(_): State<RestState>,
    caller: Caller,
) -> Result<Json<Value>, SpreeError> {
    can_read(&caller)?;
    Ok(Json(types(RULES)))
}

/// `GET /promotion_actions/types`.
pub async fn action_types(
    State(_): State<RestState>,
    caller: Caller,
) -> Result<Json<Value>, SpreeError> {
    can_read(&caller)?;
    Ok(Json(types(ACTIONS)))
}

/// `GET /promotion_actions/calculators?type=create_adjustment` (or the Ruby class name): the
/// calculators we support for that action type, by label, as Spree's `{type, label,
/// preference_schema}`. An action type we do not support, or one without calculators
/// (`free_shipping`), is 422 `unknown_promotion_action_type` as Spree's.
pub async fn calculators(
    State(_): State<RestState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, SpreeError> {
    can_read(&caller)?;
    let mut sent = None;
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "type" if sent.is_none() => sent = Some(v.into_owned()),
            "type" => return Err(Refusal::param("type", "is given more than once").into()),
            other => {
                return Err(Refusal::param(other, "is not a parameter of this route (type)").into())
            }
        }
    }
    let Some(sent) = sent.filter(|t| !t.trim().is_empty()) else {
        return Err(Refusal::param(
            "type",
            "is required (an action type, e.g. create_adjustment)",
        )
        .into());
    };
    let t = action(&sent).ok_or_else(|| unknown("type", "action", &sent, ACTIONS))?;
    let mut rows: Vec<&Calculator> = CALCULATORS
        .iter()
        .filter(|c| c.actions.contains(&t.name))
        .collect();
    if rows.is_empty() {
        let mut r = unknown("type", "action", &sent, ACTIONS);
        let problem = format!("`{sent}` takes no calculator");
        r.message = format!("Unknown type: type {problem}");
        r.details.insert("type".into(), vec![problem]);
        return Err(r.into());
    }
    rows.sort_by_key(|c| c.spree.label);
    let data: Vec<Value> = rows
        .iter()
        .map(|c| {
            json!({"type": c.spree.name, "label": c.spree.label,
                   "preference_schema": preference_schema(&c.spree)})
        })
        .collect();
    Ok(Json(json!({ "data": data })))
}

fn calculators_schema() -> Value {
    json!({"type": "object", "required": ["data"], "properties": {"data": {"type": "array", "items": {
        "type": "object", "required": ["type", "label", "preference_schema"],
        "properties": {"type": {"type": "string"}, "label": {"type": "string"},
            "preference_schema": {"type": "array", "items": {"type": "object", "required": ["key", "type"],
                "properties": {"key": {"type": "string"}, "type": {"type": "string"}, "default": {}}}}}}}}})
}

pub fn types_schema() -> Value {
    json!({"type": "object", "required": ["data"], "properties": {"data": {"type": "array", "items": {
        "type": "object", "required": ["type", "label", "description", "preference_schema"],
        "properties": {"type": {"type": "string"}, "label": {"type": "string"},
            "description": {"type": ["string", "null"]},
            "preference_schema": {"type": "array", "items": {"type": "object", "required": ["key", "type"],
                "properties": {"key": {"type": "string"}, "type": {"type": "string"}, "default": {}}}}}}}}})
}

/// The type lists and the calculators of an action type.
pub static ROUTES: &[Route] = &[
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotion_rules/types",
        operation_id: "listPromotionRuleTypes",
        summary: "List the promotion rule types we support",
        scope: "read_promotions",
        query: Query::None,
        body: Body::None,
        answer: Answer::Schema(types_schema),
        handler: || get(rule_types),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotion_actions/types",
        operation_id: "listPromotionActionTypes",
        summary: "List the promotion action types we support",
        scope: "read_promotions",
        query: Query::None,
        body: Body::None,
        answer: Answer::Schema(types_schema),
        handler: || get(action_types),
    },
    Route {
        method: Method::GET,
        path: "/api/v3/admin/promotion_actions/calculators",
        operation_id: "listPromotionActionCalculators",
        summary: "List the calculators we support for an action type (`?type=create_adjustment`)",
        scope: "read_promotions",
        query: Query::None,
        body: Body::None,
        answer: Answer::Schema(calculators_schema),
        handler: || get(calculators),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_found_by_shorthand_or_ruby_class() {
        assert_eq!(rule("item_total").map(|t| t.ours), Some("item_total"));
        assert_eq!(
            rule("Spree::Promotion::Rules::User").map(|t| t.ours),
            Some("customer")
        );
        assert!(rule("category").is_none());
        assert!(rule("ItemTotal").is_none());
        assert_eq!(
            action("Spree::Promotion::Actions::FreeShipping").map(|t| t.ours),
            Some("free_delivery")
        );
        assert!(action("create_line_items").is_none());
        assert_eq!(
            calculator("Spree::Calculator::PercentOnLineItem").map(|c| c.field),
            Some("percent")
        );
        assert_eq!(
            calculator_of("order_adjustment", "percent").map(|c| c.spree.name),
            Some("flat_percent_item_total")
        );
        assert_eq!(
            calculator_of("item_adjustment", "flat").map(|c| c.spree.name),
            Some("flat_rate")
        );
    }
}
