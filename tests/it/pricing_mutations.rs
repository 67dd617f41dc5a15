//! Pricing writes: price lists CRUD with nested rules, status transitions, rules, bulk price
//! upsert/delete with field-path errors and error policies, statement counts, idempotency, and
//! tenant isolation on every mutation.

use crate::common;

use crate::common::{error_code, spawn, TestApp};
use serde_json::{json, Value};

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
async fn price_list_update_checks_conflicts_and_windows_then_delete_cascades() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let l = create(
        &app,
        &a.key,
        json!({ "name": "Spring", "description": "d" }),
    )
    .await["priceList"]
        .clone();
    let id = l["id"].as_str().unwrap().to_owned();

    let p = act(
        &app,
        &a.key,
        "priceListUpdate",
        json!({ "id": id, "input": {
        "name": "Spring sale", "description": null, "position": 7, "matchPolicy": "ANY",
        "startsAt": "2030-03-01T00:00:00Z", "expectedUpdatedAt": l["updatedAt"] } }),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]));
    let u = &p["priceList"];
    assert_eq!(
        (
            &u["name"],
            &u["description"],
            &u["position"],
            &u["matchPolicy"]
        ),
        (
            &json!("Spring sale"),
            &Value::Null,
            &json!(7),
            &json!("any")
        )
    );
    assert_ne!(u["updatedAt"], l["updatedAt"]);

    // A stale expectedUpdatedAt is a CONFLICT and changes nothing.
    let p = act(
        &app,
        &a.key,
        "priceListUpdate",
        json!({ "id": id, "input": {
        "name": "Lost update", "expectedUpdatedAt": l["updatedAt"] } }),
    )
    .await;
    assert_eq!(
        errors(&p),
        [("input.expectedUpdatedAt".into(), "CONFLICT".into())]
    );
    // The window is checked on the merged values; bad fields are reported.
    let p = act(
        &app,
        &a.key,
        "priceListUpdate",
        json!({ "id": id, "input": {
        "endsAt": "2030-02-01T00:00:00Z", "name": "", "matchPolicy": "ALL" } }),
    )
    .await;
    assert!(
        has(&p, "input.endsAt", "INVALID_WINDOW"),
        "{:?}",
        errors(&p)
    );
    assert!(has(&p, "input.name", "REQUIRED"), "{:?}", errors(&p));
    let now = app
        .data(
            &a.key,
            "query($id: ID!) { priceList(id: $id) { name matchPolicy } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        now["priceList"],
        json!({ "name": "Spring sale", "matchPolicy": "any" })
    );

    // Malformed and unknown IDs.
    let p = act(
        &app,
        &a.key,
        "priceListUpdate",
        json!({ "id": "pl_nope", "input": {} }),
    )
    .await;
    assert_eq!(errors(&p), [("id".into(), "INVALID".into())]);
    let p = act(
        &app,
        &a.key,
        "priceListDelete",
        json!({ "id": a.wholesale.replace("pl_", "cus_") }),
    )
    .await;
    assert_eq!(errors(&p), [("id".into(), "INVALID".into())]);

    // Delete takes the list's rules and prices with it.
    let wholesale = json!({ "id": a.wholesale });
    let wholesale_prices =
        "query($id: ID!) { prices(filter: { priceListId: { eq: $id } }) { totalCount } }";
    assert!(total(&app, &a.key, wholesale_prices, wholesale.clone()).await > 0);
    let p = act(
        &app,
        &a.key,
        "priceListDelete",
        json!({ "id": a.wholesale }),
    )
    .await;
    assert_eq!(p["deletedId"], a.wholesale.as_str());
    assert!(p["priceList"].is_null());
    assert_eq!(total(&app, &a.key, wholesale_prices, wholesale).await, 0);
    let gone = app
        .data(
            &a.key,
            "query($id: ID!) { priceList(id: $id) { id } }",
            json!({ "id": a.wholesale }),
        )
        .await;
    assert!(gone["priceList"].is_null());
    let p = act(
        &app,
        &a.key,
        "priceListDelete",
        json!({ "id": a.wholesale }),
    )
    .await;
    assert_eq!(errors(&p), [("id".into(), "NOT_FOUND".into())]);
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

