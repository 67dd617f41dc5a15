//! Spree's STI price rules (`{"type": "volume_rule", "preferences": {…}}`) over our
//! `PriceRule` (`kind` + its references). Each Spree type maps onto one kind:
//!
//! | Spree `type`          | kind           | preferences                         |
//! |-----------------------|----------------|-------------------------------------|
//! | `volume_rule`         | VOLUME         | `min_quantity` (`max_quantity` null) |
//! | `customer_group_rule` | CUSTOMER_GROUP | `customer_group_ids`: `cg_…`s        |
//! | `user_rule`           | CUSTOMER       | `user_ids`: `cus_…`s                 |
//! | `channel_rule`        | CHANNEL        | `channel_ids`: `ch_…`s               |
//! | `market_rule`         | MARKET         | `market_code`: an ISO country code   |
//!
//! Spree's class names (`Spree::PriceRules::VolumeRule`) are read as the short names. The id
//! lists map onto our list fields (`customerIds`, …) both ways: 1 to 100 distinct ids of the
//! store, and the rule matches when the buyer / one of their groups / the channel is ANY of
//! them (Spree's semantic); responses list every id.

use serde_json::{json, Map, Value};

use crate::rest::error::Kind;
use crate::rest::translate::resource::*;
use crate::rest::Refusal;

/// Spree type, our kind, the preference holding the reference, our input field.
const TYPES: &[(&str, &str, &str, &str)] = &[
    ("volume_rule", "VOLUME", "min_quantity", "minQuantity"),
    (
        "customer_group_rule",
        "CUSTOMER_GROUP",
        "customer_group_ids",
        "customerGroupIds",
    ),
    ("user_rule", "CUSTOMER", "user_ids", "customerIds"),
    ("channel_rule", "CHANNEL", "channel_ids", "channelIds"),
    ("market_rule", "MARKET", "market_code", "marketCode"),
];

/// The Spree preference of one of our rule input fields (`customerGroupIds`, or the single
/// `customerGroupId` → `customer_group_ids`).
pub fn preference_of(gql_field: &str) -> Option<&'static str> {
    TYPES
        .iter()
        .find(|t| t.3 == gql_field || t.3.strip_suffix('s') == Some(gql_field))
        .map(|t| t.2)
}

/// Our kind (`volume`, as GraphQL's `PriceRule.kind` reads) → Spree's type.
fn spree_type(kind: &str) -> Option<&'static str> {
    TYPES
        .iter()
        .find(|t| t.1.eq_ignore_ascii_case(kind))
        .map(|t| t.0)
}

/// The preferences of a rule row (its `_…` sources).
fn preferences(r: &Map<String, Value>) -> Value {
    let get = |k: &str| r.get(k).cloned().unwrap_or(Value::Null);
    let kind = r.get("_kind").and_then(Value::as_str).unwrap_or_default();
    match kind {
        "volume" => json!({"min_quantity": get("_min_quantity"), "max_quantity": null}),
        "customer_group" => json!({"customer_group_ids": get("_customer_group_ids")}),
        "customer" => json!({"user_ids": get("_customer_ids")}),
        "channel" => json!({"channel_ids": get("_channel_ids")}),
        "market" => json!({"market_code": get("_market_code")}),
        _ => json!({}),
    }
}

/// The preference schema of each type, as Spree's `PreferenceField`s.
fn preference_schema(r: &Map<String, Value>) -> Value {
    let kind = r.get("_kind").and_then(Value::as_str).unwrap_or_default();
    match kind {
        // Spree's volume rule also takes a `max_quantity`; ours has no upper bound, so it is
        // not offered (a non-null one is refused).
        "volume" => json!([{"key": "min_quantity", "type": "integer", "default": 1}]),
        "customer_group" => json!([{"key": "customer_group_ids", "type": "array", "default": []}]),
        "customer" => json!([{"key": "user_ids", "type": "array", "default": []}]),
        "channel" => json!([{"key": "channel_ids", "type": "array", "default": []}]),
        "market" => json!([{"key": "market_code", "type": "string", "default": null}]),
        _ => json!([]),
    }
}

fn label(r: &Map<String, Value>) -> Value {
    let kind = r.get("_kind").and_then(Value::as_str).unwrap_or_default();
    Value::String(
        match kind {
            "volume" => "Volume",
            "customer_group" => "Customer Group",
            "customer" => "User",
            "channel" => "Channel",
            "market" => "Market",
            _ => "Rule",
        }
        .into(),
    )
}

