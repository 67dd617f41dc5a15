//! `?format=ndjson|csv` on the Admin API's lists: every matching row streamed in a chunked
//! body, one page at a time; the same rows as the JSON pages.

use serde_json::{json, Value};

use super::customers::urlencode;
use super::{assert_error, Fs};
use crate::common::spawn;

const CUSTOMERS: &str = "/api/admin/v1/customers/bulk";
const ORDERS: &str = "/api/admin/v1/orders";

/// Status, content type, whether a `Content-Length` was set, and the body's text.
async fn download(fs: &Fs<'_>, path: &str) -> (u16, String, bool, String) {
    let res = fs
        .app
        .http
        .get(fs.app.url(path))
        .bearer_auth(&fs.token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let sized = res.headers().contains_key("content-length");
    (status, content_type, sized, res.text().await.unwrap())
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn customers_stream_as_ndjson_and_csv() {
    let app = spawn().await;
    app.seed("alpha", 620, 0).await;
    app.seed("beta", 7, 0).await;
    let fs = Fs::new(&app, "alpha", "customers:read").await;
    let (st, page) = fs.get(&format!("{CUSTOMERS}?limit=1000")).await;
    assert_eq!(st, 200);
    let page = page["data"].as_array().unwrap().clone();

    let (st, content_type, sized, text) =
        download(&fs, &format!("{CUSTOMERS}?format=ndjson")).await;
    assert_eq!(st, 200, "{text}");
    assert_eq!(content_type, "application/x-ndjson");
    assert!(!sized, "streamed: no Content-Length");
    assert_eq!(
        lines(&text),
        page,
        "the same rows as the JSON page, in order"
    );

    let (st, content_type, _, text) =
        download(&fs, &format!("{CUSTOMERS}?format=csv&tags_any=nope")).await;
    assert_eq!(
        (st, content_type.as_str()),
        (200, "text/csv; charset=utf-8")
    );
    assert_eq!(text.lines().count(), 1, "a header alone: {text}");

    let (st, _, _, text) = download(&fs, &format!("{CUSTOMERS}?format=csv")).await;
    assert_eq!(st, 200);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[0], "id");
    assert_eq!(header.len(), 16, "{header:?}");
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 620);
    for (record, row) in records.iter().zip(&page) {
        for (k, name) in header.iter().enumerate() {
            let want = match &row[name] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(record[k], want, "{name}");
        }
    }

    // An export starts at a cursor, and `fields` selects its columns.
    let (_, first) = fs.get(&format!("{CUSTOMERS}?limit=100")).await;
    let cursor = urlencode(first["next_cursor"].as_str().unwrap());
    let (st, _, _, text) = download(
        &fs,
        &format!("{CUSTOMERS}?format=ndjson&cursor={cursor}&fields=email"),
    )
    .await;
    assert_eq!(st, 200);
    let rest = lines(&text);
    assert_eq!(rest.len(), 520);
    assert_eq!(
        rest[0],
        json!({"id": page[100]["id"], "email": page[100]["email"]})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_export_with_their_lines() {
    let app = spawn().await;
    app.seed("alpha", 20, 300).await;
    let fs = Fs::new(&app, "alpha", "orders:read catalog:read").await;
    let key = app.api_key("alpha", "orders:read").await;
    let d = app
        .data(
            &key,
            "{ orders(filter: {status: {eq: COMPLETE}}) { totalCount } }",
            json!({}),
        )
        .await;
    let complete = d["orders"]["totalCount"].as_u64().unwrap() as usize;
    let (st, _, _, text) = download(&fs, &format!("{ORDERS}?format=ndjson&status=complete")).await;
    assert_eq!(st, 200, "{text}");
    let orders = lines(&text);
    assert_eq!(orders.len(), complete);
    assert!(orders.iter().all(|o| o["status"] == "complete"));
    assert!(orders
        .iter()
        .all(|o| o["line_items"].as_array().is_some_and(|l| !l.is_empty())));

    let (st, _, _, text) = download(&fs, &format!("{ORDERS}?format=csv")).await;
    assert_eq!(st, 200);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.iter().next_back(), Some("line_items"));
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 300);
    let lines_cell: Value = serde_json::from_str(&records[0][header.len() - 1]).unwrap();
    assert!(
        lines_cell[0]["id"].as_str().unwrap().starts_with("li_"),
        "{lines_cell}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_export_refuses_before_it_starts() {
    let app = spawn().await;
    app.seed("alpha", 3, 3).await;
    let fs = Fs::new(&app, "alpha", "customers:read").await;
    for (query, message) in [
        ("format=xml", "format: must be json, ndjson or csv"),
        ("format=csv&limit=5", "limit: does not apply to an export"),
        ("format=ndjson&cursor=abc", "cursor: "),
        (
            "format=ndjson&format=csv",
            "format: is given more than once",
        ),
        ("format=csv&created_at_min=later", "created_at_min: "),
    ] {
        let (st, body) = fs.get(&format!("{CUSTOMERS}?{query}")).await;
        assert_error(st, &body, 400, "validation_error", message);
    }
    let (st, body) = fs.get(&format!("{ORDERS}?format=ndjson")).await;
    assert_error(st, &body, 403, "forbidden", "");
    // `format=json` is the page.
    let (st, body) = fs.get(&format!("{CUSTOMERS}?format=json&limit=2")).await;
    assert_eq!((st, body["data"].as_array().unwrap().len()), (200, 2));
}
