//! `domain::promotions::evaluate` against a real database: the candidates it loads (windows,
//! usage, codes matched case-insensitively, tenant isolation), the customer facts, and a number
//! of statements that does not grow with the number of promotions.

use crate::common;

use chrono::Utc;
use commerce_gateway::domain::merchants;
use commerce_gateway::domain::promotions::evaluate::{evaluate, Draft, DraftLine, Evaluation};
use diesel::sql_types;
use diesel_async::{AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use rust_decimal::Decimal;

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
}

/// Runs an INSERT … RETURNING id.
async fn id(conn: &mut AsyncPgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .load::<Id>(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))[0]
        .id
}

struct Shop {
    m: i64,
    product: i64,
    variant: i64,
    customer: i64,
}

async fn shop(conn: &mut AsyncPgConnection, slug: &str) -> Shop {
    let m = merchants::find_or_create(conn, slug).await.unwrap().id;
    let product = id(conn, &format!("INSERT INTO products (merchant_id, name, slug) VALUES ({m}, 'Tee', 'tee') RETURNING id")).await;
    let variant = id(conn, &format!("INSERT INTO variants (merchant_id, product_id, sku) VALUES ({m}, {product}, 'TEE-{slug}') RETURNING id")).await;
    let customer = id(conn, &format!("INSERT INTO customers (merchant_id, email) VALUES ({m}, 'ana@{slug}.test') RETURNING id")).await;
    Shop {
        m,
        product,
        variant,
        customer,
    }
}

/// A promotion with one action (order adjustment of `flat`), optionally a code.
async fn promotion(
    conn: &mut AsyncPgConnection,
    m: i64,
    name: &str,
    extra: &str,
    flat: &str,
    code: Option<&str>,
) -> i64 {
    let kind = if code.is_some() {
        "coupon_code"
    } else {
        "automatic"
    };
    let (cols, vals) = match extra.split_once('=') {
        Some((c, v)) => (format!(", {c}"), format!(", {v}")),
        None => (String::new(), String::new()),
    };
    let p = id(conn, &format!("INSERT INTO promotions (merchant_id, name, kind{cols}) VALUES ({m}, '{name}', '{kind}'{vals}) RETURNING id")).await;
    conn.batch_execute(&format!(
        "INSERT INTO promotion_actions (merchant_id, promotion_id, kind, calculator, amount) VALUES ({m}, {p}, 'order_adjustment', 'flat', {flat})"
    ))
    .await
    .unwrap();
    if let Some(c) = code {
        conn.batch_execute(&format!(
            "INSERT INTO coupon_codes (merchant_id, promotion_id, code) VALUES ({m}, {p}, '{c}')"
        ))
        .await
        .unwrap();
    }
    p
}

/// An order of `status` holding an adjustment of `promotion` (and of `code`, when given).
async fn used_by_order(
    conn: &mut AsyncPgConnection,
    s: &Shop,
    n: &str,
    status: &str,
    promotion: i64,
    code: Option<i64>,
) -> i64 {
    let completed = if status == "draft" { "NULL" } else { "now()" };
    let canceled = if status == "canceled" {
        "now()"
    } else {
        "NULL"
    };
    let o = id(conn, &format!(
        "INSERT INTO orders (merchant_id, number, status, customer_id, currency, completed_at, canceled_at) \
         VALUES ({}, '{n}', '{status}', {}, 'USD', {completed}, {canceled}) RETURNING id", s.m, s.customer
    ))
    .await;
    let cc = code.map(|c| c.to_string()).unwrap_or("NULL".into());
    conn.batch_execute(&format!(
        "INSERT INTO adjustments (merchant_id, order_id, promotion_id, coupon_code_id, label, amount) VALUES ({}, {o}, {promotion}, {cc}, 'x', 1)",
        s.m
    ))
    .await
    .unwrap();
    o
}

