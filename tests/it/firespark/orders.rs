//! `GET /api/admin/v1/orders`: orders across channels and stores with their line items,
//! cursor-paged, filtered, scoped to the caller's merchant.

use serde_json::{json, Value};

use super::customers::urlencode;
use super::{assert_error, Fs};
use crate::common::spawn;

const PATH: &str = "/api/admin/v1/orders";

fn rows(body: &Value) -> &Vec<Value> {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data: {body}"))
}

/// Every order of the list for `query` (limit 1,000 a page, following `next_cursor`).
async fn all(fs: &Fs<'_>, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("{PATH}?limit=1000&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", urlencode(c)));
        }
        let (st, body) = fs.get(&path).await;
        assert_eq!(st, 200, "{query}: {body}");
        out.extend(rows(&body).iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

/// The number of orders GraphQL counts for `filter`.
async fn count(app: &crate::common::TestApp, key: &str, filter: Value) -> usize {
    let d = app
        .data(
            key,
            "query($f: OrderFilter) { orders(filter: $f) { totalCount } }",
            json!({ "f": filter }),
        )
        .await;
    d["orders"]["totalCount"].as_u64().unwrap() as usize
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_of_every_channel_with_their_lines() {
    let app = spawn().await;
    app.seed("alpha", 20, 300).await;
    app.seed("beta", 5, 10).await;
    let fs = Fs::new(&app, "alpha", "orders:read catalog:read").await;
    let (st, body) = fs.get(PATH).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(rows(&body).len(), 100);
    assert!(body["next_cursor"].is_string());
    let o = &rows(&body)[0];
    for key in [
        "id",
        "number",
        "status",
        "payment_status",
        "fulfillment_status",
        "channel_id",
        "store_id",
        "customer_id",
        "email",
        "currency",
        "item_count",
        "item_total",
        "discount_total",
        "tax_total",
        "delivery_total",
        "total",
        "external_id",
        "notes",
        "customer_note",
        "metadata",
        "created_at",
        "updated_at",
        "completed_at",
        "canceled_at",
        "line_items",
    ] {
        assert!(o.get(key).is_some(), "{key} missing in {o}");
    }
    assert!(o["id"].as_str().unwrap().starts_with("or_"));
    let line = &o["line_items"][0];
    assert!(line["id"].as_str().unwrap().starts_with("li_"), "{o}");
    assert!(
        line["sku"].is_string() && line["name"].is_string(),
        "{line}"
    );
    let units: i64 = o["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["quantity"].as_i64().unwrap())
        .sum();
    assert_eq!(json!(units), o["item_count"]);

    let every = all(&fs, "").await;
    assert_eq!(every.len(), 300);
    let channels: std::collections::HashSet<&str> = every
        .iter()
        .filter_map(|o| o["channel_id"].as_str())
        .collect();
    assert!(channels.len() > 1, "orders of every channel: {channels:?}");

    // Without catalog:read, the line's product fields are null, the rest is there.
    let orders_only = Fs::new(&app, "alpha", "orders:read").await;
    let (st, body) = orders_only.get(&format!("{PATH}?limit=5")).await;
    assert_eq!(st, 200, "{body}");
    let line = &rows(&body)[0]["line_items"][0];
    assert_eq!(
        (line["sku"].clone(), line["name"].clone()),
        (Value::Null, Value::Null)
    );
    assert!(line["quantity"].is_number());

    // `fields` leaves the lines out, or keeps only them.
    let (_, body) = fs.get(&format!("{PATH}?limit=3&fields=number,total")).await;
    assert_eq!(rows(&body)[0].as_object().unwrap().len(), 3, "{body}");
    let (_, body) = fs.get(&format!("{PATH}?limit=3&fields=line_items")).await;
    let keys: Vec<&String> = rows(&body)[0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "line_items"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_match_the_graphql_filter() {
    let app = spawn().await;
    app.seed("alpha", 20, 200).await;
    let fs = Fs::new(&app, "alpha", "orders:read").await;
    let key = app
        .api_key("alpha", "orders:read,stores:read,customers:read")
        .await;
    let every = all(&fs, "").await;
    let sample = every
        .iter()
        .find(|o| o["customer_id"].is_string() && o["completed_at"].is_string())
        .unwrap();
    let channel = sample["channel_id"].as_str().unwrap();
    let store = sample["store_id"].as_str().unwrap();
    let customer = sample["customer_id"].as_str().unwrap();
    let completed = sample["completed_at"].as_str().unwrap();
    let created = sample["created_at"].as_str().unwrap();
    for (query, filter, check) in [
        (
            format!("channel_id={channel}"),
            json!({"channelId": {"in": [channel]}}),
            ("channel_id", channel),
        ),
        (
            format!("store_id={store}"),
            json!({"storeId": {"in": [store]}}),
            ("store_id", store),
        ),
        (
            format!("customer_id={customer}"),
            json!({"customerId": {"in": [customer]}}),
            ("customer_id", customer),
        ),
        (
            "status=complete".to_owned(),
            json!({"status": {"in": ["COMPLETE"]}}),
            ("status", "complete"),
        ),
        (
            "status=CANCELED,returned".to_owned(),
            json!({"status": {"in": ["CANCELED", "RETURNED"]}}),
            ("", ""),
        ),
        (
            format!("completed_at_min={}", urlencode(completed)),
            json!({"completedAt": {"gte": completed}}),
            ("", ""),
        ),
        (
            format!("created_at_max={}", urlencode(created)),
            json!({"createdAt": {"lte": created}}),
            ("", ""),
        ),
        (
            format!("created_at_min={0}&created_at_max={0}", urlencode(created)),
            json!({"createdAt": {"gte": created, "lte": created}}),
            ("", ""),
        ),
    ] {
        let got = all(&fs, &query).await;
        assert_eq!(got.len(), count(&app, &key, filter).await, "{query}");
        assert!(
            !got.is_empty() || query.starts_with("status=CANCELED"),
            "{query}"
        );
        let (k, v) = check;
        if !k.is_empty() {
            assert!(got.iter().all(|o| o[k] == v), "{query}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_grow_with_connection_pages_not_orders() {
    let app = spawn().await;
    app.seed("alpha", 50, 760).await;
    let fs = Fs::new(&app, "alpha", "orders:read catalog:read").await;
    let mut counts = Vec::new();
    for limit in [10, 250, 500, 750] {
        let path = format!("{PATH}?limit={limit}");
        fs.get(&path).await;
        let mut fewest = u64::MAX;
        for _ in 0..2 {
            let before = app.statements();
            let (st, body) = fs.get(&path).await;
            assert_eq!(st, 200, "{body}");
            assert_eq!(rows(&body).len(), limit);
            fewest = fewest.min(app.statements() - before);
        }
        counts.push(fewest);
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
    let step = counts[2] - counts[1];
    assert!(step > 0, "{counts:?}");
    assert_eq!(counts[3] - counts[2], step, "{counts:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_parameters_other_merchants_and_scopes() {
    let app = spawn().await;
    app.seed("alpha", 5, 20).await;
    app.seed("beta", 5, 20).await;
    let fs = Fs::new(&app, "alpha", "orders:read").await;
    for (query, message) in [
        ("status=shipped", "status: has an unknown value `shipped`"),
        ("channel_id=nope", "channel_id: "),
        ("store_id=cus_123", "store_id: "),
        ("limit=0", "limit: must be between 1 and 1000"),
        ("limit=1001", "limit: must be between 1 and 1000"),
        ("limit=abc", "limit: must be a whole number"),
        ("sort=-total", "sort: is not a parameter of this route"),
        ("completed_at_max=soon", "completed_at_max: must be a time"),
        ("fields=id,items", "fields: `items` is not a field"),
        (
            "expand=customer",
            "expand: `customer` is not an association",
        ),
        ("cursor=abc", "cursor: "),
    ] {
        let (st, body) = fs.get(&format!("{PATH}?{query}")).await;
        assert_error(st, &body, 400, "validation_error", message);
    }
    // Beta's channels, stores, customers and orders match nothing of Alpha's.
    let beta = Fs::new(&app, "beta", "orders:read").await;
    let theirs = all(&beta, "").await;
    assert_eq!(theirs.len(), 20);
    let o = &theirs[0];
    for (param, key) in [
        ("channel_id", "channel_id"),
        ("store_id", "store_id"),
        ("ids", "id"),
    ] {
        let (st, body) = fs
            .get(&format!("{PATH}?{param}={}", o[key].as_str().unwrap()))
            .await;
        assert_eq!((st, rows(&body).len()), (200, 0), "{param}: {body}");
    }
    let mine = all(&fs, "").await;
    assert_eq!(mine.len(), 20);
    assert!(mine
        .iter()
        .all(|m| theirs.iter().all(|t| t["id"] != m["id"])));

    let res = app.http.get(app.url(PATH)).send().await.unwrap();
    let (st, body) = super::read(res).await;
    assert_error(st, &body, 401, "unauthorized", "");
    let customers_only = Fs::new(&app, "alpha", "customers:read").await;
    let (st, body) = customers_only.get(PATH).await;
    assert_error(st, &body, 403, "forbidden", "");
}
