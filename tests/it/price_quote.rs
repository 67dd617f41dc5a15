//! Price resolution: `quote_many` (the domain function orders use) and the `priceQuote` query.
//! Statuses and windows, match policies, every rule kind, volume breaks, position precedence,
//! which list and rule decided, one statement for N requests, and tenant isolation.

use crate::common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use commerce_gateway::domain::merchants;
use commerce_gateway::domain::pricing::quote::{
    quote_many, quote_many_in_markets, Quote, QuoteRequest,
};
use diesel_async::{AsyncPgConnection, SimpleAsyncConnection};
use rust_decimal::Decimal;

/// A fixed reference moment, so windows are exact.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 6, 1, 12, 0, 0).unwrap()
}

const VARIANT: i64 = 9401;
const MEMBER: i64 = 9001;
const PLAIN: i64 = 9002;
const GROUP: i64 = 9101;
const WEB: i64 = 9201;
const POS: i64 = 9202;

/// Customers (9001 in group 9101, 9002 in none), channels WEB 9201 and POS 9202, variants 9401
/// (USD 10.00, compare-at 12.00) and 9402 (EUR 5.00 only). Explicit keys far above what the
/// identity sequences hand out in a test.
async fn fixture(conn: &mut AsyncPgConnection, slug: &str) -> i64 {
    let m = merchants::find_or_create(conn, slug).await.unwrap().id;
    conn.batch_execute(&format!(
        "INSERT INTO customers (merchant_id, id, email) VALUES ({m}, 9001, 'member@x.io'), ({m}, 9002, 'plain@x.io');
         INSERT INTO customer_groups (merchant_id, id, name) VALUES ({m}, 9101, 'Trade');
         INSERT INTO customer_group_memberships (merchant_id, customer_group_id, customer_id) VALUES ({m}, 9101, 9001);
         INSERT INTO channels (merchant_id, id, code, name) VALUES ({m}, 9201, 'WEB', 'Web'), ({m}, 9202, 'POS', 'Pos');
         INSERT INTO products (merchant_id, id, name, slug) VALUES ({m}, 9301, 'Burger', 'burger');
         INSERT INTO variants (merchant_id, id, product_id, sku) VALUES ({m}, 9401, 9301, 'B-1'), ({m}, 9402, 9301, 'B-2');
         INSERT INTO prices (merchant_id, id, variant_id, currency, amount, compare_at_amount)
         VALUES ({m}, 9501, 9401, 'USD', 10, 12), ({m}, 9502, 9402, 'EUR', 5, NULL);"
    ))
    .await
    .unwrap();
    m
}

/// A rule of a list: kind and its value, as SQL.
type Rule<'a> = (&'a str, &'a str);

