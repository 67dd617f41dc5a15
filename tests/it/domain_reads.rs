//! The whole domain readable through GraphQL: stores with their full configuration, channels,
//! brands, customer groups, catalog with prices, price lists, promotions and order details.

use crate::common::{error_code, spawn};
use diesel_async::SimpleAsyncConnection;
use serde_json::{json, Value};

const ALL: &str =
    "customers:read,orders:read,stores:read,catalog:read,pricing:read,promotions:read";

#[tokio::test(flavor = "multi_thread")]
async fn stores_expose_the_integrations_shape() {
    let app = spawn().await;
    app.seed("acme", 5, 5).await;
    let mut conn = app.conn().await;
    conn.batch_execute(
        "INSERT INTO store_scheduled_overrides (merchant_id, store_id, field, value, starts_at, ends_at, reason)
         SELECT merchant_id, id, 'status', '\"INACTIVE\"', now() - interval '1 hour', now() + interval '1 hour', 'Renovation'
         FROM stores WHERE external_id = 'pos-location-01'",
    )
    .await
    .unwrap();
    let key = app.api_key("acme", ALL).await;
    let d = app
        .data(&key, r#"{ stores(first: 10, filter: { externalId: { eq: "pos-location-01" } }) { totalCount nodes {
            id externalId name status timezone cmsTemplateId brand { externalId }
            contact { email phone } location { latitude longitude addressLine1 city country postalCode businessName }
            channels { code name uid fulfillment { type name pricing { isTaxInclusive minimumOrderValue maximumOrderValue taxRate
              fees { type amount percentage name } } coverageZones { name type radiusMeters centerLatitude }
              availability { status schedules { monday { startTime endTime } sunday { startTime } } } } }
            payments { orderable methods { method providers { name status } } }
            scheduledOverrides { field value reason active } } } }"#, json!({}))
        .await;
    assert_eq!(d["stores"]["totalCount"], 1);
    let s = &d["stores"]["nodes"][0];
    assert_eq!(s["name"], "Main Street");
    assert_eq!(s["brand"]["externalId"], "0001");
    assert_eq!(s["contact"]["phone"], "+593991234567");
    assert_eq!(s["location"]["postalCode"], "090101");
    assert_eq!(s["location"]["latitude"], "-2.1894");
    assert_eq!(s["cmsTemplateId"], "d4e5f6a7-b8c9-0123-def4-567890abcdef");
    let channels = s["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 2);
    let app_channel = channels.iter().find(|c| c["code"] == "APP").unwrap();
    let delivery = app_channel["fulfillment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["type"] == "DELIVERY")
        .unwrap();
    assert_eq!(delivery["pricing"]["minimumOrderValue"], "10.00");
    assert_eq!(delivery["pricing"]["taxRate"], "0.15");
    assert_eq!(delivery["pricing"]["fees"][0]["amount"], "2.50");
    assert_eq!(delivery["pricing"]["fees"][0]["name"]["en"], "Delivery fee");
    assert_eq!(delivery["coverageZones"][0]["type"], "RADIUS");
    assert_eq!(
        delivery["availability"]["schedules"][0]["monday"]["startTime"],
        "10:00:00"
    );
    assert_eq!(
        delivery["availability"]["schedules"][0]["sunday"],
        Value::Null,
        "no sunday hours"
    );
    assert_eq!(s["payments"]["methods"][0]["method"], "CREDIT");
    assert_eq!(
        s["payments"]["methods"][0]["providers"][0]["status"],
        "ACTIVE"
    );
    assert_eq!(s["scheduledOverrides"][0]["field"], "status");
    assert_eq!(s["scheduledOverrides"][0]["value"], "INACTIVE");
    assert_eq!(s["scheduledOverrides"][0]["active"], true);

    let by_id = app.data(&key, "query($id: ID!) { store(id: $id) { name } node(id: $id) { ... on Store { externalId } } }", json!({ "id": s["id"] })).await;
    assert_eq!(by_id["store"]["name"], "Main Street");
    assert_eq!(by_id["node"]["externalId"], "pos-location-01");

    let d = app.data(&key, r#"{ stores(sort: { field: NAME, direction: DESC }, filter: { status: { eq: "ACTIVE" } }) { nodes { name } } brands { nodes { externalId name } } }"#, json!({})).await;
    assert_eq!(
        d["stores"]["nodes"],
        json!([{ "name": "Riverside" }, { "name": "Main Street" }])
    );
    assert_eq!(d["brands"]["nodes"][0]["externalId"], "0001");
}

#[tokio::test(flavor = "multi_thread")]
async fn channels_groups_catalog_pricing_and_promotions() {
    let app = spawn().await;
    app.seed("acme", 40, 120).await;
    let mut conn = app.conn().await;
    conn.batch_execute(
        "INSERT INTO product_publications (merchant_id, channel_id, product_id)
         SELECT c.merchant_id, c.id, p.id FROM channels c JOIN products p ON p.merchant_id = c.merchant_id
         WHERE c.code = 'WEB' AND p.slug LIKE 'vegan-%';
         INSERT INTO addresses (merchant_id, customer_id, address1, city, country_code, is_default_shipping)
         SELECT merchant_id, id, 'Calle 1', 'Quito', 'EC', true FROM customers WHERE email = 'customer20@example.com'",
    )
    .await
    .unwrap();
    let key = app.api_key("acme", ALL).await;

    let d = app
        .data(
            &key,
            r#"{ channels { nodes { code isDefault products(first: 10) { slug } } } }"#,
            json!({}),
        )
        .await;
    let codes: Vec<&str> = d["channels"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["APP", "KIOSK", "POS", "WEB"], "sorted by code");
    let web = d["channels"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "WEB")
        .unwrap();
    assert_eq!(web["isDefault"], true);
    assert_eq!(
        web["products"].as_array().unwrap().len(),
        4,
        "four vegan products published on WEB"
    );

    let d = app
        .data(&key, r#"{ customerGroups { totalCount nodes { name customers(first: 5) { email customerGroups { name } } } }
            customers(filter: { email: { eq: "customer20@example.com" } }) { nodes { customerGroups { name } addresses { city countryCode isDefaultShipping } } } }"#, json!({}))
        .await;
    assert_eq!(d["customerGroups"]["totalCount"], 3);
    let vip = d["customerGroups"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "VIP")
        .unwrap();
    assert_eq!(
        vip["customers"].as_array().unwrap().len(),
        2,
        "customers 20 and 40"
    );
    assert_eq!(
        d["customers"]["nodes"][0]["customerGroups"],
        json!([{ "name": "VIP" }])
    );
    assert_eq!(d["customers"]["nodes"][0]["addresses"][0]["city"], "Quito");

    let d = app
        .data(&key, r#"{ products(first: 2, search: "burger") { totalCount nodes { name variants { sku prices { amount currency priceList { name } } } } }
            priceLists { nodes { id name status currentlyActive matchPolicy rules { kind customerGroup { name } } prices(first: 3) { amount variant { sku } } } }
            basePrices: prices(first: 250, filter: { priceListId: { isNull: true } }) { totalCount }
            listPrices: prices(first: 1, filter: { priceListId: { isNull: false } }, sort: { field: AMOUNT, direction: DESC }) { nodes { amount } } }"#, json!({}))
        .await;
    assert_eq!(d["products"]["totalCount"], 6, "six burgers");
    let variant = &d["products"]["nodes"][0]["variants"][0];
    let prices = variant["prices"].as_array().unwrap();
    assert_eq!(
        prices.len(),
        2,
        "a base price and a Wholesale price: {variant}"
    );
    let base: rust_decimal::Decimal = prices.iter().find(|p| p["priceList"].is_null()).unwrap()
        ["amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let wholesale: rust_decimal::Decimal =
        prices.iter().find(|p| !p["priceList"].is_null()).unwrap()["amount"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
    assert_eq!(
        wholesale,
        (base * rust_decimal::Decimal::new(85, 2)).round_dp(2)
    );
    let pl = &d["priceLists"]["nodes"][0];
    assert_eq!(pl["status"], "ACTIVE");
    assert_eq!(pl["currentlyActive"], true);
    assert_eq!(pl["rules"][0]["customerGroup"]["name"], "Wholesale");
    assert_eq!(pl["prices"].as_array().unwrap().len(), 3);
    assert_eq!(d["basePrices"]["totalCount"], 72);

    let d = app
        .data(&key, r#"{ promotions(sort: { field: NAME, direction: ASC }) { nodes { id name kind usageCount usageLimit active
            rules { kind amountMin } actions { kind calculator percent } couponCodes { code usageCount } } } }"#, json!({}))
        .await;
    let promos = d["promotions"]["nodes"].as_array().unwrap();
    assert_eq!(promos.len(), 2);
    let free = &promos[0];
    assert_eq!(free["name"], "Free delivery over 50");
    assert_eq!(free["rules"][0]["amountMin"], "50.00");
    assert_eq!(free["actions"][0]["kind"], "free_delivery");
    let welcome = &promos[1];
    assert_eq!(welcome["couponCodes"][0]["code"], "WELCOME10");
    assert_eq!(welcome["actions"][0]["percent"], "10");
    // Every 10th order of the seed used the welcome coupon.
    assert_eq!(welcome["usageCount"], 12);
    let by_node = app
        .data(
            &key,
            "query($id: ID!) { node(id: $id) { ... on Promotion { name } } }",
            json!({ "id": welcome["id"] }),
        )
        .await;
    assert_eq!(by_node["node"]["name"], "Welcome 10%");
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_details_and_completed_at_sort() {
    let app = spawn().await;
    app.seed("acme", 20, 80).await;
    let key = app.api_key("acme", ALL).await;
    let d = app
        .data(&key, r#"{ orders(first: 1, filter: { number: { eq: "R000000010" } }) { nodes { status total discountTotal taxTotal deliveryTotal itemTotal
            payments { method status amount } fulfillments { type status fulfilledAt } discounts { label amount promotion { name } couponCode { code } } } } }"#, json!({}))
        .await;
    let o = &d["orders"]["nodes"][0];
    assert_eq!(o["payments"][0]["amount"], o["total"]);
    assert_eq!(o["payments"][0]["status"], "completed");
    assert_eq!(o["fulfillments"][0]["status"], "delivered");
    assert_eq!(o["discounts"][0]["amount"], o["discountTotal"]);
    assert_eq!(o["discounts"][0]["couponCode"]["code"], "WELCOME10");
    let dec = |v: &Value| {
        v.as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap()
    };
    assert_eq!(
        dec(&o["total"]),
        dec(&o["itemTotal"]) - dec(&o["discountTotal"])
            + dec(&o["taxTotal"])
            + dec(&o["deliveryTotal"])
    );

    // Keyset by completion time, drafts last when descending, no duplicates across pages.
    let q = "query($after: String) { orders(first: 7, after: $after, sort: { field: COMPLETED_AT, direction: DESC }) {
        pageInfo { hasNextPage endCursor } nodes { number completedAt } } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let d = app.data(&key, q, json!({ "after": after })).await;
        seen.extend(d["orders"]["nodes"].as_array().unwrap().iter().cloned());
        if !d["orders"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = d["orders"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen.len(), 80);
    let numbers: std::collections::HashSet<_> =
        seen.iter().map(|o| o["number"].as_str().unwrap()).collect();
    assert_eq!(numbers.len(), 80);
    let first_draft = seen
        .iter()
        .position(|o| o["completedAt"].is_null())
        .unwrap();
    assert!(
        seen[first_draft..]
            .iter()
            .all(|o| o["completedAt"].is_null()),
        "drafts come last"
    );
    let times: Vec<&str> = seen[..first_draft]
        .iter()
        .map(|o| o["completedAt"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
}

#[tokio::test(flavor = "multi_thread")]
async fn new_roots_are_scoped_guarded_and_validated() {
    let app = spawn().await;
    app.seed("alpha", 5, 5).await;
    app.seed("beta", 1, 1).await;
    let a = app.api_key("alpha", ALL).await;
    let b = app.api_key("beta", ALL).await;
    let d = app
        .data(&a, "{ stores(first: 1) { nodes { id } } channels(first: 1) { nodes { id } } customerGroups(first: 1) { nodes { id } }
            products(first: 1) { nodes { id variants { id } } } priceLists(first: 1) { nodes { id } } prices(first: 1) { nodes { id } }
            promotions(first: 1, filter: { kind: { eq: \"coupon_code\" } }) { nodes { id couponCodes { id } } } brands(first: 1) { nodes { id } } }", json!({}))
        .await;
    let ids: Vec<Value> = vec![
        d["stores"]["nodes"][0]["id"].clone(),
        d["channels"]["nodes"][0]["id"].clone(),
        d["customerGroups"]["nodes"][0]["id"].clone(),
        d["products"]["nodes"][0]["id"].clone(),
        d["products"]["nodes"][0]["variants"][0]["id"].clone(),
        d["priceLists"]["nodes"][0]["id"].clone(),
        d["prices"]["nodes"][0]["id"].clone(),
        d["promotions"]["nodes"][0]["id"].clone(),
        d["promotions"]["nodes"][0]["couponCodes"][0]["id"].clone(),
        d["brands"]["nodes"][0]["id"].clone(),
    ];
    let found = app
        .data(
            &b,
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            json!({ "ids": ids }),
        )
        .await;
    assert!(
        found["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_null),
        "{found}"
    );
    let single = app
        .data(&b, "query($s: ID!, $c: ID!, $g: ID!, $p: ID!, $v: ID!, $l: ID!, $pr: ID!) { store(id: $s) { id } channel(id: $c) { id }
            customerGroup(id: $g) { id } product(id: $p) { id } priceList(id: $l) { id } promotion(id: $pr) { id }
            prices(filter: { variantId: { eq: $v } }) { totalCount } }",
            json!({ "s": ids[0], "c": ids[1], "g": ids[2], "p": ids[3], "v": ids[4], "l": ids[5], "pr": ids[7] }))
        .await;
    for k in [
        "store",
        "channel",
        "customerGroup",
        "product",
        "priceList",
        "promotion",
    ] {
        assert_eq!(single[k], Value::Null, "{k}");
    }
    assert_eq!(single["prices"]["totalCount"], 0);

    let narrow = app.api_key("alpha", "orders:read").await;
    for q in [
        "{ stores { totalCount } }",
        "{ products { totalCount } }",
        "{ priceLists { totalCount } }",
        "{ promotions { totalCount } }",
        "{ customerGroups { totalCount } }",
    ] {
        let body = app.gql(&narrow, q, json!({})).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{q}");
    }
    for (q, needle) in [
        ("{ stores(sort: { field: CITY }) { totalCount } }", "CITY"),
        (
            "{ prices(filter: { amount: { gt: \"x\" } }) { totalCount } }",
            "Decimal",
        ),
        (
            "{ products(filter: { color: { eq: \"red\" } }) { totalCount } }",
            "color",
        ),
        ("{ channels(first: 251) { totalCount } }", "first"),
        (
            "{ priceLists { nodes { prices(first: 0) { id } } } }",
            "first",
        ),
    ] {
        let body = app.gql(&a, q, json!({})).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{q}: {body}");
        assert!(body.to_string().contains(needle), "{q}: {body}");
    }
}
