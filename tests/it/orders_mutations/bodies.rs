//! What an order takes besides its lines and header: billing and shipping addresses (given, or
//! copied from the customer's defaults), the buyer's note and locale, a coupon code at create,
//! line metadata, an update that sets lines by variant, and a page of an order's lines.

use super::{
    add_q, count, create_q, fixtures, mutate, ok, path, refused, transition_q, update_q, Fx,
};
use crate::common::{spawn, TestApp};
use commerce_gateway::ids::Kind;
use diesel_async::SimpleAsyncConnection;
use serde_json::{json, Value};

/// The fields this file reads of an order.
const BODY: &str = "id status customerNote locale total discountTotal couponCode { code }
  billingAddress { id firstName lastName company address1 address2 city zipcode stateName
    countryCode phone createdAt updatedAt }
  shippingAddress { id firstName address1 city zipcode stateName countryCode }
  lineItemCount lineItems { id quantity metadata variant { sku } }";

fn with_body(mutation: &str) -> String {
    format!("{mutation} {{ order {{ {BODY} }} userErrors {{ field code message }} }} }}")
}

fn create() -> String {
    with_body("mutation($input: OrderCreateInput!) { orderCreate(input: $input)")
}

fn update() -> String {
    with_body(
        "mutation($id: ID!, $input: OrderUpdateInput!) { orderUpdate(orderId: $id, input: $input)",
    )
}

async fn read(app: &TestApp, fx: &Fx, id: &str) -> Value {
    app.data(
        &fx.key,
        &format!("query($id: ID!) {{ order(id: $id) {{ {BODY} }} }}"),
        json!({ "id": id }),
    )
    .await["order"]
        .clone()
}

fn jane(city: &str) -> Value {
    json!({ "firstName": "Jane", "lastName": "Doe", "company": "Acme Inc.",
        "address1": "350 Fifth Avenue", "address2": "Floor 42", "city": city,
        "zipcode": "10118", "stateName": "NY", "countryCode": "US", "phone": "+1 212 555 1234" })
}

fn sku<'a>(o: &'a Value, sku: &str) -> Option<&'a Value> {
    o["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["variant"]["sku"] == sku)
}

/// An order keeps the addresses, note and locale it is given; an update replaces an address
/// whole, `null` removes it, and this works on a placed order too.
#[tokio::test(flavor = "multi_thread")]
async fn an_order_takes_addresses_a_note_and_a_locale() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let o = ok(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD", "email": "j@x.example",
        "customerNote": "  leave at the desk ", "locale": "en_us",
        "billingAddress": jane("New York"), "shippingAddress": jane("Brooklyn"),
        "lineItems": [ { "variantId": fx.tee, "quantity": 1 } ] } }),
    )
    .await;
    let id = o["id"].as_str().unwrap().to_owned();
    assert_eq!(o["customerNote"], "leave at the desk");
    assert_eq!(o["locale"], "en-US");
    let b = &o["billingAddress"];
    assert!(b["id"].as_str().unwrap().starts_with("addr_"), "{b}");
    assert_eq!(
        (
            &b["firstName"],
            &b["lastName"],
            &b["company"],
            &b["address2"]
        ),
        (
            &json!("Jane"),
            &json!("Doe"),
            &json!("Acme Inc."),
            &json!("Floor 42")
        )
    );
    assert_eq!(
        (
            &b["city"],
            &b["zipcode"],
            &b["stateName"],
            &b["countryCode"],
            &b["phone"]
        ),
        (
            &json!("New York"),
            &json!("10118"),
            &json!("NY"),
            &json!("US"),
            &json!("+1 212 555 1234")
        )
    );
    assert_eq!(o["shippingAddress"]["city"], "Brooklyn");
    assert_ne!(o["shippingAddress"]["id"], b["id"]);

    // Placed, the order still takes a new shipping address, loses its billing one, and its
    // note and locale change.
    ok(&app, k, &transition_q("orderComplete"), json!({ "id": id })).await;
    let o = ok(
        &app,
        k,
        &update(),
        json!({ "id": id, "input": {
        "shippingAddress": { "address1": "1 Main St", "city": "Quito", "countryCode": "EC" },
        "billingAddress": null, "customerNote": null, "locale": "es" } }),
    )
    .await;
    assert_eq!(o["status"], "COMPLETE");
    assert!(o["billingAddress"].is_null(), "{o}");
    let s = &o["shippingAddress"];
    assert_eq!(
        (
            &s["address1"],
            &s["city"],
            &s["countryCode"],
            &s["firstName"],
            &s["zipcode"]
        ),
        (
            &json!("1 Main St"),
            &json!("Quito"),
            &json!("EC"),
            &Value::Null,
            &Value::Null
        )
    );
    assert!(o["customerNote"].is_null());
    assert_eq!(o["locale"], "es");
    assert_eq!(
        count(&app, "SELECT count(*) AS id FROM order_addresses").await,
        1,
        "one address left"
    );
    // An order without any has none.
    let bare = ok(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD" } }),
    )
    .await;
    assert!(bare["billingAddress"].is_null() && bare["shippingAddress"].is_null());
    assert!(bare["customerNote"].is_null() && bare["locale"].is_null());
}