/// Inserts price list `id` with a USD price `amount` for the variant and `rules` (rule keys are
/// `id * 10 + i`).
#[allow(clippy::too_many_arguments)]
async fn list(
    conn: &mut AsyncPgConnection,
    m: i64,
    id: i64,
    status: &str,
    position: i32,
    policy: &str,
    window: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    amount: &str,
    rules: &[Rule<'_>],
) {
    let ts = |t: Option<DateTime<Utc>>| {
        t.map(|t| format!("'{}'", t.to_rfc3339()))
            .unwrap_or_else(|| "NULL".into())
    };
    let mut sql = format!(
        "INSERT INTO price_lists (merchant_id, id, name, status, position, match_policy, starts_at, ends_at)
         VALUES ({m}, {id}, 'list {id}', '{status}', {position}, '{policy}', {}, {});
         INSERT INTO prices (merchant_id, variant_id, currency, price_list_id, amount)
         VALUES ({m}, {VARIANT}, 'USD', {id}, {amount});",
        ts(window.0),
        ts(window.1)
    );
    for (i, (kind, value)) in rules.iter().enumerate() {
        let (column, value) = match *kind {
            "customer_group" => ("customer_group_ids", format!("ARRAY[{value}]")),
            "channel" => ("channel_ids", format!("ARRAY[{value}]")),
            "customer" => ("customer_ids", format!("ARRAY[{value}]")),
            "volume" => ("min_quantity", value.to_string()),
            _ => ("market_code", value.to_string()),
        };
        sql.push_str(&format!(
            "INSERT INTO price_rules (merchant_id, id, price_list_id, kind, {column}) VALUES ({m}, {}, {id}, '{kind}', {value});",
            id * 10 + i as i64
        ));
    }
    conn.batch_execute(&sql).await.unwrap();
}

fn req(customer: Option<i64>, channel: Option<i64>, quantity: i32) -> QuoteRequest {
    QuoteRequest {
        variant_id: VARIANT,
        currency: "USD".into(),
        quantity,
        customer_id: customer,
        channel_id: channel,
        at: t0(),
    }
}

async fn one(conn: &mut AsyncPgConnection, m: i64, r: QuoteRequest) -> Option<Quote> {
    quote_many(conn, m, &[r]).await.unwrap().remove(0)
}

/// (amount, list, rule) of a quote that must exist.
async fn decided(
    conn: &mut AsyncPgConnection,
    m: i64,
    r: QuoteRequest,
) -> (String, Option<i64>, Option<i64>) {
    let q = one(conn, m, r).await.expect("a price");
    (
        q.amount.normalize().to_string(),
        q.price_list_id,
        q.price_rule_id,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn base_prices_request_order_missing_prices_and_one_statement() {
    let app = common::spawn().await;
    let mut setup = app.conn().await;
    let m = fixture(&mut setup, "acme").await;
    let other = fixture(&mut setup, "globex").await;
    // The other merchant's variant 9401 has another base price; 9403 exists only there.
    setup
        .batch_execute(&format!(
            "UPDATE prices SET amount = 1 WHERE merchant_id = {other};
             INSERT INTO variants (merchant_id, id, product_id) VALUES ({other}, 9403, 9301);
             INSERT INTO prices (merchant_id, variant_id, currency, amount) VALUES ({other}, 9403, 'USD', 3);"
        ))
        .await
        .unwrap();

    let mut conn = app.state.db.conn().await.unwrap();
    let eur = |v: i64| QuoteRequest {
        variant_id: v,
        currency: "EUR".into(),
        ..req(None, None, 1)
    };
    let requests = vec![
        req(Some(MEMBER), Some(WEB), 2),
        eur(VARIANT),
        eur(9402),
        QuoteRequest {
            variant_id: 9403,
            ..req(None, None, 1)
        },
        QuoteRequest {
            variant_id: 123_456,
            ..req(None, None, 1)
        },
    ];
    let before = app.statements();
    let quotes = quote_many(&mut conn, m, &requests).await.unwrap();
    assert_eq!(app.statements() - before, 1, "one statement for 5 requests");
    assert_eq!(quotes.len(), 5);
    let q = quotes[0].as_ref().unwrap();
    assert_eq!(q.amount, Decimal::new(10, 0));
    assert_eq!(q.compare_at_amount, Some(Decimal::new(12, 0)));
    assert_eq!(
        (q.price_id, q.price_list_id, q.price_rule_id),
        (9501, None, None)
    );
    assert_eq!(
        (q.variant_id, q.quantity, q.currency.as_str()),
        (VARIANT, 2, "USD")
    );
    assert!(quotes[1].is_none(), "no EUR price for 9401");
    assert_eq!(quotes[2].as_ref().unwrap().amount, Decimal::new(5, 0));
    assert_eq!(quotes[2].as_ref().unwrap().price_id, 9502);
    assert!(quotes[3].is_none(), "9403 is another merchant's variant");
    assert!(quotes[4].is_none(), "unknown variant");

    // 200 requests: still one statement.
    let many: Vec<QuoteRequest> = (0..200).map(|i| req(None, None, i + 1)).collect();
    let before = app.statements();
    let quotes = quote_many(&mut conn, m, &many).await.unwrap();
    assert_eq!(app.statements() - before, 1);
    assert!(quotes
        .iter()
        .enumerate()
        .all(|(i, q)| q.as_ref().unwrap().quantity == i as i32 + 1));
    assert!(quote_many(&mut conn, m, &[]).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn statuses_and_windows() {
    let app = common::spawn().await;
    let mut c = app.conn().await;
    let m = fixture(&mut c, "acme").await;
    let h = Duration::hours(1);
    // Never: draft and inactive, even without window and rules.
    list(&mut c, m, 1, "draft", 0, "all", (None, None), "1", &[]).await;
    list(&mut c, m, 2, "inactive", 0, "all", (None, None), "2", &[]).await;
    assert_eq!(decided(&mut c, m, req(None, None, 1)).await.1, None);

    // Scheduled [t0, t0 + 1h): the start is inside, the end is not.
    list(
        &mut c,
        m,
        3,
        "scheduled",
        5,
        "all",
        (Some(t0()), Some(t0() + h)),
        "7",
        &[],
    )
    .await;
    let at = |t: DateTime<Utc>| QuoteRequest {
        at: t,
        ..req(None, None, 1)
    };
    assert_eq!(
        decided(&mut c, m, at(t0() - Duration::seconds(1))).await.1,
        None
    );
    assert_eq!(
        decided(&mut c, m, at(t0())).await,
        ("7".into(), Some(3), None)
    );
    assert_eq!(
        decided(&mut c, m, at(t0() + h - Duration::seconds(1)))
            .await
            .1,
        Some(3)
    );
    assert_eq!(decided(&mut c, m, at(t0() + h)).await.1, None);

    // Active: always without a window; inside it when set (open-ended bounds allowed).
    list(&mut c, m, 4, "active", 9, "all", (None, None), "9", &[]).await;
    assert_eq!(decided(&mut c, m, at(t0() + h * 1000)).await.1, Some(4));
    list(
        &mut c,
        m,
        5,
        "active",
        6,
        "all",
        (None, Some(t0())),
        "6",
        &[],
    )
    .await;
    assert_eq!(decided(&mut c, m, at(t0() - h)).await.1, Some(5));
    assert_eq!(
        decided(&mut c, m, at(t0() + h * 2)).await.1,
        Some(4),
        "5 has ended"
    );
    list(
        &mut c,
        m,
        6,
        "active",
        1,
        "all",
        (Some(t0() + h * 10), None),
        "1",
        &[],
    )
    .await;
    assert_eq!(
        decided(&mut c, m, at(t0() + h * 9)).await.1,
        Some(4),
        "6 not started"
    );
    assert_eq!(decided(&mut c, m, at(t0() + h * 10)).await.1, Some(6));
}

#[tokio::test(flavor = "multi_thread")]
async fn match_policies_and_rule_kinds() {
    let app = common::spawn().await;
    let mut c = app.conn().await;
    let m = fixture(&mut c, "acme").await;
    let g = GROUP.to_string();
    let web = WEB.to_string();
    let pos = POS.to_string();
    let plain = PLAIN.to_string();
    // 'all': a member of the group buying on WEB.
    list(
        &mut c,
        m,
        10,
        "active",
        1,
        "all",
        (None, None),
        "8",
        &[("customer_group", &g), ("channel", &web)],
    )
    .await;
    // 'any': customer 9002, or anyone on POS.
    list(
        &mut c,
        m,
        20,
        "active",
        2,
        "any",
        (None, None),
        "8.5",
        &[("customer", &plain), ("channel", &pos)],
    )
    .await;

    assert_eq!(
        decided(&mut c, m, req(Some(MEMBER), Some(WEB), 1)).await,
        ("8".into(), Some(10), Some(100)),
        "all rules match; the first rule is reported"
    );
    assert_eq!(
        decided(&mut c, m, req(Some(MEMBER), None, 1)).await.1,
        None,
        "no channel"
    );
    assert_eq!(
        decided(&mut c, m, req(None, Some(WEB), 1)).await.1,
        None,
        "anonymous"
    );
    assert_eq!(
        decided(&mut c, m, req(Some(PLAIN), Some(WEB), 1)).await,
        ("8.5".into(), Some(20), Some(200)),
        "not a member (10 fails); 9002 matches 20's customer rule"
    );
    assert_eq!(
        decided(&mut c, m, req(Some(MEMBER), Some(POS), 1)).await,
        ("8.5".into(), Some(20), Some(201)),
        "10 fails on the channel; 20 matches on its channel rule"
    );
    assert_eq!(
        decided(&mut c, m, req(None, Some(POS), 1)).await.2,
        Some(201),
        "anonymous on POS"
    );
    assert_eq!(
        decided(&mut c, m, req(Some(PLAIN), Some(POS), 1)).await.2,
        Some(200),
        "both rules match: the lowest rule id is reported"
    );
    // Another merchant with the same keys, where 9001 is in no group: acme's membership of
    // (9101, 9001) must not make its group rule match.
    let other = fixture(&mut c, "globex").await;
    c.batch_execute(&format!(
        "DELETE FROM customer_group_memberships WHERE merchant_id = {other}"
    ))
    .await
    .unwrap();
    list(
        &mut c,
        other,
        10,
        "active",
        1,
        "all",
        (None, None),
        "1",
        &[("customer_group", &g)],
    )
    .await;
    assert_eq!(
        decided(&mut c, other, req(Some(MEMBER), Some(WEB), 1))
            .await
            .1,
        None
    );
    assert_eq!(
        decided(&mut c, m, req(Some(MEMBER), Some(WEB), 1)).await.1,
        Some(10)
    );

    // Market rules match nobody without a market, and the given market otherwise.
    list(
        &mut c,
        m,
        30,
        "active",
        0,
        "all",
        (None, None),
        "3",
        &[("market", "'EC'")],
    )
    .await;
    assert_eq!(
        decided(&mut c, m, req(None, Some(POS), 1)).await.1,
        Some(20)
    );
    let r = [
        req(None, Some(POS), 1),
        req(None, Some(POS), 1),
        req(None, None, 1),
    ];
    let markets = [Some("EC".to_owned()), Some("US".to_owned())];
    let q = quote_many_in_markets(&mut c, m, &r, &markets)
        .await
        .unwrap();
    assert_eq!(q[0].as_ref().unwrap().price_list_id, Some(30));
    assert_eq!(q[0].as_ref().unwrap().price_rule_id, Some(300));
    assert_eq!(q[1].as_ref().unwrap().price_list_id, Some(20));
    assert_eq!(
        q[2].as_ref().unwrap().price_list_id,
        None,
        "no market for the third"
    );

    // A list without rules matches everyone, anonymous included.
    list(&mut c, m, 40, "active", -1, "any", (None, None), "4", &[]).await;
    assert_eq!(
        decided(&mut c, m, req(None, None, 1)).await,
        ("4".into(), Some(40), None)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn volume_breaks_and_position_precedence() {
    let app = common::spawn().await;
    let mut c = app.conn().await;
    let m = fixture(&mut c, "acme").await;
    // Breaks: 10+ at 9.00, 50+ at 8.00 (the deeper break has the lower position).
    list(
        &mut c,
        m,
        1,
        "active",
        2,
        "all",
        (None, None),
        "9",
        &[("volume", "10")],
    )
    .await;
    list(
        &mut c,
        m,
        2,
        "active",
        1,
        "all",
        (None, None),
        "8",
        &[("volume", "50")],
    )
    .await;
    for (qty, amount, list_id) in [
        (1, "10", None),
        (9, "10", None),
        (10, "9", Some(1)),
        (49, "9", Some(1)),
        (50, "8", Some(2)),
        (500, "8", Some(2)),
    ] {
        let (a, l, r) = decided(&mut c, m, req(None, None, qty)).await;
        assert_eq!((a.as_str(), l), (amount, list_id), "quantity {qty}");
        assert_eq!(r, list_id.map(|l| l * 10));
    }

    // Position: lower wins; a tie goes to the lower id; a matching list without a price for
    // the variant in the currency is skipped.
    list(&mut c, m, 5, "active", 0, "all", (None, None), "7", &[]).await;
    list(&mut c, m, 4, "active", 0, "all", (None, None), "6", &[]).await;
    assert_eq!(decided(&mut c, m, req(None, None, 1)).await.1, Some(4));
    c.batch_execute(&format!(
        "INSERT INTO price_lists (merchant_id, id, name, status, position) VALUES ({m}, 3, 'no prices', 'active', -5)"
    ))
    .await
    .unwrap();
    assert_eq!(decided(&mut c, m, req(None, None, 1)).await.1, Some(4));
    c.batch_execute(&format!(
        "UPDATE price_lists SET position = -1 WHERE merchant_id = {m} AND id = 5"
    ))
    .await
    .unwrap();
    assert_eq!(
        decided(&mut c, m, req(None, None, 100)).await,
        ("7".into(), Some(5), None)
    );
}

const QUOTE: &str = "query($v: ID!, $c: String!, $q: Int, $cu: ID, $ch: ID, $at: DateTime, $m: String) {
  priceQuote(variantId: $v, currency: $c, quantity: $q, customerId: $cu, channelId: $ch, at: $at, market: $m) {
    amount compareAtAmount currency quantity variant { id } price { id }
    priceList { id name } priceRule { id kind } basePrice { id amount compareAtAmount } } }";

fn gid(kind: commerce_gateway::ids::Kind, key: i64) -> String {
    commerce_gateway::ids::encode(kind, key)
}

#[tokio::test(flavor = "multi_thread")]
async fn price_quote_query_says_what_decided_and_validates_its_arguments() {
    use commerce_gateway::ids::Kind;
    use serde_json::json;

    let app = common::spawn().await;
    let mut c = app.conn().await;
    let m = fixture(&mut c, "acme").await;
    let g = GROUP.to_string();
    let web = WEB.to_string();
    list(
        &mut c,
        m,
        10,
        "active",
        1,
        "all",
        (None, None),
        "8",
        &[("customer_group", &g), ("channel", &web)],
    )
    .await;
    list(
        &mut c,
        m,
        20,
        "scheduled",
        0,
        "all",
        (Some(t0()), Some(t0() + Duration::hours(1))),
        "5",
        &[],
    )
    .await;
    list(
        &mut c,
        m,
        30,
        "active",
        0,
        "all",
        (None, None),
        "6",
        &[("market", "'EC'")],
    )
    .await;
    let key = app
        .api_key("acme", "pricing:read,customers:read,catalog:read")
        .await;
    let v = gid(Kind::Variant, VARIANT);
    let quote = |vars: serde_json::Value| {
        let (app, key) = (&app, key.clone());
        async move { app.data(&key, QUOTE, vars).await["priceQuote"].clone() }
    };

    // A member buying on WEB: the list, its first rule, and the base price next to it.
    let q = quote(json!({ "v": v, "c": "USD", "q": 3, "cu": gid(Kind::Customer, MEMBER), "ch": gid(Kind::Channel, WEB) })).await;
    assert_eq!(q["amount"], "8.00");
    assert_eq!(q["compareAtAmount"], serde_json::Value::Null);
    assert_eq!((&q["currency"], &q["quantity"]), (&json!("USD"), &json!(3)));
    assert_eq!(q["variant"]["id"], v.as_str());
    assert_eq!(
        q["priceList"],
        json!({ "id": gid(Kind::PriceList, 10), "name": "list 10" })
    );
    assert_eq!(
        q["priceRule"],
        json!({ "id": gid(Kind::PriceRule, 100), "kind": "customer_group" })
    );
    assert_eq!(
        q["basePrice"],
        json!({ "id": gid(Kind::Price, 9501), "amount": "10.00", "compareAtAmount": "12.00" })
    );
    assert_ne!(q["price"]["id"], q["basePrice"]["id"]);

    // Anonymous, now (the scheduled list's window is in 2030): the base price decides.
    let q = quote(json!({ "v": v, "c": "USD" })).await;
    assert_eq!(
        (&q["amount"], &q["compareAtAmount"]),
        (&json!("10.00"), &json!("12.00"))
    );
    assert_eq!(q["quantity"], 1, "quantity defaults to 1");
    assert!(q["priceList"].is_null() && q["priceRule"].is_null());
    assert_eq!(q["price"]["id"], q["basePrice"]["id"]);
    // At a moment inside the window; with a market.
    let q = quote(json!({ "v": v, "c": "USD", "at": t0().to_rfc3339() })).await;
    assert_eq!(
        (&q["amount"], &q["priceList"]["id"]),
        (&json!("5.00"), &json!(gid(Kind::PriceList, 20)))
    );
    assert!(
        q["priceRule"].is_null(),
        "a list without rules has no deciding rule"
    );
    let q = quote(json!({ "v": v, "c": "USD", "m": "EC" })).await;
    assert_eq!(q["priceRule"]["kind"], "market");
    // No price in that currency: null.
    let q = quote(json!({ "v": gid(Kind::Variant, 9402), "c": "USD" })).await;
    assert!(q.is_null());

    // Bad arguments: client errors naming the argument; unknown IDs: NOT_FOUND.
    for (vars, code) in [
        (json!({ "v": v, "c": "usd" }), "BAD_USER_INPUT"),
        (json!({ "v": v, "c": "XYZ" }), "BAD_USER_INPUT"),
        (json!({ "v": v, "c": "USD", "q": 0 }), "BAD_USER_INPUT"),
        (json!({ "v": v, "c": "USD", "m": "ec" }), "BAD_USER_INPUT"),
        (json!({ "v": "variant_x", "c": "USD" }), "BAD_USER_INPUT"),
        (
            json!({ "v": v, "c": "USD", "cu": gid(Kind::Channel, WEB) }),
            "BAD_USER_INPUT",
        ),
        (
            json!({ "v": gid(Kind::Variant, 123_456), "c": "USD" }),
            "NOT_FOUND",
        ),
        (
            json!({ "v": v, "c": "USD", "cu": gid(Kind::Customer, 123_456) }),
            "NOT_FOUND",
        ),
    ] {
        let body = app.gql(&key, QUOTE, vars.clone()).await;
        assert_eq!(common::error_code(&body), code, "{vars}: {body}");
    }

    // pricing:read is required.
    let other = app.api_key("acme", "customers:read").await;
    let body = app.gql(&other, QUOTE, json!({ "v": v, "c": "USD" })).await;
    assert_eq!(common::error_code(&body), "FORBIDDEN");
}
