//! Pricing writes: price lists CRUD with nested rules, status transitions, rules, bulk price
//! upsert/delete with field-path errors and error policies, statement counts, idempotency, and
//! tenant isolation on every mutation.

use crate::common;

use crate::common::{error_code, spawn, TestApp};
use serde_json::{json, Value};

mod list_updates;
mod prices;
mod rest_additions;
mod rule_lists;

const SCOPES: &str = "pricing:read,pricing:write,customers:read,catalog:read,stores:read";

const LIST_FIELDS: &str =
    "priceList { id name description status position matchPolicy startsAt endsAt updatedAt
    rules { id kind minQuantity marketCode customerGroup { id } channel { id } customer { id } } }
    deletedId userErrors { field code message }";

const UPSERT: &str = "mutation($input: [PriceInput!]!, $policy: ErrorPolicy, $key: String) {
  pricesUpsert(input: $input, errorPolicy: $policy, idempotencyKey: $key) {
    created updated prices { id amount compareAtAmount currency variant { id } priceList { id } }
    results { index price { id } userErrors { field code } }
    userErrors { field code message } } }";

/// IDs of one seeded merchant.
struct Ids {
    key: String,
    group: String,
    channel: String,
    customer: String,
    variants: Vec<String>,
    wholesale: String,
    wholesale_rule: String,
    base_prices: Vec<(String, String)>,
}

async fn ids(app: &TestApp, merchant: &str) -> Ids {
    app.seed(merchant, 3, 0).await;
    let key = app.api_key(merchant, SCOPES).await;
    let d = app
        .data(
            &key,
            "{ customerGroups { nodes { id name } } channels { nodes { id code } }
               customers(first: 1) { nodes { id } } variants(first: 100) { nodes { id } }
               priceLists { nodes { id name rules { id } } }
               prices(first: 5, filter: { priceListId: { isNull: true } }) { nodes { id variant { id } } } }",
            json!({}),
        )
        .await;
    let list = |k: &str| d[k]["nodes"].as_array().unwrap().clone();
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let wholesale = list("priceLists")
        .into_iter()
        .find(|l| l["name"] == "Wholesale")
        .unwrap();
    Ids {
        group: id(&list("customerGroups")
            .into_iter()
            .find(|g| g["name"] == "VIP")
            .unwrap()),
        channel: id(&list("channels")[0]),
        customer: id(&list("customers")[0]),
        variants: list("variants").iter().map(id).collect(),
        wholesale: id(&wholesale),
        wholesale_rule: id(&wholesale["rules"][0]),
        base_prices: list("prices")
            .iter()
            .map(|p| (id(p), p["variant"]["id"].as_str().unwrap().to_owned()))
            .collect(),
        key,
    }
}