/// `useCustomerDefaultAddresses` copies the customer's defaults for each kind not given; the
/// copies stay when the address book changes.
#[tokio::test(flavor = "multi_thread")]
async fn a_customers_default_addresses_are_copied() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let ann = commerce_gateway::ids::decode(Kind::Customer, &fx.ann).unwrap();
    app.conn()
        .await
        .batch_execute(&format!(
            "INSERT INTO addresses (merchant_id, customer_id, first_name, address1, city, country_code,
                                    is_default_billing, is_default_shipping) VALUES
               ({m}, {ann}, 'Ann', '1 Bill St', 'Boston', 'US', true, false),
               ({m}, {ann}, 'Ann', '2 Ship St', 'Denver', 'US', false, true),
               ({m}, {ann}, 'Ann', '3 Other St', 'Austin', 'US', false, false)",
            m = fx.merchant
        ))
        .await
        .unwrap();
    let o = ok(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD", "customerId": fx.ann,
        "useCustomerDefaultAddresses": true, "shippingAddress": jane("Brooklyn") } }),
    )
    .await;
    assert_eq!(o["billingAddress"]["address1"], "1 Bill St");
    assert_eq!(o["billingAddress"]["firstName"], "Ann");
    assert_eq!(o["shippingAddress"]["city"], "Brooklyn", "given wins");
    let id = o["id"].as_str().unwrap().to_owned();
    let o = ok(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD", "customerId": fx.ann,
        "useCustomerDefaultAddresses": true } }),
    )
    .await;
    assert_eq!(o["shippingAddress"]["address1"], "2 Ship St");
    // The address book changes; the orders keep their copies.
    app.conn()
        .await
        .batch_execute("UPDATE addresses SET city = 'Elsewhere'")
        .await
        .unwrap();
    assert_eq!(
        read(&app, &fx, &id).await["billingAddress"]["city"],
        "Boston"
    );
    // Without the flag, or without a customer, nothing is copied.
    let o = ok(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD", "customerId": fx.ann } }),
    )
    .await;
    assert!(o["billingAddress"].is_null());
    let o = ok(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD",
        "useCustomerDefaultAddresses": true } }),
    )
    .await;
    assert!(o["billingAddress"].is_null() && o["shippingAddress"].is_null());
}

/// Addresses are checked as a customer's are, and the note and locale too; a refused create or
/// update writes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn bad_addresses_notes_and_locales_are_refused_and_nothing_is_written() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let mut bad = jane("New York");
    bad["countryCode"] = json!("usa");
    bad["zipcode"] = json!("x".repeat(21));
    let mut blank = jane(" ");
    blank["address1"] = json!("");
    let errors = refused(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD",
        "billingAddress": bad, "shippingAddress": blank, "locale": "english",
        "customerNote": "n".repeat(5001),
        "lineItems": [ { "variantId": fx.tee, "quantity": 1 } ] } }),
    )
    .await;
    for (field, code) in [
        (&["input", "billingAddress", "countryCode"][..], "INVALID"),
        (&["input", "billingAddress", "zipcode"], "TOO_LONG"),
        (&["input", "shippingAddress", "address1"], "REQUIRED"),
        (&["input", "shippingAddress", "city"], "REQUIRED"),
        (&["input", "locale"], "INVALID"),
        (&["input", "customerNote"], "TOO_LONG"),
    ] {
        assert!(
            errors.contains(&(path(field), code.to_owned())),
            "{field:?} {code} in {errors:?}"
        );
    }
    assert_eq!(count(&app, "SELECT count(*) AS id FROM orders").await, 0);
    assert_eq!(
        count(&app, "SELECT count(*) AS id FROM order_addresses").await,
        0
    );

    let o = ok(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD",
        "billingAddress": jane("New York") } }),
    )
    .await;
    let id = o["id"].as_str().unwrap();
    let errors = refused(
        &app,
        k,
        &update(),
        json!({ "id": id, "input": {
        "customerNote": "kept?", "shippingAddress": jane("Brooklyn"),
        "billingAddress": { "address1": "1 Main", "city": "X", "countryCode": "" } } }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(
            path(&["input", "billingAddress", "countryCode"]),
            "REQUIRED".into()
        )]
    );
    let after = read(&app, &fx, id).await;
    assert_eq!(after["billingAddress"], o["billingAddress"]);
    assert!(after["shippingAddress"].is_null() && after["customerNote"].is_null());
}

