//! Catalog writes: products with nested variants (master created as the seed does), slugs,
//! SKU uniqueness (TAKEN / DUPLICATE_IN_REQUEST), bulk create with error policies, optimistic
//! concurrency, retiring sold products, MASTER_VARIANT refusals, constraint races reported on the field,
//! scopes and tenant isolation.

use std::time::Duration;

use crate::common::{error_code, spawn, TestApp};
use commerce_gateway::ids::{self, Kind};
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use serde_json::{json, Value};

mod bulk_and_prices;
mod variants;

const RW: &str = "catalog:write";

const PRODUCT_FIELDS: &str = "id name slug description status updatedAt
    variants { id sku optionsText position isMaster updatedAt }";

fn create_q() -> String {
    format!(
        "mutation($input: ProductCreateInput!, $key: String) {{
          productCreate(input: $input, idempotencyKey: $key) {{
            product {{ {PRODUCT_FIELDS} }} deletedId userErrors {{ field code message }} }} }}"
    )
}

fn bulk_q() -> String {
    format!(
        "mutation($input: [ProductCreateInput!]!, $policy: ErrorPolicy) {{
          productsCreate(input: $input, errorPolicy: $policy) {{
            products {{ {PRODUCT_FIELDS} }}
            results {{ index product {{ id slug }} userErrors {{ field code }} }}
            userErrors {{ field code message }} }} }}"
    )
}

fn update_q() -> String {
    format!(
        "mutation($id: ID!, $input: ProductUpdateInput!, $at: DateTime) {{
          productUpdate(id: $id, input: $input, expectedUpdatedAt: $at) {{
            product {{ {PRODUCT_FIELDS} }} userErrors {{ field code message }} }} }}"
    )
}

const DELETE: &str = "mutation($id: ID!) { productDelete(id: $id) {
    product { id } deletedId userErrors { field code message } } }";

const VARIANT_FIELDS: &str = "id sku optionsText position isMaster updatedAt product { id }";

fn variant_create_q() -> String {
    format!(
        "mutation($p: ID!, $input: VariantCreateInput!) {{
          variantCreate(productId: $p, input: $input) {{
            variant {{ {VARIANT_FIELDS} }} userErrors {{ field code message }} }} }}"
    )
}

fn variant_update_q() -> String {
    format!(
        "mutation($id: ID!, $input: VariantUpdateInput!, $at: DateTime) {{
          variantUpdate(id: $id, input: $input, expectedUpdatedAt: $at) {{
            variant {{ {VARIANT_FIELDS} }} userErrors {{ field code message }} }} }}"
    )
}

const VARIANT_DELETE: &str = "mutation($id: ID!) { variantDelete(id: $id) {
    variant { id } deletedId userErrors { field code message } } }";

