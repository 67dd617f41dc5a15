//! The sorts on nullable, numeric and timestamp columns: each walked page by page in both
//! directions gives one read's rows, in order, none twice.

use super::{assert_ordered, merchant_key, nodes, sql, time, walk, ALL};
use crate::common::{spawn, TestApp};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

fn text(field: &'static str) -> impl Fn(&Value) -> String {
    move |r| r[field].as_str().unwrap_or("").to_owned()
}

fn int(field: &'static str) -> impl Fn(&Value) -> i64 {
    move |r| r[field].as_i64().unwrap()
}

fn at(field: &'static str) -> impl Fn(&Value) -> DateTime<Utc> {
    move |r| time(&r[field]).unwrap()
}

/// A missing start is the earliest.
fn start(field: &'static str) -> impl Fn(&Value) -> DateTime<Utc> {
    move |r| time(&r[field]).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A missing end is the latest.
fn end(field: &'static str) -> impl Fn(&Value) -> DateTime<Utc> {
    move |r| time(&r[field]).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `acme` seeded with 25 customers and 40 orders, plus rows without a value in the nullable sort
/// columns and distinct update times: the app, the merchant's key, a key reading everything.
async fn with_missing_values() -> (TestApp, i64, String) {
    let app = spawn().await;
    app.seed("acme", 25, 40).await;
    let m = merchant_key(&app, "acme").await;
    let key = app.api_key("acme", ALL).await;
    // Rows without a value in the nullable sort columns, and distinct update times.
    sql(
        &app,
        &format!(
            "INSERT INTO customers (merchant_id, email, first_name, last_name) VALUES
               ({m}, 'nolast1@example.com', 'Ana', NULL), ({m}, 'nolast2@example.com', NULL, NULL),
               ({m}, 'emptylast@example.com', 'Eva', '');
             INSERT INTO orders (merchant_id, number, currency, email, item_count) VALUES
               ({m}, 'X1', 'USD', NULL, 0), ({m}, 'X2', 'USD', NULL, 7), ({m}, 'X3', 'USD', '', 2);
             INSERT INTO promotions (merchant_id, name, kind, starts_at, expires_at) VALUES
               ({m}, 'P1', 'automatic', NULL, NULL),
               ({m}, 'P2', 'automatic', '2024-05-01T00:00:00Z', '2024-06-01T00:00:00Z'),
               ({m}, 'P3', 'automatic', NULL, '2026-01-01T00:00:00Z'),
               ({m}, 'P4', 'automatic', '2026-03-01T00:00:00Z', NULL),
               ({m}, 'P5', 'automatic', '2025-01-01T00:00:00Z', NULL);
             INSERT INTO price_lists (merchant_id, name, status, position, starts_at, ends_at) VALUES
               ({m}, 'L1', 'draft', 3, NULL, NULL),
               ({m}, 'L2', 'scheduled', 2, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'),
               ({m}, 'L3', 'scheduled', 2, NULL, '2025-03-01T00:00:00Z'),
               ({m}, 'L4', 'scheduled', 5, '2024-01-01T00:00:00Z', NULL);
             UPDATE variants SET updated_at = timestamptz '2025-01-01' + (id % 7) * interval '1 hour' WHERE merchant_id = {m};
             UPDATE prices SET updated_at = timestamptz '2025-01-01' + (id % 5) * interval '1 hour' WHERE merchant_id = {m};
             UPDATE channels SET updated_at = timestamptz '2025-01-01' + (id % 2) * interval '1 hour' WHERE merchant_id = {m};
             UPDATE customer_groups SET updated_at = timestamptz '2025-01-01' + (id % 2) * interval '1 hour' WHERE merchant_id = {m};
             UPDATE promotions SET updated_at = timestamptz '2025-01-01' + (id % 3) * interval '1 hour' WHERE merchant_id = {m};
             UPDATE price_lists SET updated_at = timestamptz '2025-01-01' + (id % 2) * interval '1 hour' WHERE merchant_id = {m};"
        ),
    )
    .await;

    (app, m, key)
}

#[tokio::test(flavor = "multi_thread")]
async fn text_sorts_put_missing_values_with_empty_ones_in_collation_order() {
    let (app, _, key) = with_missing_values().await;
    for dir in ["ASC", "DESC"] {
        let s = |field: &str| json!({ "field": field, "direction": dir });
        let f = json!(null);

        // Text sorts put the missing value with the empty one, which PostgreSQL's collation
        // orders first; compare with the database's order of the same texts.
        let rows = walk(
            &app,
            &key,
            "customers",
            ("CustomerSort", "CustomerFilter"),
            s("NAME"),
            f.clone(),
            "lastName",
            4,
        )
        .await;
        assert_eq!(rows.len(), 28);
        let names: Vec<String> = rows.iter().map(text("lastName")).collect();
        assert_db_text_order(&app, &names, dir).await;
        let blank = rows
            .iter()
            .filter(|r| text("lastName")(r).is_empty())
            .count();
        assert_eq!(blank, 3);
        let rows = walk(
            &app,
            &key,
            "orders",
            ("OrderSort", "OrderFilter"),
            s("EMAIL"),
            f.clone(),
            "email",
            6,
        )
        .await;
        assert_eq!(rows.len(), 43);
        let emails: Vec<String> = rows.iter().map(text("email")).collect();
        assert_db_text_order(&app, &emails, dir).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn numeric_sorts_order_item_counts_and_positions() {
    let (app, _, key) = with_missing_values().await;
    for dir in ["ASC", "DESC"] {
        let s = |field: &str| json!({ "field": field, "direction": dir });
        let f = json!(null);

        let rows = walk(
            &app,
            &key,
            "orders",
            ("OrderSort", "OrderFilter"),
            s("ITEM_COUNT"),
            f.clone(),
            "itemCount",
            6,
        )
        .await;
        assert_ordered(&rows, dir, "orders by itemCount", int("itemCount"));
        let rows = walk(
            &app,
            &key,
            "variants",
            ("VariantSort", "VariantFilter"),
            s("POSITION"),
            f.clone(),
            "position",
            10,
        )
        .await;
        assert_eq!(rows.len(), 72);
        assert_ordered(&rows, dir, "variants by position", int("position"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn updated_at_sorts_order_every_root() {
    let (app, _, key) = with_missing_values().await;
    for dir in ["ASC", "DESC"] {
        let s = |field: &str| json!({ "field": field, "direction": dir });
        let f = json!(null);

        for (root, types, page) in [
            ("variants", ("VariantSort", "VariantFilter"), 10),
            ("prices", ("PriceSort", "PriceFilter"), 20),
            ("channels", ("ChannelSort", "ChannelFilter"), 3),
            (
                "customerGroups",
                ("CustomerGroupSort", "CustomerGroupFilter"),
                2,
            ),
            ("promotions", ("PromotionSort", "PromotionFilter"), 2),
            ("priceLists", ("PriceListSort", "PriceListFilter"), 2),
        ] {
            let rows = walk(
                &app,
                &key,
                root,
                types,
                s("UPDATED_AT"),
                f.clone(),
                "updatedAt",
                page,
            )
            .await;
            assert_ordered(&rows, dir, &format!("{root} by updatedAt"), at("updatedAt"));
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn promotion_date_sorts_put_missing_starts_first_and_missing_ends_last() {
    let (app, _, key) = with_missing_values().await;
    for dir in ["ASC", "DESC"] {
        let s = |field: &str| json!({ "field": field, "direction": dir });
        let f = json!(null);

        let rows = walk(
            &app,
            &key,
            "promotions",
            ("PromotionSort", "PromotionFilter"),
            s("STARTS_AT"),
            f.clone(),
            "name startsAt",
            2,
        )
        .await;
        assert_eq!(rows.len(), 7);
        assert_ordered(&rows, dir, "promotions by startsAt", start("startsAt"));
        let rows = walk(
            &app,
            &key,
            "promotions",
            ("PromotionSort", "PromotionFilter"),
            s("EXPIRES_AT"),
            f.clone(),
            "name expiresAt",
            2,
        )
        .await;
        assert_ordered(&rows, dir, "promotions by expiresAt", end("expiresAt"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn price_list_date_sorts_put_missing_starts_first_and_missing_ends_last() {
    let (app, _, key) = with_missing_values().await;
    for dir in ["ASC", "DESC"] {
        let s = |field: &str| json!({ "field": field, "direction": dir });
        let f = json!(null);

        let rows = walk(
            &app,
            &key,
            "priceLists",
            ("PriceListSort", "PriceListFilter"),
            s("STARTS_AT"),
            f.clone(),
            "name startsAt",
            2,
        )
        .await;
        assert_eq!(rows.len(), 5);
        assert_ordered(&rows, dir, "price lists by startsAt", start("startsAt"));
        let rows = walk(
            &app,
            &key,
            "priceLists",
            ("PriceListSort", "PriceListFilter"),
            s("ENDS_AT"),
            f.clone(),
            "name endsAt",
            2,
        )
        .await;
        assert_ordered(&rows, dir, "price lists by endsAt", end("endsAt"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn brands_sort_by_creation() {
    let (app, m, key) = with_missing_values().await;
    for dir in ["ASC", "DESC"] {
        let s = |field: &str| json!({ "field": field, "direction": dir });
        let f = json!(null);

        // Brands by creation (a single seeded brand plus two more).
        if dir == "ASC" {
            sql(
                &app,
                &format!(
                    "INSERT INTO brands (merchant_id, external_id, name, created_at) VALUES
                     ({m}, 'b2', 'Second', '2020-01-01T00:00:00Z'), ({m}, 'b3', 'Third', '2020-01-01T00:00:00Z')"
                ),
            )
            .await;
        }
        let rows = walk(
            &app,
            &key,
            "brands",
            ("BrandSort", "BrandFilter"),
            s("CREATED_AT"),
            f.clone(),
            "createdAt",
            1,
        )
        .await;
        assert_eq!(rows.len(), 3);
        assert_ordered(&rows, dir, "brands by createdAt", at("createdAt"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn walking_back_over_missing_values_gives_the_forward_rows() {
    let (app, _, key) = with_missing_values().await;
    // Walking back with `last`/`before` over a sort with missing values gives the same rows.
    let q = "query($last: Int, $before: String) {
        promotions(last: $last, before: $before, sort: { field: EXPIRES_AT, direction: ASC }) {
          pageInfo { hasPreviousPage startCursor } nodes { id } } }";
    let mut back: Vec<Value> = Vec::new();
    let mut before = Value::Null;
    loop {
        let d = app
            .data(&key, q, json!({ "last": 2, "before": before }))
            .await;
        let mut page = nodes(&d, "promotions");
        page.append(&mut back);
        back = page;
        if !d["promotions"]["pageInfo"]["hasPreviousPage"]
            .as_bool()
            .unwrap()
        {
            break;
        }
        before = d["promotions"]["pageInfo"]["startCursor"].clone();
    }
    let forward = app
        .data(
            &key,
            "{ promotions(first: 250, sort: { field: EXPIRES_AT, direction: ASC }) { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(back, nodes(&forward, "promotions"));
}

/// `texts` are in the order PostgreSQL's collation gives them (ties allowed).
async fn assert_db_text_order(app: &TestApp, texts: &[String], dir: &str) {
    #[derive(diesel::QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    let mut conn = app.conn().await;
    let sorted: Vec<T> = diesel_async::RunQueryDsl::load(
        diesel::sql_query(format!(
            "SELECT t FROM unnest($1::text[]) AS t ORDER BY t {dir}"
        ))
        .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(texts),
        &mut conn,
    )
    .await
    .expect("sort texts");
    let sorted: Vec<String> = sorted.into_iter().map(|r| r.t).collect();
    assert_eq!(texts, sorted.as_slice(), "text order {dir}");
}

#[tokio::test(flavor = "multi_thread")]
async fn several_sort_keys_order_by_each_in_turn_and_pages_follow() {
    let (app, _, key) = with_missing_values().await;
    let f = json!(null);
    for (first, second) in [("ASC", "DESC"), ("DESC", "ASC"), ("ASC", "ASC")] {
        // Orders of one customer share an email: the item count orders them, then the ID.
        let sort = json!([
            { "field": "EMAIL", "direction": first },
            { "field": "ITEM_COUNT", "direction": second },
        ]);
        let rows = walk(
            &app,
            &key,
            "orders",
            ("OrderSort", "OrderFilter"),
            sort.clone(),
            f.clone(),
            "email itemCount",
            5,
        )
        .await;
        assert_eq!(rows.len(), 43);
        let emails: Vec<String> = rows.iter().map(text("email")).collect();
        assert_db_text_order(&app, &emails, first).await;
        let mut ties = 0;
        for w in rows.windows(2) {
            if text("email")(&w[0]) == text("email")(&w[1]) {
                ties += 1;
                let (a, b) = (int("itemCount")(&w[0]), int("itemCount")(&w[1]));
                assert!(
                    if second == "ASC" { a <= b } else { a >= b },
                    "{sort}: {} then {}",
                    w[0],
                    w[1]
                );
            }
        }
        assert!(ties > 0, "some orders share an email");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_sort_lists_and_cursors_of_another_sort_are_refused_naming_them() {
    let (app, _, key) = with_missing_values().await;
    let q = "query($sort: [CustomerSort!], $after: String) {
        customers(first: 2, sort: $sort, after: $after) { pageInfo { endCursor } nodes { id } } }";
    let repeated = json!([{ "field": "EMAIL" }, { "field": "EMAIL", "direction": "ASC" }]);
    let five = json!([
        { "field": "EMAIL" }, { "field": "NAME" }, { "field": "CREATED_AT" },
        { "field": "UPDATED_AT" }, { "field": "EMAIL" }
    ]);
    for (sort, words) in [(repeated, "given twice"), (five, "at most 4")] {
        let body = app.gql(&key, q, json!({ "sort": sort })).await;
        let e = &body["errors"][0];
        assert_eq!(e["extensions"]["code"], "BAD_USER_INPUT", "{body}");
        assert_eq!(e["extensions"]["field"], "sort", "{body}");
        assert!(e["message"].as_str().unwrap().contains(words), "{body}");
    }
    // A cursor of a one-key sort does not page a two-key sort, and the other way round.
    let one = json!({ "field": "EMAIL" });
    let two = json!([{ "field": "EMAIL" }, { "field": "NAME" }]);
    for (made, used) in [(&one, &two), (&two, &one)] {
        let d = app.data(&key, q, json!({ "sort": made })).await;
        let cursor = d["customers"]["pageInfo"]["endCursor"].clone();
        let body = app
            .gql(&key, q, json!({ "sort": used, "after": cursor }))
            .await;
        let e = &body["errors"][0];
        assert_eq!(e["extensions"]["code"], "BAD_USER_INPUT", "{body}");
        assert_eq!(e["extensions"]["field"], "after", "{body}");
    }
}