/// Spree's `PriceRule.subclasses_with_preference_schema` for the types we support:
/// `[{type, label, description, preference_schema}]` (`GET /price_lists/price_rule_types`).
pub fn types() -> Value {
    Value::Array(
        TYPES
            .iter()
            .map(|(name, kind, ..)| {
                let mut row = Map::new();
                row.insert("_kind".into(), json!(kind.to_ascii_lowercase()));
                json!({"type": name, "label": label(&row), "description": null,
                       "preference_schema": preference_schema(&row)})
            })
            .collect(),
    )
}

/// Spree's `PriceRule`.
pub static PRICE_RULE: Resource = Resource {
    graphql_type: "PriceRule",
    fields: &[
        value("id", "id"),
        value("created_at", "createdAt"),
        value("updated_at", "updatedAt"),
        computed("type", &["_kind"], |r| {
            r.get("_kind")
                .and_then(Value::as_str)
                .and_then(spree_type)
                .map_or(Value::Null, |t| Value::String(t.into()))
        }),
        value("price_list_id", "priceListId"),
        computed(
            "preferences",
            &[
                "_kind",
                "_min_quantity",
                "_customer_group_ids",
                "_customer_ids",
                "_channel_ids",
                "_market_code",
            ],
            preferences,
        ),
        computed("preference_schema", &["_kind"], preference_schema),
        computed("label", &["_kind"], label),
        fixed("description", null),
        value("_kind", "kind"),
        value("_min_quantity", "minQuantity"),
        value("_customer_group_ids", "customerGroupIds"),
        value("_customer_ids", "customerIds"),
        value("_channel_ids", "channelIds"),
        value("_market_code", "marketCode"),
    ],
    expands: &[],
};

/// A 422 naming `field`.
fn invalid(field: &str, problem: &str) -> Refusal {
    let mut r = Refusal::new(Kind::Validation, format!("{field} {problem}"));
    r.details.insert(field.to_owned(), vec![problem.to_owned()]);
    r.param = Some(field.to_owned());
    r
}

