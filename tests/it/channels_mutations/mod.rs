//! Channel writes: CRUD with code format and uniqueness, one default per merchant, IN_USE when
//! orders reference a channel, bulk publish / unpublish (idempotent, per-item errors, error
//! policy, constant statements), scopes and tenant isolation.

use crate::common::{error_code, spawn, TestApp};
use commerce_gateway::ids::{self, Kind};
use diesel_async::RunQueryDsl;
use serde_json::{json, Value};

mod create_update;
mod publishing;

const RW: &str = "stores:write,catalog:read";

const CREATE: &str = "mutation($input: ChannelCreateInput!, $key: String) {
  channelCreate(input: $input, idempotencyKey: $key) {
    channel { id code name active isDefault updatedAt } userErrors { field code message } } }";

const UPDATE: &str = "mutation($id: ID!, $input: ChannelUpdateInput!, $at: DateTime) {
  channelUpdate(id: $id, input: $input, expectedUpdatedAt: $at) {
    channel { id code name active isDefault updatedAt } userErrors { field code message } } }";

const DELETE: &str = "mutation($id: ID!) { channelDelete(id: $id) {
    channel { id } deletedId userErrors { field code message } } }";

const PUBLISH: &str = "mutation($ch: ID!, $ids: [ID!]!, $policy: ErrorPolicy) {
  channelPublishProducts(channelId: $ch, productIds: $ids, errorPolicy: $policy) {
    channel { code } results { index product { id } userErrors { field code } }
    userErrors { field code message } } }";

const UNPUBLISH: &str = "mutation($ch: ID!, $ids: [ID!]!, $policy: ErrorPolicy) {
  channelUnpublishProducts(channelId: $ch, productIds: $ids, errorPolicy: $policy) {
    channel { code } results { index product { id } userErrors { field code } }
    userErrors { field code message } } }";

const CHANNELS: &str = "{ channels(first: 50) { nodes { id code name active isDefault } } }";

