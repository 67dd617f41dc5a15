//! `PUT /api/integrations/v1/stores`: the seed's example, its errors and statuses.

use diesel_async::SimpleAsyncConnection;
use reqwest::Method;
use serde_json::{json, Value};

use super::{assert_error, Fs};
use crate::common::{spawn, TestApp};

const PATH: &str = "/api/integrations/v1/stores";

/// The request body of `firespark-integrations-upsert-stores.txt`, byte for byte.
const SEED_BODY: &str = r#"[
    {
      "id": "pos-location-01",
      "brand_id": "0001",
      "name": "Main Street",
      "status": "ACTIVE",
      "timezone": "America/Guayaquil",
      "contact": {
        "email": "main@merchant.com",
        "phone": "+593991234567"
      },
      "location": {
        "latitude": -2.1894,
        "longitude": -79.8891,
        "address_line_1": "Calle Principal 456",
        "city": "Guayaquil",
        "country": "Ecuador",
        "postal_code": "090101",
        "business_name": "Main Street Restaurant"
      },
      "channels": {
        "APP": {
          "id": "app-main",
          "uid": "b2c3d4e5-f6a7-8901-bcde-f12345678901",
          "name": "Mobile app",
          "fulfillment": {
            "DELIVERY": {
              "uid": "c3d4e5f6-a7b8-9012-cdef-123456789012",
              "id": "delivery",
              "type": "DELIVERY",
              "name": "Delivery",
              "pricing": {
                "is_tax_inclusive": false,
                "minimum_order_value": 10,
                "maximum_order_value": 200,
                "tax_rate": 0.15,
                "fees": []
              },
              "coverage_zones": [],
              "availability": {
                "status": "OPEN",
                "schedules": [{
                  "monday": { "start_time": "10:00:00", "end_time": "22:00:00" },
                  "tuesday": { "start_time": "10:00:00", "end_time": "22:00:00" },
                  "wednesday": { "start_time": "10:00:00", "end_time": "22:00:00" },
                  "thursday": { "start_time": "10:00:00", "end_time": "22:00:00" },
                  "friday": { "start_time": "10:00:00", "end_time": "22:00:00" }
                }]
              }
            }
          }
        }
      },
      "payments": {
        "orderable": true,
        "methods": []
      },
      "cms_template_id": "d4e5f6a7-b8c9-0123-def4-567890abcdef"
    }
  ]"#;

/// The CMS template the seed's example assigns, for `merchant`.
async fn seed_template(app: &TestApp, merchant: &str) {
    let mut conn = app.conn().await;
    conn.batch_execute(&format!(
        "INSERT INTO cms_templates (merchant_id, id, entity, name)
         SELECT id, 'd4e5f6a7-b8c9-0123-def4-567890abcdef', 'STORES', 'Store page' FROM merchants WHERE slug = '{merchant}'"
    ))
    .await
    .unwrap();
}

async fn stores_count(app: &TestApp) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.conn().await;
    diesel_async::RunQueryDsl::load::<N>(
        diesel::sql_query("SELECT count(*) AS n FROM stores"),
        &mut conn,
    )
    .await
    .unwrap()[0]
        .n
}

async fn put(fs: &Fs<'_>, brand: Option<&str>, body: &str) -> (u16, Value) {
    let headers: Vec<(&str, &str)> = brand.map(|b| ("x-brand-id", b)).into_iter().collect();
    fs.send(Method::PUT, PATH, &headers, Some(body)).await
}

