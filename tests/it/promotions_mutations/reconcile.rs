//! Rules and actions keep their IDs: `promotionUpdate` reconciles them by `id`,
//! `promotionRuleUpdate` changes one rule in place, and the add mutations return the new row
//! (with its timestamps).

use super::{count, create, errors, has, setup};
use crate::common::spawn;
use serde_json::{json, Value};

const CHILD: &str = "id promotionId kind currency amountMin amountMax productIds customerIds
  customerGroupIds createdAt updatedAt";

fn update_q() -> String {
    format!(
        "mutation($id: ID!, $input: PromotionUpdateInput!) {{ promotionUpdate(id: $id, input: $input) {{
           promotion {{ id rules {{ {CHILD} }} actions {{ id kind calculator percent amount productIds createdAt updatedAt }} }}
           userErrors {{ field code message }} }} }}"
    )
}

fn rule_update_q() -> String {
    format!(
        "mutation($id: ID!, $p: ID, $input: PromotionRuleUpdateInput!) {{
           promotionRuleUpdate(id: $id, promotionId: $p, input: $input) {{
             rule {{ {CHILD} }} promotion {{ id }} userErrors {{ field code message }} }} }}"
    )
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn update_changes_named_rules_in_place_adds_new_ones_and_removes_the_rest() {
    let app = spawn().await;
    let (a, _, key, _) = setup(&app).await;
    let p = create(
        &app,
        &key,
        json!({ "name": "Keep", "kind": "automatic",
        "rules": [{ "kind": "currency", "currency": "USD" }, { "kind": "first_order" }],
        "actions": [{ "kind": "free_delivery" }, { "kind": "order_adjustment", "calculator": "flat", "amount": 5 }] }),
    )
    .await;
    let id = p["promotion"]["id"].clone();
    let before = app
        .data(
            &key,
            &format!("query($id: ID!) {{ promotion(id: $id) {{ rules {{ {CHILD} }} actions {{ id createdAt updatedAt }} }} }}"),
            json!({ "id": id }),
        )
        .await["promotion"]
        .clone();
    let currency = before["rules"][0].clone();
    let flat = before["actions"][1].clone();
    assert_eq!(currency["promotionId"], id);
    assert!(currency["createdAt"].is_string() && currency["updatedAt"].is_string());

    let u = app
        .data(
            &key,
            &update_q(),
            json!({ "id": id, "input": {
                "rules": [
                    { "id": currency["id"], "kind": "currency", "currency": "EUR" },
                    { "kind": "product", "productIds": [a.product(0)] }
                ],
                "actions": [{ "id": flat["id"], "kind": "item_adjustment", "calculator": "percent", "percent": 15 }]
            } }),
        )
        .await["promotionUpdate"]
        .clone();
    assert_eq!(errors(&u), vec![]);
    let rules = &u["promotion"]["rules"];
    assert_eq!(rules.as_array().unwrap().len(), 2);
    let kept = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == currency["id"])
        .expect("the named rule keeps its id");
    assert_eq!(kept["currency"], "EUR");
    assert_eq!(kept["createdAt"], currency["createdAt"]);
    assert_ne!(kept["updatedAt"], currency["updatedAt"]);
    assert!(!ids(rules).contains(&before["rules"][1]["id"].as_str().unwrap().to_owned()));
    let product = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "product")
        .unwrap();
    assert_eq!(product["productIds"], json!([a.product(0)]));
    assert_eq!(
        ids(&u["promotion"]["actions"]),
        vec![flat["id"].as_str().unwrap().to_owned()]
    );
    assert_eq!(u["promotion"]["actions"][0]["kind"], "item_adjustment");
    assert_eq!(u["promotion"]["actions"][0]["percent"], "15");
    assert_eq!(u["promotion"]["actions"][0]["createdAt"], flat["createdAt"]);
    assert_eq!(count(&app, "promotion_rules", a.m).await, 2);
    assert_eq!(count(&app, "promotion_actions", a.m).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_repeated_and_foreign_rule_ids_are_refused_and_nothing_is_written() {
    let app = spawn().await;
    let (a, _, key, kb) = setup(&app).await;
    let one = create(
        &app,
        &key,
        json!({ "name": "One", "kind": "automatic", "rules": [{ "kind": "first_order" }],
        "actions": [{ "kind": "free_delivery" }] }),
    )
    .await;
    let two = create(
        &app,
        &key,
        json!({ "name": "Two", "kind": "automatic", "rules": [{ "kind": "first_order" }] }),
    )
    .await;
    let theirs = create(
        &app,
        &kb,
        json!({ "name": "Theirs", "kind": "automatic", "rules": [{ "kind": "first_order" }] }),
    )
    .await;
    let mine = one["promotion"]["rules"][0]["id"].clone();
    let other = two["promotion"]["rules"][0]["id"].clone();
    let foreign = theirs["promotion"]["rules"][0]["id"].clone();
    let u = app
        .data(
            &key,
            &update_q(),
            json!({ "id": one["promotion"]["id"], "input": { "rules": [
                { "id": other, "kind": "first_order" },
                { "id": foreign, "kind": "first_order" },
                { "id": "prr_nope", "kind": "first_order" },
                { "id": mine, "kind": "first_order" },
                { "id": mine, "kind": "first_order" }
            ], "actions": [] } }),
        )
        .await["promotionUpdate"]
        .clone();
    assert!(has(&u, "input.rules.0.id", "NOT_FOUND"), "{u}");
    assert!(has(&u, "input.rules.1.id", "NOT_FOUND"), "{u}");
    assert!(has(&u, "input.rules.2.id", "INVALID"), "{u}");
    assert!(has(&u, "input.rules.4.id", "DUPLICATE_IN_REQUEST"), "{u}");
    assert_eq!(u["promotion"], Value::Null);
    assert_eq!(
        count(&app, "promotion_rules", a.m).await,
        2,
        "nothing written"
    );
    assert_eq!(
        count(&app, "promotion_actions", a.m).await,
        1,
        "nothing written"
    );

    // IDs are for updates only.
    let c = create(
        &app,
        &key,
        json!({ "name": "Three", "kind": "automatic", "rules": [{ "id": mine, "kind": "first_order" }] }),
    )
    .await;
    assert!(has(&c, "input.rules.0.id", "INVALID"), "{c}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rule_changes_in_place_and_the_add_mutations_return_the_new_row() {
    let app = spawn().await;
    let (a, _, key, kb) = setup(&app).await;
    let p = create(&app, &key, json!({ "name": "Rules", "kind": "automatic" })).await;
    let pid = p["promotion"]["id"].clone();
    let added = app
        .data(
            &key,
            &format!("mutation($p: ID!, $input: PromotionRuleInput!) {{ promotionRuleAdd(promotionId: $p, input: $input) {{
              rule {{ {CHILD} }} promotion {{ rules {{ id }} }} userErrors {{ field code message }} }} }}"),
            json!({ "p": pid, "input": { "kind": "item_total", "amountMin": "50" } }),
        )
        .await["promotionRuleAdd"]
        .clone();
    assert_eq!(errors(&added), vec![]);
    let rule = added["rule"].clone();
    assert_eq!(rule["kind"], "item_total");
    assert_eq!(rule["promotionId"], pid);
    assert_eq!(added["promotion"]["rules"], json!([{ "id": rule["id"] }]));
    let action = app
        .data(
            &key,
            "mutation($p: ID!) { promotionActionAdd(promotionId: $p, input: { kind: \"free_delivery\" }) {
              action { id kind promotionId createdAt updatedAt } userErrors { field code message } } }",
            json!({ "p": pid }),
        )
        .await["promotionActionAdd"]
        .clone();
    assert_eq!(action["action"]["kind"], "free_delivery");
    assert!(action["action"]["createdAt"].is_string());

    let u = app
        .data(
            &key,
            &rule_update_q(),
            json!({ "id": rule["id"], "p": pid, "input": { "amountMax": "500", "amountMin": null } }),
        )
        .await["promotionRuleUpdate"]
        .clone();
    assert_eq!(errors(&u), vec![]);
    assert_eq!(u["rule"]["id"], rule["id"]);
    assert_eq!(u["rule"]["amountMin"], Value::Null);
    assert_eq!(u["rule"]["amountMax"], "500.00");
    assert_eq!(u["rule"]["createdAt"], rule["createdAt"]);
    assert_ne!(u["rule"]["updatedAt"], rule["updatedAt"]);

    // Its kind stays; fields of other kinds and bad values are refused, nothing written.
    let bad = |input: Value| {
        let app = &app;
        let key = &key;
        let id = rule["id"].clone();
        async move {
            app.data(key, &rule_update_q(), json!({ "id": id, "input": input }))
                .await["promotionRuleUpdate"]
                .clone()
        }
    };
    assert!(has(
        &bad(json!({ "kind": "currency" })).await,
        "input.kind",
        "IMMUTABLE"
    ));
    assert!(has(
        &bad(json!({ "currency": "EUR" })).await,
        "input.currency",
        "INVALID"
    ));
    assert!(has(
        &bad(json!({ "amountMax": null })).await,
        "input.amountMin",
        "REQUIRED"
    ));
    let after = bad(json!({})).await;
    assert_eq!(after["rule"]["amountMax"], "500.00", "nothing written");

    // Another promotion's or another merchant's rule is not found.
    let other = create(&app, &key, json!({ "name": "Other", "kind": "automatic" })).await;
    let wrong = app
        .data(
            &key,
            &rule_update_q(),
            json!({ "id": rule["id"], "p": other["promotion"]["id"], "input": { "amountMax": "9" } }),
        )
        .await["promotionRuleUpdate"]
        .clone();
    assert!(has(&wrong, "id", "NOT_FOUND"), "{wrong}");
    let foreign = app
        .data(
            &kb,
            &rule_update_q(),
            json!({ "id": rule["id"], "input": { "amountMax": "9" } }),
        )
        .await["promotionRuleUpdate"]
        .clone();
    assert!(has(&foreign, "id", "NOT_FOUND"), "{foreign}");
    let removed = app
        .data(
            &key,
            "mutation($id: ID!, $p: ID) { promotionRuleRemove(id: $id, promotionId: $p) { userErrors { field code } } }",
            json!({ "id": rule["id"], "p": other["promotion"]["id"] }),
        )
        .await["promotionRuleRemove"]
        .clone();
    assert!(has(&removed, "id", "NOT_FOUND"), "{removed}");
    assert_eq!(
        count(&app, "promotion_rules", a.m).await,
        1,
        "nothing removed"
    );
}

