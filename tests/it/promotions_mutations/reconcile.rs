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
