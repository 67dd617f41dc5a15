//! `domain::promotions::evaluate` against a real database: the candidates it loads (windows,
//! usage, codes matched case-insensitively, tenant isolation), the customer facts, and a number
//! of statements that does not grow with the number of promotions.

mod common;

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
    assert_eq!(e.applied[0].coupon_code_id.is_some(), true);
    assert_eq!(e.applied[0].label, "Coded");
    assert_eq!(
        reasons(&e),
        vec![
            ("rival".into(), "NOT_FOUND".into()),
            ("nope".into(), "NOT_FOUND".into()),
            ("soon".into(), "NOT_STARTED".into()),
            ("GONE".into(), "EXPIRED".into()),
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