fn errors(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let field: Vec<&str> = e["field"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            (field.join("."), e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

fn has(payload: &Value, field: &str, code: &str) -> bool {
    errors(payload).iter().any(|(f, c)| f == field && c == code)
}

async fn create(app: &TestApp, key: &str, input: Value) -> Value {
    let q = format!(
        "mutation($input: PriceListCreateInput!) {{ priceListCreate(input: $input) {{ {LIST_FIELDS} }} }}"
    );
    app.data(key, &q, json!({ "input": input })).await["priceListCreate"].clone()
}

async fn act(app: &TestApp, key: &str, mutation: &str, args: Value) -> Value {
    let q = match mutation {
        "priceListSchedule" => format!(
            "mutation($id: ID!, $startsAt: DateTime!, $endsAt: DateTime) {{ priceListSchedule(id: $id, startsAt: $startsAt, endsAt: $endsAt) {{ {LIST_FIELDS} }} }}"
        ),
        "priceListUpdate" => format!(
            "mutation($id: ID!, $input: PriceListUpdateInput!) {{ priceListUpdate(id: $id, input: $input) {{ {LIST_FIELDS} }} }}"
        ),
        m => format!("mutation($id: ID!) {{ {m}(id: $id) {{ {LIST_FIELDS} }} }}"),
    };
    app.data(key, &q, args).await[mutation].clone()
}

async fn list_count(app: &TestApp, key: &str) -> i64 {
    app.data(key, "{ priceLists { totalCount } }", json!({}))
        .await["priceLists"]["totalCount"]
        .as_i64()
        .unwrap()
}

/// `totalCount` of the one connection `query` selects.
async fn total(app: &TestApp, key: &str, query: &str, vars: Value) -> i64 {
    let d = app.data(key, query, vars).await;
    let (_, connection) = d.as_object().unwrap().iter().next().unwrap();
    connection["totalCount"].as_i64().unwrap()
}

fn iso(offset_hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(offset_hours)).to_rfc3339()
}

#[tokio::test(flavor = "multi_thread")]
async fn price_list_create_with_nested_rules_and_every_validation() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let b = ids(&app, "globex").await;
    let before = list_count(&app, &a.key).await;

    let p = create(
        &app,
        &a.key,
        json!({ "name": "  Trade  ", "description": "B2B", "position": 3, "matchPolicy": "ANY",
            "startsAt": "2030-01-01T00:00:00Z", "endsAt": "2030-02-01T00:00:00Z",
            "rules": [
                { "kind": "CUSTOMER_GROUP", "customerGroupId": a.group },
                { "kind": "CHANNEL", "channelId": a.channel },
                { "kind": "CUSTOMER", "customerId": a.customer },
                { "kind": "VOLUME", "minQuantity": 10 },
                { "kind": "MARKET", "marketCode": "EC" } ] }),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]));
    let l = &p["priceList"];
    assert_eq!(l["name"], "Trade", "trimmed");
    assert_eq!(
        (&l["status"], &l["position"], &l["matchPolicy"]),
        (&json!("DRAFT"), &json!(3), &json!("any"))
    );
    assert_eq!(l["startsAt"], "2030-01-01T00:00:00+00:00");
    let rules = l["rules"].as_array().unwrap();
    let kinds: Vec<&str> = rules.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["customer_group", "channel", "customer", "volume", "market"]
    );
    assert_eq!(rules[0]["customerGroup"]["id"], a.group.as_str());
    assert_eq!(rules[1]["channel"]["id"], a.channel.as_str());
    assert_eq!(rules[2]["customer"]["id"], a.customer.as_str());
    assert_eq!(rules[3]["minQuantity"], 10);
    assert_eq!(rules[4]["marketCode"], "EC");
    assert_eq!(list_count(&app, &a.key).await, before + 1);

    // Every problem at once, each on its path; nothing is written.
    let bad = create(
        &app,
        &a.key,
        json!({ "name": " ", "position": -1, "description": "x".repeat(1001),
            "startsAt": "2030-01-02T00:00:00Z", "endsAt": "2030-01-01T00:00:00Z",
            "rules": [
                { "kind": "CUSTOMER_GROUP" },
                { "kind": "CHANNEL", "channelId": a.channel, "minQuantity": 2 },
                { "kind": "VOLUME", "minQuantity": 0 },
                { "kind": "MARKET", "marketCode": "ec" },
                { "kind": "MARKET", "marketCode": "XX" },
                { "kind": "CUSTOMER_GROUP", "customerGroupId": b.group },
                { "kind": "CHANNEL", "channelId": "cg_nope" },
                { "kind": "CUSTOMER", "customerId": b.customer },
                { "kind": "CHANNEL", "channelId": b.channel },
                { "kind": "VOLUME", "minQuantity": 5 },
                { "kind": "VOLUME", "minQuantity": 5 } ] }),
    )
    .await;
    assert!(bad["priceList"].is_null());
    for (field, code) in [
        ("input.name", "REQUIRED"),
        ("input.position", "OUT_OF_RANGE"),
        ("input.description", "TOO_LONG"),
        ("input.endsAt", "INVALID_WINDOW"),
        ("input.rules.0.customerGroupId", "REQUIRED"),
        ("input.rules.1.minQuantity", "INVALID"),
        ("input.rules.2.minQuantity", "OUT_OF_RANGE"),
        ("input.rules.3.marketCode", "INVALID"),
        ("input.rules.4.marketCode", "INVALID"),
        ("input.rules.5.customerGroupId", "NOT_FOUND"),
        ("input.rules.6.channelId", "INVALID"),
        ("input.rules.7.customerId", "NOT_FOUND"),
        ("input.rules.8.channelId", "NOT_FOUND"),
        ("input.rules.10.minQuantity", "DUPLICATE_IN_REQUEST"),
    ] {
        assert!(has(&bad, field, code), "{field} {code}: {:?}", errors(&bad));
    }
    assert_eq!(errors(&bad).len(), 14, "{:?}", errors(&bad));
    assert_eq!(list_count(&app, &a.key).await, before + 1);

    // A list without rules and with defaults.
    let p = create(&app, &a.key, json!({ "name": "Everyone" })).await;
    assert_eq!(p["priceList"]["matchPolicy"], "all");
    assert_eq!(p["priceList"]["position"], 0);
    assert_eq!(p["priceList"]["rules"], json!([]));

    // The scope is required.
    let reader = app.api_key("acme", "pricing:read").await;
    let body = app
        .gql(
            &reader,
            "mutation { priceListCreate(input: { name: \"x\" }) { userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_transitions_have_clear_codes() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let id = create(&app, &a.key, json!({ "name": "Lifecycle" })).await["priceList"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let one = |m: &'static str| {
        let (app, key, id) = (&app, a.key.clone(), id.clone());
        async move { act(app, &key, m, json!({ "id": id })).await }
    };
    let p = one("priceListDeactivate").await;
    assert_eq!(
        errors(&p),
        [("id".into(), "INVALID_TRANSITION".into())],
        "draft"
    );
    let p = one("priceListActivate").await;
    assert_eq!(p["priceList"]["status"], "ACTIVE");
    let p = one("priceListActivate").await;
    assert_eq!(
        errors(&p),
        [("id".into(), "INVALID_TRANSITION".into())],
        "already active"
    );
    let p = one("priceListDeactivate").await;
    assert_eq!(p["priceList"]["status"], "INACTIVE");
    let p = one("priceListDeactivate").await;
    assert_eq!(
        errors(&p),
        [("id".into(), "INVALID_TRANSITION".into())],
        "already inactive"
    );

    // Scheduling: not in the past, end after start.
    let sched = |starts: String, ends: Option<String>| {
        let (app, key, id) = (&app, a.key.clone(), id.clone());
        async move {
            act(
                app,
                &key,
                "priceListSchedule",
                json!({ "id": id, "startsAt": starts, "endsAt": ends }),
            )
            .await
        }
    };
    let p = sched(iso(-2), Some(iso(5))).await;
    assert_eq!(errors(&p), [("startsAt".into(), "IN_THE_PAST".into())]);
    let at = iso(5);
    let p = sched(at.clone(), Some(at)).await;
    assert_eq!(errors(&p), [("endsAt".into(), "INVALID_WINDOW".into())]);
    let p = sched(iso(2), Some(iso(1))).await;
    assert_eq!(errors(&p), [("endsAt".into(), "INVALID_WINDOW".into())]);
    let p = sched(
        "2040-01-01T00:00:00Z".into(),
        Some("2040-02-01T00:00:00Z".into()),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(
        (
            &p["priceList"]["status"],
            &p["priceList"]["startsAt"],
            &p["priceList"]["endsAt"]
        ),
        (
            &json!("SCHEDULED"),
            &json!("2040-01-01T00:00:00+00:00"),
            &json!("2040-02-01T00:00:00+00:00")
        )
    );
    // A scheduled list keeps needing a start; open-ended schedules are allowed.
    let p = act(
        &app,
        &a.key,
        "priceListUpdate",
        json!({ "id": id, "input": { "startsAt": null } }),
    )
    .await;
    assert_eq!(errors(&p), [("input.startsAt".into(), "REQUIRED".into())]);
    let p = act(
        &app,
        &a.key,
        "priceListUpdate",
        json!({ "id": id, "input": { "endsAt": iso(-1) } }),
    )
    .await;
    assert!(has(&p, "input.endsAt", "IN_THE_PAST"), "{:?}", errors(&p));
    let p = sched(iso(1), None).await;
    assert_eq!(p["priceList"]["endsAt"], Value::Null);
    // Scheduled → active → (deactivate) works; scheduled → inactive too.
    let p = one("priceListDeactivate").await;
    assert_eq!(p["priceList"]["status"], "INACTIVE");

    // Activating a list whose window has ended is refused.
    let old = create(
        &app,
        &a.key,
        json!({ "name": "Old", "startsAt": "2020-01-01T00:00:00Z",
        "endsAt": "2020-02-01T00:00:00Z" }),
    )
    .await["priceList"]["id"]
        .clone();
    let p = act(&app, &a.key, "priceListActivate", json!({ "id": old })).await;
    assert_eq!(errors(&p), [("id".into(), "IN_THE_PAST".into())]);
    let status = app
        .data(
            &a.key,
            "query($id: ID!) { priceList(id: $id) { status } }",
            json!({ "id": old }),
        )
        .await;
    assert_eq!(status["priceList"]["status"], "DRAFT");
}

