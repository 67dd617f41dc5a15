//! Orders batches: buyers by legacy id or by ID, lines by SKU or variant ID, totals, status and
//! times kept as given; unknown references are row errors with the row's index.

use super::*;

const BY_NUMBER: &str = "query($numbers: [String!]) {
  orders(first: 50, filter: { number: { in: $numbers } }, sort: { field: CREATED_AT, direction: ASC }) {
    totalCount
    nodes { id number status paymentStatus fulfillmentStatus email currency itemCount itemTotal
            taxTotal total externalId createdAt completedAt canceledAt customerId
            lineItems { variantId quantity price total } } } }";

/// (a variant's ID, its SKU) of the seeded catalog, and a seeded customer's ID and email.
async fn fixtures(app: &TestApp, key: &str) -> (Vec<(String, String)>, String, String) {
    let d = app
        .data(
            key,
            r#"{ variants(first: 3, filter: { sku: { isNull: false } }) { nodes { id sku } }
                 customers(first: 1, filter: { externalId: { eq: "legacy-2" } }) { nodes { id email } } }"#,
            json!({}),
        )
        .await;
    let variants = d["variants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap().to_owned(),
                v["sku"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let c = &d["customers"]["nodes"][0];
    (
        variants,
        c["id"].as_str().unwrap().to_owned(),
        c["email"].as_str().unwrap().to_owned(),
    )
}

fn order_rows(variants: &[(String, String)], customer: &str) -> Vec<Value> {
    vec![
        json!({
            "externalId": "O-1", "number": "LEG-1", "customerExternalId": "legacy-1",
            "currency": "usd", "status": "COMPLETE",
            "createdAt": "2020-01-02T03:04:05Z", "completedAt": "2020-01-02T04:00:00Z",
            "taxTotal": "2.00", "total": "30.00",
            "lineItems": [{ "sku": variants[0].1, "quantity": 2, "price": "14.00" }],
        }),
        json!({
            "externalId": "O-2", "number": "LEG-2", "customerId": customer,
            "currency": "USD", "status": "CANCELED", "paymentStatus": "void",
            "createdAt": "2020-02-02T03:04:05Z", "completedAt": "2020-02-02T04:00:00Z",
            "canceledAt": "2020-02-03T00:00:00Z", "total": "9.99",
            "lineItems": [
                { "variantId": variants[1].0, "quantity": 1, "price": "9.99" },
                { "variantId": variants[2].0, "sku": variants[2].1, "quantity": 1, "price": "0", "metadata": { "gift": true } },
            ],
        }),
    ]
}

async fn import_orders(app: &TestApp, key: &str, rows: Vec<Value>, policy: &str) -> Value {
    app.data(
        key,
        IMPORT_ORDERS,
        json!({ "rows": rows, "policy": policy }),
    )
    .await["migrationOrdersImport"]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn historical_orders_keep_what_was_given_and_re_sending_changes_nothing() {
    let app = spawn_quiet().await;
    app.seed("acme", 5, 0).await;
    let key = app.token("acme", MIG).await;
    let (variants, customer, customer_email) = fixtures(&app, &key).await;
    let rows = order_rows(&variants, &customer);
    let p = import_orders(&app, &key, rows.clone(), "REJECT_EVERYTHING").await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    assert_eq!(p["batch"]["kind"], "ORDERS");
    assert_eq!(p["batch"]["createdRows"], 2);

    let d = app
        .data(&key, BY_NUMBER, json!({ "numbers": ["LEG-1", "LEG-2"] }))
        .await;
    let o = &d["orders"]["nodes"];
    assert_eq!(o[0]["status"], "COMPLETE");
    assert_eq!(o[0]["currency"], "USD");
    assert_eq!(o[0]["paymentStatus"], "paid");
    assert_eq!(o[0]["email"], "customer1@example.com");
    // As given, not repriced: the lines' prices and the totals.
    assert_eq!(
        (
            &o[0]["itemTotal"],
            &o[0]["taxTotal"],
            &o[0]["total"],
            &o[0]["itemCount"]
        ),
        (&json!("28.00"), &json!("2.00"), &json!("30.00"), &json!(2))
    );
    assert_eq!(o[0]["lineItems"][0]["price"], "14.00");
    assert_eq!(o[0]["lineItems"][0]["total"], "28.00");
    assert_eq!(o[0]["createdAt"], "2020-01-02T03:04:05+00:00");
    assert_eq!(o[0]["completedAt"], "2020-01-02T04:00:00+00:00");
    assert_eq!(o[0]["externalId"], "O-1");
    assert_eq!(o[1]["status"], "CANCELED");
    assert_eq!(o[1]["paymentStatus"], "void");
    assert_eq!(o[1]["customerId"], customer);
    assert_eq!(o[1]["email"], customer_email);
    assert_eq!(o[1]["lineItems"].as_array().unwrap().len(), 2);
    assert_eq!(o[1]["lineItems"][1]["variantId"], variants[2].0);

    let again = import_orders(&app, &key, rows.clone(), "REJECT_EVERYTHING").await;
    assert_eq!(
        (
            &again["batch"]["createdRows"],
            &again["batch"]["unchangedRows"]
        ),
        (&json!(0), &json!(2))
    );
    let d2 = app
        .data(&key, BY_NUMBER, json!({ "numbers": ["LEG-1", "LEG-2"] }))
        .await;
    assert_eq!(d, d2);

    // A changed line replaces the order's lines.
    let mut changed = rows;
    changed[0]["lineItems"][0]["quantity"] = json!(3);
    changed[0]["lineItems"][0]["total"] = json!("42.00");
    changed[0]["total"] = json!("44.00");
    let p = import_orders(&app, &key, changed, "REJECT_EVERYTHING").await;
    assert_eq!(
        (&p["batch"]["updatedRows"], &p["batch"]["unchangedRows"]),
        (&json!(1), &json!(1))
    );
    let d = app
        .data(&key, BY_NUMBER, json!({ "numbers": ["LEG-1"] }))
        .await;
    let o = &d["orders"]["nodes"][0];
    assert_eq!(
        (&o["itemCount"], &o["itemTotal"], &o["total"]),
        (&json!(3), &json!("42.00"), &json!("44.00"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_references_are_row_errors_with_the_rows_index() {
    let app = spawn_quiet().await;
    app.seed("acme", 5, 0).await;
    app.seed("other", 3, 0).await;
    let key = app.token("acme", MIG).await;
    let (variants, _, _) = fixtures(&app, &key).await;
    let other_key = app.token("other", MIG).await;
    let (_, foreign_customer, _) = fixtures(&app, &other_key).await;
    let mut rows = order_rows(&variants, &foreign_customer);
    rows[1]["customerId"] = Value::Null;
    rows[1]["customerExternalId"] = json!("nobody");
    rows[1]["lineItems"][0] = json!({ "sku": "NO-SUCH-SKU", "quantity": 1, "price": "1" });
    let mut foreign = rows[0].clone();
    foreign["externalId"] = json!("O-3");
    foreign["number"] = json!("LEG-3");
    foreign["customerExternalId"] = Value::Null;
    foreign["customerId"] = json!(foreign_customer);
    rows.push(foreign);

    let p = import_orders(&app, &key, rows.clone(), "REJECT_EVERYTHING").await;
    assert!(p["batch"].is_null(), "{p}");
    let fields: Vec<(Value, Value)> = p["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].clone(), e["code"].clone()))
        .collect();
    assert_eq!(
        fields,
        [
            (
                json!(["rows", "1", "customerExternalId"]),
                json!("NOT_FOUND")
            ),
            (
                json!(["rows", "1", "lineItems", "0", "sku"]),
                json!("NOT_FOUND")
            ),
            (json!(["rows", "2", "customerId"]), json!("NOT_FOUND")),
        ]
    );
    let d = app
        .data(
            &key,
            BY_NUMBER,
            json!({ "numbers": ["LEG-1", "LEG-2", "LEG-3"] }),
        )
        .await;
    assert_eq!(d["orders"]["totalCount"], 0);

    let p = import_orders(&app, &key, rows, "REJECT_FAILED_ROWS").await;
    assert_eq!(
        (&p["batch"]["createdRows"], &p["batch"]["errorCount"]),
        (&json!(1), &json!(2))
    );
    let d = app
        .data(
            &key,
            BY_NUMBER,
            json!({ "numbers": ["LEG-1", "LEG-2", "LEG-3"] }),
        )
        .await;
    assert_eq!(d["orders"]["totalCount"], 1);

    // Field checks: a placed order needs its completion time; duplicates in one batch.
    let mut bad = order_rows(&variants, &foreign_customer)[..1].to_vec();
    bad[0]["completedAt"] = Value::Null;
    bad.push(bad[0].clone());
    bad[1]["completedAt"] = json!("2020-01-02T04:00:00Z");
    bad[1]["number"] = json!("LEG-9");
    let p = import_orders(&app, &key, bad, "REJECT_EVERYTHING").await;
    let fields: Vec<Value> = p["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(
        fields,
        [
            json!(["rows", "0", "completedAt"]),
            json!(["rows", "1", "externalId"])
        ]
    );
}
