//! `storesUpsert`: the Fire spark integrations store upsert, replayed against real PostgreSQL.

use crate::common::{error_code, spawn, TestApp};
use diesel_async::SimpleAsyncConnection;
use serde_json::{json, Value};

mod constraints;

const UPSERT: &str = "mutation($b: String, $s: [JSON!]!) { storesUpsert(brandId: $b, stores: $s) {
    created updated userErrors { field code message } } }";

const READ: &str = r#"query($id: String!) { stores(filter: { externalId: { eq: $id } }) { totalCount nodes {
    id externalId name status timezone cmsTemplateId brand { externalId }
    contact { email phone name } location { latitude longitude addressLine1 city country postalCode businessName unitNumber }
    channels { code externalId uid name fulfillment { type externalId name instructions
      pricing { isTaxInclusive minimumOrderValue maximumOrderValue taxRate fees { externalId type amount percentage name } }
      coverageZones { name type radiusMeters polygon { latitude longitude } }
      availability { status temporaryClosedUntil schedules { monday { startTime endTime } sunday { startTime } } } } }
    payments { orderable methods { method minimumOrderValue providers { id name status } } }
    scheduledOverrides { id field } } } }"#;

/// The request body of the spec, verbatim.
fn example() -> Value {
    json!({
      "id": "pos-location-01",
      "brand_id": "0001",
      "name": "Main Street",
      "status": "ACTIVE",
      "timezone": "America/Guayaquil",
      "contact": { "email": "main@merchant.com", "phone": "+593991234567" },
      "location": {
        "latitude": -2.1894, "longitude": -79.8891, "address_line_1": "Calle Principal 456",
        "city": "Guayaquil", "country": "Ecuador", "postal_code": "090101",
        "business_name": "Main Street Restaurant"
      },
      "channels": { "APP": {
        "id": "app-main", "uid": "b2c3d4e5-f6a7-8901-bcde-f12345678901", "name": "Mobile app",
        "fulfillment": { "DELIVERY": {
          "uid": "c3d4e5f6-a7b8-9012-cdef-123456789012", "id": "delivery", "type": "DELIVERY",
          "name": "Delivery",
          "pricing": { "is_tax_inclusive": false, "minimum_order_value": 10,
                       "maximum_order_value": 200, "tax_rate": 0.15, "fees": [] },
          "coverage_zones": [],
          "availability": { "status": "OPEN", "schedules": [{
            "monday": { "start_time": "10:00:00", "end_time": "22:00:00" },
            "tuesday": { "start_time": "10:00:00", "end_time": "22:00:00" },
            "wednesday": { "start_time": "10:00:00", "end_time": "22:00:00" },
            "thursday": { "start_time": "10:00:00", "end_time": "22:00:00" },
            "friday": { "start_time": "10:00:00", "end_time": "22:00:00" }
          }] }
        } }
      } },
      "payments": { "orderable": true, "methods": [] },
      "cms_template_id": "d4e5f6a7-b8c9-0123-def4-567890abcdef"
    })
}

async fn seed_template(app: &TestApp, merchant: &str) {
    let mut conn = app.conn().await;
    conn.batch_execute(&format!(
        "INSERT INTO cms_templates (merchant_id, id, entity, name)
         SELECT id, 'd4e5f6a7-b8c9-0123-def4-567890abcdef', 'STORES', 'Store page' FROM merchants WHERE slug = '{merchant}';
         INSERT INTO cms_templates (merchant_id, id, entity, name)
         SELECT id, 'e5f6a7b8-c9d0-1234-ef56-7890abcdef01', 'PRODUCTS', 'Product page' FROM merchants WHERE slug = '{merchant}'"
    ))
    .await
    .unwrap();
}

async fn upsert(app: &TestApp, key: &str, brand: Option<&str>, stores: Value) -> Value {
    app.data(key, UPSERT, json!({ "b": brand, "s": stores }))
        .await["storesUpsert"]
        .clone()
}

async fn read(app: &TestApp, key: &str, id: &str) -> Value {
    let d = app.data(key, READ, json!({ "id": id })).await;
    if d["stores"]["totalCount"] == 0 {
        return Value::Null;
    }
    d["stores"]["nodes"][0].clone()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = app.conn().await;
    diesel_async::RunQueryDsl::load::<N>(diesel::sql_query(sql), &mut conn)
        .await
        .unwrap()[0]
        .n
}