/// A coupon code given at create applies once the lines are priced; an unknown one refuses the
/// create, one that does not apply to the order is not kept.
#[tokio::test(flavor = "multi_thread")]
async fn a_coupon_code_applies_at_create() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let three_tees = |code: &str| {
        json!({ "input": { "currency": "USD", "couponCode": code,
            "lineItems": [ { "variantId": fx.tee, "quantity": 3 } ] } })
    };
    // SAVE10: 10 % from an item total of 50.
    let o = ok(&app, k, &create(), three_tees(" save10 ")).await;
    assert_eq!(o["couponCode"]["code"], "SAVE10");
    assert_eq!(
        (&o["discountTotal"], &o["total"]),
        (&json!("6.00"), &json!("54.00"))
    );
    assert_eq!(
        refused(&app, k, &create(), three_tees("NOPE")).await,
        vec![(path(&["input", "couponCode"]), "NOT_FOUND".into())]
    );
    assert_eq!(count(&app, "SELECT count(*) AS id FROM orders").await, 1);
    // Expired, or the order is too small: the order is created without the code.
    let o = ok(&app, k, &create(), three_tees("OLD")).await;
    assert!(o["couponCode"].is_null());
    assert_eq!(o["total"], "60.00");
    let o = ok(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD", "couponCode": "SAVE10",
        "lineItems": [ { "variantId": fx.tee, "quantity": 1 } ] } }),
    )
    .await;
    assert!(o["couponCode"].is_null());
    assert_eq!(o["total"], "20.00");
    // Another merchant's code is unknown here.
    let other = fixtures(&app, "globex").await;
    app.conn()
        .await
        .batch_execute(&format!(
            "INSERT INTO coupon_codes (merchant_id, promotion_id, code)
             SELECT merchant_id, id, 'GLOBEX10' FROM promotions
             WHERE merchant_id = {} AND name = 'Ten off'",
            other.merchant
        ))
        .await
        .unwrap();
    assert_eq!(
        refused(&app, k, &create(), three_tees("GLOBEX10")).await,
        vec![(path(&["input", "couponCode"]), "NOT_FOUND".into())]
    );
    assert_eq!(count(&app, "SELECT count(*) AS id FROM orders").await, 3);
}

/// Lines carry metadata: given at create, merged when a line is added to or changed.
#[tokio::test(flavor = "multi_thread")]
async fn lines_carry_metadata() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let o = ok(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD", "lineItems": [
        { "variantId": fx.tee, "quantity": 1, "metadata": { "gift": true, "note": "a" } },
        { "variantId": fx.mug, "quantity": 1 } ] } }),
    )
    .await;
    let id = o["id"].as_str().unwrap().to_owned();
    assert_eq!(
        sku(&o, "acme-TEE").unwrap()["metadata"],
        json!({ "gift": true, "note": "a" })
    );
    assert_eq!(sku(&o, "acme-MUG").unwrap()["metadata"], json!({}));
    let o = ok(&app, k, &with_body("mutation($id: ID!, $items: [OrderLineItemInput!]!) { orderLineItemsAdd(orderId: $id, lineItems: $items)"),
        json!({ "id": id, "items": [ { "variantId": fx.tee, "quantity": 1, "metadata": { "note": "b" } } ] })).await;
    let tee = sku(&o, "acme-TEE").unwrap().clone();
    assert_eq!(tee["quantity"], 2);
    assert_eq!(tee["metadata"], json!({ "gift": true, "note": "b" }));
    let o = ok(&app, k, &with_body("mutation($id: ID!, $items: [OrderLineItemUpdateInput!]!) { orderLineItemsUpdate(orderId: $id, lineItems: $items)"),
        json!({ "id": id, "items": [ { "id": tee["id"], "quantity": 3, "metadata": { "wrap": "red" } } ] })).await;
    assert_eq!(
        sku(&o, "acme-TEE").unwrap()["metadata"],
        json!({ "gift": true, "note": "b", "wrap": "red" })
    );
    // Not an object: refused, nothing written.
    let errors = refused(
        &app,
        k,
        &add_q(),
        json!({ "id": id, "items": [
        { "variantId": fx.mug, "quantity": 1, "metadata": [1] } ] }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(path(&["lineItems", "0", "metadata"]), "INVALID".into())]
    );
    let errors = refused(
        &app,
        k,
        &update_q(),
        json!({ "id": id, "items": [
        { "id": tee["id"], "quantity": 1, "metadata": { "big": "x".repeat(17_000) } } ] }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(path(&["lineItems", "0", "metadata"]), "TOO_LONG".into())]
    );
    assert_eq!(
        sku(&read(&app, &fx, &id).await, "acme-TEE").unwrap()["quantity"],
        3
    );
}