fn errors(payload: &Value) -> Vec<(Value, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].clone(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

async fn channels(app: &TestApp, key: &str) -> Vec<Value> {
    app.data(key, CHANNELS, json!({})).await["channels"]["nodes"]
        .as_array()
        .unwrap()
        .clone()
}

async fn channel_id(app: &TestApp, key: &str, code: &str) -> String {
    channels(app, key)
        .await
        .into_iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no channel {code}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn defaults(list: &[Value]) -> Vec<String> {
    list.iter()
        .filter(|c| c["isDefault"] == true)
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn product_ids(app: &TestApp, key: &str) -> Vec<String> {
    app.data(key, "{ products(first: 50) { nodes { id } } }", json!({}))
        .await["products"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn published(app: &TestApp, key: &str, channel: &str) -> Vec<String> {
    let d = app
        .data(
            key,
            "query($id: ID!) { channel(id: $id) { products(first: 250) { id } } }",
            json!({ "id": channel }),
        )
        .await;
    let mut ids: Vec<String> = d["channel"]["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_default_changes_leave_exactly_one_default() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let url = app.url("/graphql");
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({ "query": CREATE, "variables": { "input": {
                "code": format!("C{i}"), "name": format!("Channel {i}"), "isDefault": true } } });
            let res = reqwest::Client::new()
                .post(url)
                .bearer_auth(key)
                .json(&body)
                .send()
                .await
                .unwrap();
            res.json::<Value>().await.unwrap()
        }));
    }
    for t in tasks {
        let body = t.await.unwrap();
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(
            body["data"]["channelCreate"]["userErrors"],
            json!([]),
            "{body}"
        );
    }
    let list = channels(&app, &key).await;
    assert_eq!(list.len(), 12);
    assert_eq!(defaults(&list).len(), 1, "{list:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_is_refused_while_orders_reference_the_channel() {
    let app = spawn().await;
    app.seed("acme", 5, 20).await;
    let key = app.api_key("acme", RW).await;
    let web = channel_id(&app, &key, "WEB").await;
    let d = app.data(&key, DELETE, json!({ "id": web })).await;
    let p = &d["channelDelete"];
    assert_eq!(errors(p), [(json!(["id"]), "IN_USE".into())]);
    assert!(p["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("orders"));
    assert_eq!(p["deletedId"], Value::Null);
    assert_eq!(channels(&app, &key).await.len(), 4);

    // An unused channel goes, with its publications.
    let d = app
        .data(
            &key,
            CREATE,
            json!({ "input": { "code": "TEMP", "name": "Temp" } }),
        )
        .await;
    let temp = d["channelCreate"]["channel"]["id"].clone();
    let products = product_ids(&app, &key).await;
    let d = app
        .data(&key, PUBLISH, json!({ "ch": temp, "ids": products[..3] }))
        .await;
    assert_eq!(d["channelPublishProducts"]["userErrors"], json!([]));
    let d = app.data(&key, DELETE, json!({ "id": temp })).await;
    assert_eq!(d["channelDelete"]["userErrors"], json!([]));
    assert_eq!(d["channelDelete"]["deletedId"], temp);
    assert_eq!(channels(&app, &key).await.len(), 4);
    assert_eq!(product_ids(&app, &key).await.len(), 24, "products stay");
}

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

#[tokio::test(flavor = "multi_thread")]
async fn publishing_500_products_costs_the_same_few_statements_as_5() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let mut conn = app.conn().await;
    let rows: Vec<Id> = diesel::sql_query(
        "INSERT INTO products (merchant_id, name, slug) \
         SELECT m.id, 'Bulk ' || g, 'bulk-' || g FROM merchants m, generate_series(1, 505) g \
         WHERE m.slug = 'acme' RETURNING id",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let all: Vec<String> = rows
        .iter()
        .map(|r| ids::encode(Kind::Product, r.id))
        .collect();
    // A JWT: authenticating it needs no statement, so the count is the mutation's alone.
    let token = app.token("acme", RW).await;
    let kiosk = channel_id(&app, &token, "KIOSK").await;
    let pos = channel_id(&app, &token, "POS").await;
    // Warm the pool and caches.
    app.data(&token, PUBLISH, json!({ "ch": pos, "ids": all[..1] }))
        .await;

    let mut counts = Vec::new();
    for ids in [&all[..5], &all[5..]] {
        let before = app.statements();
        let d = app
            .data(&token, PUBLISH, json!({ "ch": kiosk, "ids": ids }))
            .await;
        counts.push(app.statements() - before);
        assert_eq!(d["channelPublishProducts"]["userErrors"], json!([]));
    }
    let before = app.statements();
    let d = app
        .data(&token, UNPUBLISH, json!({ "ch": kiosk, "ids": all[5..] }))
        .await;
    counts.push(app.statements() - before);
    assert_eq!(d["channelUnpublishProducts"]["userErrors"], json!([]));
    println!("statements to publish 5, publish 500, unpublish 500 products: {counts:?}");
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert_eq!(counts[1], counts[2], "{counts:?}");
    // BEGIN, lookup, SAVEPOINT, write, RELEASE, COMMIT; then the payload's products and channel.
    assert!(counts[1] <= 8, "{counts:?}");
    assert_eq!(published(&app, &token, &kiosk).await.len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn channel_writes_need_stores_write_and_an_idempotency_key_creates_once() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let catalog = app.api_key("acme", "catalog:write,stores:read").await;
    let body = app
        .gql(
            &catalog,
            CREATE,
            json!({ "input": { "code": "X", "name": "X" } }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let kiosk = channel_id(&app, &catalog, "KIOSK").await;
    let body = app
        .gql(&catalog, PUBLISH, json!({ "ch": kiosk, "ids": [] }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");

    let key = app.api_key("acme", RW).await;
    let vars = json!({ "input": { "code": "ONCE", "name": "Once" }, "key": "ch-once" });
    let a = app.data(&key, CREATE, vars.clone()).await;
    let b = app.data(&key, CREATE, vars).await;
    assert_eq!(a["channelCreate"]["userErrors"], json!([]));
    assert_eq!(b["channelCreate"]["userErrors"], json!([]));
    assert_eq!(
        a["channelCreate"]["channel"]["id"],
        b["channelCreate"]["channel"]["id"]
    );
    assert_eq!(channels(&app, &key).await.len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_channels_are_not_found_and_unchanged() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    app.seed("globex", 0, 0).await;
    let acme = app.api_key("acme", RW).await;
    let globex = app.api_key("globex", RW).await;
    let theirs = channel_id(&app, &globex, "APP").await;
    let their_products = product_ids(&app, &globex).await;
    let d = app
        .data(
            &globex,
            PUBLISH,
            json!({ "ch": theirs, "ids": their_products[..2] }),
        )
        .await;
    assert_eq!(d["channelPublishProducts"]["userErrors"], json!([]));
    let before = channels(&app, &globex).await;
    let published_before = published(&app, &globex, &theirs).await;

    let d = app
        .data(
            &acme,
            UPDATE,
            json!({ "id": theirs, "input": { "name": "Hacked", "isDefault": true } }),
        )
        .await;
    assert_eq!(
        errors(&d["channelUpdate"]),
        [(json!(["id"]), "NOT_FOUND".into())]
    );
    let d = app.data(&acme, DELETE, json!({ "id": theirs })).await;
    assert_eq!(
        errors(&d["channelDelete"]),
        [(json!(["id"]), "NOT_FOUND".into())]
    );
    let ours = product_ids(&app, &acme).await;
    for q in [PUBLISH, UNPUBLISH] {
        let d = app
            .data(
                &acme,
                q,
                json!({ "ch": theirs, "ids": [ours[0], their_products[0]], "policy": "REJECT_FAILED_ROWS" }),
            )
            .await;
        let p = d
            .get("channelPublishProducts")
            .or(d.get("channelUnpublishProducts"))
            .unwrap();
        assert!(
            errors(p).contains(&(json!(["channelId"]), "NOT_FOUND".into())),
            "{p}"
        );
        assert!(
            errors(p).contains(&(json!(["productIds", "1"]), "NOT_FOUND".into())),
            "{p}"
        );
    }
    // An acme default channel does not touch globex's default.
    let d = app
        .data(
            &acme,
            CREATE,
            json!({ "input": { "code": "NEWDEF", "name": "N", "isDefault": true } }),
        )
        .await;
    assert_eq!(d["channelCreate"]["userErrors"], json!([]));
    assert_eq!(channels(&app, &globex).await, before);
    assert_eq!(defaults(&before), ["WEB"]);
    assert_eq!(published(&app, &globex, &theirs).await, published_before);
    assert_eq!(published_before.len(), 2);
}

/// Every store configuration code of the merchant behind `key`, sorted.
async fn store_config_codes(app: &TestApp, key: &str) -> Vec<String> {
    let d = app
        .data(
            key,
            "{ stores(first: 50) { nodes { channels { code } } } }",
            json!({}),
        )
        .await;
    let mut codes: Vec<String> = d["stores"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["channels"].as_array().unwrap().clone())
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes
}

#[tokio::test(flavor = "multi_thread")]
async fn renaming_a_channel_code_carries_the_store_configurations_along() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    app.seed("globex", 0, 0).await;
    let acme = app
        .api_key("acme", "stores:write,stores:read,catalog:read")
        .await;
    let globex = app.api_key("globex", "stores:read").await;
    let globex_before = store_config_codes(&app, &globex).await;
    let before = store_config_codes(&app, &acme).await;
    let app_configs = before.iter().filter(|c| *c == "APP").count();
    assert!(app_configs > 0, "the seed configures stores for APP");

    let app_channel = channel_id(&app, &acme, "APP").await;
    let d = app
        .data(
            &acme,
            UPDATE,
            json!({ "id": app_channel, "input": { "code": "MOBILE" } }),
        )
        .await;
    assert_eq!(d["channelUpdate"]["userErrors"], json!([]));
    let after = store_config_codes(&app, &acme).await;
    assert_eq!(after.iter().filter(|c| *c == "APP").count(), 0);
    assert_eq!(after.iter().filter(|c| *c == "MOBILE").count(), app_configs);
    assert_eq!(after.len(), before.len());
    // The other merchant's APP configurations stay where they were.
    assert_eq!(store_config_codes(&app, &globex).await, globex_before);

    // A code some store is already configured under (with no channel of that code) is refused,
    // and nothing changes.
    let web = channel_id(&app, &acme, "WEB").await;
    let d = app.data(&acme, DELETE, json!({ "id": web })).await;
    assert_eq!(d["channelDelete"]["userErrors"], json!([]));
    let d = app
        .data(
            &acme,
            UPDATE,
            json!({ "id": app_channel, "input": { "code": "WEB" } }),
        )
        .await;
    assert_eq!(
        errors(&d["channelUpdate"]),
        [(json!(["input", "code"]), "TAKEN".into())]
    );
    assert_eq!(store_config_codes(&app, &acme).await, after);
}
