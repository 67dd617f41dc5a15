//! The single-object roots `brand`, `variant` and `price`; the `IntFilter` and the `in`/`ne`/
//! `isNull` operators of the decimal and date-time filters; the filters by parent (customer
//! group, channel, price list…) that page through what nested lists cut at `first`; the sorts on
//! nullable and numeric columns, walked page by page; and their bad-input errors.

use std::collections::HashSet;

use crate::common::{error_code, error_message, spawn, TestApp};
use chrono::{DateTime, Utc};
use diesel_async::SimpleAsyncConnection;
use rust_decimal::Decimal;
use serde_json::{json, Value};

const ALL: &str =
    "customers:read,orders:read,stores:read,catalog:read,pricing:read,promotions:read";

async fn sql(app: &TestApp, text: &str) {
    app.conn().await.batch_execute(text).await.expect(text);
}

/// The internal key of merchant `slug`.
async fn merchant_key(app: &TestApp, slug: &str) -> i64 {
    let mut conn = app.conn().await;
    commerce_gateway::domain::merchants::find_or_create(&mut conn, slug)
        .await
        .expect("merchant")
        .id
}

fn key_of(id: &Value) -> i64 {
    commerce_gateway::ids::decode_any(id.as_str().expect("id"))
        .expect("decodes")
        .1
}

fn nodes(d: &Value, root: &str) -> Vec<Value> {
    d[root]["nodes"].as_array().expect("nodes").clone()
}

fn ids(list: &[Value]) -> HashSet<String> {
    list.iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

fn total(d: &Value, alias: &str) -> i64 {
    d[alias]["totalCount"]
        .as_i64()
        .unwrap_or_else(|| panic!("{alias}: {d}"))
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    v.as_str().map(|s| s.parse().expect("timestamp"))
}

/// Walks `root(sort:, filter:)` forward `page` rows at a time and checks the walk against one
/// read of everything: same rows in the same order, none twice, as many as `totalCount`.
#[allow(clippy::too_many_arguments)]
async fn walk(
    app: &TestApp,
    key: &str,
    root: &str,
    types: (&str, &str),
    sort: Value,
    filter: Value,
    fields: &str,
    page: i64,
) -> Vec<Value> {
    let (sort_type, filter_type) = types;
    let q = format!(
        "query($first: Int, $after: String, $sort: {sort_type}, $filter: {filter_type}) {{
           {root}(first: $first, after: $after, sort: $sort, filter: $filter) {{
             totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ id {fields} }} }} }}"
    );
    let all = app
        .data(
            key,
            &q,
            json!({ "first": 250, "sort": sort, "filter": filter }),
        )
        .await;
    let everything = nodes(&all, root);
    assert!(
        everything.len() < 250,
        "{root}: one read must hold all rows"
    );
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let d = app
            .data(
                key,
                &q,
                json!({ "first": page, "after": after, "sort": sort, "filter": filter }),
            )
            .await;
        seen.extend(nodes(&d, root));
        assert_eq!(total(&d, root), everything.len() as i64);
        if !d[root]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = d[root]["pageInfo"]["endCursor"].clone();
    }
    let seen_ids: Vec<&Value> = seen.iter().map(|n| &n["id"]).collect();
    let all_ids: Vec<&Value> = everything.iter().map(|n| &n["id"]).collect();
    assert_eq!(
        seen_ids, all_ids,
        "{root} sorted by {sort}: pages = one read"
    );
    assert_eq!(
        ids(&seen).len(),
        seen.len(),
        "{root} sorted by {sort}: duplicates"
    );
    seen
}

