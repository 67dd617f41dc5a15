//! Promotion writes over GraphQL: create with nested rules and actions, validation with field
//! paths, case-insensitive code uniqueness, update (CONFLICT, replaced rules, IMMUTABLE kind),
//! delete (IN_USE), rules and actions one at a time, coupon code batches, idempotency, scopes,
//! and tenant isolation on every mutation.

use crate::common::{error_code, spawn, TestApp};
use crate::promo_fixtures::{exec, n, shop, Shop};
use serde_json::{json, Value};

mod coupon_batches;
mod reconcile;
mod updates;

const RW: &str = "promotions:write,catalog:read,customers:read";

const FIELDS: &str = "id name description kind startsAt expiresAt usageLimit matchPolicy multiCodes
  codePrefix numberOfCodes updatedAt
  rules { id kind amountMin amountMax matchPolicy currency products { id } customers { id } customerGroups { id } }
  actions { id kind calculator amount percent products { id } }
  couponCodes(first: 5) { code }";

fn create_q() -> String {
    format!(
        "mutation($input: PromotionCreateInput!, $key: String) {{
           promotionCreate(input: $input, idempotencyKey: $key) {{
             promotion {{ {FIELDS} }} userErrors {{ field code message }} }} }}"
    )
}

fn update_q() -> String {
    format!(
        "mutation($id: ID!, $input: PromotionUpdateInput!) {{
           promotionUpdate(id: $id, input: $input) {{
             promotion {{ {FIELDS} }} userErrors {{ field code message }} }} }}"
    )
}

const DELETE: &str = "mutation($id: ID!) { promotionDelete(id: $id) {
  deletedId promotion { id } userErrors { field code message } } }";

const GENERATE: &str = "mutation($id: ID!, $n: Int!, $prefix: String, $key: String) {
  couponCodesGenerate(promotionId: $id, numberOfCodes: $n, codePrefix: $prefix, idempotencyKey: $key) {
    count couponCodes { id code usageCount } promotion { id multiCodes codePrefix numberOfCodes }
    userErrors { field code message } } }";

async fn create(app: &TestApp, key: &str, input: Value) -> Value {
    app.data(key, &create_q(), json!({ "input": input })).await["promotionCreate"].clone()
}