async fn setup() -> (TestApp, String) {
    let app = spawn().await;
    let key = app.api_key("acme", "stores:write").await;
    seed_template(&app, "acme").await;
    (app, key)
}

#[tokio::test(flavor = "multi_thread")]
async fn spec_example_creates_then_updates_and_reads_back() {
    let (app, key) = setup().await;
    let r = upsert(&app, &key, Some("0001"), json!([example()])).await;
    assert_eq!(r, json!({ "created": 1, "updated": 0, "userErrors": [] }));
    let r = upsert(&app, &key, Some("0001"), json!([example()])).await;
    assert_eq!(r, json!({ "created": 0, "updated": 1, "userErrors": [] }));

    // The store as read back: every field of the spec example, stored and formatted.
    let s = read(&app, &key, "pos-location-01").await;
    crate::assert_body_snapshot!(s, { ".id" => "[id]" });
    // The second call replaced the channel configuration rather than duplicating it.
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM store_channels").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM store_fulfillments").await,
        1
    );
    assert_eq!(count(&app, "SELECT count(*) AS n FROM brands").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn omitted_fields_keep_their_values_and_nested_rows_are_replaced() {
    let (app, key) = setup().await;
    let mut full = example();
    full["channels"]["APP"]["fulfillment"]["DELIVERY"]["pricing"]["fees"] = json!([
        { "id": "fee-1", "type": "FIXED", "tax_inclusive": true, "name": { "en": "Delivery fee" }, "amount": 2.5, "percentage": 0 }
    ]);
    full["channels"]["APP"]["fulfillment"]["DELIVERY"]["coverage_zones"] = json!([
        { "name": "Center", "type": "RADIUS", "radius_info": { "latitude": -2.19, "longitude": -79.88, "radius": 5000 } },
        { "name": "North", "type": "POLYGON", "polygon_info": { "polygon": [[-2.1, -79.9], [-2.0, -79.9], [-2.0, -79.8]] } }
    ]);
    full["payments"]["methods"] = json!([{ "method": "CREDIT", "minimum_order_value": "1.50", "maximum_order_value": 500,
        "providers": [{ "id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890", "name": "Stripe", "status": "ACTIVE" }] }]);
    let r = upsert(&app, &key, None, json!([full])).await;
    assert_eq!(r["created"], 1, "{r}");

    // Only the name: everything else stays.
    let r = upsert(
        &app,
        &key,
        None,
        json!([{ "id": "pos-location-01", "name": "Renamed" }]),
    )
    .await;
    assert_eq!(r, json!({ "created": 0, "updated": 1, "userErrors": [] }));
    let s = read(&app, &key, "pos-location-01").await;
    assert_eq!(s["name"], "Renamed");
    assert_eq!(s["contact"]["email"], "main@merchant.com");
    assert_eq!(s["cmsTemplateId"], "d4e5f6a7-b8c9-0123-def4-567890abcdef");
    assert_eq!(s["brand"]["externalId"], "0001");
    let f = &s["channels"][0]["fulfillment"][0];
    assert_eq!(f["pricing"]["fees"][0]["amount"], "2.50");
    assert_eq!(f["pricing"]["fees"][0]["name"]["en"], "Delivery fee");
    assert_eq!(f["coverageZones"][0]["radiusMeters"], "5000");
    assert_eq!(f["coverageZones"][1]["polygon"][2]["longitude"], -79.8);
    assert_eq!(s["payments"]["methods"][0]["minimumOrderValue"], "1.50");
    assert_eq!(
        s["payments"]["methods"][0]["providers"][0]["name"],
        "Stripe"
    );

    // Null clears the template; `channels: {}` removes all channels; orderable alone keeps methods.
    let r = upsert(
        &app,
        &key,
        None,
        json!([{ "id": "pos-location-01", "cms_template_id": null,
        "channels": {}, "payments": { "orderable": false } }]),
    )
    .await;
    assert_eq!(r["updated"], 1, "{r}");
    let s = read(&app, &key, "pos-location-01").await;
    assert_eq!(s["cmsTemplateId"], Value::Null);
    assert_eq!(s["channels"], json!([]));
    assert_eq!(s["payments"]["orderable"], false);
    assert_eq!(s["payments"]["methods"][0]["method"], "CREDIT");
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM store_fulfillment_fees").await,
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_store_twice_in_one_request_is_a_duplicate() {
    let (app, key) = setup().await;
    let r = upsert(&app, &key, None, json!([example(), example()])).await;
    assert_eq!(r["userErrors"][0]["field"], json!(["stores", "1", "id"]));
    assert_eq!(r["userErrors"][0]["code"], "DUPLICATE_IN_REQUEST");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_timezone_is_refused() {
    let (app, key) = setup().await;
    let mut s = example();
    s["timezone"] = json!("Mars/Olympus");
    let r = upsert(&app, &key, None, json!([s])).await;
    assert_eq!(
        r["userErrors"][0]["field"],
        json!(["stores", "0", "timezone"])
    );
}

/// A template of another entity, or one that does not exist: 400-style NOT_FOUND.
#[tokio::test(flavor = "multi_thread")]
async fn a_template_of_another_entity_or_none_is_not_found() {
    let (app, key) = setup().await;
    for t in [
        "e5f6a7b8-c9d0-1234-ef56-7890abcdef01",
        "00000000-0000-0000-0000-000000000000",
    ] {
        let mut s = example();
        s["cms_template_id"] = json!(t);
        let r = upsert(&app, &key, None, json!([s])).await;
        assert_eq!(
            r["userErrors"][0]["field"],
            json!(["stores", "0", "cms_template_id"]),
            "{r}"
        );
        assert_eq!(r["userErrors"][0]["code"], "NOT_FOUND");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_store_needs_a_name() {
    let (app, key) = setup().await;
    let r = upsert(&app, &key, None, json!([{ "id": "new-store" }])).await;
    assert_eq!(r["userErrors"][0]["field"], json!(["stores", "0", "name"]));
    assert_eq!(r["userErrors"][0]["code"], "REQUIRED");
}

#[tokio::test(flavor = "multi_thread")]
async fn more_than_500_stores_are_refused_and_none_written() {
    let (app, key) = setup().await;
    let many: Vec<Value> = (0..501)
        .map(|i| json!({ "id": format!("s{i}"), "name": "x" }))
        .collect();
    let r = upsert(&app, &key, None, json!(many)).await;
    assert_eq!(r["userErrors"][0]["code"], "LIMIT_EXCEEDED");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM stores").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn brand_header_scopes_the_upsert() {
    let (app, key) = setup().await;
    // Body brand differs from the header.
    let r = upsert(&app, &key, Some("0002"), json!([example()])).await;
    assert_eq!(
        r["userErrors"][0]["field"],
        json!(["stores", "0", "brand_id"])
    );
    assert_eq!(r["userErrors"][0]["code"], "BRAND_MISMATCH");
    // Malformed header.
    let r = upsert(&app, &key, Some("bad brand"), json!([example()])).await;
    assert_eq!(r["userErrors"][0]["field"], json!(["brandId"]));

    // A new store without brand_id gets the header's brand (created on the fly).
    let r = upsert(
        &app,
        &key,
        Some("0002"),
        json!([{ "id": "kiosk-1", "name": "Kiosk" }]),
    )
    .await;
    assert_eq!(r["created"], 1, "{r}");
    assert_eq!(
        read(&app, &key, "kiosk-1").await["brand"]["externalId"],
        "0002"
    );
    // Brand 0001's store cannot be touched under header 0002…
    upsert(&app, &key, None, json!([example()])).await;
    let r = upsert(
        &app,
        &key,
        Some("0002"),
        json!([{ "id": "pos-location-01", "name": "X" }]),
    )
    .await;
    assert_eq!(r["userErrors"][0]["code"], "BRAND_MISMATCH");
    assert_eq!(r["userErrors"][0]["field"], json!(["stores", "0", "id"]));
    assert_eq!(
        read(&app, &key, "pos-location-01").await["name"],
        "Main Street"
    );
    // …but can under its own header, and without one.
    let r = upsert(
        &app,
        &key,
        Some("0001"),
        json!([{ "id": "pos-location-01", "name": "Y" }]),
    )
    .await;
    assert_eq!(r["updated"], 1, "{r}");
    let r = upsert(&app, &key, None, json!([{ "id": "kiosk-1", "name": "Z" }])).await;
    assert_eq!(r["updated"], 1, "{r}");
}

const CREATE_OVERRIDE: &str = "mutation($s: ID!, $f: String!, $v: JSON!, $a: DateTime!, $b: DateTime!) {
    storeScheduledOverrideCreate(storeId: $s, field: $f, value: $v, startsAt: $a, endsAt: $b, reason: \"Renovation\") {
      scheduledOverride { id field value reason active } userErrors { field code message } } }";
const DELETE_OVERRIDE: &str = "mutation($id: ID!) { storeScheduledOverrideDelete(id: $id) { deletedId userErrors { field code } } }";

fn window() -> (String, String) {
    let now = chrono::Utc::now();
    (
        (now - chrono::Duration::hours(1)).to_rfc3339(),
        (now + chrono::Duration::hours(1)).to_rfc3339(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn scheduled_override_conflict_is_refused_until_removed() {
    let (app, key) = setup().await;
    upsert(&app, &key, None, json!([example()])).await;
    let store = read(&app, &key, "pos-location-01").await;
    let (a, b) = window();

    // Bad field and bad window are user errors.
    let d = app
        .data(
            &key,
            CREATE_OVERRIDE,
            json!({ "s": store["id"], "f": "colour", "v": "x", "a": a, "b": b }),
        )
        .await;
    assert_eq!(
        d["storeScheduledOverrideCreate"]["userErrors"][0]["field"],
        json!(["field"])
    );
    let d = app
        .data(
            &key,
            CREATE_OVERRIDE,
            json!({ "s": store["id"], "f": "status", "v": "x", "a": b, "b": a }),
        )
        .await;
    assert_eq!(
        d["storeScheduledOverrideCreate"]["userErrors"][0]["field"],
        json!(["endsAt"])
    );

    let d = app
        .data(
            &key,
            CREATE_OVERRIDE,
            json!({ "s": store["id"], "f": "status", "v": "INACTIVE", "a": a, "b": b }),
        )
        .await;
    let o = &d["storeScheduledOverrideCreate"]["scheduledOverride"];
    assert_eq!(o["active"], true, "{d}");
    let override_id = o["id"].clone();
    let d = app
        .data(
            &key,
            CREATE_OVERRIDE,
            json!({ "s": store["id"], "f": "channels.APP", "v": {}, "a": a, "b": b }),
        )
        .await;
    let channel_override = d["storeScheduledOverrideCreate"]["scheduledOverride"]["id"].clone();

    // Re-sending the same status is fine (not a change); changing it is refused.
    let mut same = example();
    same.as_object_mut().unwrap().remove("channels");
    let r = upsert(&app, &key, None, json!([same])).await;
    assert_eq!(r["updated"], 1, "{r}");
    let r = upsert(
        &app,
        &key,
        None,
        json!([{ "id": "pos-location-01", "status": "INACTIVE" }]),
    )
    .await;
    assert_eq!(r["userErrors"][0]["code"], "SCHEDULED_OVERRIDE_CONFLICT");
    assert_eq!(
        r["userErrors"][0]["field"],
        json!(["stores", "0", "status"])
    );
    // Sending channels conflicts with the channels.APP override.
    let r = upsert(&app, &key, None, json!([example()])).await;
    assert_eq!(r["userErrors"][0]["code"], "SCHEDULED_OVERRIDE_CONFLICT");
    assert_eq!(
        r["userErrors"][0]["field"],
        json!(["stores", "0", "channels"])
    );
    // Unrelated fields go through.
    let r = upsert(
        &app,
        &key,
        None,
        json!([{ "id": "pos-location-01", "name": "Other" }]),
    )
    .await;
    assert_eq!(r["updated"], 1, "{r}");

    for id in [override_id, channel_override] {
        let d = app.data(&key, DELETE_OVERRIDE, json!({ "id": id })).await;
        assert_eq!(d["storeScheduledOverrideDelete"]["deletedId"], id);
    }
    let r = upsert(
        &app,
        &key,
        None,
        json!([{ "id": "pos-location-01", "status": "INACTIVE" }, ]),
    )
    .await;
    assert_eq!(r["updated"], 1, "{r}");
    assert_eq!(
        read(&app, &key, "pos-location-01").await["status"],
        "INACTIVE"
    );

    // An override that already ended does not block.
    let mut conn = app.conn().await;
    conn.batch_execute("INSERT INTO store_scheduled_overrides (merchant_id, store_id, field, value, starts_at, ends_at)
        SELECT merchant_id, id, 'name', '\"Old\"', now() - interval '2 hours', now() - interval '1 hour' FROM stores").await.unwrap();
    let r = upsert(
        &app,
        &key,
        None,
        json!([{ "id": "pos-location-01", "name": "Fresh" }]),
    )
    .await;
    assert_eq!(r["updated"], 1, "{r}");
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_without_stores_write() {
    let app = spawn().await;
    let read_only = app.api_key("acme", "stores:read").await;
    let body = app
        .gql(&read_only, UPSERT, json!({ "s": [example()] }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = app
        .gql(&read_only, DELETE_OVERRIDE, json!({ "id": "sov_x" }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert_eq!(count(&app, "SELECT count(*) AS n FROM stores").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn tenants_are_isolated() {
    let (app, a) = setup().await;
    let b = app.api_key("globex", "stores:write").await;
    seed_template(&app, "globex").await;
    upsert(&app, &a, None, json!([example()])).await;
    let store_a = read(&app, &a, "pos-location-01").await;
    let (s, e) = window();
    let d = app
        .data(
            &a,
            CREATE_OVERRIDE,
            json!({ "s": store_a["id"], "f": "status", "v": "INACTIVE", "a": s, "b": e }),
        )
        .await;
    let override_a = d["storeScheduledOverrideCreate"]["scheduledOverride"]["id"].clone();

    // B's upsert with the same external id creates B's own store.
    let mut mine = example();
    mine["name"] = json!("Globex Main");
    mine["status"] = json!("INACTIVE");
    let r = upsert(&app, &b, None, json!([mine])).await;
    assert_eq!(r, json!({ "created": 1, "updated": 0, "userErrors": [] }));
    assert_eq!(
        read(&app, &a, "pos-location-01").await["name"],
        "Main Street"
    );
    assert_eq!(
        read(&app, &b, "pos-location-01").await["name"],
        "Globex Main"
    );
    assert_eq!(count(&app, "SELECT count(*) AS n FROM stores").await, 2);

    // B cannot delete A's override, nor schedule one on A's store.
    let d = app
        .data(&b, DELETE_OVERRIDE, json!({ "id": override_a }))
        .await;
    assert_eq!(
        d["storeScheduledOverrideDelete"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    let d = app
        .data(
            &b,
            CREATE_OVERRIDE,
            json!({ "s": store_a["id"], "f": "name", "v": "x", "a": s, "b": e }),
        )
        .await;
    assert_eq!(
        d["storeScheduledOverrideCreate"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    assert_eq!(
        count(&app, "SELECT count(*) AS n FROM store_scheduled_overrides").await,
        1
    );
}

/// `userErrors.kind` says whether a code is a malformed field (VALIDATION: REST 400) or a
/// business rule (RULE: REST 422), as the domain classes each code.
#[tokio::test(flavor = "multi_thread")]
async fn user_errors_carry_the_kind_of_their_code() {
    let (app, key) = setup().await;
    let q = "mutation($s: [JSON!]!) { storesUpsert(stores: $s) { userErrors { code kind } } }";
    let mut bad = example();
    bad["location"]["postal_code"] = json!("09A1");
    let d = app.data(&key, q, json!({ "s": [bad] })).await;
    assert_eq!(
        d["storesUpsert"]["userErrors"],
        json!([{ "code": "INVALID", "kind": "VALIDATION" }])
    );
    let d = app
        .data(&key, q, json!({ "s": [example(), example()] }))
        .await;
    assert_eq!(
        d["storesUpsert"]["userErrors"],
        json!([{ "code": "DUPLICATE_IN_REQUEST", "kind": "RULE" }])
    );
}
