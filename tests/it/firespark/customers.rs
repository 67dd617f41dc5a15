//! `/api/admin/v1/customers/bulk`: the cursor-paged list with its filters, and the batches of
//! creates, updates and deletes.

use reqwest::Method;
use serde_json::{json, Value};

use super::{assert_error, Fs};
use crate::common::spawn;

const PATH: &str = "/api/admin/v1/customers/bulk";

/// Every row of the list for `query`, following `next_cursor`; the rows and the pages read.
async fn all(fs: &Fs<'_>, query: &str) -> (Vec<Value>, usize) {
    let mut rows = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("{PATH}?{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", urlencode(c)));
        }
        let (st, body) = fs.get(&path).await;
        assert_eq!(st, 200, "{body}");
        pages += 1;
        rows.extend(body["data"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return (rows, pages),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_follow_the_cursor_through_every_customer() {
    let app = spawn().await;
    app.seed("alpha", 620, 0).await;
    app.seed("beta", 5, 0).await;
    let fs = Fs::new(&app, "alpha", "customers:read").await;
    let (st, body) = fs.get(PATH).await;
    assert_eq!(st, 200, "{body}");
    assert_eq!(body["data"].as_array().unwrap().len(), 100, "default limit");
    let first = &body["data"][0];
    for key in [
        "id",
        "external_id",
        "email",
        "first_name",
        "last_name",
        "phone",
        "accepts_marketing",
        "tags",
        "customer_group_ids",
        "metadata",
        "notes",
        "orders_count",
        "total_spent",
        "last_order_completed_at",
        "created_at",
        "updated_at",
    ] {
        assert!(first.get(key).is_some(), "{key} missing in {first}");
    }
    assert_eq!(first.as_object().unwrap().len(), 16, "{first}");
    assert!(first["id"].as_str().unwrap().starts_with("cus_"));

    // Pages of more than a connection page (250) read several.
    let (rows, pages) = all(&fs, "limit=300").await;
    assert_eq!((rows.len(), pages), (620, 3));
    let mut unique = ids(&rows);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 620, "no customer twice");
    let (st, body) = fs.get(&format!("{PATH}?limit=1000")).await;
    assert_eq!(st, 200);
    assert_eq!(body["data"].as_array().unwrap().len(), 620);
    assert_eq!(body["next_cursor"], Value::Null);
    assert_eq!(
        ids(body["data"].as_array().unwrap()),
        ids(&rows),
        "same order"
    );
    // `fields` selects.
    let (st, body) = fs.get(&format!("{PATH}?limit=2&fields=email")).await;
    assert_eq!(st, 200);
    assert_eq!(body["data"][0].as_object().unwrap().len(), 2, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_grow_with_connection_pages_not_rows() {
    let app = spawn().await;
    app.seed("alpha", 1010, 30).await;
    let fs = Fs::new(&app, "alpha", "customers:read").await;
    let mut counts = Vec::new();
    for limit in [10, 250, 500, 750, 1000] {
        let path = format!("{PATH}?limit={limit}");
        fs.get(&path).await;
        let mut fewest = u64::MAX;
        for _ in 0..2 {
            let before = app.statements();
            let (st, body) = fs.get(&path).await;
            assert_eq!(st, 200);
            assert_eq!(body["data"].as_array().unwrap().len(), limit);
            fewest = fewest.min(app.statements() - before);
        }
        counts.push(fewest);
    }
    // Flat within one connection page; the same cost for each further one.
    assert_eq!(counts[0], counts[1], "{counts:?}");
    let step = counts[2] - counts[1];
    assert!(step > 0, "{counts:?}");
    assert_eq!(counts[3] - counts[2], step, "{counts:?}");
    assert_eq!(counts[4] - counts[3], step, "{counts:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_select_customers() {
    let app = spawn().await;
    let fs = Fs::new(&app, "alpha", "customers:read customers:write").await;
    let key = app.api_key("alpha", "customers:write").await;
    let d = app
        .data(
            &key,
            "mutation { customerGroupCreate(input: {name: \"VIP\"}) { customerGroup { id } } }",
            json!({}),
        )
        .await;
    let vip = d["customerGroupCreate"]["customerGroup"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (st, body) = fs
        .json(Method::POST, PATH, &json!([
            {"email": "ann.lee@example.com", "first_name": "Ann", "last_name": "Lee", "tags": ["vip", "eu"],
             "customer_group_ids": [vip], "accepts_marketing": true, "external_id": "crm-1"},
            {"email": "joe@example.com", "first_name": "Joe", "last_name": "Hannah", "tags": ["eu"]},
            {"email": "zed@example.com", "first_name": "Zed", "tags": ["us"]},
        ]))
        .await;
    assert_eq!(st, 200, "{body}");
    let names = |body: &Value| -> Vec<String> {
        let mut v: Vec<String> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["first_name"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    for (query, want) in [
        ("email=ANN.LEE@example.com", vec!["Ann"]),
        ("name=ann", vec!["Ann", "Joe"]),
        ("name=ann%20lee", vec!["Ann"]),
        ("tags=eu", vec!["Ann", "Joe"]),
        ("tags=eu,vip", vec!["Ann"]),
        ("tags_any=vip,us", vec!["Ann", "Zed"]),
        ("accepts_marketing=true", vec!["Ann"]),
        ("external_id=crm-1", vec!["Ann"]),
        (
            "created_at_min=2000-01-01&created_at_max=2999-01-01",
            vec!["Ann", "Joe", "Zed"],
        ),
        ("updated_at_max=2000-01-01", vec![]),
    ] {
        let (st, body) = fs.get(&format!("{PATH}?{query}")).await;
        assert_eq!(st, 200, "{query}: {body}");
        assert_eq!(names(&body), want, "{query}");
    }
    let (st, body) = fs.get(&format!("{PATH}?customer_group_id={vip}")).await;
    assert_eq!(st, 200);
    assert_eq!(names(&body), vec!["Ann"]);
    assert_eq!(body["data"][0]["customer_group_ids"], json!([vip]));
    assert_eq!(body["data"][0]["tags"], json!(["vip", "eu"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_list_parameters_are_400_naming_them() {
    let app = spawn().await;
    app.seed("alpha", 3, 0).await;
    let fs = Fs::new(&app, "alpha", "customers:read").await;
    for (query, message) in [
        ("limit=0", "limit: must be between 1 and 1000"),
        ("limit=1001", "limit: must be between 1 and 1000"),
        ("limit=abc", "limit: must be a whole number"),
        ("page=2", "page: is not a parameter of this route"),
        ("cursor=", "cursor: must not be empty"),
        ("cursor=not-a-cursor", "cursor: "),
        ("created_at_min=yesterday", "created_at_min: must be a time"),
        ("customer_group_id=nope", "customer_group_id: "),
        ("ids=or_123", "ids: "),
        (
            "accepts_marketing=perhaps",
            "accepts_marketing: must be true or false",
        ),
        ("fields=email,nope", "fields: `nope` is not a field"),
        ("limit=5&limit=6", "limit: is given more than once"),
    ] {
        let (st, body) = fs.get(&format!("{PATH}?{query}")).await;
        assert_error(st, &body, 400, "validation_error", message);
    }
    // A real cursor altered by one character is refused.
    let (_, body) = fs.get(&format!("{PATH}?limit=1")).await;
    let cursor = body["next_cursor"].as_str().unwrap().to_owned();
    let mut tampered: Vec<char> = cursor.chars().collect();
    let last = tampered.len() - 1;
    tampered[last] = if tampered[last] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let (st, body) = fs
        .get(&format!("{PATH}?limit=1&cursor={}", urlencode(&tampered)))
        .await;
    assert_error(st, &body, 400, "validation_error", "cursor: ");
    let (st, body) = fs
        .get(&format!("{PATH}?limit=1&cursor={}", urlencode(&cursor)))
        .await;
    assert_eq!(st, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_and_scopes() {
    let app = spawn().await;
    let res = app.http.get(app.url(PATH)).send().await.unwrap();
    let (st, body) = super::read(res).await;
    assert_error(st, &body, 401, "unauthorized", "Missing access token");
    let orders_only = Fs::new(&app, "alpha", "orders:read").await;
    let (st, body) = orders_only.get(PATH).await;
    assert_error(st, &body, 403, "forbidden", "");
    let reader = Fs::new(&app, "alpha", "customers:read").await;
    let (st, body) = reader
        .json(Method::POST, PATH, &json!([{"email": "a@example.com"}]))
        .await;
    assert_error(st, &body, 403, "forbidden", "");
    for method in [Method::PATCH, Method::DELETE] {
        let (st, body) = reader.json(method, PATH, &json!([])).await;
        assert_eq!(st, 403, "{body}");
    }
}
