//! Order writes: drafts, line items priced from the price book, promotions and coupon codes,
//! the state machine with its refusals, optimistic concurrency, idempotency, row locking,
//! tenant isolation on every mutation, no partial writes, and constant statement counts.

use crate::common::{spawn, TestApp};
use commerce_gateway::ids::{encode, Kind};
use diesel::sql_types::BigInt;
use diesel::QueryableByName;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use serde_json::{json, Value};

mod bad_input;
mod bodies;
mod header_updates;
mod state_machine;
mod tenant_scope;

const RW: &str = "orders:write,orders:read,customers:read,promotions:read,stores:read,catalog:read";

const ORDER: &str = "id number status email currency itemCount itemTotal discountTotal taxTotal
  deliveryTotal total completedAt canceledAt approvedAt updatedAt fulfillmentStatus metadata notes
  externalId customer { email ordersCount totalSpent } channel { code } store { name }
  couponCode { code usageCount createdAt updatedAt }
  lineItems { id quantity price discountTotal total variant { sku } }
  discounts { label amount lineItem { id } }";

fn q(body: &str) -> String {
    format!("{body} {{ order {{ {ORDER} }} userErrors {{ field code message }} }} }}")
}

fn create_q() -> String {
    q("mutation($input: OrderCreateInput!, $key: String) { orderCreate(input: $input, idempotencyKey: $key)")
}
fn update_order_q() -> String {
    q(
        "mutation($id: ID!, $input: OrderUpdateInput!, $at: DateTime) {
       orderUpdate(orderId: $id, input: $input, expectedUpdatedAt: $at)",
    )
}
fn add_q() -> String {
    q("mutation($id: ID!, $items: [OrderLineItemInput!]!, $at: DateTime, $key: String) {
       orderLineItemsAdd(orderId: $id, lineItems: $items, expectedUpdatedAt: $at, idempotencyKey: $key)")
}
fn update_q() -> String {
    q(
        "mutation($id: ID!, $items: [OrderLineItemUpdateInput!]!, $at: DateTime) {
       orderLineItemsUpdate(orderId: $id, lineItems: $items, expectedUpdatedAt: $at)",
    )
}
fn remove_q() -> String {
    q("mutation($id: ID!, $ids: [ID!]!, $at: DateTime) {
       orderLineItemsRemove(orderId: $id, lineItemIds: $ids, expectedUpdatedAt: $at)")
}
fn apply_q() -> String {
    q("mutation($id: ID!, $code: String!, $at: DateTime) {
       orderApplyCouponCode(orderId: $id, code: $code, expectedUpdatedAt: $at)")
}
fn unapply_q() -> String {
    q("mutation($id: ID!, $at: DateTime) { orderRemoveCouponCode(orderId: $id, expectedUpdatedAt: $at)")
}
/// orderComplete, orderCancel, orderApprove or orderResume.
fn transition_q(name: &str) -> String {
    q(&format!(
        "mutation($id: ID!, $at: DateTime, $key: String) {{ {name}(orderId: $id, expectedUpdatedAt: $at, idempotencyKey: $key)"
    ))
}
const DELETE: &str =
    "mutation($id: ID!, $at: DateTime) { orderDelete(orderId: $id, expectedUpdatedAt: $at) {
  deletedId userErrors { field code message } } }";

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

async fn id(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    let rows: Vec<Id> = diesel::sql_query(sql)
        .load(conn)
        .await
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    rows[0].id
}

async fn ids(conn: &mut AsyncPgConnection, sql: &str) -> Vec<i64> {
    let rows: Vec<Id> = diesel::sql_query(sql)
        .load(conn)
        .await
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    rows.into_iter().map(|r| r.id).collect()
}

/// A merchant's catalog, prices, buyers and promotions, as public IDs.
struct Fx {
    merchant: i64,
    key: String,
    tee: String,
    mug: String,
    /// Priced in EUR only.
    euro_only: String,
    /// 120 variants at 1.00 USD each.
    bulk: Vec<String>,
    /// A member of the VIP group (VIP price list: tee at 15.00).
    ann: String,
    bob: String,
    web: String,
    store: String,
}

/// Creates merchant `slug` with:
/// - tee 20.00 USD (15.00 in the VIP list, for the VIP group), mug 8.50 (7.25 from 10 units in
///   the Volume list), a variant priced only in EUR, 120 bulk variants at 1.00;
/// - promotions: "Mug deal" automatic, 1.00 off per mug; "Free delivery" automatic from an item
///   total of 100; "Ten off" coupon SAVE10 10 % of the order from 50; "Old" coupon OLD expired;
///   "Once" coupon ONCE 5.00 off, usage limit 1.
async fn fixtures(app: &TestApp, slug: &str) -> Fx {
    let key = app.api_key(slug, RW).await;
    let mut c = app.conn().await;
    let m = id(
        &mut c,
        &format!("SELECT id FROM merchants WHERE slug = '{slug}'"),
    )
    .await;
    let tee_p = id(&mut c, &format!("INSERT INTO products (merchant_id, name, slug) VALUES ({m}, 'Tee', 'tee') RETURNING id")).await;
    let mug_p = id(&mut c, &format!("INSERT INTO products (merchant_id, name, slug) VALUES ({m}, 'Mug', 'mug') RETURNING id")).await;
    let bulk_p = id(&mut c, &format!("INSERT INTO products (merchant_id, name, slug) VALUES ({m}, 'Bulk', 'bulk') RETURNING id")).await;
    let tee = id(&mut c, &format!("INSERT INTO variants (merchant_id, product_id, sku) VALUES ({m}, {tee_p}, '{slug}-TEE') RETURNING id")).await;
    let mug = id(&mut c, &format!("INSERT INTO variants (merchant_id, product_id, sku) VALUES ({m}, {mug_p}, '{slug}-MUG') RETURNING id")).await;
    let euro = id(&mut c, &format!("INSERT INTO variants (merchant_id, product_id, sku) VALUES ({m}, {tee_p}, '{slug}-EURO') RETURNING id")).await;
    let bulk = ids(
        &mut c,
        &format!(
            "INSERT INTO variants (merchant_id, product_id, sku, position)
        SELECT {m}, {bulk_p}, '{slug}-B' || i, i FROM generate_series(1, 120) i RETURNING id"
        ),
    )
    .await;
    let vip_group = id(
        &mut c,
        &format!(
            "INSERT INTO customer_groups (merchant_id, name) VALUES ({m}, 'VIP') RETURNING id"
        ),
    )
    .await;
    let ann = id(&mut c, &format!("INSERT INTO customers (merchant_id, email) VALUES ({m}, 'ann@{slug}.example') RETURNING id")).await;
    let bob = id(&mut c, &format!("INSERT INTO customers (merchant_id, email) VALUES ({m}, 'bob@{slug}.example') RETURNING id")).await;
    let web = id(&mut c, &format!("INSERT INTO channels (merchant_id, code, name) VALUES ({m}, 'WEB', 'Web') RETURNING id")).await;
    let store = id(&mut c, &format!("INSERT INTO stores (merchant_id, external_id, name) VALUES ({m}, 'S1', 'Main street') RETURNING id")).await;
    let vip = id(&mut c, &format!("INSERT INTO price_lists (merchant_id, name, status, position) VALUES ({m}, 'VIP', 'active', 1) RETURNING id")).await;
    let volume = id(&mut c, &format!("INSERT INTO price_lists (merchant_id, name, status, position) VALUES ({m}, 'Volume', 'active', 2) RETURNING id")).await;
    let ten = id(&mut c, &format!("INSERT INTO promotions (merchant_id, name, kind) VALUES ({m}, 'Ten off', 'coupon_code') RETURNING id")).await;
    let old = id(&mut c, &format!("INSERT INTO promotions (merchant_id, name, kind, starts_at, expires_at) VALUES ({m}, 'Old', 'coupon_code', '2020-01-01', '2020-02-01') RETURNING id")).await;
    let once = id(&mut c, &format!("INSERT INTO promotions (merchant_id, name, kind, usage_limit) VALUES ({m}, 'Once', 'coupon_code', 1) RETURNING id")).await;
    let mug_deal = id(&mut c, &format!("INSERT INTO promotions (merchant_id, name, kind) VALUES ({m}, 'Mug deal', 'automatic') RETURNING id")).await;
    let free = id(&mut c, &format!("INSERT INTO promotions (merchant_id, name, kind) VALUES ({m}, 'Free delivery', 'automatic') RETURNING id")).await;
    c.batch_execute(&format!(
        "INSERT INTO customer_group_memberships (merchant_id, customer_group_id, customer_id) VALUES ({m}, {vip_group}, {ann});
         INSERT INTO prices (merchant_id, variant_id, currency, amount, compare_at_amount, price_list_id) VALUES
           ({m}, {tee}, 'USD', 20.00, 25.00, NULL), ({m}, {mug}, 'USD', 8.50, NULL, NULL),
           ({m}, {euro}, 'EUR', 9.00, NULL, NULL),
           ({m}, {tee}, 'USD', 15.00, NULL, {vip}), ({m}, {mug}, 'USD', 7.25, NULL, {volume});
         INSERT INTO prices (merchant_id, variant_id, currency, amount)
           SELECT {m}, v, 'USD', 1.00 FROM unnest(ARRAY[{bulk}]::bigint[]) v;
         INSERT INTO price_rules (merchant_id, price_list_id, kind, customer_group_ids) VALUES ({m}, {vip}, 'customer_group', ARRAY[{vip_group}]);
         INSERT INTO price_rules (merchant_id, price_list_id, kind, min_quantity) VALUES ({m}, {volume}, 'volume', 10);
         INSERT INTO promotion_rules (merchant_id, promotion_id, kind, amount_min) VALUES
           ({m}, {ten}, 'item_total', 50), ({m}, {free}, 'item_total', 100);
         INSERT INTO promotion_actions (merchant_id, promotion_id, kind, calculator, amount, percent, product_ids) VALUES
           ({m}, {ten}, 'order_adjustment', 'percent', NULL, 10, '{{}}'),
           ({m}, {old}, 'order_adjustment', 'flat', 3, NULL, '{{}}'),
           ({m}, {once}, 'order_adjustment', 'flat', 5, NULL, '{{}}'),
           ({m}, {mug_deal}, 'item_adjustment', 'flat', 1, NULL, ARRAY[{mug_p}]::bigint[]),
           ({m}, {free}, 'free_delivery', NULL, NULL, NULL, '{{}}');
         INSERT INTO coupon_codes (merchant_id, promotion_id, code) VALUES
           ({m}, {ten}, 'SAVE10'), ({m}, {old}, 'OLD'), ({m}, {once}, 'ONCE');",
        bulk = bulk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    ))
    .await
    .expect("fixtures");
    let v = |k| encode(Kind::Variant, k);
    Fx {
        merchant: m,
        key,
        tee: v(tee),
        mug: v(mug),
        euro_only: v(euro),
        bulk: bulk.into_iter().map(v).collect(),
        ann: encode(Kind::Customer, ann),
        bob: encode(Kind::Customer, bob),
        web: encode(Kind::Channel, web),
        store: encode(Kind::Store, store),
    }
}

/// The payload of the single mutation of `data`.
fn payload(data: &Value) -> &Value {
    data.as_object()
        .and_then(|o| o.values().next())
        .expect("a payload")
}

async fn mutate(app: &TestApp, key: &str, query: &str, vars: Value) -> Value {
    let data = app.data(key, query, vars).await;
    payload(&data).clone()
}

/// Runs a mutation that must succeed; returns the order.
async fn ok(app: &TestApp, key: &str, query: &str, vars: Value) -> Value {
    let p = mutate(app, key, query, vars).await;
    assert_eq!(p["userErrors"], json!([]), "{p}");
    p["order"].clone()
}

/// Runs a mutation that must be refused; returns (field, code) of each error.
async fn refused(app: &TestApp, key: &str, query: &str, vars: Value) -> Vec<(Vec<String>, String)> {
    let p = mutate(app, key, query, vars).await;
    assert!(
        p["order"].is_null(),
        "refused mutations return no order: {p}"
    );
    let errors = p["userErrors"].as_array().expect("userErrors").clone();
    assert!(!errors.is_empty(), "expected errors: {p}");
    errors
        .iter()
        .map(|e| {
            (
                e["field"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_owned())
                    .collect(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn path(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

async fn order(app: &TestApp, key: &str, id: &str) -> Value {
    app.data(
        key,
        &format!("query($id: ID!) {{ order(id: $id) {{ {ORDER} }} }}"),
        json!({ "id": id }),
    )
    .await["order"]
        .clone()
}

fn line<'a>(order: &'a Value, sku: &str) -> &'a Value {
    order["lineItems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["variant"]["sku"] == sku)
        .unwrap_or_else(|| panic!("no line {sku} in {order}"))
}

fn discounts(order: &Value) -> Vec<(String, String)> {
    let mut d: Vec<(String, String)> = order["discounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["label"].as_str().unwrap().to_owned(),
                d["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    d.sort();
    d
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    id(&mut app.conn().await, sql).await
}

/// The flow itself is the behaviour: one draft priced from price lists and promotions, edited,
/// given a coupon, then taken through every transition, its totals, coupon use and customer
/// figures right at each step.
#[tokio::test(flavor = "multi_thread")]
async fn full_flow_with_price_lists_promotions_coupon_and_every_transition() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;

    // Draft for a VIP customer: the tee comes from the VIP list, the mug from its base price;
    // "Mug deal" takes 1.00 per mug. (The header it gets: `a_draft_takes_its_header_…`.)
    let o = ok(&app, k, &create_q(), json!({ "input": {
        "currency": "usd", "customerId": fx.ann, "channelId": fx.web, "storeId": fx.store,
        "notes": "  ring twice ", "metadata": { "source": "phone" }, "externalId": "ext-1",
        "deliveryTotal": "4.99",
        "lineItems": [ { "variantId": fx.tee, "quantity": 2 }, { "variantId": fx.mug, "quantity": 3 } ] } })).await;
    let id = o["id"].as_str().unwrap().to_owned();
    assert_eq!(o["status"], "DRAFT");
    assert_eq!(line(&o, "acme-TEE")["price"], "15.00");
    assert_eq!(line(&o, "acme-TEE")["total"], "30.00");
    assert_eq!(line(&o, "acme-MUG")["price"], "8.50");
    assert_eq!(line(&o, "acme-MUG")["total"], "25.50");
    assert_eq!(line(&o, "acme-MUG")["discountTotal"], "3.00");
    assert_eq!(o["itemCount"], 5);
    assert_eq!(o["itemTotal"], "55.50");
    assert_eq!(o["discountTotal"], "3.00");
    assert_eq!(o["deliveryTotal"], "4.99");
    assert_eq!(o["total"], "57.49");
    assert_eq!(discounts(&o), vec![("Mug deal".into(), "3.00".into())]);
    let tee_line = line(&o, "acme-TEE")["id"].as_str().unwrap().to_owned();
    let mug_line = line(&o, "acme-MUG")["id"].as_str().unwrap().to_owned();
    // The price list that decided is stored with the line.
    assert_eq!(
        count(&app, "SELECT count(*) AS id FROM line_items li JOIN price_lists pl ON pl.id = li.price_list_id WHERE pl.name = 'VIP'").await,
        1
    );

    // Adding the mug again increases its line: 10 mugs reach the Volume price 7.25; the item
    // total of 102.50 unlocks free delivery (an order-level discount of the delivery).
    let o = ok(
        &app,
        k,
        &add_q(),
        json!({ "id": id, "items": [ { "variantId": fx.mug, "quantity": 7 } ] }),
    )
    .await;
    assert_eq!(o["lineItems"].as_array().unwrap().len(), 2);
    assert_eq!(line(&o, "acme-MUG")["id"], mug_line.as_str());
    assert_eq!(line(&o, "acme-MUG")["quantity"], 10);
    assert_eq!(line(&o, "acme-MUG")["price"], "7.25");
    assert_eq!(line(&o, "acme-MUG")["discountTotal"], "10.00");
    assert_eq!(o["itemTotal"], "102.50");
    assert_eq!(o["discountTotal"], "14.99");
    assert_eq!(o["total"], "92.50");
    assert_eq!(
        discounts(&o),
        vec![
            ("Free delivery".into(), "4.99".into()),
            ("Mug deal".into(), "10.00".into())
        ]
    );

    // SAVE10 (any case): 10 % of the item total.
    let o = ok(&app, k, &apply_q(), json!({ "id": id, "code": "save10" })).await;
    assert_eq!(o["couponCode"]["code"], "SAVE10");
    assert_eq!(o["discountTotal"], "25.24");
    assert_eq!(o["total"], "82.25");
    assert!(discounts(&o).contains(&("Ten off".into(), "10.25".into())));

    // One tee fewer: 87.50 of items, no free delivery any more, 10 % is 8.75.
    let o = ok(
        &app,
        k,
        &update_q(),
        json!({ "id": id, "items": [ { "id": tee_line, "quantity": 1 } ] }),
    )
    .await;
    assert_eq!(line(&o, "acme-TEE")["quantity"], 1);
    assert_eq!(o["itemCount"], 11);
    assert_eq!(o["itemTotal"], "87.50");
    assert_eq!(o["discountTotal"], "18.75");
    assert_eq!(o["deliveryTotal"], "4.99");
    assert_eq!(o["total"], "73.74");
    assert_eq!(
        discounts(&o),
        vec![
            ("Mug deal".into(), "10.00".into()),
            ("Ten off".into(), "8.75".into())
        ]
    );
    // Order-level adjustments have no line, item adjustments name theirs.
    let mug_discount = o["discounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["label"] == "Mug deal")
        .unwrap();
    assert_eq!(mug_discount["lineItem"]["id"], mug_line.as_str());
    assert!(o["discounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["label"] == "Ten off")
        .unwrap()["lineItem"]
        .is_null());
    assert_eq!(o["customer"]["ordersCount"], 0);

    // Complete: the coupon is used once, the customer's figures count the order.
    let o = ok(&app, k, &transition_q("orderComplete"), json!({ "id": id })).await;
    assert_eq!(o["status"], "COMPLETE");
    assert!(o["completedAt"].is_string());
    assert_eq!(o["total"], "73.74");
    assert_eq!(o["couponCode"]["usageCount"], 1);
    // Counting the use changes the code (its createdAt stays).
    let code_used = o["couponCode"].clone();
    assert_ne!(code_used["updatedAt"], code_used["createdAt"]);
    assert_eq!(o["customer"]["ordersCount"], 1);
    assert_eq!(o["customer"]["totalSpent"], "73.74");

    let o = ok(&app, k, &transition_q("orderApprove"), json!({ "id": id })).await;
    assert!(o["approvedAt"].is_string());

    // Cancel: the coupon use is given back, the customer's figures drop the order.
    let o = ok(&app, k, &transition_q("orderCancel"), json!({ "id": id })).await;
    assert_eq!(o["status"], "CANCELED");
    assert!(o["canceledAt"].is_string());
    assert_eq!(o["fulfillmentStatus"], "canceled");
    assert_eq!(o["couponCode"]["usageCount"], 0);
    assert_ne!(o["couponCode"]["updatedAt"], code_used["updatedAt"]);
    assert_eq!(o["couponCode"]["createdAt"], code_used["createdAt"]);
    assert_eq!(o["customer"]["ordersCount"], 0);
    assert_eq!(o["customer"]["totalSpent"], "0.00");

    // Resume: complete again, canceledAt cleared, everything counted again.
    let o = ok(&app, k, &transition_q("orderResume"), json!({ "id": id })).await;
    assert_eq!(o["status"], "COMPLETE");
    assert!(o["canceledAt"].is_null());
    assert!(o["approvedAt"].is_string());
    assert_eq!(o["fulfillmentStatus"], "unfulfilled");
    assert_eq!(o["couponCode"]["usageCount"], 1);
    assert_eq!(o["customer"]["ordersCount"], 1);
    assert_eq!(o["customer"]["totalSpent"], "73.74");
    assert_eq!(o["total"], "73.74");
}

/// A draft's header: a public ID and number, the currency upper-cased, the email from the
/// customer, trimmed notes, metadata, external ID, channel and store as given.
#[tokio::test(flavor = "multi_thread")]
async fn a_draft_takes_its_header_from_the_input_and_the_customer() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let o = ok(&app, k, &create_q(), json!({ "input": {
        "currency": "usd", "customerId": fx.ann, "channelId": fx.web, "storeId": fx.store,
        "notes": "  ring twice ", "metadata": { "source": "phone" }, "externalId": "ext-1",
        "deliveryTotal": "4.99",
        "lineItems": [ { "variantId": fx.tee, "quantity": 2 }, { "variantId": fx.mug, "quantity": 3 } ] } })).await;
    let id = o["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("or_"));
    let number = o["number"].as_str().unwrap();
    assert!(number.starts_with('R') && number.len() == 10, "{number}");
    assert_eq!(o["status"], "DRAFT");
    assert_eq!(o["currency"], "USD");
    assert_eq!(o["email"], "ann@acme.example");
    assert_eq!(o["notes"], "ring twice");
    assert_eq!(o["metadata"], json!({ "source": "phone" }));
    assert_eq!(o["externalId"], "ext-1");
    assert_eq!(o["channel"]["code"], "WEB");
    assert_eq!(o["store"]["name"], "Main street");
}

/// Approving an approved order is refused.
#[tokio::test(flavor = "multi_thread")]
async fn approving_twice_is_already_approved() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let o = ok(
        &app,
        k,
        &create_q(),
        json!({ "input": { "currency": "USD", "email": "x@y.example",
        "lineItems": [ { "variantId": fx.tee, "quantity": 1 } ] } }),
    )
    .await;
    let id = o["id"].as_str().unwrap().to_owned();
    ok(&app, k, &transition_q("orderComplete"), json!({ "id": id })).await;
    ok(&app, k, &transition_q("orderApprove"), json!({ "id": id })).await;
    let errors = refused(&app, k, &transition_q("orderApprove"), json!({ "id": id })).await;
    assert_eq!(
        errors,
        vec![(path(&["orderId"]), "ALREADY_APPROVED".into())]
    );
}

/// Removing a draft's coupon or its lines recomputes the totals; removing every line leaves an
/// empty draft.
#[tokio::test(flavor = "multi_thread")]
async fn removing_a_drafts_coupon_or_lines_recomputes_its_totals() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    // The coupon can be removed from a draft: totals drop the discount.
    let d = ok(
        &app,
        k,
        &create_q(),
        json!({ "input": { "currency": "USD", "email": "x@y.example",
        "lineItems": [ { "variantId": fx.tee, "quantity": 3 } ] } }),
    )
    .await;
    assert_eq!(d["itemTotal"], "60.00");
    let did = d["id"].as_str().unwrap();
    let d = ok(&app, k, &apply_q(), json!({ "id": did, "code": "SAVE10" })).await;
    assert_eq!(d["total"], "54.00");
    let d = ok(&app, k, &unapply_q(), json!({ "id": did })).await;
    assert!(d["couponCode"].is_null());
    assert_eq!(d["discountTotal"], "0.00");
    assert_eq!(d["total"], "60.00");
    // Removing a line recomputes too; removing them all leaves an empty draft.
    let tee = d["lineItems"][0]["id"].as_str().unwrap();
    let d = ok(
        &app,
        k,
        &remove_q(),
        json!({ "id": did, "ids": [tee, tee] }),
    )
    .await;
    assert_eq!(d["lineItems"], json!([]));
    assert_eq!(d["itemCount"], 0);
    assert_eq!(d["total"], "0.00");
}

#[tokio::test(flavor = "multi_thread")]
async fn coupon_codes_are_validated_by_the_promotion_engine() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let make = |qty: i32| {
        json!({ "input": { "currency": "USD", "email": "a@b.example",
        "lineItems": [ { "variantId": fx.tee, "quantity": qty } ] } })
    };
    let small = ok(&app, k, &create_q(), make(1)).await;
    let sid = small["id"].as_str().unwrap();
    let before = order(&app, k, sid).await;

    for (code, reason) in [
        ("NOPE", "NOT_FOUND"),
        ("old", "EXPIRED"),
        // 20.00 of items, the promotion needs 50.
        ("SAVE10", "RULES_NOT_MET"),
        ("", "REQUIRED"),
    ] {
        let errors = refused(&app, k, &apply_q(), json!({ "id": sid, "code": code })).await;
        assert_eq!(
            errors,
            vec![(path(&["code"]), reason.to_string())],
            "{code}"
        );
    }
    // Nothing was written by the refusals.
    assert_eq!(order(&app, k, sid).await, before);

    // ONCE has a usage limit of 1: two drafts may hold it, only the first completes.
    let a = ok(&app, k, &create_q(), make(3)).await;
    let b = ok(&app, k, &create_q(), make(4)).await;
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    // A second code replaces the first.
    let oa = ok(&app, k, &apply_q(), json!({ "id": a, "code": "SAVE10" })).await;
    assert_eq!(oa["total"], "54.00");
    let oa = ok(&app, k, &apply_q(), json!({ "id": a, "code": "ONCE" })).await;
    assert_eq!(oa["couponCode"]["code"], "ONCE");
    assert_eq!(discounts(&oa), vec![("Once".into(), "5.00".into())]);
    assert_eq!(oa["total"], "55.00");
    ok(&app, k, &apply_q(), json!({ "id": b, "code": "ONCE" })).await;
    ok(&app, k, &transition_q("orderComplete"), json!({ "id": a })).await;
    let errors = refused(&app, k, &transition_q("orderComplete"), json!({ "id": b })).await;
    assert_eq!(
        errors,
        vec![(path(&["orderId"]), "USAGE_LIMIT_REACHED".into())]
    );
    let ob = order(&app, k, b).await;
    assert_eq!(ob["status"], "DRAFT");
    // Applying it now is refused outright; removing it lets the order complete.
    let errors = refused(&app, k, &apply_q(), json!({ "id": b, "code": "ONCE" })).await;
    assert_eq!(
        errors,
        vec![(path(&["code"]), "USAGE_LIMIT_REACHED".into())]
    );
    ok(&app, k, &unapply_q(), json!({ "id": b })).await;
    let ob = ok(&app, k, &transition_q("orderComplete"), json!({ "id": b })).await;
    assert_eq!(ob["total"], "80.00");

    // Canceling the first gives the use back: usage count follows.
    let oa = ok(&app, k, &transition_q("orderCancel"), json!({ "id": a })).await;
    assert_eq!(oa["couponCode"]["usageCount"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_completions_cannot_both_take_the_last_coupon_use() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let mut drafts = Vec::new();
    for _ in 0..4 {
        let o = ok(
            &app,
            k,
            &create_q(),
            json!({ "input": { "currency": "USD", "email": "a@b.example",
            "lineItems": [ { "variantId": fx.tee, "quantity": 1 } ] } }),
        )
        .await;
        let id = o["id"].as_str().unwrap().to_owned();
        ok(&app, k, &apply_q(), json!({ "id": id, "code": "ONCE" })).await;
        drafts.push(id);
    }
    let query = transition_q("orderComplete");
    let results = futures_util::future::join_all(
        drafts
            .iter()
            .map(|id| mutate(&app, k, &query, json!({ "id": id }))),
    )
    .await;
    let completed = results.iter().filter(|p| !p["order"].is_null()).count();
    assert_eq!(completed, 1, "{results:?}");
    for p in results.iter().filter(|p| p["order"].is_null()) {
        assert_eq!(p["userErrors"][0]["code"], "USAGE_LIMIT_REACHED");
    }
    assert_eq!(
        count(
            &app,
            "SELECT usage_count::bigint AS id FROM coupon_codes WHERE code = 'ONCE'"
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_line_additions_on_one_order_lose_nothing() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let o = ok(
        &app,
        k,
        &create_q(),
        json!({ "input": { "currency": "USD" } }),
    )
    .await;
    let id = o["id"].as_str().unwrap().to_owned();
    let query = add_q();
    let results = futures_util::future::join_all((0..12).map(|i| {
        let variant = if i % 2 == 0 { &fx.mug } else { &fx.bulk[0] };
        mutate(
            &app,
            k,
            &query,
            json!({ "id": id, "items": [ { "variantId": variant, "quantity": 1 } ] }),
        )
    }))
    .await;
    for p in &results {
        assert_eq!(p["userErrors"], json!([]), "{p}");
    }
    let o = order(&app, k, &id).await;
    assert_eq!(o["lineItems"].as_array().unwrap().len(), 2);
    assert_eq!(line(&o, "acme-MUG")["quantity"], 6);
    assert_eq!(line(&o, "acme-B1")["quantity"], 6);
    // 6 × 8.50 + 6 × 1.00, minus the mug deal 6.00.
    assert_eq!(o["itemTotal"], "57.00");
    assert_eq!(o["discountTotal"], "6.00");
    assert_eq!(o["total"], "51.00");
}

#[tokio::test(flavor = "multi_thread")]
async fn idempotency_keys_replay_the_first_result() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let vars = json!({ "key": "create-1", "input": { "currency": "USD", "email": "a@b.example",
        "lineItems": [ { "variantId": fx.tee, "quantity": 1 } ] } });
    let first = ok(&app, k, &create_q(), vars.clone()).await;
    let again = ok(&app, k, &create_q(), vars).await;
    assert_eq!(first["id"], again["id"]);
    assert_eq!(count(&app, "SELECT count(*) AS id FROM orders").await, 1);
    let id = first["id"].as_str().unwrap();

    let add =
        json!({ "id": id, "key": "add-1", "items": [ { "variantId": fx.tee, "quantity": 2 } ] });
    ok(&app, k, &add_q(), add.clone()).await;
    let o = ok(&app, k, &add_q(), add).await;
    assert_eq!(o["lineItems"][0]["quantity"], 3, "added once");

    let done = ok(
        &app,
        k,
        &transition_q("orderComplete"),
        json!({ "id": id, "key": "done-1" }),
    )
    .await;
    let replay = ok(
        &app,
        k,
        &transition_q("orderComplete"),
        json!({ "id": id, "key": "done-1" }),
    )
    .await;
    assert_eq!(done["status"], "COMPLETE");
    assert_eq!(replay["id"], done["id"]);
    // The same key with another order is refused.
    let p = mutate(
        &app,
        k,
        &transition_q("orderCancel"),
        json!({ "id": id, "key": "done-1" }),
    )
    .await;
    assert_eq!(p["userErrors"][0]["code"], "IDEMPOTENCY_KEY_REUSED");
}

#[tokio::test(flavor = "multi_thread")]
async fn adding_5_or_100_lines_sends_the_same_number_of_statements() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    // A JWT: authenticating it needs no statement.
    let token = app.token("acme", "orders:write,orders:read").await;
    let query = "mutation($id: ID!, $items: [OrderLineItemInput!]!) {
      orderLineItemsAdd(orderId: $id, lineItems: $items) { order { id itemCount total } userErrors { code } } }";
    let mut counts = Vec::new();
    for n in [5_usize, 100, 5, 100] {
        let o = ok(
            &app,
            &token,
            &create_q().replace(ORDER, "id"),
            json!({ "input": { "currency": "USD" } }),
        )
        .await;
        let items: Vec<Value> = fx.bulk[..n]
            .iter()
            .map(|v| json!({ "variantId": v, "quantity": 2 }))
            .collect();
        let before = app.statements();
        let p = mutate(
            &app,
            &token,
            query,
            json!({ "id": o["id"], "items": items }),
        )
        .await;
        counts.push(app.statements() - before);
        assert_eq!(p["userErrors"], json!([]));
        assert_eq!(p["order"]["itemCount"], 2 * n as i64);
        assert_eq!(p["order"]["total"], format!("{}.00", 2 * n));
    }
    println!("statements of orderLineItemsAdd for 5, 100, 5, 100 lines: {counts:?}");
    assert_eq!(counts[2], counts[3], "{counts:?}");
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert!(counts[3] <= 14, "{counts:?}");
}
