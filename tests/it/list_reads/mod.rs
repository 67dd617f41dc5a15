//! The single-object roots `brand`, `variant` and `price`; the `IntFilter` and the `in`/`ne`/
//! `isNull` operators of the decimal and date-time filters; the filters by parent (customer
//! group, channel, price list…) that page through what nested lists cut at `first`; the sorts on
//! nullable and numeric columns, walked page by page; and their bad-input errors.
//!
//! Split by behaviour group: `parent_filters`, `sorts`, `bad_input`; the rest is here.

use std::collections::HashSet;

use crate::common::{error_code, spawn, TestApp};
use chrono::{DateTime, Utc};
use diesel_async::SimpleAsyncConnection;
use rust_decimal::Decimal;
use serde_json::{json, Value};

mod bad_input;
mod parent_filters;
mod sorts;

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
        "query($first: Int, $after: String, $sort: [{sort_type}!], $filter: {filter_type}) {{
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