fn draft(s: &Shop, codes: &[&str]) -> Draft {
    Draft {
        order_id: None,
        customer_id: Some(s.customer),
        currency: "USD".into(),
        lines: vec![DraftLine {
            key: 1,
            variant_id: s.variant,
            product_id: s.product,
            quantity: 2,
            unit_price: dec("25.00"),
        }],
        delivery_total: dec("5.00"),
        coupon_codes: codes.iter().map(|c| c.to_string()).collect(),
        at: Utc::now(),
    }
}

fn applied(e: &Evaluation) -> Vec<(i64, Decimal)> {
    e.applied
        .iter()
        .map(|a| (a.promotion_id, a.order_amount))
        .collect()
}

fn reasons(e: &Evaluation) -> Vec<(String, String)> {
    e.code_errors
        .iter()
        .map(|c| (c.code.clone(), c.reason.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn windows_codes_and_tenant_isolation() {
    let app = common::spawn().await;
    let mut conn = app.conn().await;
    let s = shop(&mut conn, "acme").await;
    let other = shop(&mut conn, "rival").await;
    let live = promotion(&mut conn, s.m, "Live", "", "1", None).await;
    promotion(
        &mut conn,
        s.m,
        "Future",
        "starts_at=now() + interval '1 day'",
        "2",
        None,
    )
    .await;
    promotion(
        &mut conn,
        s.m,
        "Past",
        "expires_at=now() - interval '1 second'",
        "3",
        None,
    )
    .await;
    let coded = promotion(&mut conn, s.m, "Coded", "", "4", Some("Summer24")).await;
    promotion(
        &mut conn,
        s.m,
        "Soon",
        "starts_at=now() + interval '1 hour'",
        "5",
        Some("SOON"),
    )
    .await;
    promotion(
        &mut conn,
        s.m,
        "Gone",
        "expires_at=now() - interval '1 hour'",
        "6",
        Some("GONE"),
    )
    .await;
    // Another merchant's automatic promotion and code never show.
    let theirs = promotion(&mut conn, other.m, "Theirs", "", "50", None).await;
    let their_code = promotion(&mut conn, other.m, "Their code", "", "60", Some("RIVAL")).await;

    let mut c = app.state.db.conn().await.unwrap();
    let e = evaluate(
        &mut c,
        s.m,
        &draft(&s, &["summer24", "soon", "GONE", "rival", "nope"]),
    )
    .await
    .unwrap();
    assert_eq!(
        applied(&e),
        vec![(coded, dec("4")), (live, dec("1"))],
        "codes first, then automatic"
    );
    assert!(e.applied[0].coupon_code_id.is_some());
    assert_eq!(e.applied[0].label, "Coded");
    assert_eq!(
        reasons(&e),
        vec![
            ("soon".into(), "NOT_STARTED".into()),
            ("GONE".into(), "EXPIRED".into()),
            ("rival".into(), "NOT_FOUND".into()),
            ("nope".into(), "NOT_FOUND".into()),
        ]
    );
    assert_eq!(e.discount_total, dec("5"));

    // The other merchant sees only their own.
    // Their code takes 60 off 50 of items: capped at 50, which leaves nothing for "Theirs".
    let e = evaluate(&mut c, other.m, &draft(&other, &["SUMMER24", "rival"]))
        .await
        .unwrap();
    assert_eq!(
        applied(&e),
        vec![(their_code, dec("50.00")), (theirs, dec("0"))]
    );
    assert_eq!(reasons(&e), vec![("SUMMER24".into(), "NOT_FOUND".into())]);
    assert_eq!(e.discount_total, dec("50"));
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_limit_counts_complete_orders_except_the_one_evaluated() {
    let app = common::spawn().await;
    let mut conn = app.conn().await;
    let s = shop(&mut conn, "acme").await;
    let auto = promotion(&mut conn, s.m, "Twice", "usage_limit=2", "1", None).await;
    let coded = promotion(&mut conn, s.m, "Once", "usage_limit=1", "2", Some("ONCE")).await;
    used_by_order(&mut conn, &s, "R1", "complete", auto, None).await;
    let second = used_by_order(&mut conn, &s, "R2", "complete", auto, None).await;
    // Drafts and canceled orders do not count.
    used_by_order(&mut conn, &s, "R3", "draft", auto, None).await;
    used_by_order(&mut conn, &s, "R4", "canceled", coded, None).await;

    let mut c = app.state.db.conn().await.unwrap();
    let e = evaluate(&mut c, s.m, &draft(&s, &["once"])).await.unwrap();
    assert_eq!(applied(&e), vec![(coded, dec("2"))], "Twice is used up");

    let used = used_by_order(&mut conn, &s, "R5", "complete", coded, None).await;
    let e = evaluate(&mut c, s.m, &draft(&s, &["once"])).await.unwrap();
    assert_eq!(applied(&e), vec![]);
    assert_eq!(
        reasons(&e),
        vec![("once".into(), "USAGE_LIMIT_REACHED".into())]
    );

    // Re-evaluating an order that used the promotion does not count it against itself.
    let mut d = draft(&s, &["once"]);
    d.order_id = Some(used);
    let e = evaluate(&mut c, s.m, &d).await.unwrap();
    assert_eq!(applied(&e), vec![(coded, dec("2"))]);
    d.order_id = Some(second);
    d.coupon_codes.clear();
    let e = evaluate(&mut c, s.m, &d).await.unwrap();
    assert_eq!(applied(&e), vec![(auto, dec("1"))]);
}

#[tokio::test(flavor = "multi_thread")]
async fn generated_codes_are_single_use() {
    let app = common::spawn().await;
    let mut conn = app.conn().await;
    let s = shop(&mut conn, "acme").await;
    let p = promotion(
        &mut conn,
        s.m,
        "Batch",
        "multi_codes=true",
        "3",
        Some("BATCH-AAA"),
    )
    .await;
    let other_code = id(&mut conn, &format!("INSERT INTO coupon_codes (merchant_id, promotion_id, code) VALUES ({}, {p}, 'BATCH-BBB') RETURNING id", s.m)).await;
    let first_code: i64 = id(
        &mut conn,
        &format!(
            "SELECT id FROM coupon_codes WHERE merchant_id = {} AND code = 'BATCH-AAA'",
            s.m
        ),
    )
    .await;
    used_by_order(&mut conn, &s, "R1", "complete", p, Some(first_code)).await;

    let mut c = app.state.db.conn().await.unwrap();
    let e = evaluate(&mut c, s.m, &draft(&s, &["batch-aaa"]))
        .await
        .unwrap();
    assert_eq!(
        reasons(&e),
        vec![("batch-aaa".into(), "USAGE_LIMIT_REACHED".into())]
    );
    // The used code fails, the unused one of the same promotion applies.
    let e = evaluate(&mut c, s.m, &draft(&s, &["batch-aaa", "batch-bbb"]))
        .await
        .unwrap();
    assert_eq!(applied(&e), vec![(p, dec("3"))]);
    assert_eq!(e.applied[0].coupon_code_id, Some(other_code));
    assert_eq!(
        reasons(&e),
        vec![("batch-aaa".into(), "USAGE_LIMIT_REACHED".into())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn customer_group_and_first_order_read_the_customer() {
    let app = common::spawn().await;
    let mut conn = app.conn().await;
    let s = shop(&mut conn, "acme").await;
    let group = id(
        &mut conn,
        &format!(
            "INSERT INTO customer_groups (merchant_id, name) VALUES ({}, 'VIP') RETURNING id",
            s.m
        ),
    )
    .await;
    let vip = promotion(&mut conn, s.m, "VIP", "", "7", None).await;
    conn.batch_execute(&format!(
        "INSERT INTO promotion_rules (merchant_id, promotion_id, kind, customer_group_ids) VALUES ({}, {vip}, 'customer_group', '{{{group}}}')",
        s.m
    ))
    .await
    .unwrap();
    let first = promotion(&mut conn, s.m, "First", "", "8", None).await;
    conn.batch_execute(&format!("INSERT INTO promotion_rules (merchant_id, promotion_id, kind) VALUES ({}, {first}, 'first_order')", s.m))
        .await
        .unwrap();

    let mut c = app.state.db.conn().await.unwrap();
    let e = evaluate(&mut c, s.m, &draft(&s, &[])).await.unwrap();
    assert_eq!(
        applied(&e),
        vec![(first, dec("8"))],
        "not in the group yet; no purchase yet"
    );

    conn.batch_execute(&format!(
        "INSERT INTO customer_group_memberships (merchant_id, customer_group_id, customer_id) VALUES ({}, {group}, {})",
        s.m, s.customer
    ))
    .await
    .unwrap();
    // A canceled order is no purchase; a returned one is.
    let o = id(&mut conn, &format!(
        "INSERT INTO orders (merchant_id, number, status, customer_id, currency, completed_at, canceled_at) VALUES ({}, 'C1', 'canceled', {}, 'USD', now(), now()) RETURNING id",
        s.m, s.customer
    ))
    .await;
    let e = evaluate(&mut c, s.m, &draft(&s, &[])).await.unwrap();
    assert_eq!(applied(&e), vec![(vip, dec("7")), (first, dec("8"))]);
    conn.batch_execute(&format!(
        "UPDATE orders SET status = 'returned', canceled_at = NULL WHERE id = {o}"
    ))
    .await
    .unwrap();
    let e = evaluate(&mut c, s.m, &draft(&s, &[])).await.unwrap();
    assert_eq!(applied(&e), vec![(vip, dec("7"))]);
    // That purchase is the order being evaluated: still a first order.
    let mut d = draft(&s, &[]);
    d.order_id = Some(o);
    let e = evaluate(&mut c, s.m, &d).await.unwrap();
    assert_eq!(applied(&e), vec![(vip, dec("7")), (first, dec("8"))]);
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_do_not_grow_with_the_number_of_promotions() {
    let app = common::spawn().await;
    let mut conn = app.conn().await;
    let s = shop(&mut conn, "acme").await;
    let mut counts = Vec::new();
    for total in [2, 40] {
        conn.batch_execute(&format!(
            "INSERT INTO promotions (merchant_id, name, kind, usage_limit) \
             SELECT {m}, 'P' || i, CASE WHEN i % 2 = 0 THEN 'automatic' ELSE 'coupon_code' END, 100 FROM generate_series(1, {total}) i;
             INSERT INTO coupon_codes (merchant_id, promotion_id, code) SELECT {m}, id, 'C' || id FROM promotions WHERE merchant_id = {m} AND kind = 'coupon_code' ON CONFLICT DO NOTHING;
             INSERT INTO promotion_rules (merchant_id, promotion_id, kind) SELECT {m}, id, 'first_order' FROM promotions WHERE merchant_id = {m};
             INSERT INTO promotion_rules (merchant_id, promotion_id, kind, customer_group_ids) SELECT {m}, id, 'customer_group', '{{1}}' FROM promotions WHERE merchant_id = {m};
             INSERT INTO promotion_actions (merchant_id, promotion_id, kind) SELECT {m}, id, 'free_delivery' FROM promotions WHERE merchant_id = {m};",
            m = s.m
        ))
        .await
        .unwrap();
        let codes: Vec<String> = diesel::sql_query(format!(
            "SELECT code AS name FROM coupon_codes WHERE merchant_id = {}",
            s.m
        ))
        .load::<Name>(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect();
        let mut d = draft(&s, &[]);
        d.coupon_codes = codes;
        let mut c = app.state.db.conn().await.unwrap();
        let before = app.statements();
        let e = evaluate(&mut c, s.m, &d).await.unwrap();
        counts.push(app.statements() - before);
        assert!(e.applied.is_empty(), "the customer is in no group");
        assert!(e.code_errors.iter().all(|c| c.reason == "RULES_NOT_MET"));
        assert!(e.code_errors.len() >= total / 2);
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert_eq!(counts[0], 4, "candidates, rules, actions, customer facts");
}

#[derive(diesel::QueryableByName)]
struct Name {
    #[diesel(sql_type = sql_types::Text)]
    name: String,
}

// ---------------------------------------------------------------- promotionEvaluate over GraphQL

use crate::promo_fixtures as fx;
use serde_json::{json, Value};

const CREATE: &str = "mutation($input: PromotionCreateInput!) { promotionCreate(input: $input) {
  promotion { id } userErrors { field code message } } }";

const EVALUATE: &str = "query($orderId: ID, $draft: PromotionDraftInput, $codes: [String!]) {
  promotionEvaluate(orderId: $orderId, draft: $draft, couponCodes: $codes) {
    evaluation {
      currency itemTotal deliveryTotal discountTotal totalAfterDiscounts freeDelivery
      applied { promotionId promotion { name } couponCode { code } label orderAmount amount freeDelivery
                lineDiscounts { lineIndex lineItemId amount } }
      codeErrors { code reason message }
    }
    userErrors { field code message } } }";

async fn create_promotion(app: &common::TestApp, key: &str, input: Value) -> String {
    let d = app.data(key, CREATE, json!({ "input": input })).await;
    assert_eq!(d["promotionCreate"]["userErrors"], json!([]), "{input}");
    d["promotionCreate"]["promotion"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn evaluate_gql(app: &common::TestApp, key: &str, vars: Value) -> Value {
    app.data(key, EVALUATE, vars).await["promotionEvaluate"].clone()
}

fn user_errors(p: &Value) -> Vec<(String, String)> {
    p["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let f: Vec<&str> = e["field"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap())
                .collect();
            (f.join("."), e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn draft_evaluation_gives_exact_amounts_per_promotion_and_line() {
    let app = common::spawn().await;
    let mut conn = app.conn().await;
    let a = fx::shop(&mut conn, "acme").await;
    let key = app.api_key("acme", "promotions:write").await;
    let ten = create_promotion(
        &app,
        &key,
        json!({ "name": "Ten off 50", "kind": "coupon_code", "code": "TEN",
        "rules": [{ "kind": "item_total", "amountMin": "50" }],
        "actions": [{ "kind": "order_adjustment", "calculator": "flat", "amount": "10" }] }),
    )
    .await;
    let tees = create_promotion(&app, &key, json!({ "name": "Tees 20%", "kind": "automatic",
        "rules": [{ "kind": "product", "productIds": [a.product(0)] }],
        "actions": [{ "kind": "item_adjustment", "calculator": "percent", "percent": "20", "productIds": [a.product(0)] }] })).await;
    let ship = create_promotion(&app, &key, json!({ "name": "Free shipping", "kind": "automatic",
        "rules": [{ "kind": "currency", "currency": "USD" }], "actions": [{ "kind": "free_delivery" }] })).await;
    let mugs = create_promotion(&app, &key, json!({ "name": "Mugs", "kind": "automatic",
        "actions": [{ "kind": "item_adjustment", "calculator": "flat", "amount": "0.335", "productIds": [a.product(1)] }] })).await;
    // Not applicable: another currency, a group Bo is not in.
    create_promotion(&app, &key, json!({ "name": "Euro", "kind": "automatic",
        "rules": [{ "kind": "currency", "currency": "EUR" }], "actions": [{ "kind": "free_delivery" }] })).await;
    create_promotion(
        &app,
        &key,
        json!({ "name": "VIP", "kind": "automatic",
        "rules": [{ "kind": "customer_group", "customerGroupIds": [a.group_id()] }],
        "actions": [{ "kind": "order_adjustment", "calculator": "percent", "percent": 50 }] }),
    )
    .await;

    let reader = app.api_key("acme", "promotions:read,customers:read").await;
    let draft = json!({
        "customerId": a.customer(1), "currency": "usd", "deliveryTotal": "4.95", "couponCodes": ["ten", "NOPE"],
        "lines": [
            { "variantId": a.variant(0), "quantity": 2, "unitPrice": "19.99" },
            { "variantId": a.variant(1), "quantity": 3, "unitPrice": 4.5 },
            { "variantId": a.variant(2), "quantity": 1, "unitPrice": "12" }
        ] });
    let p = evaluate_gql(&app, &reader, json!({ "draft": draft })).await;
    assert_eq!(user_errors(&p), vec![]);
    let e = &p["evaluation"];
    assert_eq!(e["currency"], "USD");
    assert_eq!(e["itemTotal"], "65.48");
    assert_eq!(e["deliveryTotal"], "4.95");
    // Coded first, then automatic by creation: 10 + 8.00 (20% of 39.98 = 7.996) + 4.95 + 1.01
    // (3 × 0.335 = 1.005, half-up).
    assert_eq!(
        e["applied"],
        json!([
            { "promotionId": ten, "promotion": { "name": "Ten off 50" }, "couponCode": { "code": "TEN" }, "label": "Ten off 50",
              "orderAmount": "10.00", "amount": "10.00", "freeDelivery": false, "lineDiscounts": [] },
            { "promotionId": tees, "promotion": { "name": "Tees 20%" }, "couponCode": null, "label": "Tees 20%",
              "orderAmount": "0.00", "amount": "8.00", "freeDelivery": false,
              "lineDiscounts": [{ "lineIndex": 0, "lineItemId": null, "amount": "8.00" }] },
            { "promotionId": ship, "promotion": { "name": "Free shipping" }, "couponCode": null, "label": "Free shipping",
              "orderAmount": "4.95", "amount": "4.95", "freeDelivery": true, "lineDiscounts": [] },
            { "promotionId": mugs, "promotion": { "name": "Mugs" }, "couponCode": null, "label": "Mugs",
              "orderAmount": "0.00", "amount": "1.01", "freeDelivery": false,
              "lineDiscounts": [{ "lineIndex": 1, "lineItemId": null, "amount": "1.01" }] }
        ])
    );
    assert_eq!(e["discountTotal"], "23.96");
    assert_eq!(e["totalAfterDiscounts"], "46.47");
    assert_eq!(e["freeDelivery"], true);
    assert_eq!(
        e["codeErrors"],
        json!([{ "code": "NOPE", "reason": "NOT_FOUND", "message": "no such coupon code" }])
    );

    // Ana is in the group: half the item total off as well, capped by what is left.
    let mut as_ana = draft.clone();
    as_ana["customerId"] = json!(a.customer(0));
    let e = &evaluate_gql(&app, &reader, json!({ "draft": as_ana })).await["evaluation"];
    let vip = e["applied"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["label"] == "VIP")
        .unwrap()
        .clone();
    assert_eq!(vip["orderAmount"], "32.74", "50% of 65.48");
    assert_eq!(e["discountTotal"], "56.70");

    // Below the threshold the code's rules are not met.
    let mut small = draft.clone();
    small["lines"] = json!([{ "variantId": a.variant(2), "quantity": 1, "unitPrice": "12" }]);
    let e = &evaluate_gql(&app, &reader, json!({ "draft": small })).await["evaluation"];
    assert_eq!(
        e["codeErrors"][0],
        json!({ "code": "ten", "reason": "RULES_NOT_MET", "message": "the order does not meet the promotion's conditions" })
    );

    let no_scope = app.api_key("acme", "customers:read").await;
    let body = app
        .gql(&no_scope, EVALUATE, json!({ "draft": draft }))
        .await;
    assert_eq!(common::error_code(&body), "FORBIDDEN");
}

#[tokio::test(flavor = "multi_thread")]
async fn order_evaluation_uses_its_line_items_and_coupon_code() {
    let app = common::spawn().await;
    let mut conn = app.conn().await;
    let a = fx::shop(&mut conn, "acme").await;
    let b = fx::shop(&mut conn, "rival").await;
    let key = app.api_key("acme", "promotions:write").await;
    create_promotion(&app, &key, json!({ "name": "Caps", "kind": "coupon_code", "code": "CAPS",
        "actions": [{ "kind": "item_adjustment", "calculator": "flat", "amount": "100", "productIds": [a.product(2)] }] })).await;
    create_promotion(
        &app,
        &key,
        json!({ "name": "Extra", "kind": "coupon_code", "code": "EXTRA",
        "actions": [{ "kind": "order_adjustment", "calculator": "percent", "percent": "12.5" }] }),
    )
    .await;
    let order = fx::id(&mut conn, &format!(
        "INSERT INTO orders (merchant_id, number, customer_id, currency, delivery_total, coupon_code_id) \
         SELECT {m}, 'R100', {c}, 'USD', 3, id FROM coupon_codes WHERE merchant_id = {m} AND code = 'CAPS' RETURNING id",
        m = a.m, c = a.customers[0])).await;
    let li_tee = fx::id(&mut conn, &format!(
        "INSERT INTO line_items (merchant_id, order_id, variant_id, quantity, price, total) VALUES ({}, {order}, {}, 1, 10, 10) RETURNING id",
        a.m, a.variants[0])).await;
    let li_cap = fx::id(&mut conn, &format!(
        "INSERT INTO line_items (merchant_id, order_id, variant_id, quantity, price, total) VALUES ({}, {order}, {}, 2, 7.5, 15) RETURNING id",
        a.m, a.variants[2])).await;
    let order_id = commerce_gateway::ids::encode(commerce_gateway::ids::Kind::Order, order);
    let reader = app.api_key("acme", "promotions:read,orders:read").await;

    let p = evaluate_gql(
        &app,
        &reader,
        json!({ "orderId": order_id, "codes": ["extra"] }),
    )
    .await;
    assert_eq!(user_errors(&p), vec![]);
    let e = &p["evaluation"];
    assert_eq!(e["itemTotal"], "25.00");
    let li = |k: i64| commerce_gateway::ids::encode(commerce_gateway::ids::Kind::LineItem, k);
    // The cap line's 2 × 100 is capped at its 15.00; 12.5% of 25 = 3.125 → 3.13.
    assert_eq!(
        e["applied"][0]["lineDiscounts"],
        json!([{ "lineIndex": null, "lineItemId": li(li_cap), "amount": "15.00" }])
    );
    assert_eq!(e["applied"][1]["orderAmount"], "3.13");
    assert_eq!(e["discountTotal"], "18.13");
    assert_eq!(e["totalAfterDiscounts"], "9.87");
    let _ = li_tee;

    // Another merchant's order is not found, whatever they ask.
    let rival = app.api_key("rival", "promotions:read,orders:read").await;
    let p = evaluate_gql(&app, &rival, json!({ "orderId": order_id })).await;
    assert_eq!(
        user_errors(&p),
        vec![("orderId".into(), "NOT_FOUND".into())]
    );
    assert_eq!(p["evaluation"], Value::Null);
    // …nor are its codes.
    let p = evaluate_gql(
        &app,
        &rival,
        json!({ "draft": { "currency": "USD", "couponCodes": ["CAPS"],
        "lines": [{ "variantId": b.variant(2), "quantity": 1, "unitPrice": "9" }] } }),
    )
    .await;
    assert_eq!(p["evaluation"]["applied"], json!([]));
    assert_eq!(p["evaluation"]["codeErrors"][0]["reason"], "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread")]
async fn evaluate_refuses_bad_arguments_with_paths() {
    let app = common::spawn().await;
    let mut conn = app.conn().await;
    let a = fx::shop(&mut conn, "acme").await;
    let b = fx::shop(&mut conn, "rival").await;
    let reader = app
        .api_key("acme", "promotions:read,orders:read,customers:read")
        .await;
    let line = |v: String| json!({ "variantId": v, "quantity": 1, "unitPrice": "1" });
    let cases = vec![
        (json!({}), vec![("orderId", "REQUIRED")]),
        (
            json!({ "orderId": "or_x", "draft": { "currency": "USD", "lines": [] } }),
            vec![("draft", "INVALID")],
        ),
        (json!({ "orderId": "cus_x" }), vec![("orderId", "INVALID")]),
        (
            json!({ "draft": { "currency": "USD", "lines": [] }, "codes": ["A"] }),
            vec![("couponCodes", "INVALID")],
        ),
        (
            json!({ "draft": { "currency": "US", "customerId": b.customer(0), "deliveryTotal": "-1",
            "couponCodes": (0..21).map(|i| format!("C{i}")).collect::<Vec<_>>(),
            "lines": [line(b.variant(0)), line(a.product(0)),
                      { "variantId": a.variant(0), "quantity": 0, "unitPrice": "1.00001" }] } }),
            vec![
                ("draft.currency", "INVALID"),
                ("draft.deliveryTotal", "OUT_OF_RANGE"),
                ("draft.couponCodes", "LIMIT_EXCEEDED"),
                ("draft.customerId", "NOT_FOUND"),
                ("draft.lines.0.variantId", "NOT_FOUND"),
                ("draft.lines.1.variantId", "INVALID"),
                ("draft.lines.2.quantity", "OUT_OF_RANGE"),
                ("draft.lines.2.unitPrice", "INVALID"),
            ],
        ),
    ];
    for (vars, expected) in cases {
        let p = evaluate_gql(&app, &reader, vars.clone()).await;
        let mut got = user_errors(&p);
        got.sort();
        let mut want: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        want.sort();
        assert_eq!(got, want, "{vars}");
        assert_eq!(p["evaluation"], Value::Null);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn evaluate_statements_do_not_depend_on_promotions_or_lines() {
    let app = common::spawn().await;
    let mut conn = app.conn().await;
    let a = fx::shop(&mut conn, "acme").await;
    let key = app.api_key("acme", "promotions:write,customers:read").await;
    let mut counts = Vec::new();
    for round in 0..2 {
        let n = if round == 0 { 1 } else { 20 };
        for i in 0..n {
            create_promotion(&app, &key, json!({ "name": format!("P{round}-{i}"), "kind": "coupon_code", "code": format!("C{round}X{i}"),
                "rules": [{ "kind": "first_order" }, { "kind": "product", "productIds": [a.product(0)] }],
                "actions": [{ "kind": "item_adjustment", "calculator": "percent", "percent": 1 }] })).await;
        }
        let codes: Vec<String> = (0..n).map(|i| format!("c{round}x{i}")).collect();
        let lines: Vec<Value> = (0..(n * 4))
            .map(|i| json!({ "variantId": a.variant(i % 3), "quantity": 1, "unitPrice": "10" }))
            .collect();
        let before = app.statements();
        let p = evaluate_gql(
            &app,
            &key,
            json!({ "draft": { "currency": "USD", "customerId": a.customer(0),
            "couponCodes": codes, "lines": lines } }),
        )
        .await;
        counts.push(app.statements() - before);
        assert_eq!(p["evaluation"]["applied"].as_array().unwrap().len(), n);
        assert!(p["evaluation"]["applied"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["couponCode"]["code"].is_string()));
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
}