/// `rules` of a body as GraphQL rule inputs (`PriceRuleInput`, or with `ids`
/// `PriceListRuleInput`). Malformed shapes are 400s, types we do not have 422s; both name
/// the rule's field (`rules[2].preferences.min_quantity`).
pub fn from_spree(rules: &Value, with_ids: bool) -> Result<Value, Refusal> {
    let Value::Array(items) = rules else {
        return Err(Refusal::param("rules", "must be a list of rules"));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = |f: &str| format!("rules[{i}]{f}");
        let Value::Object(rule) = item else {
            return Err(Refusal::param(&at(""), "must be an object"));
        };
        for key in rule.keys() {
            if !matches!(
                key.as_str(),
                "id" | "type"
                    | "preferences"
                    | "price_list_id"
                    | "created_at"
                    | "updated_at"
                    | "label"
                    | "description"
                    | "preference_schema"
            ) {
                return Err(Refusal::param(
                    &at(&format!(".{key}")),
                    "is not a rule field",
                ));
            }
        }
        let ty = rule
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| Refusal::param(&at(".type"), "is required"))?;
        let short = short_type(ty);
        let Some((_, kind, pref, field)) = TYPES.iter().find(|t| t.0 == short) else {
            return Err(invalid(
                &at(".type"),
                &format!(
                    "`{ty}` is not a price rule type we support (types: {})",
                    TYPES.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        let prefs = match rule.get("preferences") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(p)) => p.clone(),
            Some(_) => return Err(Refusal::param(&at(".preferences"), "must be an object")),
        };
        for key in prefs.keys() {
            let known = key == pref || (*kind == "VOLUME" && key == "max_quantity");
            if !known {
                return Err(Refusal::param(
                    &at(&format!(".preferences.{key}")),
                    format!("is not a preference of {short} (it takes {pref})"),
                ));
            }
        }
        let p = at(&format!(".preferences.{pref}"));
        let reference = match (kind, prefs.get(*pref)) {
            (_, None | Some(Value::Null)) => return Err(invalid(&p, "is required")),
            (&"VOLUME", Some(v)) => json!(quantity(v)
                .ok_or_else(|| Refusal::param(&p, "must be a whole number of at least 1"))?),
            (&"MARKET", Some(Value::String(s))) => json!(s),
            (&"MARKET", Some(_)) => return Err(Refusal::param(&p, "must be a country code")),
            (_, Some(Value::Array(ids))) if ids.is_empty() => {
                return Err(invalid(&p, "is required"))
            }
            // Any of the ids matches; the GraphQL layer checks them (1 to 100, distinct, of
            // this store) and names the list in its errors.
            (_, Some(Value::Array(ids))) if ids.iter().all(Value::is_string) => json!(ids),
            (_, Some(Value::Array(_))) => {
                return Err(Refusal::param(&p, "must be a list of IDs (strings)"))
            }
            (_, Some(_)) => return Err(Refusal::param(&p, "must be a list of IDs")),
        };
        if let Some(max) = prefs.get("max_quantity").filter(|v| !v.is_null()) {
            let _ = max;
            return Err(invalid(
                &at(".preferences.max_quantity"),
                "is not supported: a volume price applies from min_quantity up",
            ));
        }
        let mut input = Map::new();
        if with_ids {
            match rule.get("id") {
                None | Some(Value::Null) => {}
                Some(Value::String(id)) => {
                    input.insert("id".into(), json!(id));
                }
                Some(_) => return Err(Refusal::param(&at(".id"), "must be a string")),
            }
        }
        input.insert("kind".into(), json!(kind));
        input.insert((*field).into(), reference);
        out.push(Value::Object(input));
    }
    Ok(Value::Array(out))
}

/// `Spree::PriceRules::VolumeRule` → `volume_rule`; short names as they are.
fn short_type(ty: &str) -> String {
    let last = ty.rsplit("::").next().unwrap_or(ty);
    if !ty.contains("::") {
        return last.to_owned();
    }
    crate::rest::translate::operation::snake(last)
}

/// A quantity as a number or a numeric string.
fn quantity(v: &Value) -> Option<i64> {
    let q = match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }?;
    (1..=i64::from(i32::MAX)).contains(&q).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_ids_are_accepted_as_any_of() {
        let rules = json!([
            {"type": "user_rule", "preferences": {"user_ids": ["cus_a", "cus_b"]}},
            {"type": "customer_group_rule", "preferences": {"customer_group_ids": ["cg_1", "cg_2"]}},
            {"type": "channel_rule", "preferences": {"channel_ids": ["ch_1", "ch_2", "ch_3"]}},
        ]);
        assert_eq!(
            from_spree(&rules, false).unwrap(),
            json!([{"kind": "CUSTOMER", "customerIds": ["cus_a", "cus_b"]},
                   {"kind": "CUSTOMER_GROUP", "customerGroupIds": ["cg_1", "cg_2"]},
                   {"kind": "CHANNEL", "channelIds": ["ch_1", "ch_2", "ch_3"]}])
        );
    }

    #[test]
    fn spree_rules_map_onto_ours_and_back() {
        let rules = json!([
            {"type": "volume_rule", "preferences": {"min_quantity": "10", "max_quantity": null}},
            {"id": "prule_1", "type": "Spree::PriceRules::CustomerGroupRule", "preferences": {"customer_group_ids": ["cg_1"]}},
            {"type": "market_rule", "preferences": {"market_code": "EC"}},
        ]);
        assert_eq!(
            from_spree(&rules, true).unwrap(),
            json!([{"kind": "VOLUME", "minQuantity": 10},
                   {"id": "prule_1", "kind": "CUSTOMER_GROUP", "customerGroupIds": ["cg_1"]},
                   {"kind": "MARKET", "marketCode": "EC"}])
        );
        for (bad, param, kind) in [
            (
                json!([{"type": "zone_rule"}]),
                "rules[0].type",
                Kind::Validation,
            ),
            (
                json!([{"preferences": {}}]),
                "rules[0].type",
                Kind::BadRequest,
            ),
            (
                json!([{"type": "volume_rule", "preferences": {"min_quantity": 0}}]),
                "rules[0].preferences.min_quantity",
                Kind::BadRequest,
            ),
            (
                json!([{"type": "user_rule", "preferences": {"user_ids": []}}]),
                "rules[0].preferences.user_ids",
                Kind::Validation,
            ),
            (
                json!([{"type": "channel_rule", "preferences": {"channel_ids": ["ch_1", 2]}}]),
                "rules[0].preferences.channel_ids",
                Kind::BadRequest,
            ),
            (
                json!([{"type": "volume_rule", "preferences": {"min_quantity": 2, "max_quantity": 5}}]),
                "rules[0].preferences.max_quantity",
                Kind::Validation,
            ),
            (json!({"type": "x"}), "rules", Kind::BadRequest),
        ] {
            let e = from_spree(&bad, false).unwrap_err();
            assert_eq!(e.param.as_deref(), Some(param), "{bad}");
            assert_eq!(e.kind, kind, "{bad}");
        }
        let row: Map<String, Value> = serde_json::from_value(
            json!({"_kind": "customer", "_customer_ids": ["cus_1", "cus_2"]}),
        )
        .unwrap();
        assert_eq!(preferences(&row), json!({"user_ids": ["cus_1", "cus_2"]}));
        assert_eq!(preference_of("customerIds"), Some("user_ids"));
        assert_eq!(preference_of("customerId"), Some("user_ids"));
        assert_eq!(spree_type("customer_group"), Some("customer_group_rule"));
    }
}