fn errors(payload: &Value) -> Vec<(Value, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].clone(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

async fn product(app: &TestApp, key: &str, id: &Value) -> Value {
    app.data(
        key,
        &format!("query($id: ID!) {{ product(id: $id) {{ {PRODUCT_FIELDS} }} }}"),
        json!({ "id": id }),
    )
    .await["product"]
        .clone()
}

async fn product_count(app: &TestApp, key: &str) -> i64 {
    app.data(key, "{ products { totalCount } }", json!({}))
        .await["products"]["totalCount"]
        .as_i64()
        .unwrap()
}

async fn by_slug(app: &TestApp, key: &str, slug: &str) -> Value {
    app.data(
        key,
        &format!(
            "query($s: String!) {{ products(filter: {{ slug: {{ eq: $s }} }}) {{ nodes {{ {PRODUCT_FIELDS} }} }} }}"
        ),
        json!({ "s": slug }),
    )
    .await["products"]["nodes"][0]
        .clone()
}

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// A draft order of `merchant` with one line item of `variant` (public ID); returns the order key.
async fn add_line_item(conn: &mut AsyncPgConnection, merchant: &str, variant: &str, number: &str) {
    let v = ids::decode(Kind::Variant, variant).unwrap();
    let order: Vec<Id> = diesel::sql_query(format!(
        "INSERT INTO orders (merchant_id, number, currency) \
         SELECT id, '{number}', 'USD' FROM merchants WHERE slug = '{merchant}' RETURNING id"
    ))
    .load(conn)
    .await
    .unwrap();
    diesel::sql_query(format!(
        "INSERT INTO line_items (merchant_id, order_id, variant_id, quantity, price, total) \
         SELECT merchant_id, id, {v}, 1, 5, 5 FROM orders WHERE id = {}",
        order[0].id
    ))
    .execute(conn)
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn product_create_builds_variants_like_the_seed() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;

    // The seed's products: three sizes, the first (position 0) the master.
    let seeded = by_slug(&app, &key, "classic-burger").await;
    assert_eq!(seeded["variants"][0]["isMaster"], true);
    assert_eq!(seeded["variants"][0]["position"], 0);

    // No variants: one master variant with the product's SKU; slug generated and suffixed.
    let d = app
        .data(
            &key,
            &create_q(),
            json!({ "input": { "name": "Classic Burger", "sku": "CB-NEW", "description": "Juicy" } }),
        )
        .await;
    let p = &d["productCreate"];
    assert_eq!(p["userErrors"], json!([]));
    assert!(p["product"]["id"].as_str().unwrap().starts_with("prod_"));
    assert_eq!(p["product"]["slug"], "classic-burger-2");
    assert_eq!(p["product"]["status"], "active");
    assert_eq!(p["product"]["description"], "Juicy");
    let v = p["product"]["variants"].as_array().unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0]["sku"], "CB-NEW");
    assert_eq!(v[0]["isMaster"], true);
    assert_eq!(v[0]["position"], 0);
    assert_eq!(v[0]["optionsText"], "");

    // Listed variants: the first is the master, positions follow the list.
    let d = app
        .data(
            &key,
            &create_q(),
            json!({ "input": { "name": "Crème Brûlée!", "status": "DRAFT", "variants": [
                { "sku": "CB-S", "optionsText": "Size: S" },
                { "sku": "CB-M", "optionsText": "Size: M" },
                { "optionsText": "Size: L" } ] } }),
        )
        .await;
    let p = &d["productCreate"]["product"];
    assert_eq!(d["productCreate"]["userErrors"], json!([]));
    assert_eq!(p["slug"], "creme-brulee");
    assert_eq!(p["status"], "draft");
    let v = p["variants"].as_array().unwrap();
    let shape: Vec<(Value, Value, Value)> = v
        .iter()
        .map(|v| {
            (
                v["sku"].clone(),
                v["position"].clone(),
                v["isMaster"].clone(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            (json!("CB-S"), json!(0), json!(true)),
            (json!("CB-M"), json!(1), json!(false)),
            (Value::Null, json!(2), json!(false)),
        ]
    );
    // The same name again: the next free suffix.
    let d = app
        .data(
            &key,
            &create_q(),
            json!({ "input": { "name": "Creme brulee" } }),
        )
        .await;
    assert_eq!(d["productCreate"]["product"]["slug"], "creme-brulee-2");
    assert_eq!(
        d["productCreate"]["product"]["variants"][0]["sku"],
        Value::Null
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn product_create_reports_every_rule_on_its_field() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    let before = product_count(&app, &key).await;
    let cases = [
        (json!({ "name": "" }), json!(["input", "name"]), "REQUIRED"),
        (
            json!({ "name": "n".repeat(256) }),
            json!(["input", "name"]),
            "TOO_LONG",
        ),
        (
            json!({ "name": "A", "slug": "Bad Slug" }),
            json!(["input", "slug"]),
            "INVALID",
        ),
        (
            json!({ "name": "A", "slug": "-a" }),
            json!(["input", "slug"]),
            "INVALID",
        ),
        (
            json!({ "name": "A", "slug": "classic-burger" }),
            json!(["input", "slug"]),
            "TAKEN",
        ),
        (
            json!({ "name": "A", "status": "sold" }),
            json!(["input", "status"]),
            "INVALID",
        ),
        (
            json!({ "name": "A", "sku": "CLASSIC-BURGER-S" }),
            json!(["input", "sku"]),
            "TAKEN",
        ),
        (
            json!({ "name": "A", "sku": "  " }),
            json!(["input", "sku"]),
            "INVALID",
        ),
        (
            json!({ "name": "A", "sku": "s".repeat(101) }),
            json!(["input", "sku"]),
            "TOO_LONG",
        ),
        (
            json!({ "name": "A", "sku": "X1", "variants": [{ "sku": "X2" }] }),
            json!(["input", "sku"]),
            "INVALID",
        ),
        (
            json!({ "name": "A", "variants": [{ "sku": "D-1" }, { "sku": "D-1" }] }),
            json!(["input", "variants", "1", "sku"]),
            "DUPLICATE_IN_REQUEST",
        ),
        (
            json!({ "name": "A", "variants": [{ "sku": "OK-1" }, { "sku": "SPICY-WRAP-M" }] }),
            json!(["input", "variants", "1", "sku"]),
            "TAKEN",
        ),
        (
            json!({ "name": "A", "variants": [{ "optionsText": "o".repeat(256) }] }),
            json!(["input", "variants", "0", "optionsText"]),
            "TOO_LONG",
        ),
        (
            json!({ "name": "A", "variants": (0..101).map(|_| json!({})).collect::<Vec<_>>() }),
            json!(["input", "variants"]),
            "LIMIT_EXCEEDED",
        ),
    ];
    for (input, field, code) in cases {
        let d = app.data(&key, &create_q(), json!({ "input": input })).await;
        let p = &d["productCreate"];
        assert_eq!(errors(p), [(field.clone(), code.to_owned())], "{input}");
        assert_eq!(p["product"], Value::Null);
    }
    assert_eq!(product_count(&app, &key).await, before, "nothing written");
}

#[tokio::test(flavor = "multi_thread")]
async fn products_create_in_bulk_honours_the_error_policy() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    let before = product_count(&app, &key).await;
    let input = json!([
        { "name": "Taco", "variants": [{ "sku": "T-1" }, { "sku": "T-2" }] },
        { "name": "Taco" },
        { "name": "" },
        { "name": "Nachos", "variants": [{ "sku": "T-2" }] },
        { "name": "Fries", "slug": "fries", "sku": "F-1" },
        { "name": "Fries 2", "slug": "fries" },
    ]);
    let d = app.data(&key, &bulk_q(), json!({ "input": input })).await;
    let p = &d["productsCreate"];
    assert_eq!(p["products"], json!([]), "REJECT_EVERYTHING writes nothing");
    assert_eq!(
        errors(p),
        [
            (json!(["input", "2", "name"]), "REQUIRED".into()),
            (
                json!(["input", "3", "variants", "0", "sku"]),
                "DUPLICATE_IN_REQUEST".into()
            ),
            (json!(["input", "5", "slug"]), "DUPLICATE_IN_REQUEST".into()),
        ]
    );
    assert_eq!(p["results"][0]["userErrors"], json!([]));
    assert_eq!(p["results"][0]["product"], Value::Null);
    assert_eq!(product_count(&app, &key).await, before);

    let d = app
        .data(
            &key,
            &bulk_q(),
            json!({ "input": input, "policy": "REJECT_FAILED_ROWS" }),
        )
        .await;
    let p = &d["productsCreate"];
    let slugs: Vec<&str> = p["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap())
        .collect();
    assert_eq!(
        slugs,
        ["taco", "taco-2", "fries"],
        "same names get distinct slugs"
    );
    assert_eq!(p["results"][1]["product"]["slug"], "taco-2");
    assert_eq!(p["results"][2]["product"], Value::Null);
    assert_eq!(p["products"][0]["variants"].as_array().unwrap().len(), 2);
    assert_eq!(p["products"][2]["variants"][0]["sku"], "F-1");
    assert_eq!(product_count(&app, &key).await, before + 3);

    // Request-level limits are user errors too.
    let many: Vec<Value> = (0..1001)
        .map(|i| json!({ "name": format!("P{i}") }))
        .collect();
    let d = app.data(&key, &bulk_q(), json!({ "input": many })).await;
    assert_eq!(
        d["productsCreate"]["userErrors"][0]["field"],
        json!(["input"])
    );
    assert_eq!(
        d["productsCreate"]["userErrors"][0]["code"],
        "LIMIT_EXCEEDED"
    );
    assert_eq!(product_count(&app, &key).await, before + 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_create_of_1000_products_is_a_few_statements() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let token = app.token("acme", RW).await;
    app.data(&token, "{ viewer { scopes } }", json!({})).await;
    let input: Vec<Value> = (0..1000)
        .map(|i| {
            json!({ "name": format!("Bulk product {i}"),
            "variants": [{ "sku": format!("BULK-{i}-A") }, { "sku": format!("BULK-{i}-B") }] })
        })
        .collect();
    let before = app.statements();
    let started = std::time::Instant::now();
    let d = app
        .data(
            &token,
            "mutation($input: [ProductCreateInput!]!) { productsCreate(input: $input) {
                results { index } userErrors { field code } } }",
            json!({ "input": input }),
        )
        .await;
    let statements = app.statements() - before;
    println!(
        "productsCreate of 1000 products (2000 variants): {:?}, {statements} statements",
        started.elapsed()
    );
    assert_eq!(d["productsCreate"]["userErrors"], json!([]));
    assert_eq!(
        d["productsCreate"]["results"].as_array().unwrap().len(),
        1000
    );
    assert!(statements <= 10, "multi-row statements, got {statements}");
    assert_eq!(product_count(&app, &token).await, 24 + 1000);
}

#[tokio::test(flavor = "multi_thread")]
async fn product_update_keeps_the_slug_and_checks_expected_updated_at() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    let d = app
        .data(
            &key,
            &create_q(),
            json!({ "input": { "name": "Bowl", "description": "Big" } }),
        )
        .await;
    let p = d["productCreate"]["product"].clone();

    let d = app
        .data(
            &key,
            &update_q(),
            json!({ "id": p["id"], "input": { "name": "X" }, "at": "2020-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(
        errors(&d["productUpdate"]),
        [(json!(["expectedUpdatedAt"]), "CONFLICT".into())]
    );
    let d = app
        .data(
            &key,
            &update_q(),
            json!({ "id": p["id"], "input": { "name": "Poke Bowl", "description": null, "status": "archived" }, "at": p["updatedAt"] }),
        )
        .await;
    let u = &d["productUpdate"];
    assert_eq!(u["userErrors"], json!([]));
    assert_eq!(u["product"]["name"], "Poke Bowl");
    assert_eq!(
        u["product"]["slug"], "bowl",
        "the slug does not follow the name"
    );
    assert_eq!(u["product"]["description"], Value::Null);
    assert_eq!(u["product"]["status"], "archived");

    for (input, field, code) in [
        (
            json!({ "slug": "vegan-salad" }),
            json!(["input", "slug"]),
            "TAKEN",
        ),
        (
            json!({ "slug": "UPPER" }),
            json!(["input", "slug"]),
            "INVALID",
        ),
        (json!({ "name": "" }), json!(["input", "name"]), "REQUIRED"),
        (
            json!({ "status": "gone" }),
            json!(["input", "status"]),
            "INVALID",
        ),
    ] {
        let d = app
            .data(&key, &update_q(), json!({ "id": p["id"], "input": input }))
            .await;
        assert_eq!(errors(&d["productUpdate"]), [(field, code.to_owned())]);
    }
    let d = app
        .data(
            &key,
            &update_q(),
            json!({ "id": p["id"], "input": { "slug": "poke-bowl" } }),
        )
        .await;
    assert_eq!(d["productUpdate"]["product"]["slug"], "poke-bowl");
    assert_eq!(product(&app, &key, &p["id"]).await["name"], "Poke Bowl");

    for (id, code) in [
        ("prod_!!".to_owned(), "INVALID"),
        (ids::encode(Kind::Variant, 1), "INVALID"),
        (ids::encode(Kind::Product, 987_654_321), "NOT_FOUND"),
    ] {
        let d = app
            .data(
                &key,
                &update_q(),
                json!({ "id": id, "input": { "name": "x" } }),
            )
            .await;
        assert_eq!(
            errors(&d["productUpdate"]),
            [(json!(["id"]), code.to_owned())]
        );
        let d = app.data(&key, DELETE, json!({ "id": id })).await;
        assert_eq!(
            errors(&d["productDelete"]),
            [(json!(["id"]), code.to_owned())]
        );
    }
}

#[derive(diesel::QueryableByName)]
struct SoldCount {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[tokio::test(flavor = "multi_thread")]
async fn a_product_line_items_reference_is_retired_not_deleted() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    let d = app
        .data(
            &key,
            &create_q(),
            json!({ "input": { "name": "Used", "variants": [{ "sku": "U-1" }, { "sku": "U-2" }] } }),
        )
        .await;
    let used = d["productCreate"]["product"].clone();
    let mut conn = app.conn().await;
    add_line_item(
        &mut conn,
        "acme",
        used["variants"][1]["id"].as_str().unwrap(),
        "T-1",
    )
    .await;

    let d = app.data(&key, DELETE, json!({ "id": used["id"] })).await;
    assert_eq!(d["productDelete"]["userErrors"], json!([]), "{d}");
    assert_eq!(d["productDelete"]["deletedId"], used["id"]);
    assert_eq!(product(&app, &key, &used["id"]).await, Value::Null);
    let d = app
        .data(
            &key,
            "query($id: ID!) { variants(filter: { productId: { eq: $id } }) { totalCount } \
             products(filter: { id: { eq: $id } }) { totalCount } }",
            json!({ "id": used["id"] }),
        )
        .await;
    assert_eq!(d["variants"]["totalCount"], 0, "{d}");
    assert_eq!(d["products"]["totalCount"], 0, "{d}");
    let d = app.data(&key, DELETE, json!({ "id": used["id"] })).await;
    assert_eq!(
        errors(&d["productDelete"]),
        [(json!(["id"]), "NOT_FOUND".into())],
        "a retired product is gone"
    );
    // The rows stay for the order that sold one of them, marked retired.
    let rows: Vec<SoldCount> = diesel::sql_query(
        "SELECT count(*) AS n FROM variants WHERE sku IN ('U-1', 'U-2') AND deleted_at IS NOT NULL",
    )
    .load(&mut conn)
    .await
    .unwrap();
    assert_eq!(rows[0].n, 2);
    // Its slug and SKUs are free again.
    let d = app
        .data(
            &key,
            &create_q(),
            json!({ "input": { "name": "Used", "variants": [{ "sku": "U-1" }] } }),
        )
        .await;
    assert_eq!(d["productCreate"]["userErrors"], json!([]), "{d}");
    assert_eq!(d["productCreate"]["product"]["slug"], "used");

    let d = app
        .data(&key, &create_q(), json!({ "input": { "name": "Unused" } }))
        .await;
    let unused = d["productCreate"]["product"].clone();
    let d = app.data(&key, DELETE, json!({ "id": unused["id"] })).await;
    assert_eq!(d["productDelete"]["userErrors"], json!([]));
    assert_eq!(d["productDelete"]["deletedId"], unused["id"]);
    assert_eq!(product(&app, &key, &unused["id"]).await, Value::Null);
    let d = app
        .data(
            &key,
            "query($id: ID!) { variants(filter: { productId: { eq: $id } }) { totalCount } }",
            json!({ "id": unused["id"] }),
        )
        .await;
    assert_eq!(d["variants"]["totalCount"], 0, "variants went with it");
    let d = app.data(&key, DELETE, json!({ "id": unused["id"] })).await;
    assert_eq!(
        errors(&d["productDelete"]),
        [(json!(["id"]), "NOT_FOUND".into())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sku_taken_by_a_concurrent_transaction_is_reported_as_taken() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    let before = product_count(&app, &key).await;
    // Another transaction inserts the SKU and holds it uncommitted: our pre-check cannot see
    // it, our insert waits on the unique index, then fails when that transaction commits.
    let mut other = app.conn().await;
    other
        .batch_execute(
            "BEGIN; INSERT INTO variants (merchant_id, product_id, sku) \
             SELECT merchant_id, id, 'RACE-1' FROM products ORDER BY id LIMIT 1",
        )
        .await
        .unwrap();
    let url = app.url("/graphql");
    let k = key.clone();
    let request = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(k)
            .json(&json!({ "query": create_q(), "variables": { "input": { "name": "Racer", "sku": "RACE-1" } } }))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(700)).await;
    other.batch_execute("COMMIT").await.unwrap();
    let body = request.await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    let p = &body["data"]["productCreate"];
    assert_eq!(
        errors(p),
        [(json!(["input", "sku"]), "TAKEN".into())],
        "{body}"
    );
    assert_eq!(
        product_count(&app, &key).await,
        before,
        "the product was rolled back too"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_line_item_added_concurrently_makes_the_delete_a_retirement() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    let d = app
        .data(
            &key,
            &create_q(),
            json!({ "input": { "name": "Contested" } }),
        )
        .await;
    let p = d["productCreate"]["product"].clone();
    let mut other = app.conn().await;
    other.batch_execute("BEGIN").await.unwrap();
    add_line_item(
        &mut other,
        "acme",
        p["variants"][0]["id"].as_str().unwrap(),
        "R-1",
    )
    .await;
    let url = app.url("/graphql");
    let k = key.clone();
    let id = p["id"].clone();
    let request = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(k)
            .json(&json!({ "query": DELETE, "variables": { "id": id } }))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    });
    tokio::time::sleep(Duration::from_millis(700)).await;
    other.batch_execute("COMMIT").await.unwrap();
    let body = request.await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(
        body["data"]["productDelete"]["userErrors"],
        json!([]),
        "{body}"
    );
    assert_eq!(product(&app, &key, &p["id"]).await, Value::Null);
    let sold: Vec<SoldCount> = diesel::sql_query(
        "SELECT count(*) AS n FROM line_items li JOIN variants v \
         ON v.merchant_id = li.merchant_id AND v.id = li.variant_id \
         WHERE v.deleted_at IS NOT NULL",
    )
    .load(&mut other)
    .await
    .unwrap();
    assert_eq!(sold[0].n, 1, "the line item keeps its retired variant");
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotency_key_and_scope() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    let before = product_count(&app, &key).await;
    let vars = json!({ "input": { "name": "Once", "sku": "ONCE-1" }, "key": "prod-once" });
    let a = app.data(&key, &create_q(), vars.clone()).await;
    let b = app.data(&key, &create_q(), vars).await;
    assert_eq!(a["productCreate"]["userErrors"], json!([]));
    assert_eq!(
        b["productCreate"]["userErrors"],
        json!([]),
        "the retry is not TAKEN"
    );
    assert_eq!(
        a["productCreate"]["product"]["id"],
        b["productCreate"]["product"]["id"]
    );
    assert_eq!(product_count(&app, &key).await, before + 1);

    let read = app.api_key("acme", "catalog:read,stores:write").await;
    for (q, vars) in [
        (create_q(), json!({ "input": { "name": "X" } })),
        (
            variant_update_q(),
            json!({ "id": a["productCreate"]["product"]["variants"][0]["id"], "input": {} }),
        ),
        (
            DELETE.to_owned(),
            json!({ "id": a["productCreate"]["product"]["id"] }),
        ),
    ] {
        let body = app.gql(&read, &q, vars).await;
        assert_eq!(error_code(&body), "FORBIDDEN");
    }
    assert_eq!(product_count(&app, &key).await, before + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_products_and_variants_are_not_found_and_unchanged() {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    app.seed("globex", 0, 0).await;
    let acme = app.api_key("acme", RW).await;
    let globex = app.api_key("globex", RW).await;
    let theirs = by_slug(&app, &globex, "spicy-wrap").await;
    let their_master = theirs["variants"][0]["id"].clone();
    let their_other = theirs["variants"][1]["id"].clone();

    let d = app
        .data(
            &acme,
            &update_q(),
            json!({ "id": theirs["id"], "input": { "name": "Hacked" } }),
        )
        .await;
    assert_eq!(
        errors(&d["productUpdate"]),
        [(json!(["id"]), "NOT_FOUND".into())]
    );
    let d = app.data(&acme, DELETE, json!({ "id": theirs["id"] })).await;
    assert_eq!(
        errors(&d["productDelete"]),
        [(json!(["id"]), "NOT_FOUND".into())]
    );
    let d = app
        .data(
            &acme,
            &variant_create_q(),
            json!({ "p": theirs["id"], "input": { "sku": "INJ" } }),
        )
        .await;
    assert_eq!(
        errors(&d["variantCreate"]),
        [(json!(["productId"]), "NOT_FOUND".into())]
    );
    let d = app
        .data(
            &acme,
            &variant_update_q(),
            json!({ "id": their_other, "input": { "sku": "HACK", "isMaster": true } }),
        )
        .await;
    assert_eq!(
        errors(&d["variantUpdate"]),
        [(json!(["id"]), "NOT_FOUND".into())]
    );
    for v in [&their_master, &their_other] {
        let d = app.data(&acme, VARIANT_DELETE, json!({ "id": v })).await;
        assert_eq!(
            errors(&d["variantDelete"]),
            [(json!(["id"]), "NOT_FOUND".into())]
        );
    }
    // SKUs and slugs are per merchant: acme may reuse globex's.
    let d = app
        .data(
            &acme,
            &create_q(),
            json!({ "input": { "name": "Mine", "slug": "globex-only", "sku": "GLOBEX-ONLY" } }),
        )
        .await;
    assert_eq!(d["productCreate"]["userErrors"], json!([]));
    let d = app
        .data(
            &globex,
            &create_q(),
            json!({ "input": { "name": "Theirs", "slug": "globex-only", "sku": "GLOBEX-ONLY" } }),
        )
        .await;
    assert_eq!(d["productCreate"]["userErrors"], json!([]));

    assert_eq!(
        by_slug(&app, &globex, "spicy-wrap").await,
        theirs,
        "nothing of theirs changed"
    );
}