fn action_update_q() -> &'static str {
    "mutation($id: ID!, $p: ID, $input: PromotionActionUpdateInput!, $key: String) {
       promotionActionUpdate(id: $id, promotionId: $p, input: $input, idempotencyKey: $key) {
         action { id kind calculator amount percent productIds createdAt updatedAt }
         promotion { id } userErrors { field code message } } }"
}

#[tokio::test(flavor = "multi_thread")]
async fn promotion_action_update_changes_one_action_in_place() {
    let app = spawn().await;
    let (a, _, key, kb) = setup(&app).await;
    let p = create(
        &app,
        &key,
        json!({ "name": "Act", "kind": "automatic", "actions": [
            { "kind": "order_adjustment", "calculator": "percent", "percent": 10 },
            { "kind": "item_adjustment", "calculator": "flat", "amount": 2, "productIds": [a.product(0)] }] }),
    )
    .await;
    assert_eq!(errors(&p), vec![]);
    let pid = p["promotion"]["id"].clone();
    let action = p["promotion"]["actions"][0].clone();
    let update = |id: Value, p: Value, input: Value, k: &str| {
        let app = &app;
        let k = k.to_owned();
        async move {
            app.data(
                &k,
                action_update_q(),
                json!({ "id": id, "p": p, "input": input }),
            )
            .await["promotionActionUpdate"]
                .clone()
        }
    };
    let before = app
        .data(
            &key,
            "query($id: ID!) { promotion(id: $id) { actions { id createdAt updatedAt } } }",
            json!({ "id": pid }),
        )
        .await["promotion"]["actions"][0]
        .clone();

    // A new calculator starts without the old one's percent.
    let u = update(
        action["id"].clone(),
        pid.clone(),
        json!({ "calculator": "FLAT", "amount": "5" }),
        &key,
    )
    .await;
    assert_eq!(errors(&u), vec![]);
    assert_eq!(u["action"]["id"], action["id"]);
    assert_eq!(u["action"]["calculator"], "flat");
    assert_eq!(u["action"]["amount"], "5.00");
    assert_eq!(u["action"]["percent"], Value::Null);
    assert_eq!(u["action"]["createdAt"], before["createdAt"]);
    assert_ne!(u["action"]["updatedAt"], before["updatedAt"]);
    assert_eq!(u["promotion"]["id"], pid);
    // The same calculator keeps what is not given.
    let u = update(
        action["id"].clone(),
        Value::Null,
        json!({ "kind": "order_adjustment" }),
        &key,
    )
    .await;
    assert_eq!(errors(&u), vec![]);
    assert_eq!(u["action"]["amount"], "5.00");
    // An item adjustment's products are replaced when given, kept otherwise.
    let item = p["promotion"]["actions"][1]["id"].clone();
    let u = update(item.clone(), pid.clone(), json!({ "amount": 3 }), &key).await;
    assert_eq!(errors(&u), vec![]);
    assert_eq!(u["action"]["productIds"], json!([a.product(0)]));
    let u = update(
        item.clone(),
        pid.clone(),
        json!({ "productIds": [a.product(1)] }),
        &key,
    )
    .await;
    assert_eq!(u["action"]["productIds"], json!([a.product(1)]));

    // Bad values, another kind, fields of other kinds: refused, nothing written.
    for (input, path, code) in [
        (
            json!({ "kind": "free_delivery" }),
            "input.kind",
            "IMMUTABLE",
        ),
        (
            json!({ "calculator": "percent" }),
            "input.percent",
            "REQUIRED",
        ),
        (json!({ "amount": "-1" }), "input.amount", "OUT_OF_RANGE"),
        (
            json!({ "calculator": "percent", "percent": 101 }),
            "input.percent",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "productIds": [a.product(0)] }),
            "input.productIds",
            "INVALID",
        ),
        (
            json!({ "calculator": "fixed", "amount": 1 }),
            "input.calculator",
            "INVALID",
        ),
    ] {
        let u = update(action["id"].clone(), pid.clone(), input.clone(), &key).await;
        assert!(has(&u, path, code), "{input}: {u}");
        assert_eq!(u["action"], Value::Null);
    }
    let item_bad = update(
        item.clone(),
        pid.clone(),
        json!({ "productIds": ["prod_nope"] }),
        &key,
    )
    .await;
    assert!(!errors(&item_bad).is_empty(), "{item_bad}");
    let now = app
        .data(
            &key,
            "query($id: ID!) { promotion(id: $id) { actions { amount calculator productIds } } }",
            json!({ "id": pid }),
        )
        .await["promotion"]["actions"]
        .clone();
    assert_eq!(now[0]["amount"], "5.00", "nothing written: {now}");
    assert_eq!(now[1]["productIds"], json!([a.product(1)]));

    // Another promotion's or another merchant's action is not found; a malformed id is invalid.
    let other = create(&app, &key, json!({ "name": "Other", "kind": "automatic" })).await;
    let wrong = update(
        action["id"].clone(),
        other["promotion"]["id"].clone(),
        json!({ "amount": 9 }),
        &key,
    )
    .await;
    assert!(has(&wrong, "id", "NOT_FOUND"), "{wrong}");
    let foreign = update(
        action["id"].clone(),
        Value::Null,
        json!({ "amount": 9 }),
        &kb,
    )
    .await;
    assert!(has(&foreign, "id", "NOT_FOUND"), "{foreign}");
    let malformed = update(json!("pra_x"), Value::Null, json!({ "amount": 9 }), &key).await;
    assert!(has(&malformed, "id", "INVALID"), "{malformed}");
    // Reading promotions is not enough.
    let reader = app.api_key("acme", "promotions:read").await;
    let r = app
        .gql(
            &reader,
            action_update_q(),
            json!({ "id": action["id"], "input": { "amount": 1 } }),
        )
        .await;
    assert_eq!(crate::common::error_code(&r), "FORBIDDEN", "{r}");
}
