//! Spree's promotion routes: a promotion with rules and actions in Spree's types, their shapes
//! (timestamps, ids, preferences, calculators), updates that keep rule and action IDs, rules
//! and actions one at a time, coupon codes, the static type lists, and a flat statement count.

use serde_json::{json, Value};

use super::{Spree, ALL};
use crate::common::{spawn, TestApp};

/// Two product IDs of the seeded catalog.
pub async fn products(app: &TestApp, key: &str) -> Vec<String> {
    let d = app
        .data(key, "{ products(first: 2) { nodes { id } } }", json!({}))
        .await;
    d["products"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The SDK's "one-shot" example: a coupon promotion with three rules and two actions.
pub fn black_friday(products: &[String], code: &str) -> Value {
    json!({
        "name": "Black Friday", "code": code, "kind": "coupon_code",
        "starts_at": "2026-11-29T00:00:00Z", "expires_at": "2026-12-01T00:00:00Z",
        "match_policy": "all",
        "rules": [
            {"type": "currency", "preferences": {"currency": "USD"}},
            {"type": "item_total", "preferences": {"amount_min": 100, "operator_min": "gte"}},
            {"type": "product", "preferences": {"match_policy": "any"}, "product_ids": products}
        ],
        "actions": [
            {"type": "create_item_adjustments",
             "calculator": {"type": "percent_on_line_item", "preferences": {"percent": 25}}},
            {"type": "free_shipping"}
        ]
    })
}

fn by_type<'a>(list: &'a Value, t: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == t)
        .unwrap_or_else(|| panic!("no {t} in {list}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_promotion_is_created_with_spree_rules_and_actions_and_read_back() {
    let app = spawn().await;
    app.seed("alpha", 2, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let prods = products(&app, &s.key).await;
    let (st, p) = s.post("/promotions", black_friday(&prods, "BF2026")).await;
    assert_eq!(st, 201, "{p}");
    let id = p["id"].as_str().unwrap();
    assert!(id.starts_with("promo_"));
    assert_eq!(p["code"], "BF2026");
    assert_eq!(p["kind"], "coupon_code");
    assert_eq!(p["multi_codes"], false);
    assert_eq!(p["match_policy"], "all");
    assert_eq!(p["path"], Value::Null);
    assert_eq!(p["promotion_category_id"], Value::Null);
    assert_eq!(p["metadata"], json!({}));
    assert_eq!(p["rule_ids"].as_array().unwrap().len(), 3);
    assert_eq!(p["action_ids"].as_array().unwrap().len(), 2);

    let (st, full) = s
        .get(&format!("/promotions/{id}?expand=rules,actions"))
        .await;
    assert_eq!(st, 200, "{full}");
    let currency = by_type(&full["rules"], "currency");
    assert_eq!(currency["preferences"], json!({"currency": "USD"}));
    assert_eq!(currency["label"], "Currency");
    assert_eq!(
        currency["preference_schema"],
        json!([{"key": "currency", "type": "string", "default": null}])
    );
    assert_eq!(currency["promotion_id"], id);
    assert!(currency["created_at"].is_string() && currency["updated_at"].is_string());
    assert_eq!(currency["product_ids"], Value::Null);
    assert_eq!(currency["category_ids"], Value::Null);
    let total = by_type(&full["rules"], "item_total");
    assert_eq!(total["preferences"]["amount_min"], "100.00");
    assert_eq!(total["preferences"]["operator_min"], "gte");
    assert_eq!(total["preferences"]["amount_max"], Value::Null);
    let product = by_type(&full["rules"], "product");
    assert_eq!(product["product_ids"], json!(prods));
    assert_eq!(product["preferences"], json!({"match_policy": "any"}));
    let items = by_type(&full["actions"], "create_item_adjustments");
    assert_eq!(items["calculator"]["type"], "percent_on_line_item");
    assert_eq!(items["calculator"]["preferences"], json!({"percent": "25"}));
    assert_eq!(items["label"], "Create per-line-item adjustment");
    assert_eq!(items["line_items"], Value::Null);
    let free = by_type(&full["actions"], "free_shipping");
    assert_eq!(free["calculator"], Value::Null);
    assert!(free["created_at"].is_string());

    let (st, list) = s
        .get("/promotions?q[name_cont]=black&sort=-created_at")
        .await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(list["meta"]["count"], 1);
    assert_eq!(list["data"][0]["id"], id);

    let (_, rules) = s.get(&format!("/promotions/{id}/promotion_rules")).await;
    assert_eq!(rules["meta"]["count"], 3);
    assert_eq!(rules["data"].as_array().unwrap().len(), 3);
    let (_, actions) = s.get(&format!("/promotions/{id}/promotion_actions")).await;
    assert_eq!(actions["meta"]["count"], 2);

    // Fully-qualified Ruby class names are accepted; an automatic promotion needs no code.
    let (st, auto) = s
        .post(
            "/promotions",
            json!({"name": "Ten off", "rules": [{"type": "Spree::Promotion::Rules::FirstOrder"}],
                   "actions": [{"type": "Spree::Promotion::Actions::CreateAdjustment",
                                "calculator": {"type": "Spree::Calculator::FlatRate", "preferences": {"amount": "10", "currency": "USD"}}}]}),
        )
        .await;
    assert_eq!(st, 201, "{auto}");
    assert_eq!(auto["kind"], "automatic");
    assert_eq!(auto["code"], Value::Null);
    let (_, a) = s
        .get(&format!(
            "/promotions/{}/promotion_actions",
            auto["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(a["data"][0]["type"], "create_adjustment");
    assert_eq!(a["data"][0]["calculator"]["type"], "flat_rate");
    assert_eq!(
        a["data"][0]["calculator"]["preferences"],
        json!({"amount": "10.00"})
    );

    let (st, _) = s.delete(&format!("/promotions/{id}")).await;
    assert_eq!(st, 204);
    let (st, _) = s.get(&format!("/promotions/{id}")).await;
    assert_eq!(st, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_update_keeps_the_ids_of_the_rules_and_actions_it_names() {
    let app = spawn().await;
    app.seed("alpha", 2, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let prods = products(&app, &s.key).await;
    let (_, p) = s.post("/promotions", black_friday(&prods, "KEEP1")).await;
    let id = p["id"].as_str().unwrap();
    let (_, before) = s
        .get(&format!("/promotions/{id}?expand=rules,actions"))
        .await;
    let currency = by_type(&before["rules"], "currency").clone();
    let items = by_type(&before["actions"], "create_item_adjustments").clone();
    let (st, u) = s
        .patch(
            &format!("/promotions/{id}"),
            json!({"name": "Holiday Sale", "description": "Updated",
            "rules": [
                {"id": currency["id"], "type": "currency", "preferences": {"currency": "EUR"}},
                {"type": "item_total", "preferences": {"amount_min": 50, "operator_min": "gte"}}
            ],
            "actions": [
                {"id": items["id"], "type": "create_item_adjustments",
                 "calculator": {"type": "percent_on_line_item", "preferences": {"percent": 15}}}
            ]}),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["name"], "Holiday Sale");
    assert_eq!(u["description"], "Updated");
    assert_eq!(u["code"], "KEEP1", "the code stays");
    let rule_ids = u["rule_ids"].as_array().unwrap();
    assert_eq!(rule_ids.len(), 2);
    assert!(rule_ids.contains(&currency["id"]), "{u}");
    assert_eq!(u["action_ids"], json!([items["id"]]));
    let (_, after) = s
        .get(&format!("/promotions/{id}?expand=rules,actions"))
        .await;
    let kept = by_type(&after["rules"], "currency");
    assert_eq!(kept["id"], currency["id"]);
    assert_eq!(kept["preferences"]["currency"], "EUR");
    assert_eq!(kept["created_at"], currency["created_at"]);
    assert_eq!(
        by_type(&after["rules"], "item_total")["preferences"]["amount_min"],
        "50.00"
    );
    assert_eq!(
        after["actions"][0]["calculator"]["preferences"],
        json!({"percent": "15"})
    );

    // Empty arrays clear them; other fields stay.
    let (st, u) = s
        .patch(
            &format!("/promotions/{id}"),
            json!({"rules": [], "actions": []}),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["rule_ids"], json!([]));
    assert_eq!(u["action_ids"], json!([]));
    assert_eq!(u["name"], "Holiday Sale");
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_and_actions_are_added_changed_and_removed_one_at_a_time() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (_, p) = s.post("/promotions", json!({"name": "Parts"})).await;
    let id = p["id"].as_str().unwrap();
    let (st, rule) = s
        .post(
            &format!("/promotions/{id}/promotion_rules"),
            json!({"type": "currency", "preferences": {"currency": "EUR"}}),
        )
        .await;
    assert_eq!(st, 201, "{rule}");
    assert_eq!(rule["type"], "currency");
    assert_eq!(rule["promotion_id"], id);
    assert_eq!(rule["preferences"], json!({"currency": "EUR"}));
    let rid = rule["id"].as_str().unwrap();
    let (st, changed) = s
        .patch(
            &format!("/promotions/{id}/promotion_rules/{rid}"),
            json!({"preferences": {"currency": "GBP"}}),
        )
        .await;
    assert_eq!(st, 200, "{changed}");
    assert_eq!(changed["id"], rid);
    assert_eq!(changed["preferences"], json!({"currency": "GBP"}));
    assert_eq!(changed["created_at"], rule["created_at"]);
    assert_ne!(changed["updated_at"], rule["updated_at"]);

    let (st, action) = s
        .post(
            &format!("/promotions/{id}/promotion_actions"),
            json!({"type": "free_shipping"}),
        )
        .await;
    assert_eq!(st, 201, "{action}");
    assert_eq!(action["type"], "free_shipping");
    assert_eq!(action["label"], "Free shipping");
    assert_eq!(action["preferences"], json!({}));
    assert_eq!(action["preference_schema"], json!([]));
    let aid = action["id"].as_str().unwrap();
    let (_, p) = s.get(&format!("/promotions/{id}")).await;
    assert_eq!(p["rule_ids"], json!([rid]));
    assert_eq!(p["action_ids"], json!([aid]));

    let (st, _) = s
        .delete(&format!("/promotions/{id}/promotion_rules/{rid}"))
        .await;
    assert_eq!(st, 204);
    let (st, _) = s
        .delete(&format!("/promotions/{id}/promotion_actions/{aid}"))
        .await;
    assert_eq!(st, 204);
    let (st, _) = s
        .delete(&format!("/promotions/{id}/promotion_actions/{aid}"))
        .await;
    assert_eq!(st, 404, "already removed");
    let (_, rules) = s.get(&format!("/promotions/{id}/promotion_rules")).await;
    assert_eq!(rules["data"], json!([]));
    assert_eq!(rules["meta"]["count"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn coupon_codes_list_a_multi_code_promotions_batch_page_by_page() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, p) = s
        .post(
            "/promotions",
            json!({"name": "Mailing", "multi_codes": true, "number_of_codes": 12, "code_prefix": "MAIL-"}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    assert_eq!(p["kind"], "coupon_code");
    assert_eq!(p["code"], Value::Null);
    assert_eq!(p["number_of_codes"], 12);
    let id = p["id"].as_str().unwrap();
    let (st, page) = s
        .get(&format!("/promotions/{id}/coupon_codes?page=2&limit=5"))
        .await;
    assert_eq!(st, 200, "{page}");
    assert_eq!(
        page["meta"],
        json!({"page": 2, "limit": 5, "count": 12, "pages": 3, "from": 6, "to": 10, "in": 5, "previous": 1, "next": 3})
    );
    let code = &page["data"][0];
    assert!(code["code"].as_str().unwrap().starts_with("MAIL-"));
    assert_eq!(code["state"], "unused");
    assert_eq!(code["promotion_id"], id);
    assert_eq!(code["order_id"], Value::Null);
    assert!(code["created_at"].is_string() && code["updated_at"].is_string());
    // Ransack and sort as on other lists.
    let wanted = code["code"].as_str().unwrap();
    let (st, found) = s
        .get(&format!(
            "/promotions/{id}/coupon_codes?q[code_eq]={wanted}&sort=-code"
        ))
        .await;
    assert_eq!(st, 200, "{found}");
    assert_eq!(found["meta"]["count"], 1);
    assert_eq!(found["data"][0]["code"], wanted);
    let (st, e) = s
        .get(&format!(
            "/promotions/{id}/coupon_codes?q[order_id_eq]=or_1"
        ))
        .await;
    assert_eq!(st, 400, "{e}");
    assert!(e["error"]["details"]["q[order_id_eq]"].is_array(), "{e}");

    // A single-code promotion keeps its code on itself: its list is empty.
    let (_, single) = s
        .post("/promotions", json!({"name": "One", "code": "ONE"}))
        .await;
    let (st, none) = s
        .get(&format!(
            "/promotions/{}/coupon_codes",
            single["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(st, 200, "{none}");
    assert_eq!(none["data"], json!([]));
    assert_eq!(none["meta"]["count"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_type_lists_name_what_the_engine_supports() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", "read_promotions").await;
    let (st, rules) = s.get("/promotion_rules/types").await;
    assert_eq!(st, 200, "{rules}");
    let names: Vec<&str> = rules["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "currency",
            "customer_group",
            "customer",
            "first_order",
            "item_total",
            "product"
        ]
    );
    let total = by_type(&rules["data"], "item_total");
    assert_eq!(
        total["preference_schema"][1],
        json!({"key": "operator_min", "type": "string", "default": "gte"})
    );
    let (st, actions) = s.get("/promotion_actions/types").await;
    assert_eq!(st, 200, "{actions}");
    let names: Vec<&str> = actions["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "create_item_adjustments",
            "create_adjustment",
            "free_shipping"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_per_promotion_list_do_not_grow_with_limit() {
    let app = spawn().await;
    app.seed("alpha", 2, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let prods = products(&app, &s.key).await;
    for i in 0..21 {
        let (st, p) = s
            .post("/promotions", black_friday(&prods, &format!("FLAT{i}")))
            .await;
        assert_eq!(st, 201, "{p}");
    }
    let mut counts = Vec::new();
    for limit in [2, 20] {
        let path = format!("/promotions?limit={limit}&expand=rules,actions");
        // Warm once (credential lookup cache), then count.
        s.get(&path).await;
        let before = app.statements();
        let (st, body) = s.get(&path).await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["data"].as_array().unwrap().len(), limit);
        assert_eq!(body["data"][0]["rules"].as_array().unwrap().len(), 3);
        counts.push(app.statements() - before);
    }
    assert_eq!(counts[0], counts[1], "statements per request: {counts:?}");
}

/// A promotion's rules and actions one by one: paged lists, shows, an action's calculator
/// changed in place (Spree's SDK `promotions.rules` / `promotions.actions`), and the
/// calculators of an action type.
#[tokio::test(flavor = "multi_thread")]
async fn rules_and_actions_are_paged_shown_and_actions_updated() {
    let app = spawn().await;
    app.seed("alpha", 2, 0).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let prods = products(&app, &s.key).await;
    let (st, p) = s.post("/promotions", black_friday(&prods, "PAGED")).await;
    assert_eq!(st, 201, "{p}");
    let id = p["id"].as_str().unwrap().to_owned();
    let rules = format!("/promotions/{id}/promotion_rules");
    let actions = format!("/promotions/{id}/promotion_actions");

    let (st, page) = s.get(&format!("{rules}?page=1&limit=10")).await;
    assert_eq!(st, 200, "{page}");
    assert_eq!(page["data"].as_array().unwrap().len(), 3);
    assert_eq!(
        (
            page["meta"]["page"].clone(),
            page["meta"]["limit"].clone(),
            page["meta"]["count"].clone()
        ),
        (json!(1), json!(10), json!(3))
    );
    let (_, second) = s.get(&format!("{rules}?page=2&limit=2")).await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second["data"][0]["id"], p["rule_ids"][2], "{second}");
    assert_eq!(
        (
            second["meta"]["pages"].clone(),
            second["meta"]["from"].clone(),
            second["meta"]["previous"].clone()
        ),
        (json!(2), json!(3), json!(1))
    );
    let (_, beyond) = s.get(&format!("{rules}?page=9&limit=2")).await;
    assert_eq!(beyond["data"], json!([]));
    assert_eq!(beyond["meta"]["count"], 3);
    let (_, acts) = s.get(&format!("{actions}?limit=1&fields=type")).await;
    assert_eq!(acts["data"].as_array().unwrap().len(), 1);
    assert_eq!(acts["meta"]["pages"], 2);
    for q in [
        "sort=type",
        "q[type_eq]=product",
        "limit=0",
        "page=x",
        "per_page=5",
    ] {
        let (st, e) = s.get(&format!("{rules}?{q}")).await;
        assert_eq!(st, 400, "{q}: {e}");
    }

    let rid = p["rule_ids"][1].as_str().unwrap();
    let (st, rule) = s.get(&format!("{rules}/{rid}")).await;
    assert_eq!(st, 200, "{rule}");
    assert_eq!(rule["type"], "item_total");
    assert_eq!(rule["promotion_id"], id);
    let (_, rule) = s.get(&format!("{rules}/{rid}?fields=type")).await;
    assert_eq!(rule, json!({"id": rid, "type": "item_total"}));
    let aid = p["action_ids"][0].as_str().unwrap();
    let (st, action) = s.get(&format!("{actions}/{aid}")).await;
    assert_eq!(st, 200, "{action}");
    assert_eq!(action["type"], "create_item_adjustments");
    assert_eq!(action["calculator"]["type"], "percent_on_line_item");
    // A rule's ID is not an action's, and one that does not exist is 404.
    let (st, e) = s.get(&format!("{actions}/{rid}")).await;
    assert_eq!(st, 404, "{e}");
    let (st, _) = s.get(&format!("{rules}/prr_0WUpxhv6JV")).await;
    assert_eq!(st, 404);

    // PATCH an action: the SDK's body, with the currency a flat rate takes.
    let (st, u) = s
        .patch(
            &format!("{actions}/{aid}"),
            json!({"calculator": {"type": "flat_rate", "preferences": {"amount": 5, "currency": "USD"}}}),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["id"], aid);
    assert_eq!(u["type"], "create_item_adjustments");
    assert_eq!(u["calculator"]["type"], "flat_rate");
    assert_eq!(u["calculator"]["preferences"], json!({"amount": "5.00"}));
    assert_eq!(u["created_at"], action["created_at"]);
    let (_, shown) = s.get(&format!("{actions}/{aid}")).await;
    assert_eq!(shown["calculator"]["type"], "flat_rate");
    // Ruby class names, and the same type given again, are read too.
    let (st, u) = s
        .patch(
            &format!("{actions}/{aid}"),
            json!({"type": "Spree::Promotion::Actions::CreateItemAdjustments",
                   "calculator": {"type": "Spree::Calculator::PercentOnLineItem", "preferences": {"percent": 15}}}),
        )
        .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["calculator"]["preferences"], json!({"percent": "15"}));
    // Refusals name the field and write nothing.
    for (body, status, field) in [
        (
            json!({"calculator": {"type": "flat_percent_item_total", "preferences": {"flat_percent": 5}}}),
            422,
            "calculator.type",
        ),
        (json!({"type": "free_shipping"}), 422, "type"),
        (json!({"type": "create_line_items"}), 422, "type"),
        (
            json!({"calculator": {"type": "flat_rate", "preferences": {"amount": -5}}}),
            422,
            "amount",
        ),
        (
            json!({"calculator": {"type": "flat_rate", "preferences": {"amount": "five"}}}),
            400,
            "calculator.preferences.amount",
        ),
        (json!({"calculator": "flat_rate"}), 400, "calculator"),
        (json!({"colour": "red"}), 400, "colour"),
    ] {
        let (st, e) = s.patch(&format!("{actions}/{aid}"), body.clone()).await;
        assert_eq!(st, status, "{body}: {e}");
        assert!(e["error"]["details"][field].is_array(), "{body}: {e}");
    }
    let (_, shown) = s.get(&format!("{actions}/{aid}")).await;
    assert_eq!(shown["calculator"]["preferences"], json!({"percent": "15"}));
    let reader = Spree::new(&app, "alpha", "read_promotions").await;
    let (st, _) = reader
        .patch(
            &format!("{actions}/{aid}"),
            json!({"calculator": {"type": "flat_rate", "preferences": {"amount": 1}}}),
        )
        .await;
    assert_eq!(st, 403);
    let (st, _) = reader.get(&format!("{actions}/{aid}")).await;
    assert_eq!(st, 200);

    // The calculators of an action type, by label.
    let (st, c) = reader
        .get("/promotion_actions/calculators?type=create_item_adjustments")
        .await;
    assert_eq!(st, 200, "{c}");
    let names: Vec<&str> = c["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["flat_rate", "percent_on_line_item"]);
    assert_eq!(c["data"][0]["label"], "Flat Rate");
    assert_eq!(
        c["data"][1]["preference_schema"],
        json!([{"key": "percent", "type": "decimal", "default": 0}])
    );
    let (_, c) = reader
        .get("/promotion_actions/calculators?type=Spree::Promotion::Actions::CreateAdjustment")
        .await;
    let names: Vec<&str> = c["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["flat_percent_item_total", "flat_rate"]);
    for (q, status, code) in [
        ("type=free_shipping", 422, "unknown_promotion_action_type"),
        (
            "type=create_line_items",
            422,
            "unknown_promotion_action_type",
        ),
        ("", 400, "invalid_request"),
        ("type=create_adjustment&limit=2", 400, "invalid_request"),
    ] {
        let (st, e) = reader
            .get(&format!("/promotion_actions/calculators?{q}"))
            .await;
        assert_eq!((st, super::code(&e)), (status, code), "{q}: {e}");
    }
    let other = Spree::new(&app, "alpha", "read_customers").await;
    let (st, _) = other
        .get("/promotion_actions/calculators?type=create_adjustment")
        .await;
    assert_eq!(st, 403);
}
