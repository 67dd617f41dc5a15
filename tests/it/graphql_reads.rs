//! Root queries, connections (keyset pagination both ways), filters, sorts, node lookups and
//! their bad-input errors.

use std::collections::HashSet;

use crate::common::{error_code, error_message, spawn};
use serde_json::{json, Value};

const ALL: &str = "customers:read,orders:read,stores:read,catalog:read";

#[tokio::test(flavor = "multi_thread")]
async fn pages_walk_forward_and_backward_without_gaps_or_duplicates() {
    let app = spawn().await;
    app.seed("acme", 57, 0).await;
    let key = app.api_key("acme", ALL).await;
    let q =
        "query($after: String, $before: String, $first: Int, $last: Int, $sort: [CustomerSort!]) {
        customers(first: $first, after: $after, last: $last, before: $before, sort: $sort) {
          totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { id email lastName createdAt } } } }";
    // Several keys: most significant first, each in its own direction (a single object is a
    // list of one).
    let name_then_email_desc = json!([
        { "field": "NAME", "direction": "ASC" },
        { "field": "EMAIL", "direction": "DESC" },
    ]);
    let name_then_email_asc = json!([
        { "field": "NAME", "direction": "ASC" },
        { "field": "EMAIL", "direction": "ASC" },
    ]);
    for sort in [
        json!(null),
        json!({ "field": "EMAIL", "direction": "ASC" }),
        json!({ "field": "UPDATED_AT" }),
        name_then_email_desc.clone(),
        name_then_email_asc.clone(),
    ] {
        let mut rows: Vec<(String, String)> = Vec::new();
        let mut seen = Vec::new();
        let mut after = Value::Null;
        loop {
            let d = app
                .data(
                    &key,
                    q,
                    json!({ "first": 10, "after": after, "sort": sort }),
                )
                .await;
            let c = &d["customers"];
            assert_eq!(c["totalCount"], 57);
            for e in c["edges"].as_array().unwrap() {
                seen.push(e["node"]["email"].as_str().unwrap().to_owned());
                let last = e["node"]["lastName"].as_str().unwrap_or("").to_owned();
                rows.push((last, e["node"]["email"].as_str().unwrap().to_owned()));
            }
            if !c["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                break;
            }
            after = c["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(seen.len(), 57, "sort {sort}");
        assert_eq!(
            seen.iter().collect::<HashSet<_>>().len(),
            57,
            "no duplicates with sort {sort}"
        );
        if sort["field"] == "EMAIL" {
            let mut sorted = seen.clone();
            sorted.sort();
            assert_eq!(seen, sorted);
        }
        if sort == name_then_email_desc || sort == name_then_email_asc {
            let mut sorted = rows.clone();
            sorted.sort_by(|a, b| {
                let by_email = a.1.cmp(&b.1);
                a.0.cmp(&b.0).then(if sort == name_then_email_desc {
                    by_email.reverse()
                } else {
                    by_email
                })
            });
            assert_eq!(rows, sorted, "sorted by name, then email, for {sort}");
            assert!(
                rows.windows(2).any(|w| w[0].0 == w[1].0),
                "the seed has equal last names, so the second key decides"
            );
        }
        // Walking back from the end with `last`/`before` yields the same sequence.
        let mut back = Vec::new();
        let mut before = Value::Null;
        loop {
            let d = app
                .data(
                    &key,
                    q,
                    json!({ "last": 10, "before": before, "sort": sort }),
                )
                .await;
            let c = &d["customers"];
            let page: Vec<String> = c["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["email"].as_str().unwrap().to_owned())
                .collect();
            back.splice(0..0, page);
            if !c["pageInfo"]["hasPreviousPage"].as_bool().unwrap() {
                break;
            }
            before = c["pageInfo"]["startCursor"].clone();
        }
        assert_eq!(
            back, seen,
            "backward walk matches forward walk for sort {sort}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn customers_filter_search_and_derived_fields() {
    let app = spawn().await;
    app.seed("acme", 40, 200).await;
    let key = app.api_key("acme", ALL).await;
    let d = app
        .data(&key, r#"{ customers(first: 50, filter: { tags: { hasAll: ["vip"] } }) { totalCount nodes { email tags } } }"#, json!({}))
        .await;
    assert_eq!(
        d["customers"]["totalCount"], 2,
        "customers 20 and 40 are VIP"
    );
    for n in d["customers"]["nodes"].as_array().unwrap() {
        assert!(n["tags"].as_array().unwrap().contains(&json!("vip")));
    }
    let d = app
        .data(&key, r#"{ customers(filter: { email: { eq: "CUSTOMER7@example.com" } }) { nodes { id email firstName lastName fullName phone ordersCount totalSpent lastOrderCompletedAt storeCredit orders(first: 3) { number status total } } } }"#, json!({}))
        .await;
    let c = &d["customers"]["nodes"][0];
    assert_eq!(c["email"], "customer7@example.com", "email eq ignores case");
    assert!(c["id"].as_str().unwrap().starts_with("cus_"));
    let orders = c["orders"].as_array().unwrap();
    assert!(!orders.is_empty() && orders.len() <= 3);

    // Derived figures match the orders table.
    let id = c["id"].as_str().unwrap();
    let all = app
        .data(&key, r#"query($id: ID!) { orders(first: 250, filter: { customerId: { eq: $id }, status: { in: [COMPLETE, RETURNED] } }) { totalCount nodes { total completedAt } } }"#, json!({ "id": id }))
        .await;
    let nodes = all["orders"]["nodes"].as_array().unwrap();
    assert_eq!(c["ordersCount"], json!(nodes.len()));
    let sum: rust_decimal::Decimal = nodes
        .iter()
        .map(|n| {
            n["total"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(
        c["totalSpent"]
            .as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap(),
        sum
    );
    assert_eq!(
        c["storeCredit"], "0.00",
        "money is a canonical decimal string"
    );

    let d = app
        .data(
            &key,
            r#"{ customers(search: "customer3", first: 50) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        d["customers"]["totalCount"], 11,
        "customer3 and customer30..39"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_expose_their_associations_and_filters() {
    let app = spawn().await;
    app.seed("acme", 20, 60).await;
    let key = app.api_key("acme", ALL).await;
    let d = app
        .data(&key, r#"{ orders(first: 5, sort: { field: TOTAL, direction: DESC }, filter: { status: { eq: COMPLETE } }) {
            totalCount nodes { id number status currency total itemTotal createdAt completedAt
              customer { id email } store { id name } channel { id code name }
              lineItems { id quantity price total variant { id sku product { id name } } } } } }"#, json!({}))
        .await;
    let nodes = d["orders"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 5);
    let totals: Vec<rust_decimal::Decimal> = nodes
        .iter()
        .map(|n| n["total"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        totals.windows(2).all(|w| w[0] >= w[1]),
        "sorted by total desc: {totals:?}"
    );
    for n in nodes {
        assert_eq!(n["status"], "COMPLETE");
        assert!(n["id"].as_str().unwrap().starts_with("or_"));
        assert!(n["store"]["id"].as_str().unwrap().starts_with("st_"));
        assert!(n["channel"]["id"].as_str().unwrap().starts_with("ch_"));
        let items = n["lineItems"].as_array().unwrap();
        assert!(!items.is_empty());
        let item_total: rust_decimal::Decimal = items
            .iter()
            .map(|i| {
                i["total"]
                    .as_str()
                    .unwrap()
                    .parse::<rust_decimal::Decimal>()
                    .unwrap()
            })
            .sum();
        assert_eq!(
            n["itemTotal"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap(),
            item_total
        );
        assert!(items[0]["variant"]["sku"].as_str().is_some());
        assert!(items[0]["variant"]["product"]["name"].as_str().is_some());
    }
    let first = &nodes[0];
    let by_id = app
        .data(&key, "query($id: ID!) { order(id: $id) { number } node(id: $id) { id ... on Order { number } } }", json!({ "id": first["id"] }))
        .await;
    assert_eq!(by_id["order"]["number"], first["number"]);
    assert_eq!(by_id["node"]["number"], first["number"]);

    let d = app
        .data(&key, "query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }", json!({ "ids": [first["id"], first["customer"]["id"], first["store"]["id"], first["lineItems"][0]["variant"]["product"]["id"]] }))
        .await;
    let types: Vec<&str> = d["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["Order", "Customer", "Store", "Product"]);

    let channel = first["channel"]["id"].clone();
    let d = app
        .data(&key, "query($ch: ID!) { orders(first: 250, filter: { channelId: { eq: $ch } }) { totalCount nodes { channel { id } } } }", json!({ "ch": channel }))
        .await;
    assert!(d["orders"]["totalCount"].as_i64().unwrap() > 0);
    assert!(d["orders"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["channel"]["id"] == channel));

    let d = app
        .data(
            &key,
            r#"{ orders(search: "R00000001", first: 50) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["orders"]["totalCount"], 10, "R000000010..R000000019");
    let d = app.data(&key, r#"{ orders(filter: { total: { gte: "30", lt: "40" } }, first: 250) { nodes { total } } }"#, json!({})).await;
    for n in d["orders"]["nodes"].as_array().unwrap() {
        let t: rust_decimal::Decimal = n["total"].as_str().unwrap().parse().unwrap();
        assert!(t >= rust_decimal::Decimal::from(30) && t < rust_decimal::Decimal::from(40));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_arguments_are_bad_user_input_naming_the_problem() {
    let app = spawn().await;
    app.seed("acme", 5, 5).await;
    let key = app.api_key("acme", ALL).await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "{ customers(first: 100000) { totalCount } }",
            json!({}),
            "first",
        ),
        ("{ customers(first: 0) { totalCount } }", json!({}), "first"),
        (
            "{ customers(first: 2, last: 2) { totalCount } }",
            json!({}),
            "first",
        ),
        ("{ orders(last: 251) { totalCount } }", json!({}), "last"),
        (
            r#"{ customers(after: "bm90LWEtY3Vyc29y") { totalCount } }"#,
            json!({}),
            "after",
        ),
        (
            r#"{ customers(before: "!!!") { totalCount } }"#,
            json!({}),
            "before",
        ),
        (r#"{ customer(id: "nope") { id } }"#, json!({}), "id"),
        (
            r#"{ customer(id: "or_LHcWhmuWsv") { id } }"#,
            json!({}),
            "customer",
        ),
        (r#"{ node(id: "cus_") { id } }"#, json!({}), "id"),
        (
            r#"{ orders(filter: { customerId: { eq: "garbage" } }) { totalCount } }"#,
            json!({}),
            "filter.customerId.eq",
        ),
        (
            r#"{ customers(filter: { nickname: { eq: "x" } }) { totalCount } }"#,
            json!({}),
            "nickname",
        ),
        (
            r#"{ customers(sort: { field: PHONE }) { totalCount } }"#,
            json!({}),
            "PHONE",
        ),
        (
            r#"{ orders(filter: { total: { gt: "lots" } }) { totalCount } }"#,
            json!({}),
            "Decimal",
        ),
        (
            r#"{ orders(first: "ten") { totalCount } }"#,
            json!({}),
            "first",
        ),
        ("{ customers { nodes { nope } } }", json!({}), "nope"),
        ("{ customers(", json!({}), ""),
    ];
    for (query, vars, needle) in cases {
        let (status, body) = app.gql_status(&key, query, vars).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        let msg = error_message(&body);
        assert!(
            msg.contains(needle) || body.to_string().contains(needle),
            "{query}: `{needle}` not in {body}"
        );
    }

    // A cursor made for one sort cannot be used with another.
    let d = app
        .data(
            &key,
            "{ customers(first: 1) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let cursor = d["customers"]["pageInfo"]["endCursor"].clone();
    let body = app.gql(&key, "query($c: String) { customers(first: 1, after: $c, sort: { field: EMAIL }) { totalCount } }", json!({ "c": cursor })).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(error_message(&body).contains("sorting"), "{body}");

    // Malformed request bodies are 400s with a JSON error, never a 500.
    let res = app
        .http
        .post(app.url("/graphql"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{\"query\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_REQUEST");

    // Depth and cost are bounded.
    let deep = "{ orders(first: 250) { nodes { customer { orders(first: 250) { customer { orders(first: 250) { lineItems { variant { product { variants { product { name } } } } } } } } } } } }";
    let body = app.gql(&key, deep, json!({})).await;
    assert_eq!(error_code(&body), "MAX_COST_EXCEEDED", "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn graphiql_is_served_to_browsers_and_get_runs_queries() {
    let app = spawn().await;
    let res = app
        .http
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res
        .text()
        .await
        .unwrap()
        .to_lowercase()
        .contains("graphiql"));

    let key = app.api_key("acme", ALL).await;
    let res = app
        .http
        .get(app.url("/graphql"))
        .bearer_auth(&key)
        .query(&[("query", "{ viewer { merchant { slug } } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.json::<Value>().await.unwrap()["data"]["viewer"]["merchant"]["slug"],
        "acme"
    );
}