const RULE_ADD: &str = "mutation($list: ID!, $input: PriceRuleInput!) {
  priceRuleAdd(priceListId: $list, input: $input) {
    priceRule { id kind minQuantity channel { id } } priceList { updatedAt rules { id } }
    userErrors { field code message } } }";

const RULE_REMOVE: &str = "mutation($id: ID!) { priceRuleRemove(id: $id) {
    deletedId priceList { rules { id } } userErrors { field code message } } }";

#[tokio::test(flavor = "multi_thread")]
async fn price_rules_are_added_and_removed_with_their_references_checked() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let b = ids(&app, "globex").await;
    let l = create(&app, &a.key, json!({ "name": "Rules" })).await["priceList"].clone();
    let add = |input: Value| {
        let (app, key, list) = (&app, a.key.clone(), l["id"].clone());
        async move {
            app.data(&key, RULE_ADD, json!({ "list": list, "input": input }))
                .await["priceRuleAdd"]
                .clone()
        }
    };
    let p = add(json!({ "kind": "CHANNEL", "channelId": a.channel })).await;
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(p["priceRule"]["kind"], "channel");
    assert_eq!(p["priceRule"]["channel"]["id"], a.channel.as_str());
    assert_eq!(p["priceList"]["rules"].as_array().unwrap().len(), 1);
    assert_ne!(
        p["priceList"]["updatedAt"], l["updatedAt"],
        "the list's updatedAt moves"
    );
    let rule = p["priceRule"]["id"].as_str().unwrap().to_owned();
    assert!(rule.starts_with("prule_"));

    for (input, field, code) in [
        (
            json!({ "kind": "CHANNEL", "channelId": a.channel }),
            "input.channelId",
            "TAKEN",
        ),
        (json!({ "kind": "CHANNEL" }), "input.channelId", "REQUIRED"),
        (
            json!({ "kind": "CHANNEL", "channelId": b.channel }),
            "input.channelId",
            "NOT_FOUND",
        ),
        (
            json!({ "kind": "CUSTOMER", "customerId": b.customer }),
            "input.customerId",
            "NOT_FOUND",
        ),
        (
            json!({ "kind": "CUSTOMER", "customerId": a.channel }),
            "input.customerId",
            "INVALID",
        ),
        (
            json!({ "kind": "CUSTOMER_GROUP", "customerGroupId": b.group }),
            "input.customerGroupId",
            "NOT_FOUND",
        ),
        (
            json!({ "kind": "CUSTOMER_GROUP", "customerGroupId": a.group, "customerId": a.customer }),
            "input.customerId",
            "INVALID",
        ),
        (
            json!({ "kind": "VOLUME", "minQuantity": -3 }),
            "input.minQuantity",
            "OUT_OF_RANGE",
        ),
        (
            json!({ "kind": "VOLUME", "marketCode": "EC" }),
            "input.minQuantity",
            "REQUIRED",
        ),
        (
            json!({ "kind": "MARKET", "marketCode": "ECU" }),
            "input.marketCode",
            "INVALID",
        ),
    ] {
        let p = add(input.clone()).await;
        assert!(has(&p, field, code), "{input}: {:?}", errors(&p));
        assert!(p["priceRule"].is_null());
    }
    let p = add(json!({ "kind": "VOLUME", "minQuantity": 1 })).await;
    assert_eq!(p["priceList"]["rules"].as_array().unwrap().len(), 2);
    let p = add(json!({ "kind": "CUSTOMER_GROUP", "customerGroupId": a.group })).await;
    assert_eq!(p["userErrors"], json!([]));
    let p = add(json!({ "kind": "MARKET", "marketCode": "EC" })).await;
    assert_eq!(p["userErrors"], json!([]));
    let p = add(json!({ "kind": "CUSTOMER", "customerId": a.customer })).await;
    assert_eq!(p["priceList"]["rules"].as_array().unwrap().len(), 5);

    // Unknown list.
    let p = app
        .data(
            &a.key,
            RULE_ADD,
            json!({ "list": "pl_nope", "input": { "kind": "VOLUME", "minQuantity": 2 } }),
        )
        .await["priceRuleAdd"]
        .clone();
    assert_eq!(errors(&p), [("priceListId".into(), "INVALID".into())]);

    let p = app.data(&a.key, RULE_REMOVE, json!({ "id": rule })).await["priceRuleRemove"].clone();
    assert_eq!(p["deletedId"], rule.as_str());
    assert_eq!(p["priceList"]["rules"].as_array().unwrap().len(), 4);
    let p = app.data(&a.key, RULE_REMOVE, json!({ "id": rule })).await["priceRuleRemove"].clone();
    assert_eq!(errors(&p), [("id".into(), "NOT_FOUND".into())]);
    let p = app
        .data(&a.key, RULE_REMOVE, json!({ "id": "prule_x" }))
        .await["priceRuleRemove"]
        .clone();
    assert_eq!(errors(&p), [("id".into(), "INVALID".into())]);
}

