//! Rules naming several references (`customerIds`, `customerGroupIds`, `channelIds`): written
//! and read as lists (the deprecated single fields read the first), validated per id, compared
//! as sets, pruned when a named row is deleted, edges scope-checked, and a quote whose
//! statement count does not grow with the ids a rule names.

use serde_json::{json, Value};

use super::{errors, has, ids, list_count, SCOPES};
use crate::common::{spawn, TestApp};

const CREATE: &str = "mutation($input: PriceListCreateInput!) { priceListCreate(input: $input) {
    priceList { id rules { id kind customerIds customerGroupIds channelIds customerId
      customerGroupId channelId customers { id } customerGroups { id } channels { id } } }
    userErrors { field code message } } }";

const RULE_ADD: &str = "mutation($list: ID!, $input: PriceRuleInput!) {
  priceRuleAdd(priceListId: $list, input: $input) {
    priceRule { id customerIds } userErrors { field code message } } }";

async fn create(app: &TestApp, key: &str, input: Value) -> Value {
    app.data(key, CREATE, json!({ "input": input })).await["priceListCreate"].clone()
}

/// `n` new customers of `merchant`, in one bulk create.
async fn customers(app: &TestApp, merchant: &str, n: usize) -> Vec<String> {
    let key = app
        .api_key(merchant, "customers:write,customers:read")
        .await;
    let input: Vec<Value> = (0..n)
        .map(|i| json!({ "email": format!("listed{i}@example.com") }))
        .collect();
    let d = app
        .data(
            &key,
            "mutation($input: [CustomerCreateInput!]!) { customersCreate(input: $input) { customers { id } userErrors { field code } } }",
            json!({ "input": input }),
        )
        .await;
    d["customersCreate"]["customers"]
        .as_array()
        .unwrap_or_else(|| panic!("{d}"))
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn rules_take_lists_of_references_checked_id_by_id() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let b = ids(&app, "globex").await;
    let key = a.key.as_str();
    let cus = customers(&app, "acme", 2).await;
    let d = app
        .data(
            key,
            "{ customerGroups { nodes { id } } channels { nodes { id } } }",
            json!({}),
        )
        .await;
    let all = |k: &str| -> Vec<String> {
        d[k]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (groups, channels) = (all("customerGroups"), all("channels"));
    assert!(groups.len() >= 2 && !channels.is_empty(), "{d}");

    let p = create(
        &app,
        key,
        json!({ "name": "Lists", "matchPolicy": "ANY", "rules": [
            { "kind": "CUSTOMER", "customerIds": [cus[1], cus[0]] },
            { "kind": "CUSTOMER_GROUP", "customerGroupIds": [groups[0], groups[1]] },
            { "kind": "CHANNEL", "channelId": channels[0] } ] }),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let rules = p["priceList"]["rules"].as_array().unwrap();
    assert_eq!(rules[0]["customerIds"], json!([cus[1], cus[0]]));
    assert_eq!(rules[0]["customerId"], cus[1].as_str(), "the first id");
    assert_eq!(
        rules[0]["customers"],
        json!([{ "id": cus[1] }, { "id": cus[0] }])
    );
    assert_eq!(rules[0]["customerGroupIds"], json!([]));
    assert_eq!(rules[1]["customerGroupIds"], json!([groups[0], groups[1]]));
    assert_eq!(rules[1]["customerGroups"].as_array().unwrap().len(), 2);
    assert_eq!(
        rules[2]["channelIds"],
        json!([channels[0]]),
        "the single form is a list of one"
    );
    assert_eq!(rules[2]["channels"], json!([{ "id": channels[0] }]));
    let list = p["priceList"]["id"].clone();

    // Every bad id is named; nothing is written.
    let before = list_count(&app, key).await;
    let p = create(
        &app,
        key,
        json!({ "name": "Bad", "rules": [
            { "kind": "CUSTOMER", "customerIds": [] },
            { "kind": "CUSTOMER", "customerIds": [cus[0], b.customer] },
            { "kind": "CUSTOMER_GROUP", "customerGroupIds": [groups[0], b.group] },
            { "kind": "CHANNEL", "channelIds": [b.channel, "ch_nope"] },
            { "kind": "CUSTOMER", "customerIds": [cus[0]], "customerId": cus[0] },
            { "kind": "VOLUME", "minQuantity": 2, "channelIds": [channels[0]] },
            { "kind": "CUSTOMER", "customerIds": vec![cus[0].clone(); 101] },
            { "kind": "CUSTOMER", "customerIds": [cus[1], cus[0], cus[1]] } ] }),
    )
    .await;
    let got = errors(&p);
    for (field, code) in [
        ("input.rules.0.customerIds", "REQUIRED"),
        ("input.rules.1.customerIds.1", "NOT_FOUND"),
        ("input.rules.7.customerIds.2", "DUPLICATE_IN_REQUEST"),
        ("input.rules.2.customerGroupIds.1", "NOT_FOUND"),
        ("input.rules.3.channelIds.1", "INVALID"),
        ("input.rules.4.customerIds", "INVALID"),
        ("input.rules.5.channelIds", "INVALID"),
        ("input.rules.6.customerIds", "LIMIT_EXCEEDED"),
    ] {
        assert!(has(&p, field, code), "{field} {code}: {got:?}");
    }
    assert!(p["priceList"].is_null());
    assert_eq!(list_count(&app, key).await, before);
    // The NOT_FOUND of rule 3 waits for its malformed sibling to be fixed.
    let p = create(
        &app,
        key,
        json!({ "name": "Bad", "rules": [{ "kind": "CHANNEL", "channelIds": [channels[0], b.channel] }] }),
    )
    .await;
    assert_eq!(
        errors(&p),
        [("input.rules.0.channelIds.1".into(), "NOT_FOUND".into())]
    );

    // The same ids in another order are the same rule.
    let add = |input: Value| {
        let (app, key, list) = (&app, key.to_owned(), list.clone());
        async move {
            app.data(&key, RULE_ADD, json!({ "list": list, "input": input }))
                .await["priceRuleAdd"]
                .clone()
        }
    };
    let p = add(json!({ "kind": "CUSTOMER", "customerIds": [cus[0], cus[1]] })).await;
    assert_eq!(errors(&p), [("input.customerIds".into(), "TAKEN".into())]);
    let p = add(json!({ "kind": "CUSTOMER", "customerIds": [cus[0]] })).await;
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(p["priceRule"]["customerIds"], json!([cus[0]]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_customer_leaves_the_rules_naming_it() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let key = a.key.as_str();
    let cus = customers(&app, "acme", 3).await;
    let p = create(
        &app,
        key,
        json!({ "name": "Pruned", "rules": [
            { "kind": "CUSTOMER", "customerIds": [cus[0], cus[1]] },
            { "kind": "CUSTOMER", "customerIds": [cus[2]] } ] }),
    )
    .await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    let list = p["priceList"]["id"].clone();
    let mut c = app.conn().await;
    use diesel_async::SimpleAsyncConnection;
    let key_of = |id: &str| {
        commerce_gateway::ids::decode(commerce_gateway::ids::Kind::Customer, id).unwrap()
    };
    c.batch_execute(&format!(
        "DELETE FROM customers WHERE id IN ({}, {})",
        key_of(&cus[1]),
        key_of(&cus[2])
    ))
    .await
    .unwrap();
    let d = app
        .data(
            key,
            "query($id: ID!) { priceList(id: $id) { rules { customerIds } } }",
            json!({ "id": list }),
        )
        .await;
    assert_eq!(
        d["priceList"]["rules"],
        json!([{ "customerIds": [cus[0]] }]),
        "the id leaves the first rule; the rule left with none is gone"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rule_edges_need_their_scopes_and_the_quote_stays_one_statement() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let cus = customers(&app, "acme", 100).await;
    let variant = a.variants[0].clone();
    let mut lists = Vec::new();
    for (name, named) in [("One", &cus[..1]), ("Hundred", &cus[..])] {
        let p = create(
            &app,
            &a.key,
            json!({ "name": name,
                    "rules": [{ "kind": "CUSTOMER", "customerIds": named }],
                    "prices": [{ "variantId": variant, "currency": "USD", "amount": "2.50" }] }),
        )
        .await;
        assert_eq!(p["userErrors"], json!([]), "{p}");
        let id = p["priceList"]["id"].as_str().unwrap().to_owned();
        let d = app
            .data(
                &a.key,
                "mutation($id: ID!) { priceListActivate(id: $id) { userErrors { field } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(d["priceListActivate"]["userErrors"], json!([]), "{d}");
        lists.push(id);
    }
    // Pricing readers see the ids, not the customers.
    let reader = app.api_key("acme", "pricing:read").await;
    let body = app
        .gql(
            &reader,
            "query($id: ID!) { priceList(id: $id) { rules { customerIds customers { id } } } }",
            json!({ "id": lists[0] }),
        )
        .await;
    assert_eq!(
        body["data"]["priceList"]["rules"][0]["customerIds"],
        json!([cus[0]])
    );
    assert!(
        body["data"]["priceList"]["rules"][0]["customers"].is_null(),
        "{body}"
    );
    assert!(!body["errors"].as_array().unwrap().is_empty(), "{body}");

    // The quote for a buyer named by the 1-id list and by the 100-id list: same statements.
    let key = app.api_key("acme", SCOPES).await;
    let q = "query($v: ID!, $cu: ID) { priceQuote(variantId: $v, currency: \"USD\", customerId: $cu) { amount priceList { id } } }";
    let mut counts = Vec::new();
    for (list, buyer) in [(&lists[0], &cus[0]), (&lists[1], &cus[99])] {
        // Warm the connection's prepared statements first.
        app.data(&key, q, json!({ "v": variant, "cu": buyer }))
            .await;
        let before = app.statements();
        let d = app
            .data(&key, q, json!({ "v": variant, "cu": buyer }))
            .await;
        counts.push(app.statements() - before);
        assert_eq!(d["priceQuote"]["amount"], "2.50", "{d}");
        assert_eq!(d["priceQuote"]["priceList"]["id"], list.as_str(), "{d}");
    }
    assert_eq!(counts[0], counts[1], "statements per quote: {counts:?}");
}
