//! Filters by parent (customer group, channel, price list, variant, customer) select the rows a
//! nested list cut at `first` only starts; timestamp and `active` filters on the other roots.

use std::collections::HashSet;

use super::{ids, key_of, merchant_key, nodes, sql, total, walk, ALL};
use crate::common::{spawn, TestApp};
use serde_json::{json, Value};

/// `acme` seeded with 40 customers and 60 orders: the app, the merchant's key, a key reading all.
async fn seeded() -> (TestApp, i64, String) {
    let app = spawn().await;
    app.seed("acme", 40, 60).await;
    let m = merchant_key(&app, "acme").await;
    let key = app.api_key("acme", ALL).await;
    (app, m, key)
}

#[tokio::test(flavor = "multi_thread")]
async fn customer_group_filter_selects_members_and_pages_past_the_nested_cut() {
    let (app, _, key) = seeded().await;
    // Customer groups: VIP holds customers 20 and 40, Wholesale every 7th (7, 14, … 35).
    let d = app
        .data(
            &key,
            "{ customerGroups { nodes { id name customers(first: 1) { id } } } }",
            json!({}),
        )
        .await;
    let group = |name: &str| {
        nodes(&d, "customerGroups")
            .into_iter()
            .find(|g| g["name"] == name)
            .unwrap()
    };
    let (vip, wholesale, staff) = (group("VIP"), group("Wholesale"), group("Staff"));
    let d = app
        .data(
            &key,
            "query($vip: ID!, $ws: ID!, $staff: ID!) {
               vip: customers(first: 250, filter: { customerGroupId: { eq: $vip } }) { totalCount nodes { id email } }
               either: customers(filter: { customerGroupId: { in: [$vip, $ws] } }) { totalCount }
               staff: customers(filter: { customerGroupId: { eq: $staff } }) { totalCount }
               inNone: customers(filter: { customerGroupId: { isNull: true } }) { totalCount }
               inSome: customers(filter: { customerGroupId: { isNull: false } }) { totalCount }
               both: customers(filter: { customerGroupId: { eq: $vip }, email: { startsWith: \"customer2\" } }) { totalCount } }",
            json!({ "vip": vip["id"], "ws": wholesale["id"], "staff": staff["id"] }),
        )
        .await;
    assert_eq!(total(&d, "vip"), 2);
    let emails: HashSet<&str> = d["vip"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        HashSet::from(["customer20@example.com", "customer40@example.com"])
    );
    assert_eq!(total(&d, "either"), 7);
    assert_eq!(total(&d, "staff"), 0);
    assert_eq!(total(&d, "inNone"), 33);
    assert_eq!(total(&d, "inSome"), 7);
    assert_eq!(total(&d, "both"), 1);
    // The nested list cut at `first: 1` is the start of what the root filter pages through.
    let all_vip = ids(&nodes(&d, "vip"));
    assert!(all_vip.contains(vip["customers"][0]["id"].as_str().unwrap()));
    let walked = walk(
        &app,
        &key,
        "customers",
        ("CustomerSort", "CustomerFilter"),
        json!({ "field": "EMAIL", "direction": "ASC" }),
        json!({ "customerGroupId": { "eq": wholesale["id"] } }),
        "email",
        2,
    )
    .await;
    assert_eq!(walked.len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn channel_filter_selects_published_products_once_each() {
    let (app, m, key) = seeded().await;
    // Channels: products published on WEB (3) and APP (2, one also on WEB).
    let d = app
        .data(
            &key,
            "{ channels { nodes { id code } } products(first: 250, sort: { field: CREATED_AT, direction: ASC }) { nodes { id } } }",
            json!({}),
        )
        .await;
    let channel = |code: &str| {
        nodes(&d, "channels")
            .into_iter()
            .find(|c| c["code"] == code)
            .unwrap()["id"]
            .clone()
    };
    let (web, app_ch, pos) = (channel("WEB"), channel("APP"), channel("POS"));
    let products = nodes(&d, "products");
    let p = |i: usize| key_of(&products[i]["id"]);
    sql(
        &app,
        &format!(
            "INSERT INTO product_publications (merchant_id, channel_id, product_id) VALUES
             ({m}, {w}, {p0}), ({m}, {w}, {p1}), ({m}, {w}, {p2}), ({m}, {a}, {p2}), ({m}, {a}, {p3})",
            w = key_of(&web),
            a = key_of(&app_ch),
            p0 = p(0),
            p1 = p(1),
            p2 = p(2),
            p3 = p(3)
        ),
    )
    .await;
    let d = app
        .data(
            &key,
            "query($web: ID!, $app: ID!, $pos: ID!) {
               web: products(first: 250, filter: { channelId: { eq: $web } }) { totalCount nodes { id } }
               either: products(filter: { channelId: { in: [$web, $app] } }) { totalCount }
               pos: products(filter: { channelId: { eq: $pos } }) { totalCount }
               nowhere: products(filter: { channelId: { isNull: true } }) { totalCount }
               somewhere: products(filter: { channelId: { isNull: false } }) { totalCount }
               channel(id: $web) { products(first: 2) { id } } }",
            json!({ "web": web, "app": app_ch, "pos": pos }),
        )
        .await;
    assert_eq!(total(&d, "web"), 3);
    assert_eq!(
        ids(&nodes(&d, "web")),
        ids(&products[0..3]),
        "the published products"
    );
    assert_eq!(
        total(&d, "either"),
        4,
        "a product on both channels counts once"
    );
    assert_eq!(total(&d, "pos"), 0);
    assert_eq!(total(&d, "nowhere"), 20);
    assert_eq!(total(&d, "somewhere"), 4);
    let nested = d["channel"]["products"].as_array().unwrap();
    assert_eq!(nested.len(), 2);
    assert!(nested
        .iter()
        .all(|n| ids(&nodes(&d, "web")).contains(n["id"].as_str().unwrap())));
}

#[tokio::test(flavor = "multi_thread")]
async fn price_list_and_variant_filters_select_their_prices() {
    let (app, _, key) = seeded().await;
    // Price lists and variants: the Wholesale list holds one price per variant.
    let d = app
        .data(
            &key,
            "{ priceLists { nodes { id prices(first: 3) { id } } } variants(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let list = d["priceLists"]["nodes"][0].clone();
    let variant = d["variants"]["nodes"][0]["id"].clone();
    let d = app
        .data(
            &key,
            "query($pl: ID!, $v: ID!) {
               list: prices(first: 250, filter: { priceListId: { eq: $pl } }) { totalCount nodes { id } }
               base: prices(filter: { priceListId: { isNull: true } }) { totalCount }
               variant: prices(filter: { variantId: { eq: $v } }) { totalCount }
               both: prices(filter: { variantId: { eq: $v }, priceListId: { eq: $pl } }) { totalCount } }",
            json!({ "pl": list["id"], "v": variant }),
        )
        .await;
    assert_eq!(total(&d, "list"), 72);
    assert_eq!(total(&d, "base"), 72);
    assert_eq!(total(&d, "variant"), 2);
    assert_eq!(total(&d, "both"), 1);
    let list_prices = ids(&nodes(&d, "list"));
    for n in list["prices"].as_array().unwrap() {
        assert!(list_prices.contains(n["id"].as_str().unwrap()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn order_state_and_customer_filters_match_the_orders() {
    let (app, _, key) = seeded().await;
    // Orders: payment and fulfillment states, and a customer's orders past `Customer.orders`.
    let d = app
        .data(
            &key,
            "{ all: orders(first: 250) { nodes { status paymentStatus fulfillmentStatus customer { id } } }
               paid: orders(filter: { paymentStatus: { eq: \"paid\" } }) { totalCount }
               open: orders(filter: { paymentStatus: { in: [\"pending\", \"void\"] } }) { totalCount }
               fulfilled: orders(filter: { fulfillmentStatus: { eq: \"fulfilled\" } }) { totalCount }
               unfulfilled: orders(filter: { fulfillmentStatus: { ne: \"fulfilled\" } }) { totalCount } }",
            json!({}),
        )
        .await;
    let all = nodes(&d, "all");
    let with = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|o| f(o)).count() as i64;
    assert_eq!(total(&d, "paid"), with(&|o| o["paymentStatus"] == "paid"));
    assert_eq!(
        total(&d, "open"),
        with(&|o| o["paymentStatus"] == "pending" || o["paymentStatus"] == "void")
    );
    assert_eq!(
        total(&d, "fulfilled"),
        with(&|o| o["fulfillmentStatus"] == "fulfilled")
    );
    assert_eq!(
        total(&d, "fulfilled") + total(&d, "unfulfilled"),
        all.len() as i64
    );
    assert!(total(&d, "paid") > 0 && total(&d, "open") > 0);
    let buyer = all
        .iter()
        .find_map(|o| o["customer"]["id"].as_str())
        .unwrap();
    let d = app
        .data(
            &key,
            "query($c: ID!) { customer(id: $c) { orders(first: 1) { id } }
               orders(first: 250, filter: { customerId: { eq: $c } }) { totalCount nodes { id } } }",
            json!({ "c": buyer }),
        )
        .await;
    assert!(ids(&nodes(&d, "orders")).contains(d["customer"]["orders"][0]["id"].as_str().unwrap()));
}

#[tokio::test(flavor = "multi_thread")]
async fn updated_and_created_at_filters_select_the_touched_rows() {
    let (app, m, key) = seeded().await;
    // Timestamps on channels, variants, promotions, price lists and customer groups.
    sql(
        &app,
        &format!(
            "UPDATE channels SET updated_at = '2030-01-01T00:00:00Z' WHERE merchant_id = {m} AND code = 'POS';
             UPDATE variants SET updated_at = '2030-01-01T00:00:00Z'
               WHERE merchant_id = {m} AND id IN (SELECT id FROM variants WHERE merchant_id = {m} ORDER BY id LIMIT 5);
             UPDATE promotions SET updated_at = '2030-01-01T00:00:00Z' WHERE merchant_id = {m} AND kind = 'automatic';
             UPDATE price_lists SET updated_at = '2030-01-01T00:00:00Z' WHERE merchant_id = {m};
             UPDATE customer_groups SET updated_at = '2030-01-01T00:00:00Z' WHERE merchant_id = {m} AND name = 'Staff';
             UPDATE channels SET created_at = '2020-01-01T00:00:00Z' WHERE merchant_id = {m} AND code = 'KIOSK';"
        ),
    )
    .await;
    let d = app
        .data(
            &key,
            "{ channels(filter: { updatedAt: { gte: \"2029-01-01T00:00:00Z\" } }) { totalCount nodes { code } }
               oldChannels: channels(filter: { createdAt: { lt: \"2021-01-01T00:00:00Z\" } }) { totalCount nodes { code } }
               variants(filter: { updatedAt: { gte: \"2029-01-01T00:00:00Z\" } }) { totalCount }
               oldVariants: variants(filter: { createdAt: { lt: \"2021-01-01T00:00:00Z\" } }) { totalCount }
               promotions(filter: { updatedAt: { gte: \"2029-01-01T00:00:00Z\" } }) { totalCount nodes { kind } }
               priceLists(filter: { updatedAt: { gte: \"2029-01-01T00:00:00Z\" } }) { totalCount }
               unchangedLists: priceLists(filter: { updatedAt: { lt: \"2029-01-01T00:00:00Z\" } }) { totalCount }
               customerGroups(filter: { updatedAt: { gte: \"2029-01-01T00:00:00Z\" } }) { totalCount nodes { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(total(&d, "channels"), 1);
    assert_eq!(d["channels"]["nodes"][0]["code"], "POS");
    assert_eq!(total(&d, "oldChannels"), 1);
    assert_eq!(d["oldChannels"]["nodes"][0]["code"], "KIOSK");
    assert_eq!(total(&d, "variants"), 5);
    assert_eq!(total(&d, "oldVariants"), 0);
    assert_eq!(total(&d, "promotions"), 1);
    assert_eq!(d["promotions"]["nodes"][0]["kind"], "automatic");
    assert_eq!(total(&d, "priceLists"), 1);
    assert_eq!(total(&d, "unchangedLists"), 0);
    assert_eq!(total(&d, "customerGroups"), 1);
    assert_eq!(d["customerGroups"]["nodes"][0]["name"], "Staff");
}

#[tokio::test(flavor = "multi_thread")]
async fn active_filter_matches_promotion_active() {
    let (app, m, key) = seeded().await;
    // Promotions active now, as `Promotion.active`: the seed's two, not the expired or future one.
    sql(
        &app,
        &format!(
            "INSERT INTO promotions (merchant_id, name, kind, starts_at, expires_at) VALUES
             ({m}, 'Expired', 'automatic', '2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z'),
             ({m}, 'Future', 'automatic', '2099-01-01T00:00:00Z', NULL),
             ({m}, 'Open-ended', 'automatic', NULL, '2099-01-01T00:00:00Z')"
        ),
    )
    .await;
    let d = app
        .data(
            &key,
            "{ on: promotions(filter: { active: true }) { totalCount nodes { name active } }
               off: promotions(filter: { active: false }) { totalCount nodes { name active } } }",
            json!({}),
        )
        .await;
    assert_eq!(total(&d, "on"), 3);
    assert!(nodes(&d, "on").iter().all(|p| p["active"] == true));
    let off: HashSet<&str> = d["off"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["active"], false);
            p["name"].as_str().unwrap()
        })
        .collect();
    assert_eq!(off, HashSet::from(["Expired", "Future"]));
}

/// `CustomerFilter.name` matches the given and family names joined by a space.
#[tokio::test(flavor = "multi_thread")]
async fn customers_filter_on_their_full_name() {
    let app = crate::common::spawn().await;
    let key = app.api_key("alpha", "customers:read,customers:write").await;
    app.data(
        &key,
        "mutation { customersCreate(input: [
            {email: \"a@example.com\", firstName: \"Ann\", lastName: \"Lee\"},
            {email: \"j@example.com\", firstName: \"Joe\", lastName: \"Hannah\"},
            {email: \"z@example.com\", firstName: \"Zed\"},
            {email: \"n@example.com\"}]) { userErrors { code } } }",
        serde_json::json!({}),
    )
    .await;
    let emails = |f: serde_json::Value| {
        let app = &app;
        let key = &key;
        async move {
            let d = app
                .data(
                    key,
                    "query($f: CustomerFilter) { customers(filter: $f, sort: [{field: EMAIL, direction: ASC}]) { nodes { email } } }",
                    serde_json::json!({ "f": f }),
                )
                .await;
            d["customers"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["email"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        emails(serde_json::json!({"name": {"contains": "ANN"}})).await,
        ["a@example.com", "j@example.com"]
    );
    assert_eq!(
        emails(serde_json::json!({"name": {"eq": "Ann Lee"}})).await,
        ["a@example.com"]
    );
    assert_eq!(
        emails(serde_json::json!({"name": {"eq": "Zed"}})).await,
        ["z@example.com"]
    );
    assert_eq!(
        emails(serde_json::json!({"name": {"startsWith": "lee"}})).await,
        Vec::<String>::new()
    );
}
