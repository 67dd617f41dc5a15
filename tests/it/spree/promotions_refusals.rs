//! Spree's promotion routes refusing: unsupported Spree types (422 with Spree's codes), bad
//! bodies (400 naming the field), domain validation (422 naming it) — nothing written each
//! time; another merchant's IDs (404); keys without the promotions scopes (403); and
//! `Idempotency-Key` on the writes.

use reqwest::Method;
use serde_json::{json, Value};

use super::promotions::{black_friday, products};
use super::{code, Spree, ALL};
use crate::common::spawn;

/// How many promotions, and rules of `id`, the merchant has (through the routes).
async fn counts(s: &Spree<'_>, id: &str) -> (Value, Value) {
    let (_, list) = s.get("/promotions").await;
    let (_, rules) = s.get(&format!("/promotions/{id}/promotion_rules")).await;
    (
        list["meta"]["count"].clone(),
        rules["meta"]["count"].clone(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn unsupported_types_and_bad_bodies_are_refused_naming_the_field_and_write_nothing() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (_, p) = s
        .post("/promotions", json!({"name": "Base", "code": "BASE"}))
        .await;
    let id = p["id"].as_str().unwrap().to_owned();
    let before = counts(&s, &id).await;
    let rules = format!("/promotions/{id}/promotion_rules");
    let actions = format!("/promotions/{id}/promotion_actions");

    // (path, body, status, Spree code, details key)
    let cases: Vec<(&str, Value, u16, &str, &str)> = vec![
        (
            "/promotions",
            json!({"name": "X", "rules": [{"type": "first_order"}, {"type": "category"}]}),
            422,
            "unknown_promotion_rule_type",
            "rules[1].type",
        ),
        (
            "/promotions",
            json!({"name": "X", "actions": [{"type": "create_line_items"}]}),
            422,
            "unknown_promotion_action_type",
            "actions[0].type",
        ),
        (
            "/promotions",
            json!({"description": "no name"}),
            422,
            "validation_error",
            "name",
        ),
        (
            "/promotions",
            json!({"name": "X", "bogus": 1}),
            400,
            "invalid_request",
            "bogus",
        ),
        (
            "/promotions",
            json!({"name": "X", "rules": {"type": "currency"}}),
            400,
            "invalid_request",
            "rules",
        ),
        (
            "/promotions",
            json!({"name": "X", "promotion_category_id": "pc_1"}),
            422,
            "validation_error",
            "promotion_category_id",
        ),
        (
            "/promotions",
            json!({"name": "X", "kind": "coupon_code"}),
            422,
            "validation_error",
            "code",
        ),
        (
            "/promotions",
            json!({"name": "", "code": "EMPTY"}),
            422,
            "validation_error",
            "name",
        ),
        (
            "/promotions",
            json!({"name": "X", "code": "BASE"}),
            422,
            "validation_error",
            "code",
        ),
        (
            "/promotions",
            json!({"name": "X", "usage_limit": "many"}),
            400,
            "invalid_request",
            "usage_limit",
        ),
        (
            "/promotions",
            json!({"name": "X", "rules": [{"type": "item_total", "preferences": {"amount_min": 10, "operator_min": "gt"}}]}),
            422,
            "validation_error",
            "rules[0].preferences.operator_min",
        ),
        (
            "/promotions",
            json!({"name": "X", "rules": [{"type": "product", "product_ids": ["prod_nope"]}]}),
            422,
            "validation_error",
            "product_ids",
        ),
        (
            "/promotions",
            json!({"name": "X", "actions": [{"type": "create_adjustment", "calculator": {"type": "percent_on_line_item", "preferences": {"percent": 5}}}]}),
            422,
            "validation_error",
            "actions[0].calculator.type",
        ),
        (
            "/promotions",
            json!({"name": "X", "actions": [{"type": "create_adjustment"}]}),
            422,
            "validation_error",
            "calculator",
        ),
        (
            &rules,
            json!({"type": "country"}),
            422,
            "unknown_promotion_rule_type",
            "type",
        ),
        (&rules, json!({}), 400, "invalid_request", "type"),
        (
            &rules,
            json!({"type": "currency"}),
            422,
            "validation_error",
            "currency",
        ),
        (
            &rules,
            json!({"type": "currency", "preferences": "USD"}),
            400,
            "invalid_request",
            "preferences",
        ),
        (
            &rules,
            json!({"type": "currency", "preferences": {"colour": "red"}}),
            400,
            "invalid_request",
            "preferences.colour",
        ),
        (
            &rules,
            json!({"type": "item_total", "preferences": {"amount_min": "lots"}}),
            400,
            "invalid_request",
            "preferences.amount_min",
        ),
        (
            &rules,
            json!({"type": "item_total", "preferences": {"amount_min": -5}}),
            422,
            "validation_error",
            "amount_min",
        ),
        (
            &rules,
            json!({"type": "product", "product_ids": "prod_x"}),
            400,
            "invalid_request",
            "product_ids",
        ),
        (
            &rules,
            json!({"type": "currency", "category_ids": ["cat_1"]}),
            422,
            "validation_error",
            "category_ids",
        ),
        (
            &actions,
            json!({"type": "create_line_items"}),
            422,
            "unknown_promotion_action_type",
            "type",
        ),
        (
            &actions,
            json!({"type": "free_shipping", "calculator": {"type": "flat_rate"}}),
            422,
            "validation_error",
            "calculator.type",
        ),
        (
            &actions,
            json!({"type": "create_item_adjustments", "calculator": {"type": "percent_on_line_item", "preferences": {"percent": 150}}}),
            422,
            "validation_error",
            "percent",
        ),
        (
            &actions,
            json!({"type": "create_adjustment", "calculator": {"type": "flat_rate", "preferences": {"amount": 5, "tier": 2}}}),
            400,
            "invalid_request",
            "calculator.preferences.tier",
        ),
    ];
    for (path, body, status, spree_code, field) in cases {
        let (st, e) = s.post(path, body.clone()).await;
        assert_eq!(st, status, "{path} {body}: {e}");
        assert_eq!(code(&e), spree_code, "{path} {body}: {e}");
        assert!(
            e["error"]["details"][field].is_array(),
            "{path} {body}: details name `{field}`: {e}"
        );
    }
    // A body that is not JSON, and a rule update that would change its type.
    let res = app
        .http
        .post(app.url("/api/v3/admin/promotions"))
        .header("x-spree-api-key", &s.key)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    let (_, rule) = s
        .post(
            &rules,
            json!({"type": "currency", "preferences": {"currency": "USD"}}),
        )
        .await;
    let rid = rule["id"].as_str().unwrap();
    let (st, e) = s
        .patch(&format!("{rules}/{rid}"), json!({"type": "item_total"}))
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(e["error"]["details"]["type"].is_array(), "{e}");
    let (st, e) = s
        .patch(
            &format!("{rules}/{rid}"),
            json!({"preferences": {"currency": "dollars"}}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(e["error"]["details"]["currency"].is_array(), "{e}");
    let (_, r) = s.get(&rules).await;
    assert_eq!(
        r["data"][0]["preferences"]["currency"], "USD",
        "nothing written"
    );
    let (st, e) = s
        .patch(
            &format!("/promotions/{id}"),
            json!({"rules": [{"id": "prr_nope", "type": "first_order"}]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    let after = counts(&s, &id).await;
    assert_eq!(after.0, before.0, "no promotion written");
    assert_eq!(after.1, json!(1), "only the one rule added on purpose");
}

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_promotions_rules_and_actions_are_not_found() {
    let app = spawn().await;
    app.seed("beta", 2, 0).await;
    let a = Spree::new(&app, "alpha", ALL).await;
    let b = Spree::new(&app, "beta", ALL).await;
    let prods = products(&app, &b.key).await;
    let (_, theirs) = b.post("/promotions", black_friday(&prods, "THEIRS")).await;
    let pid = theirs["id"].as_str().unwrap();
    let rid = theirs["rule_ids"][0].as_str().unwrap();
    let aid = theirs["action_ids"][0].as_str().unwrap();
    let (_, mine) = a.post("/promotions", json!({"name": "Mine"})).await;
    let my = mine["id"].as_str().unwrap();

    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/promotions/{pid}"), None),
        (
            Method::PATCH,
            format!("/promotions/{pid}"),
            Some(json!({"name": "Taken"})),
        ),
        (Method::DELETE, format!("/promotions/{pid}"), None),
        (
            Method::GET,
            format!("/promotions/{pid}/promotion_rules"),
            None,
        ),
        (
            Method::POST,
            format!("/promotions/{pid}/promotion_rules"),
            Some(json!({"type": "first_order"})),
        ),
        (
            Method::PATCH,
            format!("/promotions/{pid}/promotion_rules/{rid}"),
            Some(json!({"preferences": {"currency": "EUR"}})),
        ),
        (
            Method::DELETE,
            format!("/promotions/{pid}/promotion_rules/{rid}"),
            None,
        ),
        (
            Method::GET,
            format!("/promotions/{pid}/promotion_actions"),
            None,
        ),
        (
            Method::POST,
            format!("/promotions/{pid}/promotion_actions"),
            Some(json!({"type": "free_shipping"})),
        ),
        (
            Method::DELETE,
            format!("/promotions/{pid}/promotion_actions/{aid}"),
            None,
        ),
        (Method::GET, format!("/promotions/{pid}/coupon_codes"), None),
        // Their rule or action under my promotion.
        (
            Method::PATCH,
            format!("/promotions/{my}/promotion_rules/{rid}"),
            Some(json!({"preferences": {"currency": "EUR"}})),
        ),
        (
            Method::DELETE,
            format!("/promotions/{my}/promotion_rules/{rid}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/promotions/{my}/promotion_actions/{aid}"),
            None,
        ),
        (
            Method::GET,
            format!("/promotions/{pid}/promotion_rules/{rid}"),
            None,
        ),
        (
            Method::GET,
            format!("/promotions/{pid}/promotion_actions/{aid}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/promotions/{pid}/promotion_actions/{aid}"),
            Some(json!({"calculator": {"type": "flat_rate", "preferences": {"amount": 1}}})),
        ),
        (
            Method::GET,
            format!("/promotions/{my}/promotion_rules/{rid}"),
            None,
        ),
        (
            Method::GET,
            format!("/promotions/{my}/promotion_actions/{aid}"),
            None,
        ),
        (
            Method::PATCH,
            format!("/promotions/{my}/promotion_actions/{aid}"),
            Some(json!({"calculator": {"type": "flat_rate", "preferences": {"amount": 1}}})),
        ),
        (
            Method::PATCH,
            format!("/promotions/{my}/promotion_actions/{aid}"),
            Some(json!({"type": "create_item_adjustments",
                        "calculator": {"type": "flat_rate", "preferences": {"amount": 1}}})),
        ),
    ];
    for (method, path, body) in calls {
        let (st, e) = a.call(method.clone(), &path, body).await;
        assert_eq!(st, 404, "{method} {path}: {e}");
        assert_eq!(code(&e), "record_not_found", "{method} {path}: {e}");
    }
    // Nothing of theirs changed.
    let (st, after) = b.get(&format!("/promotions/{pid}?expand=rules")).await;
    assert_eq!(st, 200);
    assert_eq!(after["name"], "Black Friday");
    assert_eq!(after["rule_ids"], theirs["rule_ids"]);
    assert_eq!(after["action_ids"], theirs["action_ids"]);
    assert_eq!(by_currency(&after), "USD");

    // My promotion's rule is not found under another promotion of mine either.
    let (_, other) = a.post("/promotions", json!({"name": "Other"})).await;
    let (_, rule) = a
        .post(
            &format!("/promotions/{my}/promotion_rules"),
            json!({"type": "first_order"}),
        )
        .await;
    let (st, _) = a
        .delete(&format!(
            "/promotions/{}/promotion_rules/{}",
            other["id"].as_str().unwrap(),
            rule["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(st, 404);
}

fn by_currency(p: &Value) -> String {
    p["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "currency")
        .and_then(|r| r["preferences"]["currency"].as_str())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_without_the_promotions_scopes_are_forbidden() {
    let app = spawn().await;
    let w = Spree::new(&app, "alpha", ALL).await;
    let (_, p) = w.post("/promotions", json!({"name": "Scoped"})).await;
    let id = p["id"].as_str().unwrap();
    let (_, rule) = w
        .post(
            &format!("/promotions/{id}/promotion_rules"),
            json!({"type": "first_order"}),
        )
        .await;
    let rid = rule["id"].as_str().unwrap();

    let none = Spree::new(
        &app,
        "alpha",
        "read_customers,write_customers,read_products,write_products",
    )
    .await;
    for path in [
        "/promotions".to_owned(),
        format!("/promotions/{id}"),
        format!("/promotions/{id}/promotion_rules"),
        format!("/promotions/{id}/promotion_actions"),
        format!("/promotions/{id}/coupon_codes"),
        "/promotion_rules/types".to_owned(),
        "/promotion_actions/types".to_owned(),
    ] {
        let (st, e) = none.get(&path).await;
        assert_eq!(st, 403, "{path}: {e}");
        assert_eq!(code(&e), "access_denied");
    }
    let reader = Spree::new(&app, "alpha", "read_promotions").await;
    let (st, _) = reader.get(&format!("/promotions/{id}")).await;
    assert_eq!(st, 200);
    let writes: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            "/promotions".into(),
            Some(json!({"name": "No"})),
        ),
        (
            Method::PATCH,
            format!("/promotions/{id}"),
            Some(json!({"name": "No"})),
        ),
        (Method::DELETE, format!("/promotions/{id}"), None),
        (
            Method::POST,
            format!("/promotions/{id}/promotion_rules"),
            Some(json!({"type": "first_order"})),
        ),
        (
            Method::PATCH,
            format!("/promotions/{id}/promotion_rules/{rid}"),
            Some(json!({})),
        ),
        (
            Method::DELETE,
            format!("/promotions/{id}/promotion_rules/{rid}"),
            None,
        ),
        (
            Method::POST,
            format!("/promotions/{id}/promotion_actions"),
            Some(json!({"type": "free_shipping"})),
        ),
    ];
    for (method, path, body) in writes {
        let (st, e) = reader.call(method.clone(), &path, body).await;
        assert_eq!(st, 403, "{method} {path}: {e}");
    }
    let (_, after) = w.get(&format!("/promotions/{id}")).await;
    assert_eq!(after["name"], "Scoped");
    assert_eq!(after["rule_ids"], json!([rid]));
}

/// `method path` with `body` and `Idempotency-Key: key`.
async fn keyed(
    s: &Spree<'_>,
    method: Method,
    path: &str,
    body: Option<Value>,
    key: &str,
) -> (u16, Value) {
    let mut req = s
        .app
        .http
        .request(method, s.app.url(&format!("/api/v3/admin{path}")))
        .header("x-spree-api-key", &s.key)
        .header("Idempotency-Key", key);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    let text = res.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread")]
async fn retried_writes_with_an_idempotency_key_write_once() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let body = json!({"name": "Once", "code": "ONCE", "rules": [{"type": "first_order"}]});
    let (st, first) = keyed(
        &s,
        Method::POST,
        "/promotions",
        Some(body.clone()),
        "promo-create-1",
    )
    .await;
    assert_eq!(st, 201, "{first}");
    let (st, again) = keyed(
        &s,
        Method::POST,
        "/promotions",
        Some(body),
        "promo-create-1",
    )
    .await;
    assert_eq!(st, 201, "{again}");
    assert_eq!(again["id"], first["id"]);
    let (_, list) = s.get("/promotions?q[name_eq]=Once").await;
    assert_eq!(list["meta"]["count"], 1);
    let (st, e) = keyed(
        &s,
        Method::POST,
        "/promotions",
        Some(json!({"name": "Other"})),
        "promo-create-1",
    )
    .await;
    assert_eq!(st, 409, "the key with another body: {e}");

    let id = first["id"].as_str().unwrap();
    let path = format!("/promotions/{id}/promotion_rules");
    let rule = json!({"type": "currency", "preferences": {"currency": "USD"}});
    let (st, r1) = keyed(&s, Method::POST, &path, Some(rule.clone()), "rule-add-1").await;
    assert_eq!(st, 201, "{r1}");
    let (st, r2) = keyed(&s, Method::POST, &path, Some(rule), "rule-add-1").await;
    assert_eq!(st, 201, "{r2}");
    assert_eq!(r1["id"], r2["id"]);
    let (_, rules) = s.get(&path).await;
    assert_eq!(
        rules["meta"]["count"], 2,
        "first_order and one currency rule"
    );

    let rid = r1["id"].as_str().unwrap();
    let patch = json!({"preferences": {"currency": "EUR"}});
    let (st, _) = keyed(
        &s,
        Method::PATCH,
        &format!("{path}/{rid}"),
        Some(patch.clone()),
        "rule-upd-1",
    )
    .await;
    assert_eq!(st, 200);
    let (st, u) = keyed(
        &s,
        Method::PATCH,
        &format!("{path}/{rid}"),
        Some(patch),
        "rule-upd-1",
    )
    .await;
    assert_eq!(st, 200, "{u}");
    assert_eq!(u["preferences"]["currency"], "EUR");

    let (st, _) = keyed(
        &s,
        Method::DELETE,
        &format!("/promotions/{id}"),
        None,
        "promo-del-1",
    )
    .await;
    assert_eq!(st, 204);
    let (st, e) = keyed(
        &s,
        Method::DELETE,
        &format!("/promotions/{id}"),
        None,
        "promo-del-1",
    )
    .await;
    assert_eq!(st, 204, "a retried delete answers as the first: {e}");
}