/// Everything of `b` a mutation could change, read with b's own key.
async fn snapshot(app: &TestApp, b: &Ids) -> Value {
    app.data(
        &b.key,
        "{ priceLists { nodes { id name description status position matchPolicy startsAt endsAt updatedAt rules { id kind } } }
           prices(first: 250) { totalCount nodes { id amount compareAtAmount updatedAt } } }",
        json!({}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_pricing_mutation_and_the_quote_refuse_another_merchants_ids() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let b = ids(&app, "globex").await;
    let before = snapshot(&app, &b).await;
    let k = &a.key;

    let id = json!({ "id": b.wholesale });
    for m in [
        "priceListActivate",
        "priceListDeactivate",
        "priceListDelete",
    ] {
        let p = act(&app, k, m, id.clone()).await;
        assert_eq!(errors(&p), [("id".into(), "NOT_FOUND".into())], "{m}");
    }
    let p = act(
        &app,
        k,
        "priceListUpdate",
        json!({ "id": b.wholesale, "input": { "name": "Pwned" } }),
    )
    .await;
    assert_eq!(errors(&p), [("id".into(), "NOT_FOUND".into())]);
    let p = act(
        &app,
        k,
        "priceListSchedule",
        json!({ "id": b.wholesale, "startsAt": iso(1) }),
    )
    .await;
    assert_eq!(errors(&p), [("id".into(), "NOT_FOUND".into())]);
    let p = app
        .data(
            k,
            RULE_ADD,
            json!({ "list": b.wholesale, "input": { "kind": "VOLUME", "minQuantity": 2 } }),
        )
        .await["priceRuleAdd"]
        .clone();
    assert_eq!(errors(&p), [("priceListId".into(), "NOT_FOUND".into())]);
    let p = app
        .data(k, RULE_REMOVE, json!({ "id": b.wholesale_rule }))
        .await["priceRuleRemove"]
        .clone();
    assert_eq!(errors(&p), [("id".into(), "NOT_FOUND".into())]);

    // Prices: b's price by id, b's variant and b's list by key; b's price in a delete.
    let d = app
        .data(k, UPSERT, json!({ "input": [
            { "id": b.base_prices[0].0, "amount": "1" },
            { "variantId": b.variants[0], "currency": "USD", "amount": "1" },
            { "variantId": a.variants[0], "currency": "USD", "priceListId": b.wholesale, "amount": "1" } ],
            "policy": "REJECT_FAILED_ROWS" }))
        .await["pricesUpsert"]
        .clone();
    assert_eq!(
        errors(&d),
        [
            ("input.0.id".into(), "NOT_FOUND".into()),
            ("input.1.variantId".into(), "NOT_FOUND".into()),
            ("input.2.priceListId".into(), "NOT_FOUND".into())
        ]
    );
    assert_eq!(
        (d["created"].as_i64(), d["updated"].as_i64()),
        (Some(0), Some(0))
    );
    let d = app
        .data(k, "mutation($ids: [ID!]!) { pricesDelete(ids: $ids, errorPolicy: REJECT_FAILED_ROWS) { deletedIds userErrors { field code } } }",
            json!({ "ids": [b.base_prices[0].0] }))
        .await["pricesDelete"]
        .clone();
    assert_eq!(d["deletedIds"], json!([]));
    assert_eq!(errors(&d), [("ids.0".into(), "NOT_FOUND".into())]);

    // The quote: b's variant, customer or channel are not found.
    for (vars, what) in [
        (json!({ "v": b.variants[0] }), "variant"),
        (json!({ "v": a.variants[0], "cu": b.customer }), "customer"),
        (json!({ "v": a.variants[0], "ch": b.channel }), "channel"),
    ] {
        let body = app
            .gql(k, "query($v: ID!, $cu: ID, $ch: ID) { priceQuote(variantId: $v, currency: \"USD\", customerId: $cu, channelId: $ch) { amount } }", vars)
            .await;
        assert_eq!(error_code(&body), "NOT_FOUND", "{what}: {body}");
        assert!(common::error_message(&body).contains(what), "{body}");
    }

    assert_eq!(
        snapshot(&app, &b).await,
        before,
        "nothing of globex changed"
    );
}