/// Sort keys of a walk, checked to be in order for `direction`, ties broken by key in the same
/// direction.
fn assert_ordered<K: PartialOrd + std::fmt::Debug>(
    rows: &[Value],
    direction: &str,
    what: &str,
    key: impl Fn(&Value) -> K,
) {
    let keys: Vec<(K, i64)> = rows.iter().map(|r| (key(r), key_of(&r["id"]))).collect();
    for w in keys.windows(2) {
        let ok = if direction == "ASC" {
            w[0] < w[1]
        } else {
            w[0] > w[1]
        };
        assert!(ok, "{what} {direction}: {:?} then {:?}", w[0], w[1]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn brand_variant_and_price_roots_find_own_rows_only() {
    let app = spawn().await;
    app.seed("acme", 5, 0).await;
    app.seed("other", 2, 0).await;
    let key = app.api_key("acme", ALL).await;
    let other = app.api_key("other", ALL).await;

    let d = app
        .data(
            &key,
            "{ brands(first: 1) { nodes { id name createdAt } }
               variants(first: 1) { nodes { id sku } }
               prices(first: 1) { nodes { id amount } } }",
            json!({}),
        )
        .await;
    let brand = d["brands"]["nodes"][0].clone();
    let variant = d["variants"]["nodes"][0].clone();
    let price = d["prices"]["nodes"][0].clone();
    assert!(
        time(&brand["createdAt"]).is_some(),
        "Brand.createdAt: {brand}"
    );

    let q = "query($b: ID!, $v: ID!, $p: ID!) {
        brand(id: $b) { id name createdAt } variant(id: $v) { id sku } price(id: $p) { id amount } }";
    let vars = json!({ "b": brand["id"], "v": variant["id"], "p": price["id"] });
    let found = app.data(&key, q, vars.clone()).await;
    assert_eq!(found["brand"], brand);
    assert_eq!(found["variant"], variant);
    assert_eq!(found["price"], price);

    // Another merchant's IDs are simply not there.
    let theirs = app.data(&other, q, vars).await;
    assert_eq!(theirs["brand"], Value::Null);
    assert_eq!(theirs["variant"], Value::Null);
    assert_eq!(theirs["price"], Value::Null);

    // An ID of another kind (or no ID at all) is the client's error, naming `id`.
    for (query, id) in [
        (
            "query($id: ID!) { brand(id: $id) { id } }",
            variant["id"].clone(),
        ),
        (
            "query($id: ID!) { variant(id: $id) { id } }",
            price["id"].clone(),
        ),
        (
            "query($id: ID!) { price(id: $id) { id } }",
            brand["id"].clone(),
        ),
        (
            "query($id: ID!) { price(id: $id) { id } }",
            json!("garbage"),
        ),
    ] {
        let body = app.gql(&key, query, json!({ "id": id })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "id", "{body}");
    }

    // The roots keep the scope of their lists.
    let catalog_only = app.api_key("acme", "catalog:read").await;
    let body = app
        .gql(
            &catalog_only,
            "query($b: ID!) { brand(id: $b) { id } }",
            json!({ "b": brand["id"] }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let body = app
        .gql(
            &catalog_only,
            "query($p: ID!) { price(id: $p) { id } }",
            json!({ "p": price["id"] }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn int_decimal_and_date_time_operators_select_the_right_rows() {
    let app = spawn().await;
    app.seed("acme", 20, 90).await;
    let key = app.api_key("acme", ALL).await;
    let d = app
        .data(
            &key,
            "{ orders(first: 250) { nodes { id itemCount total createdAt completedAt } } }",
            json!({}),
        )
        .await;
    let orders = nodes(&d, "orders");
    assert_eq!(orders.len(), 90);
    let count = |f: &dyn Fn(&Value) -> bool| orders.iter().filter(|o| f(o)).count() as i64;
    let items = |o: &Value| o["itemCount"].as_i64().unwrap();

    let d = app
        .data(
            &key,
            "query($v: Int!) {
               eq: orders(filter: { itemCount: { eq: $v } }) { totalCount }
               ne: orders(filter: { itemCount: { ne: $v } }) { totalCount }
               in: orders(filter: { itemCount: { in: [1, 2] } }) { totalCount }
               gt: orders(filter: { itemCount: { gt: 4 } }) { totalCount }
               gte: orders(filter: { itemCount: { gte: 4 } }) { totalCount }
               lt: orders(filter: { itemCount: { lt: 2 } }) { totalCount }
               range: orders(filter: { itemCount: { gte: 2, lte: 5 } }) { totalCount }
               notNull: orders(filter: { itemCount: { isNull: false } }) { totalCount }
               null: orders(filter: { itemCount: { isNull: true } }) { totalCount } }",
            json!({ "v": items(&orders[0]) }),
        )
        .await;
    let v = items(&orders[0]);
    assert_eq!(total(&d, "eq"), count(&|o| items(o) == v));
    assert_eq!(total(&d, "ne"), count(&|o| items(o) != v));
    assert_eq!(total(&d, "in"), count(&|o| [1, 2].contains(&items(o))));
    assert_eq!(total(&d, "gt"), count(&|o| items(o) > 4));
    assert_eq!(total(&d, "gte"), count(&|o| items(o) >= 4));
    assert_eq!(total(&d, "lt"), count(&|o| items(o) < 2));
    assert_eq!(total(&d, "range"), count(&|o| (2..=5).contains(&items(o))));
    assert_eq!(total(&d, "notNull"), 90);
    assert_eq!(total(&d, "null"), 0);
    assert!(
        total(&d, "eq") > 0 && total(&d, "in") > 0 && total(&d, "gt") > 0 && total(&d, "ne") > 0,
        "{d}"
    );

    // Decimal `in` compares numerically ("5" is "5.00"); `isNull` on a required amount.
    let picked: Vec<Value> = vec![orders[0]["total"].clone(), orders[1]["total"].clone()];
    let dec = |v: &Value| v.as_str().unwrap().parse::<Decimal>().unwrap();
    let want: Vec<Decimal> = picked.iter().map(dec).collect();
    let trailing: Vec<String> = want.iter().map(|t| format!("{t:.4}")).collect();
    let d = app
        .data(
            &key,
            "query($in: [Decimal!]) {
               in: orders(first: 250, filter: { total: { in: $in } }) { totalCount nodes { total } }
               null: orders(filter: { total: { isNull: true } }) { totalCount } }",
            json!({ "in": trailing }),
        )
        .await;
    assert_eq!(
        total(&d, "in"),
        count(&|o| want.contains(&dec(&o["total"])))
    );
    assert!(nodes(&d, "in")
        .iter()
        .all(|o| want.contains(&dec(&o["total"]))));
    assert_eq!(total(&d, "null"), 0);

    // A nullable amount: compare-at prices exist on two prices only.
    sql(
        &app,
        "UPDATE prices SET compare_at_amount = amount + 5 WHERE id IN \
         (SELECT id FROM prices WHERE price_list_id IS NULL ORDER BY id LIMIT 2)",
    )
    .await;
    let d = app
        .data(
            &key,
            "{ with: prices(first: 250, filter: { compareAtAmount: { isNull: false } }) { totalCount nodes { compareAtAmount } }
               without: prices(filter: { compareAtAmount: { isNull: true } }) { totalCount }
               all: prices { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(total(&d, "with"), 2);
    assert!(nodes(&d, "with")
        .iter()
        .all(|p| p["compareAtAmount"].is_string()));
    assert_eq!(total(&d, "without"), total(&d, "all") - 2);

    // Date-time `in` and `ne`.
    let t0 = orders[0]["createdAt"].clone();
    let t1 = orders[1]["createdAt"].clone();
    let at = |o: &Value| time(&o["createdAt"]).unwrap();
    let (a, b) = (time(&t0).unwrap(), time(&t1).unwrap());
    let d = app
        .data(
            &key,
            "query($a: DateTime!, $b: DateTime!) {
               in: orders(filter: { createdAt: { in: [$a, $b] } }) { totalCount }
               ne: orders(filter: { createdAt: { ne: $a } }) { totalCount }
               neNull: orders(filter: { completedAt: { ne: $a } }) { totalCount } }",
            json!({ "a": t0, "b": t1 }),
        )
        .await;
    assert_eq!(total(&d, "in"), count(&|o| at(o) == a || at(o) == b));
    assert_eq!(total(&d, "ne"), count(&|o| at(o) != a));
    // `ne` keeps rows without a value (drafts have no completion time).
    assert_eq!(
        total(&d, "neNull"),
        count(&|o| time(&o["completedAt"]) != Some(a))
    );
    assert!(orders.iter().any(|o| o["completedAt"].is_null()));

    // Variant positions (0, 1, 2 per product).
    let d = app
        .data(
            &key,
            "{ all: variants { totalCount }
               first: variants(filter: { position: { eq: 0 } }) { totalCount }
               rest: variants(first: 250, filter: { position: { in: [1, 2] } }) { totalCount nodes { position } }
               none: variants(filter: { position: { gt: 2 } }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(total(&d, "all"), 72);
    assert_eq!(total(&d, "first"), 24);
    assert_eq!(total(&d, "rest"), 48);
    assert!(nodes(&d, "rest")
        .iter()
        .all(|v| v["position"] == 1 || v["position"] == 2));
    assert_eq!(total(&d, "none"), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn parent_filters_page_through_what_nested_lists_cut() {
    let app = spawn().await;
    app.seed("acme", 40, 60).await;
    let m = merchant_key(&app, "acme").await;
    let key = app.api_key("acme", ALL).await;

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

#[tokio::test(flavor = "multi_thread")]
async fn new_sorts_order_rows_and_page_without_gaps_or_duplicates() {
    let app = spawn().await;
    app.seed("acme", 25, 40).await;
    let m = merchant_key(&app, "acme").await;
    let key = app.api_key("acme", ALL).await;
    // Rows without a value in the nullable sort columns, and distinct update times.
    sql(
        &app,
        &format!(
            "INSERT INTO customers (merchant_id, email, first_name, last_name) VALUES
               ({m}, 'nolast1@example.com', 'Ana', NULL), ({m}, 'nolast2@example.com', NULL, NULL),
               ({m}, 'emptylast@example.com', 'Eva', '');
             INSERT INTO orders (merchant_id, number, currency, email, item_count) VALUES
               ({m}, 'X1', 'USD', NULL, 0), ({m}, 'X2', 'USD', NULL, 7), ({m}, 'X3', 'USD', '', 2);
             INSERT INTO promotions (merchant_id, name, kind, starts_at, expires_at) VALUES
               ({m}, 'P1', 'automatic', NULL, NULL),
               ({m}, 'P2', 'automatic', '2024-05-01T00:00:00Z', '2024-06-01T00:00:00Z'),
               ({m}, 'P3', 'automatic', NULL, '2026-01-01T00:00:00Z'),
               ({m}, 'P4', 'automatic', '2026-03-01T00:00:00Z', NULL),
               ({m}, 'P5', 'automatic', '2025-01-01T00:00:00Z', NULL);
             INSERT INTO price_lists (merchant_id, name, status, position, starts_at, ends_at) VALUES
               ({m}, 'L1', 'draft', 3, NULL, NULL),
               ({m}, 'L2', 'scheduled', 2, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'),
               ({m}, 'L3', 'scheduled', 2, NULL, '2025-03-01T00:00:00Z'),
               ({m}, 'L4', 'scheduled', 5, '2024-01-01T00:00:00Z', NULL);
             UPDATE variants SET updated_at = timestamptz '2025-01-01' + (id % 7) * interval '1 hour' WHERE merchant_id = {m};
             UPDATE prices SET updated_at = timestamptz '2025-01-01' + (id % 5) * interval '1 hour' WHERE merchant_id = {m};
             UPDATE channels SET updated_at = timestamptz '2025-01-01' + (id % 2) * interval '1 hour' WHERE merchant_id = {m};
             UPDATE customer_groups SET updated_at = timestamptz '2025-01-01' + (id % 2) * interval '1 hour' WHERE merchant_id = {m};
             UPDATE promotions SET updated_at = timestamptz '2025-01-01' + (id % 3) * interval '1 hour' WHERE merchant_id = {m};
             UPDATE price_lists SET updated_at = timestamptz '2025-01-01' + (id % 2) * interval '1 hour' WHERE merchant_id = {m};"
        ),
    )
    .await;

    let text = |field: &'static str| move |r: &Value| r[field].as_str().unwrap_or("").to_owned();
    let int = |field: &'static str| move |r: &Value| r[field].as_i64().unwrap();
    let at = |field: &'static str| move |r: &Value| time(&r[field]).unwrap();
    // A missing start is the earliest, a missing end the latest.
    let start =
        |field: &'static str| move |r: &Value| time(&r[field]).unwrap_or(DateTime::<Utc>::MIN_UTC);
    let end =
        |field: &'static str| move |r: &Value| time(&r[field]).unwrap_or(DateTime::<Utc>::MAX_UTC);

    for dir in ["ASC", "DESC"] {
        let s = |field: &str| json!({ "field": field, "direction": dir });
        let f = json!(null);

        // Text sorts put the missing value with the empty one, which PostgreSQL's collation
        // orders first; compare with the database's order of the same texts.
        let rows = walk(
            &app,
            &key,
            "customers",
            ("CustomerSort", "CustomerFilter"),
            s("NAME"),
            f.clone(),
            "lastName",
            4,
        )
        .await;
        assert_eq!(rows.len(), 28);
        let names: Vec<String> = rows.iter().map(text("lastName")).collect();
        assert_db_text_order(&app, &names, dir).await;
        let blank = rows
            .iter()
            .filter(|r| text("lastName")(r).is_empty())
            .count();
        assert_eq!(blank, 3);
        let rows = walk(
            &app,
            &key,
            "orders",
            ("OrderSort", "OrderFilter"),
            s("EMAIL"),
            f.clone(),
            "email",
            6,
        )
        .await;
        assert_eq!(rows.len(), 43);
        let emails: Vec<String> = rows.iter().map(text("email")).collect();
        assert_db_text_order(&app, &emails, dir).await;

        let rows = walk(
            &app,
            &key,
            "orders",
            ("OrderSort", "OrderFilter"),
            s("ITEM_COUNT"),
            f.clone(),
            "itemCount",
            6,
        )
        .await;
        assert_ordered(&rows, dir, "orders by itemCount", int("itemCount"));
        let rows = walk(
            &app,
            &key,
            "variants",
            ("VariantSort", "VariantFilter"),
            s("POSITION"),
            f.clone(),
            "position",
            10,
        )
        .await;
        assert_eq!(rows.len(), 72);
        assert_ordered(&rows, dir, "variants by position", int("position"));

        for (root, types, page) in [
            ("variants", ("VariantSort", "VariantFilter"), 10),
            ("prices", ("PriceSort", "PriceFilter"), 20),
            ("channels", ("ChannelSort", "ChannelFilter"), 3),
            (
                "customerGroups",
                ("CustomerGroupSort", "CustomerGroupFilter"),
                2,
            ),
            ("promotions", ("PromotionSort", "PromotionFilter"), 2),
            ("priceLists", ("PriceListSort", "PriceListFilter"), 2),
        ] {
            let rows = walk(
                &app,
                &key,
                root,
                types,
                s("UPDATED_AT"),
                f.clone(),
                "updatedAt",
                page,
            )
            .await;
            assert_ordered(&rows, dir, &format!("{root} by updatedAt"), at("updatedAt"));
        }

        let rows = walk(
            &app,
            &key,
            "promotions",
            ("PromotionSort", "PromotionFilter"),
            s("STARTS_AT"),
            f.clone(),
            "name startsAt",
            2,
        )
        .await;
        assert_eq!(rows.len(), 7);
        assert_ordered(&rows, dir, "promotions by startsAt", start("startsAt"));
        let rows = walk(
            &app,
            &key,
            "promotions",
            ("PromotionSort", "PromotionFilter"),
            s("EXPIRES_AT"),
            f.clone(),
            "name expiresAt",
            2,
        )
        .await;
        assert_ordered(&rows, dir, "promotions by expiresAt", end("expiresAt"));
        let rows = walk(
            &app,
            &key,
            "priceLists",
            ("PriceListSort", "PriceListFilter"),
            s("STARTS_AT"),
            f.clone(),
            "name startsAt",
            2,
        )
        .await;
        assert_eq!(rows.len(), 5);
        assert_ordered(&rows, dir, "price lists by startsAt", start("startsAt"));
        let rows = walk(
            &app,
            &key,
            "priceLists",
            ("PriceListSort", "PriceListFilter"),
            s("ENDS_AT"),
            f.clone(),
            "name endsAt",
            2,
        )
        .await;
        assert_ordered(&rows, dir, "price lists by endsAt", end("endsAt"));

        // Brands by creation (a single seeded brand plus two more).
        if dir == "ASC" {
            sql(
                &app,
                &format!(
                    "INSERT INTO brands (merchant_id, external_id, name, created_at) VALUES
                     ({m}, 'b2', 'Second', '2020-01-01T00:00:00Z'), ({m}, 'b3', 'Third', '2020-01-01T00:00:00Z')"
                ),
            )
            .await;
        }
        let rows = walk(
            &app,
            &key,
            "brands",
            ("BrandSort", "BrandFilter"),
            s("CREATED_AT"),
            f.clone(),
            "createdAt",
            1,
        )
        .await;
        assert_eq!(rows.len(), 3);
        assert_ordered(&rows, dir, "brands by createdAt", at("createdAt"));
    }

    // Walking back with `last`/`before` over a sort with missing values gives the same rows.
    let q = "query($last: Int, $before: String) {
        promotions(last: $last, before: $before, sort: { field: EXPIRES_AT, direction: ASC }) {
          pageInfo { hasPreviousPage startCursor } nodes { id } } }";
    let mut back: Vec<Value> = Vec::new();
    let mut before = Value::Null;
    loop {
        let d = app
            .data(&key, q, json!({ "last": 2, "before": before }))
            .await;
        let mut page = nodes(&d, "promotions");
        page.append(&mut back);
        back = page;
        if !d["promotions"]["pageInfo"]["hasPreviousPage"]
            .as_bool()
            .unwrap()
        {
            break;
        }
        before = d["promotions"]["pageInfo"]["startCursor"].clone();
    }
    let forward = app
        .data(
            &key,
            "{ promotions(first: 250, sort: { field: EXPIRES_AT, direction: ASC }) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(back, nodes(&forward, "promotions"));
}

/// `texts` are in the order PostgreSQL's collation gives them (ties allowed).
async fn assert_db_text_order(app: &TestApp, texts: &[String], dir: &str) {
    #[derive(diesel::QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    let mut conn = app.conn().await;
    let sorted: Vec<T> = diesel_async::RunQueryDsl::load(
        diesel::sql_query(format!(
            "SELECT t FROM unnest($1::text[]) AS t ORDER BY t {dir}"
        ))
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(texts),
        &mut conn,
    )
    .await
    .expect("sort texts");
    let sorted: Vec<String> = sorted.into_iter().map(|r| r.t).collect();
    assert_eq!(texts, sorted.as_slice(), "text order {dir}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_filter_ids_variables_and_nested_sizes_are_bad_user_input() {
    let app = spawn().await;
    app.seed("acme", 5, 5).await;
    let key = app.api_key("acme", ALL).await;
    let d = app
        .data(
            &key,
            "{ customers(first: 1) { nodes { id } } channels(first: 1) { nodes { id } } }",
            json!({}),
        )
        .await;
    let customer = d["customers"]["nodes"][0]["id"].clone();
    let channel = d["channels"]["nodes"][0]["id"].clone();

    // An ID of the wrong kind in a filter names the argument path.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "query($id: ID!) { orders(filter: { storeId: { eq: $id } }) { totalCount } }",
            json!({ "id": customer }),
            "filter.storeId.eq",
        ),
        (
            "query($id: ID!) { customers(filter: { customerGroupId: { eq: $id } }) { totalCount } }",
            json!({ "id": channel }),
            "filter.customerGroupId.eq",
        ),
        (
            "query($id: ID!) { products(filter: { channelId: { in: [$id] } }) { totalCount } }",
            json!({ "id": customer }),
            "filter.channelId.in.0",
        ),
        (
            "query($id: ID!) { prices(filter: { priceListId: { eq: $id } }) { totalCount } }",
            json!({ "id": channel }),
            "filter.priceListId.eq",
        ),
        (
            "query($id: ID!) { prices(filter: { variantId: { in: [$id, $id] } }) { totalCount } }",
            json!({ "id": "variant_" }),
            "filter.variantId.in.0",
        ),
    ];
    for (query, vars, field) in cases {
        let body = app.gql(&key, query, vars).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{query}: {body}"
        );
    }

    // Values of the wrong type given through variables are refused before anything runs.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "query($n: Int!) { orders(first: $n) { totalCount } }",
            json!({ "n": "abc" }),
            "Int",
        ),
        (
            "query($d: Decimal!) { orders(filter: { total: { eq: $d } }) { totalCount } }",
            json!({ "d": "x" }),
            "Decimal",
        ),
        (
            "query($f: OrderFilter) { orders(filter: $f) { totalCount } }",
            json!({ "f": { "itemCount": { "in": [1, "two"] } } }),
            "Int",
        ),
        (
            "query($f: PriceFilter) { prices(filter: $f) { totalCount } }",
            json!({ "f": { "compareAtAmount": { "in": ["1.00", "lots"] } } }),
            "Decimal",
        ),
        (
            "query($t: DateTime!) { orders(filter: { createdAt: { in: [$t] } }) { totalCount } }",
            json!({ "t": "yesterday" }),
            "DateTime",
        ),
        (
            "query($b: Boolean) { promotions(filter: { active: $b }) { totalCount } }",
            json!({ "b": "yes" }),
            "Boolean",
        ),
        (
            "query($n: Int!) { variants(filter: { position: { eq: $n } }) { totalCount } }",
            json!({ "n": 3_000_000_000_i64 }),
            "Int",
        ),
    ];
    for (query, vars, needle) in cases {
        let (status, body) = app.gql_status(&key, query, vars).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert!(
            error_message(&body).contains(needle),
            "{query}: `{needle}` not in {body}"
        );
        // The argument is named too: `first` or `filter`, in the message and, when the value
        // failed while the field ran, in `extensions.field`.
        let argument = if query.contains("(first: $n)") {
            "first"
        } else {
            "filter"
        };
        let msg = error_message(&body);
        assert!(
            msg.contains(&format!("({argument}:)")) || msg.contains(&format!("\"{argument}")),
            "{query}: argument `{argument}` not named in {body}"
        );
        let field = body["errors"][0]["extensions"]["field"]
            .as_str()
            .unwrap_or_default();
        assert!(
            field == argument || field.starts_with(&format!("{argument}.")),
            "{query}: extensions.field is not `{argument}…`: {body}"
        );
        assert!(
            body["data"].is_null()
                || body["data"]
                    .as_object()
                    .unwrap()
                    .values()
                    .all(Value::is_null),
            "{query}: nothing ran: {body}"
        );
    }

    // Values that fail only when the field runs (Decimal, DateTime) are named by their full
    // path too, literal or through a variable, like validation's `filter.itemCount.in.1`.
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "{ orders(filter: { email: { eq: \"x\" }, total: { gt: \"lots\" } }) { totalCount } }",
            json!({}),
            "filter.total.gt",
        ),
        (
            "query($f: PriceFilter) { prices(filter: $f) { totalCount } }",
            json!({ "f": { "compareAtAmount": { "in": ["1.00", "lots"] } } }),
            "filter.compareAtAmount.in.1",
        ),
        (
            "query($t: DateTime!) { orders(filter: { createdAt: { in: [\"2024-01-01T00:00:00Z\", $t] } }) { totalCount } }",
            json!({ "t": "yesterday" }),
            "filter.createdAt.in.1",
        ),
        (
            "query($t: DateTime) { customerStats(period: DAY, createdAt: { gte: $t }) { period } }",
            json!({ "t": "soon" }),
            "createdAt.gte",
        ),
    ];
    for (query, vars, field) in cases {
        let body = app.gql(&key, query, vars).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{query}: {body}"
        );
        assert!(error_message(&body).contains(field), "{body}");
    }

    // Nested lists take 1 to 250 like the roots.
    for query in [
        "{ channels { nodes { products(first: 0) { id } } } }",
        "{ channels { nodes { products(first: 1000) { id } } } }",
        "{ customerGroups { nodes { customers(first: 0) { id } } } }",
        "{ priceLists { nodes { prices(first: 251) { id } } } }",
        "{ customers(first: 1) { nodes { orders(first: -1) { id } } } }",
    ] {
        let body = app.gql(&key, query, json!({})).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "first", "{body}");
        assert!(error_message(&body).contains("first"), "{body}");
    }
}

/// `search` and every text filter value take at most 256 characters: a 1 MB `search` used to
/// hold a pooled connection for 17–30 s of `ILIKE`. Longer is BAD_USER_INPUT naming the full
/// argument path (`filter.email.contains`, `filter.name.in.1`), answered without SQL; 256
/// characters (of any width) still run.
#[tokio::test(flavor = "multi_thread")]
async fn long_searches_and_text_filters_are_refused_naming_the_full_path() {
    let app = spawn().await;
    app.seed("acme", 5, 5).await;
    // A JWT: once verified (the first request), authenticating costs no statement, so the
    // counts below are the queries' own.
    let key = app.token("acme", ALL).await;
    app.data(&key, "{ viewer { scopes } }", json!({})).await;
    let long = "x".repeat(257);
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "query($s: String) { customers(search: $s) { totalCount } }",
            json!({ "s": long }),
            "search",
        ),
        (
            "query($s: String) { orders(search: $s) { totalCount } }",
            json!({ "s": long }),
            "search",
        ),
        (
            "query($s: String) { orderStats(groupBy: [], search: $s) { count } }",
            json!({ "s": long }),
            "search",
        ),
        (
            "query($s: String) { stores(search: $s) { totalCount } }",
            json!({ "s": long }),
            "search",
        ),
        (
            "query($s: String) { products(search: $s) { totalCount } }",
            json!({ "s": long }),
            "search",
        ),
        (
            "query($s: String) { variants(search: $s) { totalCount } }",
            json!({ "s": long }),
            "search",
        ),
        (
            "query($s: String) { priceLists(search: $s) { totalCount } }",
            json!({ "s": long }),
            "search",
        ),
        (
            "query($s: String) { promotions(search: $s) { totalCount } }",
            json!({ "s": long }),
            "search",
        ),
        (
            "query($s: String) { customers(filter: { email: { contains: $s } }) { totalCount } }",
            json!({ "s": long }),
            "filter.email.contains",
        ),
        (
            "query($f: OrderFilter) { orders(filter: $f) { totalCount } }",
            json!({ "f": { "number": { "startsWith": long } } }),
            "filter.number.startsWith",
        ),
        (
            "query($f: ProductFilter) { products(filter: $f) { totalCount } }",
            json!({ "f": { "name": { "in": ["a", long] } } }),
            "filter.name.in.1",
        ),
        (
            "query($f: StoreFilter) { stores(filter: $f) { totalCount } }",
            json!({ "f": { "city": { "eq": long } } }),
            "filter.city.eq",
        ),
        (
            "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
            json!({ "f": { "email": { "in": [long] } } }),
            "filter.email.in.0",
        ),
        (
            "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
            json!({ "f": { "tags": { "hasAll": ["vip", long] } } }),
            "filter.tags.hasAll.1",
        ),
        // List sizes name the list itself (`hasAny`, not `in`).
        (
            "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
            json!({ "f": { "tags": { "hasAny": vec!["t"; 1001] } } }),
            "filter.tags.hasAny",
        ),
        (
            "query($f: CustomerFilter) { customers(filter: $f) { totalCount } }",
            json!({ "f": { "email": { "in": vec!["a@b.co"; 1001] } } }),
            "filter.email.in",
        ),
    ];
    for (query, vars, field) in cases {
        let before = app.statements();
        let body = app.gql(&key, query, vars.clone()).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{query}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], field,
            "{query}: {body}"
        );
        assert_eq!(app.statements(), before, "{query}: no SQL ran");
    }

    // A megabyte of search is refused at once.
    let started = std::time::Instant::now();
    let body = app
        .gql(
            &key,
            "query($s: String) { customers(search: $s) { totalCount } }",
            json!({ "s": "y".repeat(1 << 20) }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "search", "{body}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));

    // At the limit, in characters not bytes, they run.
    for s in ["z".repeat(256), "é".repeat(256)] {
        app.data(
            &key,
            "query($s: String) { customers(search: $s, filter: { email: { contains: $s } }) { totalCount } }",
            json!({ "s": s }),
        )
        .await;
    }
}
