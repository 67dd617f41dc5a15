use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::spawn;

/// Two variants of the seeded catalog that have a USD price.
async fn variants(app: &crate::common::TestApp, key: &str) -> Vec<String> {
    let d = app
        .data(
            key,
            "{ variants(first: 50) { nodes { id prices { currency priceList { id } } } } }",
            json!({}),
        )
        .await;
    d["variants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| {
            v["prices"].as_array().is_some_and(|p| {
                p.iter()
                    .any(|p| p["currency"] == "USD" && p["priceList"].is_null())
            })
        })
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .take(2)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_takes_items_and_moves_through_its_states() {
    let app = spawn().await;
    app.seed("alpha", 2, 2).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let v = variants(&app, &s.key).await;
    assert_eq!(v.len(), 2, "the seed has priced variants");

    let (st, o) = s
        .post("/orders", json!({"currency": "USD", "email": "buyer@example.com", "items": [{"variant_id": v[0], "quantity": 2}]}))
        .await;
    assert_eq!(st, 201, "{o}");
    assert_eq!(o["status"], "draft");
    assert_eq!(o["total_quantity"], 2);
    assert!(
        o["display_item_total"].as_str().unwrap().starts_with('$'),
        "{o}"
    );
    let id = o["id"].as_str().unwrap().to_owned();

    let (st, li) = s
        .post(&format!("/orders/{id}/items"), json!({"variant_id": v[1]}))
        .await;
    assert_eq!(st, 201, "{li}");
    assert_eq!(
        (li["variant_id"].clone(), li["quantity"].clone()),
        (json!(v[1]), json!(1))
    );
    assert_eq!(li["currency"], "USD");
    let li_id = li["id"].as_str().unwrap().to_owned();
    let (st, li) = s
        .patch(
            &format!("/orders/{id}/items/{li_id}"),
            json!({"quantity": 5}),
        )
        .await;
    assert_eq!((st, li["quantity"].clone()), (200, json!(5)), "{li}");
    let (st, got) = s.get(&format!("/orders/{id}/items/{li_id}")).await;
    assert_eq!((st, got["quantity"].clone()), (200, json!(5)));
    let (_, items) = s.get(&format!("/orders/{id}/items")).await;
    assert_eq!(items["data"].as_array().unwrap().len(), 2);
    let (st, _) = s.delete(&format!("/orders/{id}/items/{li_id}")).await;
    assert_eq!(st, 204);

    let (st, o) = s.get(&format!("/orders/{id}?expand=items,customer")).await;
    assert_eq!(st, 200);
    assert_eq!(o["items"].as_array().unwrap().len(), 1);
    assert_eq!(o["customer"], Value::Null);

    let (st, o) = s.patch(&format!("/orders/{id}/complete"), json!({})).await;
    assert_eq!(st, 200, "{o}");
    assert_eq!(o["status"], "complete");
    assert!(o["completed_at"].is_string());
    let (st, _) = s.patch(&format!("/orders/{id}/approve"), json!({})).await;
    assert_eq!(st, 200);
    let (st, o) = s.patch(&format!("/orders/{id}/cancel"), json!({})).await;
    assert_eq!((st, o["status"].clone()), (200, json!("canceled")));
    let (st, o) = s.patch(&format!("/orders/{id}/resume"), json!({})).await;
    assert_eq!((st, o["status"].clone()), (200, json!("complete")));
    // A placed order is not a draft: no delete, no new items.
    let (st, e) = s.delete(&format!("/orders/{id}")).await;
    assert_eq!(st, 422, "{e}");
    let (st, _) = s
        .post(&format!("/orders/{id}/items"), json!({"variant_id": v[0]}))
        .await;
    assert_eq!(st, 422);

    let (_, complete) = s.get("/orders?q[state_eq]=complete&limit=100").await;
    assert!(complete["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["id"] == id.as_str()));
    let (_, carts) = s.get("/orders?q[state_eq]=cart&limit=100").await;
    assert!(carts["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["status"] == "draft"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_order_cannot_complete() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (_, o) = s
        .post(
            "/orders",
            json!({"currency": "USD", "email": "buyer@example.com"}),
        )
        .await;
    let (st, e) = s
        .patch(
            &format!("/orders/{}/complete", o["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(code(&e), "order_cannot_complete");
    assert!(e["error"]["details"]["base"].is_array(), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn payments_and_fulfillments_expand_and_addresses_are_null() {
    let app = spawn().await;
    app.seed("alpha", 10, 60).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let path = "/orders?q[state_eq]=complete&limit=5&expand=payments,fulfillments,billing_address,shipping_address";
    let (st, body) = s.get(path).await;
    assert_eq!(st, 200, "{body}");
    let orders = body["data"].as_array().unwrap();
    assert_eq!(orders.len(), 5);
    for o in orders {
        let p = &o["payments"][0];
        assert_eq!(p["order_id"], o["id"], "{o}");
        assert!(p["id"].as_str().unwrap().starts_with("pay_"), "{p}");
        assert_eq!(p["status"], "completed");
        assert_eq!(p["amount"], o["total"]);
        assert_eq!(p["captured_amount"], p["amount"]);
        assert!(p["display_amount"].is_string(), "{p}");
        assert!(p["created_at"].is_string() && p["updated_at"].is_string());
        let f = &o["fulfillments"][0];
        assert_eq!(f["order_id"], o["id"], "{o}");
        assert_eq!(f["status"], "delivered");
        assert!(["delivery", "pickup"].contains(&f["fulfillment_type"].as_str().unwrap()));
        assert!(
            f["fulfilled_at"].is_string() && f["updated_at"].is_string(),
            "{f}"
        );
        assert!(o["billing_address"].is_null() && o["shipping_address"].is_null());
    }
    // Flat in `limit` with these expansions too.
    let mut counts = Vec::new();
    for limit in [2, 20] {
        let path = format!("/orders?limit={limit}&expand=payments,fulfillments,items");
        s.get(&path).await;
        let mut fewest = u64::MAX;
        for _ in 0..2 {
            let before = app.statements();
            let (st, _) = s.get(&path).await;
            assert_eq!(st, 200);
            fewest = fewest.min(app.statements() - before);
        }
        counts.push(fewest);
    }
    assert_eq!(counts[0], counts[1], "statements per request: {counts:?}");
    // An order's address expands nothing further (Spree's country is not ours).
    let (st, e) = s.get("/orders?expand=billing_address.country").await;
    assert_eq!(st, 400, "{e}");
}

/// `commerce-gateway rest-operation` prints the GraphQL request a list route runs (the REST
/// benchmark posts it to `/graphql`): sent there, it answers the rows the route answers, with
/// as many statements.
#[tokio::test(flavor = "multi_thread")]
async fn the_printed_operation_of_a_list_route_is_the_one_it_runs() {
    let app = spawn().await;
    app.seed("alpha", 10, 40).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let path = "/api/v3/admin/orders?limit=7&page=2&expand=items&sort=-number&q[state_eq]=complete";
    let request = commerce_gateway::rest::list_request(path).unwrap();
    let rest_path = path.trim_start_matches("/api/v3/admin");
    // The fewest of two tries each: a background write (a key's last use) may land in one.
    s.get(rest_path).await;
    let (mut rest, mut rest_statements) = (Value::Null, u64::MAX);
    for _ in 0..2 {
        let before = app.statements();
        let (st, body) = s.get(rest_path).await;
        assert_eq!(st, 200, "{body}");
        rest_statements = rest_statements.min(app.statements() - before);
        rest = body;
    }
    let query = request["query"].as_str().unwrap();
    app.data(&s.key, query, request["variables"].clone()).await;
    let (mut d, mut gql_statements) = (Value::Null, u64::MAX);
    for _ in 0..2 {
        let before = app.statements();
        d = app.data(&s.key, query, request["variables"].clone()).await;
        gql_statements = gql_statements.min(app.statements() - before);
    }
    assert_eq!(gql_statements, rest_statements);
    let ids = |rows: &Value| -> Vec<Value> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].clone())
            .collect()
    };
    assert_eq!(ids(&rest["data"]), ids(&d["list"]["nodes"]));
    assert_eq!(rest["data"].as_array().unwrap().len(), 7);
    assert_eq!(rest["meta"]["count"], d["list"]["totalCount"]);
    assert_eq!(
        rest["data"][0]["items"].as_array().unwrap().len(),
        d["list"]["nodes"][0]["items"].as_array().unwrap().len()
    );
    let refused = commerce_gateway::rest::list_request("/api/v3/admin/orders?limit=0").unwrap_err();
    assert!(refused.starts_with("limit"), "{refused}");
    assert!(commerce_gateway::rest::list_request("/api/v3/admin/nothing").is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_per_list_request_do_not_grow_with_limit() {
    let app = spawn().await;
    app.seed("alpha", 20, 120).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let mut counts = Vec::new();
    for limit in [5, 50, 100] {
        // Warm once (credential lookup cache), then count.
        s.get(&format!("/orders?limit={limit}&expand=items")).await;
        let before = app.statements();
        let (st, body) = s.get(&format!("/orders?limit={limit}&expand=items")).await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["data"].as_array().unwrap().len(), limit);
        counts.push(app.statements() - before);
    }
    assert!(
        counts.windows(2).all(|w| w[0] == w[1]),
        "statements per request: {counts:?}"
    );
}