fn example() -> Value {
    serde_json::from_str::<Value>(SEED_BODY).unwrap()[0].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seed_example_creates_then_updates() {
    let app = spawn().await;
    let fs = Fs::new(&app, "acme", "stores:write").await;
    seed_template(&app, "acme").await;
    let (st, body) = put(&fs, Some("0001"), SEED_BODY).await;
    assert_eq!(
        (st, body),
        (200, json!({"data": {"created": 1, "updated": 0}}))
    );
    let (st, body) = put(&fs, Some("0001"), SEED_BODY).await;
    assert_eq!(
        (st, body),
        (200, json!({"data": {"created": 0, "updated": 1}}))
    );
    // Without the header, the merchant's stores are all eligible.
    let (st, body) = put(&fs, None, SEED_BODY).await;
    assert_eq!(
        (st, body),
        (200, json!({"data": {"created": 0, "updated": 1}}))
    );
    // The store as GraphQL reads it.
    let key = app.api_key("acme", "stores:read").await;
    let d = app
        .data(
            &key,
            "{ stores(first: 5) { nodes { externalId name location { postalCode } brand { externalId } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        d["stores"]["nodes"],
        json!([{"externalId": "pos-location-01", "name": "Main Street",
                "location": {"postalCode": "090101"}, "brand": {"externalId": "0001"}}])
    );
    // An API key with the scope works too.
    let key = app.api_key("acme", "stores:write").await;
    let res = app
        .http
        .put(app.url(PATH))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(SEED_BODY)
        .send()
        .await
        .unwrap();
    let (st, body) = super::read(res).await;
    assert_eq!(
        (st, body),
        (200, json!({"data": {"created": 0, "updated": 1}}))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn field_validation_is_a_400_naming_the_field_and_writes_nothing() {
    let app = spawn().await;
    let fs = Fs::new(&app, "acme", "stores:write").await;
    seed_template(&app, "acme").await;
    let mut bad = example();
    bad["location"]["postal_code"] = json!("09A101");
    let (st, body) = put(&fs, None, &json!([bad]).to_string()).await;
    assert_eq!(st, 400);
    assert_eq!(
        body,
        json!({"error": "validation_error", "message": "location.postal_code: Postal code must be numbers only"})
    );
    // A valid store before an invalid one is not written either.
    let mut second = example();
    second["id"] = json!("pos-location-02");
    second["contact"]["phone"] = json!("0991234567");
    let (st, body) = put(&fs, None, &json!([example(), second]).to_string()).await;
    assert_error(st, &body, 400, "validation_error", "contact.phone: ");
    // A template of no one, a new store without a name, a bad status.
    let mut s = example();
    s["cms_template_id"] = json!("00000000-0000-0000-0000-000000000000");
    let (st, body) = put(&fs, None, &json!([s]).to_string()).await;
    assert_error(st, &body, 400, "validation_error", "cms_template_id: ");
    let (st, body) = put(&fs, None, r#"[{"id": "new"}]"#).await;
    assert_error(st, &body, 400, "validation_error", "name: ");
    let (st, body) = put(
        &fs,
        None,
        r#"[{"id": "new", "name": "N", "status": "OPEN"}]"#,
    )
    .await;
    assert_error(st, &body, 400, "validation_error", "status: ");
    let (st, body) = put(&fs, None, r#"[{"id": "bad id!", "name": "N"}]"#).await;
    assert_error(st, &body, 400, "validation_error", "id: ");
    let (st, body) = put(&fs, None, r#"[7]"#).await;
    assert_eq!(st, 400, "{body}");
    assert_eq!(body["error"], "validation_error");
    // More stores than the upsert takes: the body is named.
    let many: Vec<Value> = (0..501)
        .map(|i| json!({"id": format!("s{i}"), "name": "x"}))
        .collect();
    let (st, body) = put(&fs, None, &json!(many).to_string()).await;
    assert_error(st, &body, 400, "validation_error", "body: ");
    assert_eq!(stores_count(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_request_is_a_400_and_never_a_500() {
    let app = spawn().await;
    let fs = Fs::new(&app, "acme", "stores:write").await;
    for (body, message) in [
        (
            "{\"id\": \"x\"}",
            "body: must be a JSON array, not an object",
        ),
        ("[{\"id\": ", "body: is not valid JSON"),
        ("\"stores\"", "body: must be a JSON array, not a string"),
        ("", "body: is required"),
    ] {
        let (st, b) = put(&fs, None, body).await;
        assert_error(st, &b, 400, "validation_error", message);
    }
    let (st, b) = fs
        .send(
            Method::PUT,
            PATH,
            &[("content-type", "text/plain")],
            Some("[]"),
        )
        .await;
    assert_error(st, &b, 415, "unsupported_media_type", "Content-Type: ");
    for brand in ["bad brand", "", &"b".repeat(65), "0001,0002"] {
        let (st, b) = put(&fs, Some(brand), "[]").await;
        assert_error(st, &b, 400, "validation_error", "x-brand-id: ");
    }
    let (st, b) = fs
        .send(
            Method::PUT,
            &format!("{PATH}?dry_run=true"),
            &[],
            Some("[]"),
        )
        .await;
    assert_error(
        st,
        &b,
        400,
        "validation_error",
        "dry_run: is not a parameter",
    );
    // Unknown paths and methods under the dialect's prefixes answer in its body.
    let (st, b) = fs.get("/api/integrations/v1/nothing").await;
    assert_error(st, &b, 404, "not_found", "no route GET");
    let (st, b) = fs.get(PATH).await;
    assert_error(st, &b, 405, "method_not_allowed", "");
    // An empty list writes nothing.
    let (st, b) = put(&fs, None, "[]").await;
    assert_eq!(
        (st, b),
        (200, json!({"data": {"created": 0, "updated": 0}}))
    );
    assert_eq!(stores_count(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_and_scopes() {
    let app = spawn().await;
    seed_template(&app, "acme").await;
    let res = app
        .http
        .put(app.url(PATH))
        .header("content-type", "application/json")
        .body(SEED_BODY)
        .send()
        .await
        .unwrap();
    let (st, b) = super::read(res).await;
    assert_error(st, &b, 401, "unauthorized", "Missing access token");
    let res = app
        .http
        .put(app.url(PATH))
        .bearer_auth("not-a-token")
        .body(SEED_BODY)
        .send()
        .await
        .unwrap();
    let (st, b) = super::read(res).await;
    assert_error(st, &b, 401, "unauthorized", "");
    let reader = Fs::new(&app, "acme", "stores:read customers:write").await;
    let (st, b) = put(&reader, Some("0001"), SEED_BODY).await;
    assert_error(st, &b, 403, "forbidden", "");
    assert_eq!(stores_count(&app).await, 0);
}

const CREATE_OVERRIDE: &str =
    "mutation($s: ID!, $f: String!, $v: JSON!, $a: DateTime!, $b: DateTime!) {
    storeScheduledOverrideCreate(storeId: $s, field: $f, value: $v, startsAt: $a, endsAt: $b) {
      scheduledOverride { id } userErrors { field code message } } }";

#[tokio::test(flavor = "multi_thread")]
async fn business_rules_are_422_named_by_their_code() {
    let app = spawn().await;
    let fs = Fs::new(&app, "acme", "stores:write").await;
    seed_template(&app, "acme").await;
    // The same id twice.
    let (st, b) = put(&fs, None, &json!([example(), example()]).to_string()).await;
    assert_error(st, &b, 422, "duplicate_in_request", "id: ");
    // The body's brand differs from the header's.
    let (st, b) = put(&fs, Some("0002"), SEED_BODY).await;
    assert_error(st, &b, 422, "brand_mismatch", "brand_id: ");
    assert_eq!(stores_count(&app).await, 0);

    // A scheduled override holding `status`.
    assert_eq!(put(&fs, Some("0001"), SEED_BODY).await.0, 200);
    let key = app.api_key("acme", "stores:read stores:write").await;
    let d = app
        .data(&key, "{ stores(first: 1) { nodes { id } } }", json!({}))
        .await;
    let now = chrono::Utc::now();
    let d = app
        .data(
            &key,
            CREATE_OVERRIDE,
            json!({"s": d["stores"]["nodes"][0]["id"], "f": "status", "v": "INACTIVE",
                   "a": (now - chrono::Duration::hours(1)).to_rfc3339(),
                   "b": (now + chrono::Duration::hours(1)).to_rfc3339()}),
        )
        .await;
    assert!(
        d["storeScheduledOverrideCreate"]["scheduledOverride"]["id"].is_string(),
        "{d}"
    );
    let (st, b) = put(
        &fs,
        None,
        r#"[{"id": "pos-location-01", "status": "INACTIVE"}]"#,
    )
    .await;
    assert_error(st, &b, 422, "scheduled_override_conflict", "status: ");
    // Another brand's store under a header.
    let (st, b) = put(
        &fs,
        Some("0002"),
        r#"[{"id": "pos-location-01", "name": "X"}]"#,
    )
    .await;
    assert_error(st, &b, 422, "brand_mismatch", "id: ");
    // Fields the override does not hold go through.
    let (st, b) = put(
        &fs,
        None,
        r#"[{"id": "pos-location-01", "name": "Renamed"}]"#,
    )
    .await;
    assert_eq!(
        (st, b),
        (200, json!({"data": {"created": 0, "updated": 1}}))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_id_of_another_merchant_is_another_store() {
    let app = spawn().await;
    let acme = Fs::new(&app, "acme", "stores:write").await;
    let globex = Fs::new(&app, "globex", "stores:write").await;
    seed_template(&app, "acme").await;
    seed_template(&app, "globex").await;
    assert_eq!(
        put(&acme, Some("0001"), SEED_BODY).await.1["data"]["created"],
        1
    );
    // Globex syncing the same POS id creates its own store and leaves Acme's alone.
    let mut other = example();
    other["name"] = json!("Globex Main");
    let (st, b) = put(&globex, Some("0001"), &json!([other]).to_string()).await;
    assert_eq!(
        (st, b),
        (200, json!({"data": {"created": 1, "updated": 0}}))
    );
    let key = app.api_key("acme", "stores:read").await;
    let d = app
        .data(&key, "{ stores(first: 5) { nodes { name } } }", json!({}))
        .await;
    assert_eq!(d["stores"]["nodes"], json!([{"name": "Main Street"}]));
    assert_eq!(stores_count(&app).await, 2);
}
