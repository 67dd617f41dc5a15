//! The two `curl` examples of `sparkpay-online-store-api.txt`, as written there (only the
//! placeholders `[MyAccessToken]` and `https://[mystorename.com]` replaced), pasted into a
//! shell against `serve --demo`.

use serde_json::Value;

use crate::common::spawn;
use crate::demo::{paste, start};

/// The seed's product list request.
const LIST: &str =
    "curl -H 'X-AC-Auth-Token: [MyAccessToken]' https://[mystorename.com]/api/v1/products.json";

/// The seed's product create request, line continuations inside the quoted body included.
const CREATE: &str = r#"curl -H 'Content-Type: application/json' \
-H 'X-AC-Auth-Token: [MyAccessToken]' \
-d '{ \
"item_name": "My test product", \
"item_number": "mytestproduct", \
"product_status_id": 1, \
"primary_category_id": 1
}' \
https://[mystorename.com]/api/v1/products.json"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_s_curl_examples_work_as_written_after_serve_demo() {
    let app = spawn().await;
    let (_server, lines) = start(&app.db_url, &["--json"]);
    let printed: Value = serde_json::from_str(&lines.join("\n")).expect("one JSON object");
    let base = printed["graphql"]
        .as_str()
        .and_then(|g| g.strip_suffix("/graphql"))
        .expect("the base URL");
    let key = printed["api_key"].as_str().expect("the API key");
    let fill = |command: &str| {
        command
            .replace("[MyAccessToken]", key)
            .replace("https://[mystorename.com]", base)
    };

    let list = paste(&fill(LIST));
    let products = list["products"].as_array().expect("a products list");
    let total = list["total_count"].as_u64().unwrap();
    assert_eq!(
        total,
        printed["demo"]["products"].as_u64().unwrap(),
        "{list:#}"
    );
    assert_eq!(
        products.len() as u64,
        total.min(100),
        "a page of the default count"
    );
    assert!(products[0]["id"].is_u64() && products[0]["item_name"].is_string());
    assert_eq!(list["previous_page"], Value::Null);

    let created = paste(&fill(CREATE));
    assert!(created["id"].is_u64(), "{created}");
    assert_eq!(created["item_name"], "My test product");
    assert_eq!(created["item_number"], "mytestproduct");
    assert_eq!(created["product_status_id"], 1);
    // Categories are outside our domain: accepted, ignored.
    assert_eq!(created["primary_category_id"], Value::Null);

    // It is there for the next reader, once.
    let again = paste(&format!(
        "curl -s -H 'X-AC-Auth-Token: {key}' '{base}/api/v1/products.json?item_name=My+test+product'"
    ));
    let found = again["products"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{again}");
    assert_eq!(found[0]["id"], created["id"]);
    assert_eq!(again["total_count"].as_u64(), Some(1));
    let after = paste(&fill(LIST));
    assert_eq!(after["total_count"].as_u64(), Some(total + 1));
}
