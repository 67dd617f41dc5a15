//! The pages a person opens in a browser — GraphiQL (`GET /graphql`) and the operations dashboard
//! (`GET /dashboard`) — in headless Chromium that can reach the gateway and nothing else.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::common::browser::Browser;
use crate::common::spawn;

const READ_ALL: &str = "customers:read,orders:read,stores:read,catalog:read";

/// Every URL the page loaded is the gateway's.
async fn assert_only_gateway(browser: &Browser, origin: &str) {
    let urls = browser.loaded_urls().await;
    assert!(urls.len() > 1, "{urls:?}");
    for url in &urls {
        assert!(
            url.starts_with(origin),
            "{url} is not from the gateway ({origin})"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn graphiql_renders_the_schema_explorer_and_runs_a_query_without_internet_access() {
    let Some(browser) = Browser::start("graphiql").await else {
        return;
    };
    let app = spawn().await;
    app.seed("m", 10, 30).await;
    let key = app.api_key("m", READ_ALL).await;

    // The assets come from the binary, versioned and cacheable.
    let js = app
        .http
        .get(app.url("/graphiql/4.1.2/graphiql.min.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
    assert_eq!(
        js.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(js.text().await.unwrap().len() > 500_000);
    let missing = app
        .http
        .get(app.url("/graphiql/9.9.9/graphiql.min.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    browser
        .goto(&app.url(&format!("/graphql#token={key}")))
        .await;
    // The token left the address bar once read.
    let href = browser
        .wait_for(
            "GraphiQL to start",
            "return document.querySelector('.graphiql-execute-button') && location.href",
            30,
        )
        .await;
    assert!(!href.as_str().unwrap().contains(&key), "{href}");
    // The header editor holds the credential.
    let headers = browser
        .wait_for(
            "the header editor",
            "const e = document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden)'); \
             return e && e.innerText.includes('Authorization') && e.innerText",
            15,
        )
        .await;
    assert!(headers.as_str().unwrap().contains(&key), "{headers}");

    browser
        .click("button[aria-label='Show Documentation Explorer']")
        .await;
    let explorer = browser
        .wait_for(
            "the schema explorer",
            "const d = document.querySelector('.graphiql-doc-explorer'); \
             return d && d.innerText.includes('Query') && d.innerText",
            30,
        )
        .await;
    assert!(
        explorer.as_str().unwrap().contains("Root Types"),
        "{explorer}"
    );
    browser.click("a.graphiql-doc-explorer-type-name").await;
    browser
        .wait_for(
            "the Query type's fields",
            "const d = document.querySelector('.graphiql-doc-explorer'); \
             return d && d.innerText.includes('orderStats') && d.innerText.includes('customers')",
            15,
        )
        .await;

    browser.click(".graphiql-execute-button").await;
    let result = browser
        .wait_for(
            "the query's result",
            "const r = document.querySelector('.graphiql-response'); \
             return r && r.innerText.includes('totalCount') && r.innerText",
            30,
        )
        .await;
    assert!(
        result.as_str().unwrap().contains("\"totalCount\": 30"),
        "{result}"
    );
    assert_only_gateway(&browser, &app.url("/")).await;
    browser.screenshot("graphiql").await;
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("not a decimal: {v}")))
        .unwrap_or_else(|e| panic!("{v}: {e}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_shows_what_order_stats_says_and_its_field_picker_edits_the_query() {
    let Some(browser) = Browser::start("dashboard").await else {
        return;
    };
    let app = spawn().await;
    app.seed("m", 40, 600).await;
    let key = app.api_key("m", READ_ALL).await;

    browser
        .goto(&app.url(&format!(
            "/dashboard?from=2025-01-01&to=2025-02-28#token={key}"
        )))
        .await;
    browser
        .wait_for(
            "the figures",
            "return document.body.dataset.state === 'ready' && document.querySelectorAll('#chart g.day').length",
            30,
        )
        .await;
    let page = browser
        .eval(
            "const rows = (sel, f) => [...document.querySelectorAll(sel)].map(f); return {
               summary: {count: document.getElementById('summary').dataset.count,
                         total: document.getElementById('summary').dataset.total},
               days: document.querySelectorAll('#chart g.day').length,
               segments: rows('#chart rect', r => [r.dataset.channel, r.dataset.total]),
               channels: rows('#channels tbody tr', r => [r.dataset.channel, r.dataset.count, r.dataset.total]),
               statuses: rows('#statuses tbody tr', r => [r.dataset.status, r.dataset.count]),
               top: rows('#top-customers tbody tr', r => r.dataset.total),
               orders: document.querySelectorAll('#orders tbody tr').length,
               error: document.getElementById('message').textContent }",
            json!([]),
        )
        .await;
    assert_eq!(page["error"], "", "{page}");
    assert_eq!(page["days"], 59, "one bar per day of January and February");

    // The same figures straight from the API.
    // The seed spreads 600 orders over about 55 days from 2025-01-01.
    let range = json!({"gte": "2025-01-01T00:00:00Z", "lt": "2025-03-01T00:00:00Z"});
    let placed = json!({"status": {"in": ["COMPLETE", "RETURNED"]}, "completedAt": range});
    let created = json!({"createdAt": range});
    let api = app
        .data(
            &key,
            "query($placed: OrderFilter, $created: OrderFilter) {
               overall: orderStats(filter: $placed, groupBy: []) { count total }
               byChannel: orderStats(filter: $placed, groupBy: [CHANNEL]) { channel { name } count total }
               byStatus: orderStats(filter: $created, groupBy: [STATUS], dateField: CREATED_AT) { status count }
               topCustomers(filter: $placed, first: 10) { total }
             }",
            json!({"placed": placed, "created": created}),
        )
        .await;
    let overall = &api["overall"][0];
    assert!(overall["count"].as_i64().unwrap() > 10, "{api}");
    assert_eq!(page["summary"]["count"], overall["count"].to_string());
    assert_eq!(dec(&page["summary"]["total"]), dec(&overall["total"]));

    let channels: Vec<(String, String, Decimal)> = api["byChannel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["channel"]["name"]
                    .as_str()
                    .unwrap_or("No channel")
                    .to_owned(),
                b["count"].to_string(),
                dec(&b["total"]),
            )
        })
        .collect();
    let shown: Vec<(String, String, Decimal)> = page["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().to_owned(),
                r[1].as_str().unwrap().to_owned(),
                dec(&r[2]),
            )
        })
        .collect();
    assert_eq!(shown, channels);
    // The chart's segments add up, per channel, to the channel totals.
    let mut charted: BTreeMap<String, Decimal> = BTreeMap::new();
    for seg in page["segments"].as_array().unwrap() {
        *charted
            .entry(seg[0].as_str().unwrap().to_owned())
            .or_default() += dec(&seg[1]);
    }
    let expected: BTreeMap<String, Decimal> =
        channels.iter().map(|(n, _, t)| (n.clone(), *t)).collect();
    assert_eq!(charted, expected);

    let statuses: Vec<Value> = api["byStatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| json!([b["status"], b["count"].to_string()]))
        .collect();
    assert_eq!(page["statuses"], Value::Array(statuses));
    let top: Vec<Decimal> = api["topCustomers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| dec(&t["total"]))
        .collect();
    let shown_top: Vec<Decimal> = page["top"].as_array().unwrap().iter().map(dec).collect();
    assert!(!top.is_empty());
    assert_eq!(shown_top, top);
    assert!(page["orders"].as_i64().unwrap() > 0, "{page}");

    // The field picker: a new column, and the query shown says what was sent.
    let before = browser
        .eval("return document.querySelectorAll('#orders thead th[data-field=\"channel.name\"]').length", json!([]))
        .await;
    assert_eq!(before, 0);
    browser.click("#field-channel-name").await;
    let cells = browser
        .wait_for(
            "the channel column",
            "const th = document.querySelector('#orders thead th[data-field=\"channel.name\"]'); \
             if (!th || document.body.dataset.state !== 'ready') return null; \
             const i = [...th.parentNode.children].indexOf(th); \
             return [...document.querySelectorAll('#orders tbody tr')].map(r => r.children[i].textContent)",
            15,
        )
        .await;
    assert!(
        cells
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().is_some_and(|s| !s.is_empty())),
        "{cells}"
    );
    let query = browser
        .eval(
            "return document.getElementById('orders-query').textContent",
            json!([]),
        )
        .await;
    assert!(
        query.as_str().unwrap().contains("channel { name }"),
        "{query}"
    );
    assert_only_gateway(&browser, &app.url("/")).await;
    let shot = browser.screenshot("dashboard").await;
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_files_are_served_with_a_policy_that_allows_only_the_gateway() {
    let app = spawn().await;
    for (path, kind) in [
        ("/dashboard", "text/html"),
        ("/dashboard/dashboard.js", "text/javascript"),
        ("/dashboard/dashboard.css", "text/css"),
    ] {
        let res = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with(kind), "{path}: {ct}");
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"),
            "{csp}"
        );
    }
    let res = app
        .http
        .get(app.url("/dashboard/secrets.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}