#[tokio::test(flavor = "multi_thread")]
async fn prices_upsert_creates_updates_and_counts() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let (base_id, base_variant) = a.base_prices[0].clone();
    let other = a.variants.iter().find(|v| **v != base_variant).unwrap();
    let d = app
        .data(&a.key, UPSERT, json!({ "input": [
            // New: an EUR base price (priceListId omitted), with a compare-at price.
            // JSON numbers are accepted as well as decimal strings.
            { "variantId": base_variant, "currency": "EUR", "amount": 9.95, "compareAtAmount": "12" },
            // Existing (seeded): the variant's Wholesale price, by key.
            { "variantId": base_variant, "currency": "USD", "priceListId": a.wholesale, "amount": 4 },
            // Existing: the base USD price, by id (variant and currency repeated unchanged).
            { "id": base_id, "variantId": base_variant, "currency": "USD", "amount": "5.1234", "compareAtAmount": "6" },
            // New: a price in a list for another variant.
            { "variantId": other, "currency": "EUR", "priceListId": a.wholesale, "amount": "0" } ] }))
        .await["pricesUpsert"]
        .clone();
    assert_eq!(d["userErrors"], json!([]));
    assert_eq!(
        (d["created"].as_i64(), d["updated"].as_i64()),
        (Some(2), Some(2))
    );
    let prices = d["prices"].as_array().unwrap();
    assert_eq!(prices.len(), 4);
    assert_eq!(prices[0]["amount"], "9.95");
    assert_eq!(prices[0]["compareAtAmount"], "12.00");
    assert_eq!(prices[0]["currency"], "EUR");
    assert!(prices[0]["priceList"].is_null());
    assert_eq!(prices[1]["amount"], "4.00");
    assert_eq!(prices[1]["priceList"]["id"], a.wholesale.as_str());
    assert_eq!(prices[2]["id"], base_id.as_str());
    assert_eq!(prices[2]["amount"], "5.1234");
    assert_eq!(prices[3]["amount"], "0.00");
    assert_eq!(d["results"][3]["index"], 3);
    assert_eq!(d["results"][3]["price"]["id"], prices[3]["id"]);

    // compareAtAmount: omitted keeps it, null clears it; by key as by id.
    let d = app
        .data(
            &a.key,
            UPSERT,
            json!({ "input": [
            { "id": base_id, "amount": "5.5" },
            { "variantId": base_variant, "currency": "EUR", "amount": "10" } ] }),
        )
        .await["pricesUpsert"]
        .clone();
    assert_eq!(d["userErrors"], json!([]));
    assert_eq!(
        (d["created"].as_i64(), d["updated"].as_i64()),
        (Some(0), Some(2))
    );
    assert_eq!(d["prices"][0]["compareAtAmount"], "6.00");
    assert_eq!(d["prices"][1]["compareAtAmount"], "12.00");
    let d = app
        .data(
            &a.key,
            UPSERT,
            json!({ "input": [
            { "id": base_id, "amount": "7", "compareAtAmount": null },
            { "variantId": base_variant, "currency": "EUR", "amount": "12" } ] }),
        )
        .await["pricesUpsert"]
        .clone();
    assert_eq!(d["userErrors"], json!([]));
    assert_eq!(d["prices"][0]["compareAtAmount"], Value::Null);
    assert_eq!(
        d["prices"][1]["compareAtAmount"], "12.00",
        "equal to the amount is allowed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_upsert_validates_every_item_and_honours_the_error_policy() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let (base_id, base_variant) = a.base_prices[0].clone();
    let all = "{ prices { totalCount } }";
    // Give the base price a compare-at price, to test the merged check.
    app.data(
        &a.key,
        UPSERT,
        json!({ "input": [{ "id": base_id, "amount": "10", "compareAtAmount": "12" }] }),
    )
    .await;
    let before = total(&app, &a.key, all, json!({})).await;
    let v = |i: usize| a.variants[i].clone();
    let input = json!([
        { "variantId": v(1), "currency": "GBP", "amount": "1.5" },
        { "variantId": v(2), "currency": "GBP", "amount": "-1" },
        { "variantId": v(3), "currency": "GBP", "amount": "1.23456" },
        { "variantId": v(4), "currency": "GBP", "amount": "5", "compareAtAmount": "4.99" },
        { "variantId": v(5), "currency": "usd", "amount": "1" },
        { "variantId": v(6), "currency": "XYZ", "amount": "1" },
        { "amount": "1" },
        { "variantId": v(1), "currency": "GBP", "amount": "2" },
        { "id": base_id, "currency": "EUR", "amount": "1" },
        { "variantId": "variant_nope", "currency": "GBP", "amount": "1" },
        { "variantId": base_variant, "currency": "USD", "amount": "15" },
        { "variantId": v(7), "currency": "GBP", "amount": "1000000000000000" },
        { "variantId": v(8), "currency": "GBP", "amount": "3", "compareAtAmount": "-1" },
        { "variantId": v(9), "currency": "GBP", "amount": "2.5" }
    ]);
    let d = app.data(&a.key, UPSERT, json!({ "input": input })).await["pricesUpsert"].clone();
    let expected = [
        ("input.1.amount", "OUT_OF_RANGE"),
        ("input.2.amount", "INVALID"),
        ("input.3.compareAtAmount", "OUT_OF_RANGE"),
        ("input.4.currency", "INVALID"),
        ("input.5.currency", "INVALID"),
        ("input.6.variantId", "REQUIRED"),
        ("input.6.currency", "REQUIRED"),
        ("input.7.variantId", "DUPLICATE_IN_REQUEST"),
        ("input.8.currency", "IMMUTABLE"),
        ("input.9.variantId", "INVALID"),
        ("input.10.amount", "OUT_OF_RANGE"),
        ("input.11.amount", "OUT_OF_RANGE"),
        ("input.12.compareAtAmount", "OUT_OF_RANGE"),
    ];
    for (field, code) in expected {
        assert!(has(&d, field, code), "{field} {code}: {:?}", errors(&d));
    }
    assert_eq!(errors(&d).len(), expected.len(), "{:?}", errors(&d));
    assert_eq!(d["prices"], json!([]));
    assert_eq!(
        (d["created"].as_i64(), d["updated"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        total(&app, &a.key, all, json!({})).await,
        before,
        "REJECT_EVERYTHING wrote nothing"
    );
    assert_eq!(
        d["results"][7]["userErrors"][0]["code"],
        "DUPLICATE_IN_REQUEST"
    );

    // REJECT_FAILED_ROWS writes the valid items (0 and 13) only.
    let d = app
        .data(
            &a.key,
            UPSERT,
            json!({ "input": input, "policy": "REJECT_FAILED_ROWS" }),
        )
        .await["pricesUpsert"]
        .clone();
    assert_eq!(errors(&d).len(), expected.len());
    assert_eq!(d["created"], 2);
    let written: Vec<i64> = d["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["price"].is_null())
        .map(|r| r["index"].as_i64().unwrap())
        .collect();
    assert_eq!(written, [0, 13]);
    assert_eq!(total(&app, &a.key, all, json!({})).await, before + 2);
    let base = app
        .data(
            &a.key,
            "query($id: ID!) { node(id: $id) { ... on Price { amount compareAtAmount } } }",
            json!({ "id": base_id }),
        )
        .await;
    assert_eq!(
        base["node"],
        json!({ "amount": "10.00", "compareAtAmount": "12.00" })
    );

    // Request-level limits.
    let d = app.data(&a.key, UPSERT, json!({ "input": [] })).await["pricesUpsert"].clone();
    assert_eq!(errors(&d), [("input".into(), "INVALID".into())]);
    let many: Vec<Value> = (0..10_001)
        .map(|_| json!({ "variantId": v(1), "currency": "GBP", "amount": "1" }))
        .collect();
    let d = app.data(&a.key, UPSERT, json!({ "input": many })).await["pricesUpsert"].clone();
    assert_eq!(errors(&d), [("input".into(), "LIMIT_EXCEEDED".into())]);
    assert!(d["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("10000"));
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_upsert_of_1000_sends_a_constant_number_of_statements() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let token = app.token("acme", SCOPES).await;
    app.data(&token, "{ viewer { scopes } }", json!({})).await;
    // 72 variants × 14 currencies: 1,008 distinct base-price keys.
    let currencies = [
        "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "MXN", "BRL", "COP", "PEN", "CLP", "ARS", "SEK",
        "NOK",
    ];
    let items = |n: usize, amount: &str| -> Vec<Value> {
        a.variants
            .iter()
            .flat_map(|v| currencies.iter().map(move |c| (v.clone(), *c)))
            .take(n)
            .map(|(v, c)| json!({ "variantId": v, "currency": c, "amount": amount }))
            .collect()
    };
    assert!(items(1000, "1").len() == 1000);
    let small = "mutation($input: [PriceInput!]!) { pricesUpsert(input: $input) { created updated userErrors { code } } }";
    let mut counts = Vec::new();
    for (n, amount) in [(10, "1"), (1000, "2"), (1000, "3")] {
        let before = app.statements();
        let d = app
            .data(&token, small, json!({ "input": items(n, amount) }))
            .await;
        counts.push(app.statements() - before);
        assert_eq!(d["pricesUpsert"]["userErrors"], json!([]));
        let (c, u) = (
            d["pricesUpsert"]["created"].as_i64().unwrap(),
            d["pricesUpsert"]["updated"].as_i64().unwrap(),
        );
        assert_eq!(c + u, n as i64);
        if amount == "3" {
            assert_eq!((c, u), (0, 1000), "the second 1,000 only update");
        }
    }
    println!("statements for 10, 1000 (create) and 1000 (update) prices: {counts:?}");
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert_eq!(counts[1], counts[2], "{counts:?}");
    // BEGIN, lookup, write, COMMIT, and the payload's one load of the rows.
    assert!(counts[0] <= 5, "{counts:?}");

    // By id: 1,000 updates, same count.
    let ids: Vec<Value> = app
        .data(
            &token,
            "{ prices(first: 250, filter: { currency: { eq: \"EUR\" } }) { nodes { id } } }",
            json!({}),
        )
        .await["prices"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!({ "id": p["id"], "amount": "4" }))
        .collect();
    let before = app.statements();
    let d = app.data(&token, small, json!({ "input": ids })).await;
    assert_eq!(
        d["pricesUpsert"]["updated"].as_i64().unwrap(),
        ids.len() as i64
    );
    assert_eq!(app.statements() - before, counts[0]);
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_upsert_with_an_idempotency_key_writes_once() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let input = json!([{ "variantId": a.variants[0], "currency": "CHF", "amount": "3" }]);
    let first = app
        .data(
            &a.key,
            UPSERT,
            json!({ "input": input, "key": "reprice-1" }),
        )
        .await["pricesUpsert"]
        .clone();
    assert_eq!(first["created"], 1);
    let again = app
        .data(
            &a.key,
            UPSERT,
            json!({ "input": input, "key": "reprice-1" }),
        )
        .await["pricesUpsert"]
        .clone();
    assert_eq!(again["created"], 1, "the first result, replayed");
    assert_eq!(again["prices"][0]["id"], first["prices"][0]["id"]);
    let n = app
        .data(
            &a.key,
            "{ prices(filter: { currency: { eq: \"CHF\" } }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(n["prices"]["totalCount"], 1);
    let other = app
        .data(&a.key, UPSERT, json!({ "input": [{ "variantId": a.variants[0], "currency": "CHF", "amount": "4" }], "key": "reprice-1" }))
        .await["pricesUpsert"]
        .clone();
    assert_eq!(
        errors(&other),
        [("idempotencyKey".into(), "IDEMPOTENCY_KEY_REUSED".into())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_delete_in_bulk_with_error_policies() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let del = "mutation($ids: [ID!]!, $policy: ErrorPolicy) { pricesDelete(ids: $ids, errorPolicy: $policy) {
        deletedIds userErrors { field code } } }";
    let (p0, p1) = (a.base_prices[0].0.clone(), a.base_prices[1].0.clone());
    let ids = json!([p0, p1, "price_zzzzzzzzzz", "variant_x", p0]);
    let d = app.data(&a.key, del, json!({ "ids": ids })).await["pricesDelete"].clone();
    assert_eq!(d["deletedIds"], json!([]));
    assert!(
        has(&d, "ids.2", "NOT_FOUND") || has(&d, "ids.2", "INVALID"),
        "{:?}",
        errors(&d)
    );
    assert!(has(&d, "ids.3", "INVALID"), "{:?}", errors(&d));
    assert!(has(&d, "ids.4", "DUPLICATE_IN_REQUEST"), "{:?}", errors(&d));
    let still = app
        .data(
            &a.key,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": p0 }),
        )
        .await;
    assert_eq!(still["node"]["id"], p0.as_str(), "nothing deleted");

    let d = app
        .data(
            &a.key,
            del,
            json!({ "ids": ids, "policy": "REJECT_FAILED_ROWS" }),
        )
        .await["pricesDelete"]
        .clone();
    assert_eq!(d["deletedIds"], json!([p0, p1]));
    let gone = app
        .data(
            &a.key,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": p0 }),
        )
        .await;
    assert!(gone["node"].is_null());
}