/// `orderUpdate`'s `lineItems` sets each variant's line (added when absent, 0 removes it) and
/// leaves the others, with the rest of the update; any bad line refuses all of it.
#[tokio::test(flavor = "multi_thread")]
async fn an_update_sets_lines_by_variant() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let o = ok(
        &app,
        k,
        &create(),
        json!({ "input": { "currency": "USD", "lineItems": [
        { "variantId": fx.tee, "quantity": 1, "metadata": { "gift": true } },
        { "variantId": fx.mug, "quantity": 2 }, { "variantId": fx.bulk[0], "quantity": 4 } ] } }),
    )
    .await;
    let id = o["id"].as_str().unwrap().to_owned();
    let tee_id = sku(&o, "acme-TEE").unwrap()["id"].clone();
    let o = ok(
        &app,
        k,
        &update(),
        json!({ "id": id, "input": { "customerNote": "set", "lineItems": [
        { "variantId": fx.tee, "quantity": 5, "metadata": { "wrap": "red" } },
        { "variantId": fx.mug, "quantity": 0 },
        { "variantId": fx.bulk[1], "quantity": 2, "metadata": { "new": 1 } },
        { "variantId": fx.bulk[2], "quantity": 0 } ] } }),
    )
    .await;
    assert_eq!(o["customerNote"], "set");
    let tee = sku(&o, "acme-TEE").unwrap();
    assert_eq!(tee["id"], tee_id, "the line is changed in place");
    assert_eq!(tee["quantity"], 5);
    assert_eq!(tee["metadata"], json!({ "gift": true, "wrap": "red" }));
    assert!(sku(&o, "acme-MUG").is_none());
    assert_eq!(sku(&o, "acme-B1").unwrap()["quantity"], 4, "untouched");
    assert_eq!(sku(&o, "acme-B2").unwrap()["metadata"], json!({ "new": 1 }));
    assert!(sku(&o, "acme-B3").is_none());
    assert_eq!(o["lineItemCount"], 3);
    // 5 × 20.00 + 4 × 1.00 + 2 × 1.00
    assert_eq!(o["total"], "106.00");

    // Bad lines: all named, nothing written (not even the note).
    let other = fixtures(&app, "globex").await;
    let errors = refused(
        &app,
        k,
        &update(),
        json!({ "id": id, "input": { "customerNote": "no",
        "lineItems": [
            { "variantId": fx.tee, "quantity": -1 },
            { "variantId": fx.bulk[3], "quantity": 100_001 },
            { "variantId": fx.bulk[4], "quantity": 1 }, { "variantId": fx.bulk[4], "quantity": 2 },
            { "variantId": "cus_x", "quantity": 1 } ] } }),
    )
    .await;
    for (field, code) in [
        (&["input", "lineItems", "0", "quantity"][..], "OUT_OF_RANGE"),
        (&["input", "lineItems", "1", "quantity"], "OUT_OF_RANGE"),
        (
            &["input", "lineItems", "3", "variantId"],
            "DUPLICATE_IN_REQUEST",
        ),
        (&["input", "lineItems", "4", "variantId"], "INVALID"),
    ] {
        assert!(
            errors.contains(&(path(field), code.into())),
            "{field:?} in {errors:?}"
        );
    }
    let errors = refused(
        &app,
        k,
        &update(),
        json!({ "id": id, "input": { "customerNote": "no",
        "lineItems": [ { "variantId": other.tee, "quantity": 1 },
                       { "variantId": fx.euro_only, "quantity": 1 } ] } }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(
            path(&["input", "lineItems", "0", "variantId"]),
            "NOT_FOUND".into()
        )]
    );
    let errors = refused(
        &app,
        k,
        &update(),
        json!({ "id": id, "input": {
        "lineItems": [ { "variantId": fx.euro_only, "quantity": 1 } ] } }),
    )
    .await;
    assert_eq!(
        errors,
        vec![(
            path(&["input", "lineItems", "0", "variantId"]),
            "NO_PRICE".into()
        )]
    );
    let after = read(&app, &fx, &id).await;
    assert_eq!(after["customerNote"], "set");
    assert_eq!(after["lineItems"], o["lineItems"]);

    // Placed: the lines are frozen; an empty list changes nothing and is not refused.
    ok(
        &app,
        k,
        &update(),
        json!({ "id": id, "input": { "email": "x@y.example" } }),
    )
    .await;
    ok(&app, k, &transition_q("orderComplete"), json!({ "id": id })).await;
    assert_eq!(
        refused(
            &app,
            k,
            &update(),
            json!({ "id": id, "input": {
            "lineItems": [ { "variantId": fx.tee, "quantity": 1 } ] } })
        )
        .await,
        vec![(path(&["input", "lineItems"]), "ORDER_NOT_EDITABLE".into())]
    );
    ok(
        &app,
        k,
        &update(),
        json!({ "id": id, "input": { "lineItems": [] } }),
    )
    .await;
    // Another merchant cannot set lines of this order.
    let p = mutate(
        &app,
        &other.key,
        &update(),
        json!({ "id": id, "input": {
        "lineItems": [ { "variantId": other.tee, "quantity": 1 } ] } }),
    )
    .await;
    assert!(p["order"].is_null(), "{p}");
    assert_eq!(p["userErrors"][0]["code"], "NOT_FOUND");
}