/// `(field path joined by '.', code)` of a payload's user errors.
fn errors(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let path: Vec<&str> = e["field"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            (path.join("."), e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn has(payload: &Value, path: &str, code: &str) -> bool {
    errors(payload).contains(&(path.to_owned(), code.to_owned()))
}

async fn count(app: &TestApp, table: &str, m: i64) -> i64 {
    let mut c = app.conn().await;
    n(
        &mut c,
        &format!("SELECT count(*) AS n FROM {table} WHERE merchant_id = {m}"),
    )
    .await
}

async fn setup(app: &TestApp) -> (Shop, Shop, String, String) {
    let mut c = app.conn().await;
    let a = shop(&mut c, "acme").await;
    let b = shop(&mut c, "rival").await;
    let ka = app.api_key("acme", RW).await;
    let kb = app.api_key("rival", RW).await;
    (a, b, ka, kb)
}

#[tokio::test(flavor = "multi_thread")]
async fn create_with_nested_rules_actions_and_a_single_code() {
    let app = spawn().await;
    let (a, _, key, _) = setup(&app).await;
    let p = create(
        &app,
        &key,
        json!({
            "name": "  Black Friday ", "kind": "coupon_code", "code": "BLACKFRIDAY",
            "startsAt": "2026-11-27T00:00:00Z", "expiresAt": "2026-12-01T00:00:00Z",
            "usageLimit": 500, "matchPolicy": "any",
            "rules": [
                { "kind": "currency", "currency": "usd" },
                { "kind": "item_total", "amountMin": "100", "amountMax": 1000 },
                { "kind": "product", "matchPolicy": "all", "productIds": [a.product(0), a.product(1)] },
                { "kind": "customer", "customerIds": [a.customer(1)] },
                { "kind": "customer_group", "customerGroupIds": [a.group_id()] },
                { "kind": "first_order" }
            ],
            "actions": [
                { "kind": "item_adjustment", "calculator": "percent", "percent": "25", "productIds": [a.product(2)] },
                { "kind": "order_adjustment", "calculator": "flat", "amount": "5.5" },
                { "kind": "free_delivery" }
            ]
        }),
    )
    .await;
    assert_eq!(errors(&p), vec![]);
    let pr = &p["promotion"];
    assert!(pr["id"].as_str().unwrap().starts_with("promo_"));
    assert_eq!(pr["name"], "Black Friday");
    assert_eq!(pr["kind"], "coupon_code");
    assert_eq!(pr["matchPolicy"], "any");
    assert_eq!(pr["usageLimit"], 500);
    assert_eq!(pr["startsAt"], "2026-11-27T00:00:00+00:00");
    assert_eq!(pr["multiCodes"], false);
    assert_eq!(pr["couponCodes"], json!([{ "code": "BLACKFRIDAY" }]));
    let kinds: Vec<&str> = pr["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "currency",
            "item_total",
            "product",
            "customer",
            "customer_group",
            "first_order"
        ]
    );
    assert_eq!(pr["rules"][0]["currency"], "USD");
    assert_eq!(pr["rules"][1]["amountMin"], "100.00");
    assert_eq!(pr["rules"][1]["amountMax"], "1000.00");
    assert_eq!(pr["rules"][2]["matchPolicy"], "all");
    assert_eq!(
        pr["rules"][2]["products"],
        json!([{ "id": a.product(0) }, { "id": a.product(1) }])
    );
    assert_eq!(
        pr["rules"][3]["customers"],
        json!([{ "id": a.customer(1) }])
    );
    assert_eq!(
        pr["rules"][4]["customerGroups"],
        json!([{ "id": a.group_id() }])
    );
    assert_eq!(pr["actions"][0]["percent"], "25");
    assert_eq!(
        pr["actions"][0]["products"],
        json!([{ "id": a.product(2) }])
    );
    assert_eq!(pr["actions"][1]["amount"], "5.50");
    assert_eq!(pr["actions"][2]["calculator"], Value::Null);
    assert_eq!(
        count(&app, "coupon_codes", a.m).await,
        1,
        "one coupon code row"
    );

    // An automatic promotion without rules: match policy defaults to all.
    let p = create(
        &app,
        &key,
        json!({ "name": "Always", "kind": "automatic",
        "actions": [{ "kind": "order_adjustment", "calculator": "percent", "percent": 10 }] }),
    )
    .await;
    assert_eq!(errors(&p), vec![]);
    assert_eq!(p["promotion"]["matchPolicy"], "all");
    assert_eq!(p["promotion"]["couponCodes"], json!([]));

    // Multi-code at creation: the batch is generated.
    let p = create(
        &app,
        &key,
        json!({ "name": "Mailing", "kind": "coupon_code", "multiCodes": true,
        "codePrefix": "MAIL-", "numberOfCodes": 25 }),
    )
    .await;
    assert_eq!(errors(&p), vec![]);
    assert_eq!(p["promotion"]["numberOfCodes"], 25);
    let id = p["promotion"]["id"].as_str().unwrap();
    let mut c = app.conn().await;
    let key_of = commerce_gateway::ids::decode(commerce_gateway::ids::Kind::Promotion, id).unwrap();
    assert_eq!(n(&mut c, &format!("SELECT count(*) AS n FROM coupon_codes WHERE promotion_id = {key_of} AND code LIKE 'MAIL-%'")).await, 25);

    let reader = app.api_key("acme", "promotions:read").await;
    let body = app
        .gql(
            &reader,
            &create_q(),
            json!({ "input": { "name": "x", "kind": "automatic" } }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test(flavor = "multi_thread")]
async fn create_refuses_bad_input_with_paths_and_writes_nothing() {
    let app = spawn().await;
    let (a, b, key, _) = setup(&app).await;
    let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (
            json!({ "name": " ", "kind": "bogus", "matchPolicy": "most" }),
            vec![
                ("input.name", "REQUIRED"),
                ("input.kind", "INVALID"),
                ("input.matchPolicy", "INVALID"),
            ],
        ),
        (
            json!({ "name": "x".repeat(256), "kind": "automatic", "startsAt": "2026-01-02T00:00:00Z",
                 "expiresAt": "2026-01-02T00:00:00Z", "usageLimit": 0 }),
            vec![
                ("input.name", "TOO_LONG"),
                ("input.expiresAt", "INVALID"),
                ("input.usageLimit", "OUT_OF_RANGE"),
            ],
        ),
        (
            json!({ "name": "c", "kind": "coupon_code" }),
            vec![("input.code", "REQUIRED")],
        ),
        (
            json!({ "name": "c", "kind": "coupon_code", "code": "bad code!", "codePrefix": "X" }),
            vec![("input.codePrefix", "INVALID"), ("input.code", "INVALID")],
        ),
        (
            json!({ "name": "a", "kind": "automatic", "code": "AUTO", "multiCodes": true }),
            vec![("input.code", "INVALID"), ("input.multiCodes", "INVALID")],
        ),
        (
            json!({ "name": "m", "kind": "coupon_code", "multiCodes": true }),
            vec![
                ("input.codePrefix", "REQUIRED"),
                ("input.numberOfCodes", "REQUIRED"),
            ],
        ),
        (
            json!({ "name": "m", "kind": "coupon_code", "multiCodes": true, "code": "X", "codePrefix": "has space", "numberOfCodes": 100001 }),
            vec![
                ("input.code", "INVALID"),
                ("input.codePrefix", "INVALID"),
                ("input.numberOfCodes", "LIMIT_EXCEEDED"),
            ],
        ),
        (
            json!({ "name": "r", "kind": "automatic", "rules": [
            { "kind": "product" },
            { "kind": "product", "productIds": [a.product(0), b.product(0), "cus_nope"], "matchPolicy": "most" },
            { "kind": "item_total" },
            { "kind": "item_total", "amountMin": "10", "amountMax": "9.99" },
            { "kind": "item_total", "amountMin": "-1", "productIds": [a.product(0)] },
            { "kind": "customer_group", "customerGroupIds": [b.group_id()] },
            { "kind": "customer", "customerIds": [] },
            { "kind": "currency", "currency": "usd1" },
            { "kind": "first_order", "currency": "USD" },
            { "kind": "loyalty" }
         ] }),
            vec![
                ("input.rules.0.productIds", "REQUIRED"),
                ("input.rules.1.matchPolicy", "INVALID"),
                ("input.rules.1.productIds.2", "INVALID"),
                ("input.rules.1.productIds.1", "NOT_FOUND"),
                ("input.rules.2.amountMin", "REQUIRED"),
                ("input.rules.3.amountMax", "INVALID"),
                ("input.rules.4.amountMin", "OUT_OF_RANGE"),
                ("input.rules.4.productIds", "INVALID"),
                ("input.rules.5.customerGroupIds.0", "NOT_FOUND"),
                ("input.rules.6.customerIds", "REQUIRED"),
                ("input.rules.7.currency", "INVALID"),
                ("input.rules.8.currency", "INVALID"),
                ("input.rules.9.kind", "INVALID"),
            ],
        ),
        (
            json!({ "name": "a", "kind": "automatic", "actions": [
            { "kind": "order_adjustment", "calculator": "flat" },
            { "kind": "order_adjustment", "calculator": "percent", "percent": 150 },
            { "kind": "item_adjustment", "calculator": "flat", "amount": "1", "productIds": [b.product(1)] },
            { "kind": "free_delivery", "calculator": "flat" },
            { "kind": "order_adjustment", "calculator": "flat", "amount": "1.00001" },
            { "kind": "order_adjustment", "calculator": "half" }
         ] }),
            vec![
                ("input.actions.0.amount", "REQUIRED"),
                ("input.actions.1.percent", "OUT_OF_RANGE"),
                ("input.actions.2.productIds.0", "NOT_FOUND"),
                ("input.actions.3.calculator", "INVALID"),
                ("input.actions.4.amount", "INVALID"),
                ("input.actions.5.calculator", "INVALID"),
            ],
        ),
    ];
    for (input, expected) in cases {
        let p = create(&app, &key, input.clone()).await;
        let got = errors(&p);
        for (path, code) in &expected {
            assert!(
                has(&p, path, code),
                "{input}: expected {path} {code}, got {got:?}"
            );
        }
        assert_eq!(got.len(), expected.len(), "{input}: {got:?}");
        assert_eq!(p["promotion"], Value::Null);
    }
    for table in [
        "promotions",
        "promotion_rules",
        "promotion_actions",
        "coupon_codes",
    ] {
        assert_eq!(count(&app, table, a.m).await, 0, "{table}: nothing written");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn codes_are_unique_per_merchant_case_insensitively() {
    let app = spawn().await;
    let (a, b, ka, kb) = setup(&app).await;
    let first = create(
        &app,
        &ka,
        json!({ "name": "S", "kind": "coupon_code", "code": "Summer" }),
    )
    .await;
    assert_eq!(errors(&first), vec![]);
    let again = create(
        &app,
        &ka,
        json!({ "name": "S2", "kind": "coupon_code", "code": "sUMMER" }),
    )
    .await;
    assert_eq!(errors(&again), vec![("input.code".into(), "TAKEN".into())]);
    // Another merchant may use the same code.
    let theirs = create(
        &app,
        &kb,
        json!({ "name": "S", "kind": "coupon_code", "code": "SUMMER" }),
    )
    .await;
    assert_eq!(errors(&theirs), vec![]);
    // Renaming into a taken code is refused too; renaming to itself in another case is fine.
    let other = create(
        &app,
        &ka,
        json!({ "name": "W", "kind": "coupon_code", "code": "WINTER" }),
    )
    .await;
    let id = other["promotion"]["id"].clone();
    let d = app
        .data(
            &ka,
            &update_q(),
            json!({ "id": id, "input": { "code": "SUMMER" } }),
        )
        .await;
    assert_eq!(
        errors(&d["promotionUpdate"]),
        vec![("input.code".into(), "TAKEN".into())]
    );
    let d = app
        .data(
            &ka,
            &update_q(),
            json!({ "id": id, "input": { "code": "winter-2" } }),
        )
        .await;
    assert_eq!(
        d["promotionUpdate"]["promotion"]["couponCodes"],
        json!([{ "code": "winter-2" }])
    );
    let d = app
        .data(
            &ka,
            &update_q(),
            json!({ "id": id, "input": { "code": "WINTER-2" } }),
        )
        .await;
    assert_eq!(errors(&d["promotionUpdate"]), vec![]);
    assert_eq!(count(&app, "coupon_codes", a.m).await, 2);
    assert_eq!(count(&app, "coupon_codes", b.m).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_and_actions_one_at_a_time() {
    let app = spawn().await;
    let (a, b, ka, kb) = setup(&app).await;
    let p = create(&app, &ka, json!({ "name": "P", "kind": "automatic" })).await;
    let id = p["promotion"]["id"].clone();
    let stamp = p["promotion"]["updatedAt"].as_str().unwrap().to_owned();
    let add_rule = "mutation($id: ID!, $input: PromotionRuleInput!) { promotionRuleAdd(promotionId: $id, input: $input) {
        promotion { updatedAt rules { id kind amountMin } } userErrors { field code message } } }";
    let add_action = "mutation($id: ID!, $input: PromotionActionInput!) { promotionActionAdd(promotionId: $id, input: $input) {
        promotion { actions { id kind amount } } userErrors { field code message } } }";
    let remove_rule = "mutation($id: ID!) { promotionRuleRemove(id: $id) { promotion { rules { id } } userErrors { field code } } }";
    let remove_action = "mutation($id: ID!) { promotionActionRemove(id: $id) { promotion { actions { id } } userErrors { field code } } }";

    let d = app
        .data(
            &ka,
            add_rule,
            json!({ "id": id, "input": { "kind": "item_total", "amountMin": "20" } }),
        )
        .await;
    let r = &d["promotionRuleAdd"];
    assert_eq!(errors(r), vec![]);
    assert_eq!(r["promotion"]["rules"][0]["amountMin"], "20.00");
    assert_ne!(
        r["promotion"]["updatedAt"].as_str().unwrap(),
        stamp,
        "the promotion is touched"
    );
    let rule_id = r["promotion"]["rules"][0]["id"].clone();

    let d = app
        .data(
            &ka,
            add_rule,
            json!({ "id": id, "input": { "kind": "product", "productIds": [b.product(0)] } }),
        )
        .await;
    assert_eq!(
        errors(&d["promotionRuleAdd"]),
        vec![("input.productIds.0".into(), "NOT_FOUND".into())]
    );
    let d = app.data(&ka, add_action, json!({ "id": id, "input": { "kind": "order_adjustment", "calculator": "flat", "amount": 3 } })).await;
    let action_id = d["promotionActionAdd"]["promotion"]["actions"][0]["id"].clone();
    assert_eq!(
        d["promotionActionAdd"]["promotion"]["actions"][0]["amount"],
        "3.00"
    );
    let d = app
        .data(
            &ka,
            add_action,
            json!({ "id": id, "input": { "kind": "free_delivery", "percent": 3 } }),
        )
        .await;
    assert_eq!(
        errors(&d["promotionActionAdd"]),
        vec![("input.percent".into(), "INVALID".into())]
    );

    // The other merchant can neither add to it nor remove from it.
    let d = app
        .data(
            &kb,
            add_rule,
            json!({ "id": id, "input": { "kind": "first_order" } }),
        )
        .await;
    assert_eq!(
        errors(&d["promotionRuleAdd"]),
        vec![("promotionId".into(), "NOT_FOUND".into())]
    );
    let d = app
        .data(
            &kb,
            add_action,
            json!({ "id": id, "input": { "kind": "free_delivery" } }),
        )
        .await;
    assert_eq!(
        errors(&d["promotionActionAdd"]),
        vec![("promotionId".into(), "NOT_FOUND".into())]
    );
    let d = app.data(&kb, remove_rule, json!({ "id": rule_id })).await;
    assert_eq!(
        errors(&d["promotionRuleRemove"]),
        vec![("id".into(), "NOT_FOUND".into())]
    );
    let d = app
        .data(&kb, remove_action, json!({ "id": action_id }))
        .await;
    assert_eq!(
        errors(&d["promotionActionRemove"]),
        vec![("id".into(), "NOT_FOUND".into())]
    );
    assert_eq!(count(&app, "promotion_rules", a.m).await, 1);
    assert_eq!(count(&app, "promotion_actions", a.m).await, 1);
    let d = app.data(&ka, remove_rule, json!({ "id": action_id })).await;
    assert_eq!(
        errors(&d["promotionRuleRemove"]),
        vec![("id".into(), "INVALID".into())],
        "an action ID is no rule ID"
    );

    let d = app.data(&ka, remove_rule, json!({ "id": rule_id })).await;
    assert_eq!(d["promotionRuleRemove"]["promotion"]["rules"], json!([]));
    let d = app
        .data(&ka, remove_action, json!({ "id": action_id }))
        .await;
    assert_eq!(
        d["promotionActionRemove"]["promotion"]["actions"],
        json!([])
    );
    let d = app.data(&ka, remove_rule, json!({ "id": rule_id })).await;
    assert_eq!(
        errors(&d["promotionRuleRemove"]),
        vec![("id".into(), "NOT_FOUND".into())],
        "already gone"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_is_refused_while_orders_hold_its_code_and_stays_in_its_tenant() {
    let app = spawn().await;
    let (a, b, ka, kb) = setup(&app).await;
    let used = create(
        &app,
        &ka,
        json!({ "name": "Used", "kind": "coupon_code", "code": "USED",
        "rules": [{ "kind": "first_order" }], "actions": [{ "kind": "free_delivery" }] }),
    )
    .await;
    let free = create(
        &app,
        &ka,
        json!({ "name": "Free", "kind": "automatic", "actions": [{ "kind": "free_delivery" }] }),
    )
    .await;
    let mut c = app.conn().await;
    exec(
        &mut c,
        &format!(
            "INSERT INTO orders (merchant_id, number, currency, coupon_code_id) \
         SELECT {m}, 'R1', 'USD', id FROM coupon_codes WHERE merchant_id = {m} AND code = 'USED'",
            m = a.m
        ),
    )
    .await;

    let d = app
        .data(&ka, DELETE, json!({ "id": used["promotion"]["id"] }))
        .await;
    assert_eq!(
        errors(&d["promotionDelete"]),
        vec![("id".into(), "IN_USE".into())]
    );
    let d = app
        .data(&kb, DELETE, json!({ "id": free["promotion"]["id"] }))
        .await;
    assert_eq!(
        errors(&d["promotionDelete"]),
        vec![("id".into(), "NOT_FOUND".into())]
    );
    assert_eq!(count(&app, "promotions", a.m).await, 2);

    let d = app
        .data(&ka, DELETE, json!({ "id": free["promotion"]["id"] }))
        .await;
    assert_eq!(d["promotionDelete"]["deletedId"], free["promotion"]["id"]);
    assert_eq!(count(&app, "promotions", a.m).await, 1);
    assert_eq!(
        count(&app, "promotion_actions", a.m).await,
        1,
        "its action went with it"
    );
    exec(
        &mut c,
        &format!(
            "UPDATE orders SET coupon_code_id = NULL WHERE merchant_id = {}",
            a.m
        ),
    )
    .await;
    let d = app
        .data(&ka, DELETE, json!({ "id": used["promotion"]["id"] }))
        .await;
    assert_eq!(errors(&d["promotionDelete"]), vec![]);
    for table in [
        "promotions",
        "promotion_rules",
        "promotion_actions",
        "coupon_codes",
    ] {
        assert_eq!(count(&app, table, a.m).await, 0, "{table}");
    }
    let _ = b;
}

#[tokio::test(flavor = "multi_thread")]
async fn create_is_idempotent_with_a_key() {
    let app = spawn().await;
    let (a, _, key, _) = setup(&app).await;
    let input = json!({ "name": "Once", "kind": "coupon_code", "code": "ONCE" });
    let first = app
        .data(&key, &create_q(), json!({ "input": input, "key": "k-1" }))
        .await;
    let again = app
        .data(&key, &create_q(), json!({ "input": input, "key": "k-1" }))
        .await;
    assert_eq!(
        first["promotionCreate"]["promotion"]["id"],
        again["promotionCreate"]["promotion"]["id"]
    );
    assert_eq!(errors(&again["promotionCreate"]), vec![]);
    assert_eq!(count(&app, "promotions", a.m).await, 1);
}

/// The largest batch: `cargo test --release --test promotions_mutations -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "measurement: 100,000 codes"]
async fn hundred_thousand_codes_in_one_mutation() {
    let app = spawn().await;
    let (a, _, key, _) = setup(&app).await;
    let p = create(
        &app,
        &key,
        json!({ "name": "Huge", "kind": "coupon_code", "code": "HUGE" }),
    )
    .await;
    let id = p["promotion"]["id"].clone();
    let before = app.statements();
    let started = std::time::Instant::now();
    let d = app
        .data(
            &key,
            GENERATE,
            json!({ "id": id, "n": 99_999, "prefix": "H-" }),
        )
        .await;
    println!(
        "couponCodesGenerate of 99,999: {:?}, {} statements",
        started.elapsed(),
        app.statements() - before
    );
    assert_eq!(errors(&d["couponCodesGenerate"]), vec![]);
    assert_eq!(count(&app, "coupon_codes", a.m).await, 100_000);
    let d = app.data(&key, GENERATE, json!({ "id": id, "n": 1 })).await;
    assert_eq!(
        errors(&d["couponCodesGenerate"]),
        vec![("numberOfCodes".into(), "LIMIT_EXCEEDED".into())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deleted_products_customers_and_groups_leave_promotion_rules() {
    let app = spawn().await;
    let (a, b, key, kb) = setup(&app).await;
    let rules = |s: &Shop| {
        json!({
            "name": "Refs", "kind": "automatic",
            "rules": [
                { "kind": "product", "matchPolicy": "any", "productIds": [s.product(0), s.product(1)] },
                { "kind": "customer", "customerIds": [s.customer(0), s.customer(1)] },
                { "kind": "customer_group", "customerGroupIds": [s.group_id()] }
            ],
            "actions": [
                { "kind": "item_adjustment", "calculator": "percent", "percent": "10",
                  "productIds": [s.product(2), s.product(0)] }
            ]
        })
    };
    let mine = create(&app, &key, rules(&a)).await;
    assert_eq!(errors(&mine), vec![]);
    let theirs = create(&app, &kb, rules(&b)).await;
    assert_eq!(errors(&theirs), vec![]);

    let writer = app
        .api_key("acme", "catalog:write,customers:write,promotions:read")
        .await;
    let d = app
        .data(
            &writer,
            "mutation($id: ID!) { productDelete(id: $id) { userErrors { code } } }",
            json!({ "id": a.product(0) }),
        )
        .await;
    assert_eq!(d["productDelete"]["userErrors"], json!([]));
    let d = app
        .data(
            &writer,
            "mutation($ids: [ID!]!) { customersDelete(ids: $ids) { userErrors { code } } }",
            json!({ "ids": [a.customer(1)] }),
        )
        .await;
    assert_eq!(d["customersDelete"]["userErrors"], json!([]));
    let d = app
        .data(
            &writer,
            "mutation($id: ID!) { customerGroupDelete(id: $id) { userErrors { code } } }",
            json!({ "id": a.group_id() }),
        )
        .await;
    assert_eq!(d["customerGroupDelete"]["userErrors"], json!([]));

    let read = |credential: String, id: Value| {
        let app = &app;
        async move {
            app.data(
                &credential,
                "query($id: ID!) { promotion(id: $id) {
                   rules { products { id } customers { id } customerGroups { id }
                           productIds customerIds customerGroupIds createdAt updatedAt }
                   actions { products { id } productIds createdAt updatedAt } } }",
                json!({ "id": id }),
            )
            .await["promotion"]
                .clone()
        }
    };
    let p = read(writer.clone(), mine["promotion"]["id"].clone()).await;
    assert_eq!(p["rules"][0]["products"], json!([{ "id": a.product(1) }]));
    assert_eq!(p["rules"][1]["customers"], json!([{ "id": a.customer(0) }]));
    assert_eq!(p["rules"][2]["customerGroups"], json!([]));
    assert_eq!(p["actions"][0]["products"], json!([{ "id": a.product(2) }]));
    // The ID lists say the same, and the rows changed (their updatedAt moved).
    assert_eq!(p["rules"][0]["productIds"], json!([a.product(1)]));
    assert_eq!(p["rules"][1]["customerIds"], json!([a.customer(0)]));
    assert_eq!(p["rules"][2]["customerGroupIds"], json!([]));
    assert_eq!(p["actions"][0]["productIds"], json!([a.product(2)]));
    for row in [
        &p["rules"][0],
        &p["rules"][1],
        &p["rules"][2],
        &p["actions"][0],
    ] {
        assert_ne!(row["updatedAt"], row["createdAt"], "{row}");
    }
    // The other merchant's promotion still names all of its rows.
    let rival = app
        .api_key("rival", "promotions:read,catalog:read,customers:read")
        .await;
    let p = read(rival, theirs["promotion"]["id"].clone()).await;
    assert_eq!(
        p["rules"][0]["products"],
        json!([{ "id": b.product(0) }, { "id": b.product(1) }])
    );
    assert_eq!(p["rules"][1]["customers"].as_array().unwrap().len(), 2);
    assert_eq!(
        p["rules"][0]["updatedAt"], p["rules"][0]["createdAt"],
        "untouched"
    );
    assert_eq!(
        p["actions"][0]["products"],
        json!([{ "id": b.product(2) }, { "id": b.product(0) }])
    );
}
