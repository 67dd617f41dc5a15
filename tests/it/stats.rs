//! Dashboard aggregates (`orderStats`, `customerStats`): the figures equal what the lists return,
//! periods are cut in the requested timezone, inputs are checked, scopes and tenants hold, and the
//! statement count does not grow with the data.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::common::{error_code, spawn};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};

const ALL: &str = "customers:read,orders:read,stores:read,catalog:read";

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(
        v.as_str()
            .unwrap_or_else(|| panic!("not a decimal string: {v}")),
    )
    .unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn time(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().expect("time string"))
        .expect("rfc3339")
        .with_timezone(&Utc)
}

/// Start of the local day of `t` at a fixed `offset`, as an instant.
fn day_start(t: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
    let local = t.with_timezone(&offset).date_naive();
    offset
        .from_local_datetime(&local.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

#[derive(Debug, Default, PartialEq)]
struct Figures {
    count: i64,
    items: i64,
    total: Decimal,
}

const ORDERS: &str = "{ orders(first: 250) { totalCount nodes { status total itemCount createdAt completedAt channel { code } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn overall_and_grouped_figures_equal_the_orders_list() {
    let app = spawn().await;
    app.seed("acme", 40, 200).await;
    let key = app.api_key("acme", ALL).await;
    let list = app.data(&key, ORDERS, json!({})).await;
    let nodes = list["orders"]["nodes"].as_array().expect("nodes").clone();
    assert_eq!(nodes.len(), 200);

    // Overall: one bucket, every key null.
    let d = app
        .data(
            &key,
            "{ orderStats(groupBy: []) { channel { code } store { name } status currency period count itemCount total averageTotal } }",
            json!({}),
        )
        .await;
    let b = d["orderStats"].as_array().expect("buckets");
    assert_eq!(b.len(), 1, "{d}");
    let total: Decimal = nodes.iter().map(|o| dec(&o["total"])).sum();
    let items: i64 = nodes.iter().map(|o| o["itemCount"].as_i64().unwrap()).sum();
    assert_eq!(b[0]["count"], 200);
    assert_eq!(b[0]["itemCount"], items);
    assert_eq!(dec(&b[0]["total"]), total);
    let avg = dec(&b[0]["averageTotal"]);
    assert!(
        (avg - total / Decimal::from(200)).abs() < Decimal::new(1, 4),
        "{avg}"
    );
    for k in ["channel", "store", "status", "currency", "period"] {
        assert_eq!(b[0][k], Value::Null, "{k}");
    }

    // By channel and status, compared with the list grouped here.
    let mut expected: BTreeMap<(String, String), Figures> = BTreeMap::new();
    for o in &nodes {
        let f = expected
            .entry((
                o["channel"]["code"].as_str().unwrap().to_owned(),
                o["status"].as_str().unwrap().to_owned(),
            ))
            .or_default();
        f.count += 1;
        f.items += o["itemCount"].as_i64().unwrap();
        f.total += dec(&o["total"]);
    }
    let d = app
        .data(
            &key,
            "{ orderStats(groupBy: [CHANNEL, STATUS]) { channel { code } status store { name } count itemCount total } }",
            json!({}),
        )
        .await;
    let mut got: BTreeMap<(String, String), Figures> = BTreeMap::new();
    for b in d["orderStats"].as_array().unwrap() {
        assert_eq!(b["store"], Value::Null);
        got.insert(
            (
                b["channel"]["code"].as_str().unwrap().to_owned(),
                b["status"].as_str().unwrap().to_owned(),
            ),
            Figures {
                count: b["count"].as_i64().unwrap(),
                items: b["itemCount"].as_i64().unwrap(),
                total: dec(&b["total"]),
            },
        );
    }
    assert!(expected.len() > 4, "the seed spreads channels and statuses");
    assert_eq!(got, expected);

    // The same filters as `orders` apply.
    let d = app
        .data(
            &key,
            "{ orderStats(groupBy: [], filter: { status: { in: [COMPLETE, RETURNED] } }) { count total } }",
            json!({}),
        )
        .await;
    let placed: Vec<&Value> = nodes
        .iter()
        .filter(|o| o["status"] == "COMPLETE" || o["status"] == "RETURNED")
        .collect();
    assert_eq!(d["orderStats"][0]["count"], placed.len());
    assert_eq!(
        dec(&d["orderStats"][0]["total"]),
        placed.iter().map(|o| dec(&o["total"])).sum::<Decimal>()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn days_are_cut_in_the_requested_timezone() {
    let app = spawn().await;
    app.seed("acme", 30, 150).await;
    let key = app.api_key("acme", ALL).await;
    let list = app.data(&key, ORDERS, json!({})).await;
    let nodes = list["orders"]["nodes"].as_array().unwrap().clone();

    // Asia/Kolkata is UTC+05:30 all year: buckets computed here with a fixed offset must match.
    for (tz, offset) in [
        ("UTC", FixedOffset::east_opt(0).unwrap()),
        (
            "Asia/Kolkata",
            FixedOffset::east_opt(5 * 3600 + 1800).unwrap(),
        ),
    ] {
        for (field, key_of) in [
            (
                "COMPLETED_AT",
                (|o: &Value| {
                    if o["completedAt"].is_null() {
                        time(&o["createdAt"])
                    } else {
                        time(&o["completedAt"])
                    }
                }) as fn(&Value) -> DateTime<Utc>,
            ),
            ("CREATED_AT", |o: &Value| time(&o["createdAt"])),
        ] {
            let mut expected: BTreeMap<(String, DateTime<Utc>), Figures> = BTreeMap::new();
            for o in &nodes {
                let f = expected
                    .entry((
                        o["channel"]["code"].as_str().unwrap().to_owned(),
                        day_start(key_of(o), offset),
                    ))
                    .or_default();
                f.count += 1;
                f.items += o["itemCount"].as_i64().unwrap();
                f.total += dec(&o["total"]);
            }
            let d = app
                .data(
                    &key,
                    "query($tz: String!, $f: OrderStatsDateField!) { orderStats(groupBy: [CHANNEL, DAY], timezone: $tz, dateField: $f) { channel { code } period count itemCount total } }",
                    json!({ "tz": tz, "f": field }),
                )
                .await;
            let buckets = d["orderStats"].as_array().unwrap();
            let mut got = BTreeMap::new();
            for b in buckets {
                got.insert(
                    (
                        b["channel"]["code"].as_str().unwrap().to_owned(),
                        time(&b["period"]),
                    ),
                    Figures {
                        count: b["count"].as_i64().unwrap(),
                        items: b["itemCount"].as_i64().unwrap(),
                        total: dec(&b["total"]),
                    },
                );
            }
            assert_eq!(got, expected, "{tz} {field}");
            // Ordered by channel, then chronologically within each channel.
            let periods: Vec<DateTime<Utc>> = buckets
                .iter()
                .filter(|b| b["channel"]["code"] == buckets[0]["channel"]["code"])
                .map(|b| time(&b["period"]))
                .collect();
            assert!(periods.windows(2).all(|w| w[0] < w[1]), "{periods:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timezone_moves_an_order_across_a_month_boundary() {
    let app = spawn().await;
    app.seed("acme", 5, 10).await;
    let key = app.api_key("acme", ALL).await;
    let d = app
        .data(
            &key,
            "{ orders(first: 1, filter: { status: { eq: COMPLETE } }) { nodes { number } } }",
            json!({}),
        )
        .await;
    let number = d["orders"]["nodes"][0]["number"]
        .as_str()
        .unwrap()
        .to_owned();
    {
        use diesel_async::RunQueryDsl;
        let mut conn = app.conn().await;
        diesel::sql_query(
            "UPDATE orders SET completed_at = '2025-03-31T23:30:00Z', created_at = '2025-03-31T23:00:00Z' WHERE number = $1",
        )
        .bind::<diesel::sql_types::Text, _>(&number)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let q = "query($n: String!, $tz: String!, $g: [OrderStatsGroupBy!]!) {
        orderStats(filter: { number: { eq: $n } }, groupBy: $g, timezone: $tz) { period count } }";
    let period = |d: &Value| time(&d["orderStats"][0]["period"]);
    let utc = app
        .data(&key, q, json!({ "n": number, "tz": "UTC", "g": ["MONTH"] }))
        .await;
    assert_eq!(
        period(&utc),
        Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap()
    );
    // 23:30 UTC is 08:30 on April 1st in Tokyo (UTC+9): April, which starts at 15:00 UTC.
    let tokyo = app
        .data(
            &key,
            q,
            json!({ "n": number, "tz": "Asia/Tokyo", "g": ["MONTH"] }),
        )
        .await;
    assert_eq!(
        period(&tokyo),
        Utc.with_ymd_and_hms(2025, 3, 31, 15, 0, 0).unwrap()
    );
    let tokyo_day = app
        .data(
            &key,
            q,
            json!({ "n": number, "tz": "Asia/Tokyo", "g": ["DAY"] }),
        )
        .await;
    assert_eq!(
        period(&tokyo_day),
        Utc.with_ymd_and_hms(2025, 3, 31, 15, 0, 0).unwrap()
    );
    // New York is UTC-4 in spring: still March 31st there, a day that started at 04:00 UTC.
    let ny = app
        .data(
            &key,
            q,
            json!({ "n": number, "tz": "America/New_York", "g": ["DAY"] }),
        )
        .await;
    assert_eq!(
        period(&ny),
        Utc.with_ymd_and_hms(2025, 3, 31, 4, 0, 0).unwrap()
    );
    // ISO weeks start on Monday: 2025-03-31 is a Monday.
    let week = app
        .data(&key, q, json!({ "n": number, "tz": "UTC", "g": ["WEEK"] }))
        .await;
    assert_eq!(
        period(&week),
        Utc.with_ymd_and_hms(2025, 3, 31, 0, 0, 0).unwrap()
    );
    assert_eq!(week["orderStats"][0]["count"], 1);

    // Created on March 31st, placed just after midnight UTC: COMPLETED_AT (the default) puts it
    // in April, CREATED_AT in March.
    {
        use diesel_async::RunQueryDsl;
        let mut conn = app.conn().await;
        diesel::sql_query(
            "UPDATE orders SET created_at = '2025-03-31T12:00:00Z', completed_at = '2025-04-01T00:30:00Z' WHERE number = $1",
        )
        .bind::<diesel::sql_types::Text, _>(&number)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let by = |field: &str| {
        format!(
            "query($n: String!) {{ orderStats(filter: {{ number: {{ eq: $n }} }}, groupBy: [MONTH]{field}) {{ period }} }}"
        )
    };
    let default = app.data(&key, &by(""), json!({ "n": number })).await;
    assert_eq!(
        period(&default),
        Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).unwrap()
    );
    let created = app
        .data(&key, &by(", dateField: CREATED_AT"), json!({ "n": number }))
        .await;
    assert_eq!(
        period(&created),
        Utc.with_ymd_and_hms(2025, 3, 1, 0, 0, 0).unwrap()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_and_missing_scopes_are_refused() {
    let app = spawn().await;
    app.seed("acme", 5, 10).await;
    let key = app.api_key("acme", ALL).await;
    for tz in ["Mars/Olympus", "", "UTC'; DROP TABLE orders; --"] {
        let body = app
            .gql(
                &key,
                "query($tz: String!) { orderStats(groupBy: [DAY], timezone: $tz) { count } }",
                json!({ "tz": tz }),
            )
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "timezone",
            "{body}"
        );
        let body = app
            .gql(
                &key,
                "query($tz: String!) { customerStats(period: DAY, timezone: $tz) { newCustomers } }",
                json!({ "tz": tz }),
            )
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "timezone",
            "{body}"
        );
    }
    let body = app
        .gql(
            &key,
            "{ orderStats(groupBy: [DAY, MONTH]) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    let body = app
        .gql(&key, "{ orderStats(groupBy: [HOUR]) { count } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");

    let customers_only = app.api_key("acme", "customers:read").await;
    let body = app
        .gql(
            &customers_only,
            "{ orderStats(groupBy: []) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    let orders_only = app.api_key("acme", "orders:read").await;
    let body = app
        .gql(
            &orders_only,
            "{ customerStats(period: MONTH) { newCustomers } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    // The scope that is there is enough.
    let d = app
        .data(
            &orders_only,
            "{ orderStats(groupBy: []) { count } }",
            json!({}),
        )
        .await;
    assert_eq!(d["orderStats"][0]["count"], 10);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_merchant_sees_only_its_own_figures() {
    let app = spawn().await;
    app.seed("alpha", 30, 120).await;
    app.seed("beta", 7, 25).await;
    let a = app.api_key("alpha", ALL).await;
    let b = app.token("beta", ALL).await;
    let q = "{ orderStats(groupBy: [CHANNEL]) { channel { id code } count total }
               overall: orderStats(groupBy: []) { count total }
               customerStats(period: MONTH) { newCustomers } }";
    let da = app.data(&a, q, json!({})).await;
    let db = app.data(&b, q, json!({})).await;
    assert_eq!(da["overall"][0]["count"], 120);
    assert_eq!(db["overall"][0]["count"], 25);
    let b_total: Decimal = app
        .data(&b, "{ orders(first: 250) { nodes { total } } }", json!({}))
        .await["orders"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| dec(&o["total"]))
        .sum();
    assert_eq!(dec(&db["overall"][0]["total"]), b_total);
    let sum_new = |d: &Value| -> i64 {
        d["customerStats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["newCustomers"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(sum_new(&da), 30);
    assert_eq!(sum_new(&db), 7);
    // Channel buckets of B resolve to B's own channels only.
    let a_channels: Vec<&Value> = da["orderStats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| &x["channel"]["id"])
        .collect();
    for x in db["orderStats"].as_array().unwrap() {
        assert!(x["channel"]["id"].is_string(), "{x}");
        assert!(!a_channels.contains(&&x["channel"]["id"]), "{x}");
    }
    let b_count: i64 = db["orderStats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["count"].as_i64().unwrap())
        .sum();
    assert_eq!(b_count, 25);
}

#[tokio::test(flavor = "multi_thread")]
async fn customer_stats_match_the_customers_list() {
    let app = spawn().await;
    // More customers than orders: some never bought.
    app.seed("acme", 150, 90).await;
    let key = app.api_key("acme", ALL).await;
    let list = app
        .data(
            &key,
            "{ customers(first: 250) { nodes { createdAt ordersCount } } }",
            json!({}),
        )
        .await;
    let nodes = list["customers"]["nodes"].as_array().unwrap().clone();
    assert_eq!(nodes.len(), 150);
    let offset = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
    let cutoff = Utc.with_ymd_and_hms(2024, 9, 1, 0, 0, 0).unwrap();
    for (filter, keep) in [
        (json!(null), None),
        (json!({ "gte": cutoff.to_rfc3339() }), Some(cutoff)),
    ] {
        let mut expected: BTreeMap<DateTime<Utc>, (i64, i64)> = BTreeMap::new();
        for c in &nodes {
            let t = time(&c["createdAt"]);
            if keep.is_some_and(|k| t < k) {
                continue;
            }
            let e = expected.entry(day_start(t, offset)).or_default();
            e.0 += 1;
            if c["ordersCount"].as_i64().unwrap() > 0 {
                e.1 += 1;
            }
        }
        let d = app
            .data(
                &key,
                "query($f: DateTimeFilter) { customerStats(period: DAY, timezone: \"Asia/Kolkata\", createdAt: $f) { period newCustomers withOrders withoutOrders } }",
                json!({ "f": filter }),
            )
            .await;
        let mut got = BTreeMap::new();
        let mut prev: Option<DateTime<Utc>> = None;
        for b in d["customerStats"].as_array().unwrap() {
            let p = time(&b["period"]);
            assert!(prev.is_none_or(|x| x < p), "ordered by period");
            prev = Some(p);
            let n = b["newCustomers"].as_i64().unwrap();
            let w = b["withOrders"].as_i64().unwrap();
            assert_eq!(b["withoutOrders"].as_i64().unwrap(), n - w);
            got.insert(p, (n, w));
        }
        assert_eq!(got, expected);
        let with: i64 = got.values().map(|x| x.1).sum();
        let all: i64 = got.values().map(|x| x.0).sum();
        assert!(
            with > 0 && with < all,
            "some bought, some did not: {with}/{all}"
        );
    }
    // Months: the same customers, fewer buckets.
    let d = app
        .data(
            &key,
            "{ customerStats(period: MONTH) { period newCustomers } }",
            json!({}),
        )
        .await;
    let months = d["customerStats"].as_array().unwrap();
    assert!(months.len() >= 2 && months.len() <= 13, "{d}");
    assert_eq!(
        months
            .iter()
            .map(|m| m["newCustomers"].as_i64().unwrap())
            .sum::<i64>(),
        150
    );
    for m in months {
        let p = time(&m["period"]);
        assert_eq!(p.format("%d %H:%M").to_string(), "01 00:00", "{p}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn order_stats_by_channel_sends_the_same_few_statements_whatever_the_data() {
    let app = spawn().await;
    app.seed("acme", 40, 100).await;
    // A JWT: authenticating it needs no statement, so the count is the query's alone.
    let token = app.token("acme", ALL).await;
    let q = "{ orderStats(groupBy: [CHANNEL, DAY], timezone: \"Europe/Madrid\") { channel { code name } period count total } }";
    // Warm the merchant cache, the pool and the timezone check.
    app.data(&token, q, json!({})).await;
    let before = app.statements();
    let small = app.data(&token, q, json!({})).await;
    let small_count = app.statements() - before;

    app.seed("acme", 40, 600).await;
    let before = app.statements();
    let big = app.data(&token, q, json!({})).await;
    let big_count = app.statements() - before;
    assert!(
        big["orderStats"].as_array().unwrap().len() > small["orderStats"].as_array().unwrap().len(),
        "more orders, more day buckets"
    );
    println!("statements: {small_count} then {big_count}");
    assert_eq!(small_count, big_count);
    // Whether the merchant keeps rollups in Madrid (it does not: the orders answer), the
    // grouped statement and one batch of channels.
    assert_eq!(big_count, 3, "statements per request");
}

/// The daily rollups the triggers keep give exactly the buckets the orders give, after inserts,
/// updates that move figures and dimensions, and deletes; for every grouping, both date fields,
/// UTC and a registered timezone, with and without filters on the rollups' dimensions.
#[tokio::test(flavor = "multi_thread")]
async fn daily_rollups_answer_exactly_like_the_orders() {
    use commerce_gateway::db::sql::Bind;
    use commerce_gateway::domain::filter::{Filter, Op};
    use commerce_gateway::domain::orders::queries::OrderField;
    use commerce_gateway::domain::orders::stats::{
        order_stats_rollup_sql, order_stats_sql, rollups_can_answer, DateField, GroupKey, Period,
        StatsQuery,
    };
    use diesel::sql_query;
    use diesel_async::RunQueryDsl;

    let app = spawn().await;
    app.seed("acme", 40, 300).await;
    app.seed("other", 10, 50).await;
    let mut conn = app.conn().await;
    let merchant: i64 = {
        #[derive(diesel::QueryableByName)]
        struct Id {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        let rows: Vec<Id> = sql_query("SELECT id FROM merchants WHERE slug = 'acme'")
            .load(&mut conn)
            .await
            .unwrap();
        rows[0].id
    };
    // A registered timezone is backfilled; later writes keep it current.
    sql_query("SELECT order_rollups_add_timezone($1, 'Asia/Kathmandu')")
        .bind::<diesel::sql_types::BigInt, _>(merchant)
        .execute(&mut conn)
        .await
        .unwrap();
    for stmt in [
        // Figures and dimensions move; a note alone moves nothing.
        "UPDATE orders SET total = total + 1.5, item_count = item_count + 1 WHERE id % 7 = 0",
        "UPDATE orders SET status = 'canceled', canceled_at = completed_at WHERE status = 'complete' AND id % 11 = 0",
        "UPDATE orders SET channel_id = NULL WHERE id % 13 = 0",
        "UPDATE orders SET completed_at = completed_at - interval '20 hours' WHERE completed_at IS NOT NULL AND id % 5 = 0",
        "UPDATE orders SET notes = 'checked' WHERE id % 3 = 0",
        "DELETE FROM orders WHERE id % 17 = 0",
    ] {
        sql_query(stmt).execute(&mut conn).await.unwrap();
    }

    let groupings: Vec<Vec<GroupKey>> = vec![
        vec![],
        vec![GroupKey::Channel, GroupKey::Period(Period::Day)],
        vec![GroupKey::Store, GroupKey::Status],
        vec![GroupKey::Currency, GroupKey::Period(Period::Week)],
        vec![
            GroupKey::Period(Period::Month),
            GroupKey::Channel,
            GroupKey::Store,
        ],
    ];
    let mut by_status = Filter::default();
    by_status.push(
        OrderField::Status,
        Op::In(Bind::Texts(vec!["complete".into(), "returned".into()])),
    );
    let mut no_channel = Filter::default();
    no_channel.push(OrderField::ChannelId, Op::IsNull(true));
    let mut compared = 0;
    for timezone in ["UTC", "Asia/Kathmandu"] {
        for date_field in [DateField::Completed, DateField::Created] {
            for group_by in &groupings {
                for filter in [Filter::default(), by_status.clone(), no_channel.clone()] {
                    let q = StatsQuery {
                        filter,
                        group_by: group_by.clone(),
                        timezone: timezone.into(),
                        date_field,
                    };
                    assert!(rollups_can_answer(&q));
                    let raw: Vec<commerce_gateway::domain::orders::stats::OrderStatsBucket> =
                        order_stats_sql(merchant, &q)
                            .unwrap()
                            .into_query()
                            .load(&mut conn)
                            .await
                            .unwrap();
                    let rolled: Vec<commerce_gateway::domain::orders::stats::OrderStatsBucket> =
                        order_stats_rollup_sql(merchant, &q)
                            .unwrap()
                            .into_query()
                            .load(&mut conn)
                            .await
                            .unwrap();
                    assert!(!raw.is_empty());
                    assert_eq!(raw, rolled, "{timezone} {date_field:?} {group_by:?}");
                    compared += raw.len();
                }
            }
        }
    }
    assert!(compared > 1000, "buckets compared: {compared}");
    // A search or a filter on another column needs the orders.
    let mut by_total = Filter::default();
    by_total.push(OrderField::Total, Op::Gt(Bind::Decimal(Decimal::ONE)));
    assert!(!rollups_can_answer(&StatsQuery {
        filter: by_total,
        group_by: vec![],
        timezone: "UTC".into(),
        date_field: DateField::Completed,
    }));
}

#[tokio::test(flavor = "multi_thread")]
async fn top_customers_rank_by_the_sum_of_the_selected_orders_and_keep_to_the_merchant() {
    let app = spawn().await;
    app.seed("acme", 30, 250).await;
    app.seed("other", 30, 250).await;
    let key = app.api_key("acme", ALL).await;
    let list = app
        .data(
            &key,
            "{ orders(first: 250, filter: {status: {in: [COMPLETE, RETURNED]}}) { nodes { total customer { id } } } }",
            json!({}),
        )
        .await;
    // The expected ranking, from the orders list: sum per customer, biggest first.
    let mut sums: BTreeMap<String, (i64, Decimal)> = BTreeMap::new();
    for o in list["orders"]["nodes"].as_array().expect("nodes") {
        if let Some(id) = o["customer"]["id"].as_str() {
            let e = sums.entry(id.to_owned()).or_default();
            e.0 += 1;
            e.1 += dec(&o["total"]);
        }
    }
    let mut expected: Vec<(Decimal, i64)> = sums.values().map(|(n, t)| (*t, *n)).collect();
    expected.sort_by_key(|e| std::cmp::Reverse(e.0));
    expected.truncate(5);

    let d = app
        .data(
            &key,
            "{ topCustomers(first: 5, filter: {status: {in: [COMPLETE, RETURNED]}}) { customer { id email } orderCount total } }",
            json!({}),
        )
        .await;
    let top = d["topCustomers"].as_array().expect("list");
    let got: Vec<(Decimal, i64)> = top
        .iter()
        .map(|t| (dec(&t["total"]), t["orderCount"].as_i64().expect("count")))
        .collect();
    assert_eq!(got, expected);
    for t in top {
        let id = t["customer"]["id"].as_str().expect("a customer of acme");
        assert!(sums.contains_key(id), "{id} is not among acme's buyers");
    }

    // The customer edge needs customers:read; the figures only orders:read.
    let orders_only = app.api_key("acme", "orders:read").await;
    let body = app
        .gql(
            &orders_only,
            "{ topCustomers(first: 3) { orderCount total customer { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
    assert!(
        body["data"]["topCustomers"][0]["customer"].is_null(),
        "{body}"
    );
    assert!(
        body["data"]["topCustomers"][0]["total"].is_string(),
        "{body}"
    );

    for bad in [0, 101] {
        let body = app
            .gql(
                &key,
                "query($n: Int!) { topCustomers(first: $n) { total } }",
                json!({"n": bad}),
            )
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    }
    let none = app.api_key("acme", "customers:read").await;
    let body = app
        .gql(&none, "{ topCustomers { total } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN", "{body}");
}