/// `Order.lineItems` takes a sort and a page; `lineItemCount` counts every line.
#[tokio::test(flavor = "multi_thread")]
async fn an_orders_lines_sort_and_page() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let items: Vec<Value> = [3, 1, 5, 2, 4]
        .iter()
        .enumerate()
        .map(|(i, q)| json!({ "variantId": fx.bulk[i], "quantity": q }))
        .collect();
    let o = ok(
        &app,
        k,
        &create_q(),
        json!({ "input": { "currency": "USD", "lineItems": items } }),
    )
    .await;
    let id = o["id"].as_str().unwrap();
    let q = "query($id: ID!, $sort: [LineItemSort!], $first: Int, $offset: Int) { order(id: $id) {
        lineItemCount lineItems(sort: $sort, first: $first, offset: $offset) { quantity } } }";
    let quantities = |d: &Value| -> Vec<i64> {
        d["order"]["lineItems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["quantity"].as_i64().unwrap())
            .collect()
    };
    let d = app.data(k, q, json!({ "id": id })).await;
    assert_eq!(quantities(&d), vec![3, 1, 5, 2, 4], "oldest first");
    assert_eq!(d["order"]["lineItemCount"], 5);
    let d = app
        .data(
            k,
            q,
            json!({ "id": id, "sort": { "field": "QUANTITY" }, "first": 2, "offset": 1 }),
        )
        .await;
    assert_eq!(quantities(&d), vec![4, 3], "DESC by default");
    assert_eq!(d["order"]["lineItemCount"], 5);
    let d = app
        .data(
            k,
            q,
            json!({ "id": id, "sort": [{ "field": "TOTAL", "direction": "ASC" }], "offset": 3 }),
        )
        .await;
    assert_eq!(quantities(&d), vec![4, 5]);
    for vars in [
        json!({ "id": id, "first": 0 }),
        json!({ "id": id, "offset": -1 }),
        json!({ "id": id, "sort": [{ "field": "PRICE" }, { "field": "PRICE" }] }),
    ] {
        let r = app.gql(k, q, vars.clone()).await;
        assert_eq!(
            r["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{vars}: {r}"
        );
    }
}
