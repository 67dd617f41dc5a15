//! A credential of merchant B can never see or reach merchant A's rows, whatever IDs it sends.

use crate::common::{error_code, spawn};
use serde_json::{json, Value};

const ALL: &str = "customers:read,orders:read,stores:read,catalog:read";

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_ids_are_not_found_anywhere() {
    let app = spawn().await;
    app.seed("alpha", 30, 90).await;
    app.seed("beta", 3, 4).await;
    let a = app.api_key("alpha", ALL).await;
    let b = app.token("beta", ALL).await;

    // Collect IDs of every kind from merchant A.
    let d = app
        .data(&a, "{ orders(first: 5) { nodes { id customer { id } store { id brand { id } } channel { id } lineItems { id variant { id product { id } } } } } }", json!({}))
        .await;
    let o = &d["orders"]["nodes"][0];
    let a_ids: Vec<Value> = vec![
        o["id"].clone(),
        o["customer"]["id"].clone(),
        o["store"]["id"].clone(),
        o["store"]["brand"]["id"].clone(),
        o["channel"]["id"].clone(),
        o["lineItems"][0]["id"].clone(),
        o["lineItems"][0]["variant"]["id"].clone(),
        o["lineItems"][0]["variant"]["product"]["id"].clone(),
    ];
    assert!(a_ids.iter().all(|v| v.is_string()), "{a_ids:?}");

    // Lists only ever hold B's own rows.
    let d = app.data(&b, "{ customers(first: 250) { totalCount nodes { email } } orders(first: 250) { totalCount } }", json!({})).await;
    assert_eq!(d["customers"]["totalCount"], 3);
    assert_eq!(d["orders"]["totalCount"], 4);

    // Single lookups of A's IDs are null, not errors that would confirm they exist.
    let d = app
        .data(
            &b,
            "query($o: ID!, $c: ID!) { order(id: $o) { id } customer(id: $c) { id } }",
            json!({ "o": a_ids[0], "c": a_ids[1] }),
        )
        .await;
    assert_eq!(d["order"], Value::Null);
    assert_eq!(d["customer"], Value::Null);
    for id in &a_ids {
        let d = app
            .data(
                &b,
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(d["node"], Value::Null, "node({id}) leaked");
    }
    let d = app
        .data(
            &b,
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": a_ids }),
        )
        .await;
    assert!(
        d["nodes"].as_array().unwrap().iter().all(Value::is_null),
        "{d}"
    );

    // Filters by A's IDs match nothing.
    let d = app
        .data(
            &b,
            "query($c: ID!, $s: ID!, $ch: ID!, $o: ID!) {
            byCustomer: orders(filter: { customerId: { eq: $c } }) { totalCount }
            byStore: orders(filter: { storeId: { in: [$s] } }) { totalCount }
            byChannel: orders(filter: { channelId: { eq: $ch } }) { totalCount }
            byId: orders(filter: { id: { eq: $o } }) { totalCount }
            customers(filter: { id: { eq: $c } }) { totalCount } }",
            json!({ "c": a_ids[1], "s": a_ids[2], "ch": a_ids[4], "o": a_ids[0] }),
        )
        .await;
    for k in ["byCustomer", "byStore", "byChannel", "byId"] {
        assert_eq!(d[k]["totalCount"], 0, "{k}");
    }
    assert_eq!(d["customers"]["totalCount"], 0);

    // A cursor minted for A is refused for B (cursors are signed for their merchant), and
    // B's own pages hold none of A's orders.
    let page = app
        .data(
            &a,
            "{ orders(first: 2) { pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    let body = app
        .gql(
            &b,
            "query($c: String) { orders(first: 250, after: $c) { nodes { number } } }",
            json!({ "c": page["orders"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "after", "{body}");
    let a_numbers = app
        .data(
            &a,
            "{ orders(first: 250) { nodes { id number } } }",
            json!({}),
        )
        .await;
    let b_ids = app
        .data(&b, "{ orders(first: 250) { nodes { id } } }", json!({}))
        .await;
    for n in b_ids["orders"]["nodes"].as_array().unwrap() {
        assert!(!a_numbers["orders"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == n["id"]));
    }

    // B's customers' nested orders and derived figures are B's alone.
    let d = app
        .data(
            &b,
            "{ customers(first: 10) { nodes { ordersCount orders(first: 250) { id } } } }",
            json!({}),
        )
        .await;
    let nested: usize = d["customers"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["orders"].as_array().unwrap().len())
        .sum();
    assert!(nested <= 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_and_roots_by_another_merchants_parents_find_nothing() {
    const EVERYTHING: &str =
        "customers:read,orders:read,stores:read,catalog:read,pricing:read,promotions:read";
    let app = spawn().await;
    app.seed("alpha", 40, 20).await;
    app.seed("beta", 40, 20).await;
    let a = app.api_key("alpha", EVERYTHING).await;
    let b = app.api_key("beta", EVERYTHING).await;
    let q = "{ customerGroups { nodes { id name } } channels { nodes { id code } }
               priceLists { nodes { id } } brands { nodes { id } }
               variants(first: 1) { nodes { id } } prices(first: 1) { nodes { id } } }";
    let ids_of = |d: &Value| {
        let first = |root: &str| d[root]["nodes"][0]["id"].clone();
        let vip = d["customerGroups"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["name"] == "VIP")
            .unwrap()["id"]
            .clone();
        let web = d["channels"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "WEB")
            .unwrap()["id"]
            .clone();
        json!({ "g": vip, "ch": web, "pl": first("priceLists"), "br": first("brands"),
                "v": first("variants"), "p": first("prices") })
    };
    let a_ids = ids_of(&app.data(&a, q, json!({})).await);
    let b_ids = ids_of(&app.data(&b, q, json!({})).await);
    // Both merchants publish every product on their WEB channel.
    {
        use diesel_async::SimpleAsyncConnection;
        app.conn()
            .await
            .batch_execute(
                "INSERT INTO product_publications (merchant_id, channel_id, product_id)
                 SELECT p.merchant_id, c.id, p.id FROM products p
                 JOIN channels c ON c.merchant_id = p.merchant_id AND c.code = 'WEB'",
            )
            .await
            .unwrap();
    }
    let filtered = "query($g: ID!, $ch: ID!, $pl: ID!, $br: ID!, $v: ID!, $p: ID!) {
        members: customers(filter: { customerGroupId: { eq: $g } }) { totalCount }
        anyMembers: customers(filter: { customerGroupId: { in: [$g] } }) { totalCount }
        published: products(filter: { channelId: { eq: $ch } }) { totalCount }
        listPrices: prices(filter: { priceListId: { eq: $pl } }) { totalCount }
        variantPrices: prices(filter: { variantId: { eq: $v } }) { totalCount }
        brand(id: $br) { id } variant(id: $v) { id } price(id: $p) { id } }";
    // With its own IDs each merchant finds its rows…
    let own = app.data(&b, filtered, b_ids).await;
    assert_eq!(own["members"]["totalCount"], 2);
    assert_eq!(own["published"]["totalCount"], 24);
    assert_eq!(own["listPrices"]["totalCount"], 72);
    assert!(own["brand"]["id"].is_string() && own["price"]["id"].is_string());
    // …and with the other merchant's, nothing at all.
    let d = app.data(&b, filtered, a_ids).await;
    for k in [
        "members",
        "anyMembers",
        "published",
        "listPrices",
        "variantPrices",
    ] {
        assert_eq!(d[k]["totalCount"], 0, "{k}: {d}");
    }
    for k in ["brand", "variant", "price"] {
        assert_eq!(d[k], Value::Null, "{k}: {d}");
    }
}
