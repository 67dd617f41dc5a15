//! The root `couponCodes` connection and `couponCode(id:)`: a promotion's 300 codes walked page
//! by page for every sort in both directions (forward with `after`, backward with `last`/
//! `before`), the filters (promotion, code ignoring case, prefix, usage count…), tenant
//! isolation, scopes, bad IDs, and a statement count that does not grow with the page.

use std::collections::HashSet;

use crate::common::{error_code, spawn, TestApp};
use diesel::sql_types;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use serde_json::{json, Value};

const RW: &str = "promotions:read,promotions:write";

const CREATE: &str = "mutation($input: PromotionCreateInput!) {
  promotionCreate(input: $input) { promotion { id } userErrors { field code message } } }";

const GENERATE: &str = "mutation($id: ID!, $n: Int!, $prefix: String) {
  couponCodesGenerate(promotionId: $id, numberOfCodes: $n, codePrefix: $prefix) {
    count userErrors { field code message } } }";

const LIST: &str = "query($first: Int, $after: String, $last: Int, $before: String,
    $filter: CouponCodeFilter, $sort: [CouponCodeSort!]) {
  couponCodes(first: $first, after: $after, last: $last, before: $before, filter: $filter, sort: $sort) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id code usageCount createdAt promotion { id } } } }";

#[derive(diesel::QueryableByName)]
struct Key {
    #[diesel(sql_type = sql_types::BigInt)]
    id: i64,
}

async fn sql(app: &TestApp, text: &str) {
    app.conn().await.batch_execute(text).await.expect(text);
}

/// Keys of the rows a statement returns, in its order.
async fn keys(app: &TestApp, text: &str) -> Vec<i64> {
    let mut conn = app.conn().await;
    diesel::sql_query(text)
        .load::<Key>(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .into_iter()
        .map(|k| k.id)
        .collect()
}

fn key_of(id: &Value) -> i64 {
    commerce_gateway::ids::decode_any(id.as_str().expect("id"))
        .expect("decodes")
        .1
}

fn nodes(d: &Value) -> Vec<Value> {
    d["couponCodes"]["nodes"].as_array().expect("nodes").clone()
}

fn node_keys(list: &[Value]) -> Vec<i64> {
    list.iter().map(|n| key_of(&n["id"])).collect()
}

/// A coupon_code promotion with `code` plus `generated` codes starting with `prefix`.
async fn promotion(
    app: &TestApp,
    key: &str,
    name: &str,
    code: &str,
    generated: i64,
    prefix: &str,
) -> String {
    let d = app
        .data(
            key,
            CREATE,
            json!({ "input": { "name": name, "kind": "coupon_code", "code": code } }),
        )
        .await;
    let p = &d["promotionCreate"];
    assert_eq!(p["userErrors"], json!([]), "{d}");
    let id = p["promotion"]["id"].as_str().unwrap().to_owned();
    if generated > 0 {
        let d = app
            .data(
                key,
                GENERATE,
                json!({ "id": id, "n": generated, "prefix": prefix }),
            )
            .await;
        assert_eq!(d["couponCodesGenerate"]["userErrors"], json!([]), "{d}");
        assert_eq!(d["couponCodesGenerate"]["count"], generated);
    }
    id
}

struct Fixture {
    app: TestApp,
    /// acme's key (promotions read and write).
    a: String,
    /// rival's key.
    b: String,
    a_m: i64,
    /// acme's promotion with 300 codes: "Single" and 299 `Gen_…`.
    p1: String,
    /// acme's other promotion: "OTHER" and 20 `Alt-…`.
    p2: String,
    /// rival's promotion: "RIVAL".
    p3: String,
}

async fn fixture() -> Fixture {
    let app = spawn().await;
    let a = app.api_key("acme", RW).await;
    let b = app.api_key("rival", RW).await;
    let p1 = promotion(&app, &a, "Big batch", "Single", 299, "Gen_").await;
    let p2 = promotion(&app, &a, "Small batch", "OTHER", 20, "Alt-").await;
    let p3 = promotion(&app, &b, "Rival", "RIVAL", 0, "").await;
    let a_m = {
        let mut conn = app.conn().await;
        commerce_gateway::domain::merchants::find_or_create(&mut conn, "acme")
            .await
            .unwrap()
            .id
    };
    // Generated codes share their batch's created_at and start unused: spread both, with many
    // ties, so that every sort has to break ties by ID across page boundaries.
    sql(
        &app,
        &format!(
            "UPDATE coupon_codes SET created_at = created_at - ((id * 7919) % 13) * interval '1 minute',
                usage_count = (id * 31) % 6 WHERE merchant_id = {a_m}"
        ),
    )
    .await;
    Fixture {
        app,
        a,
        b,
        a_m,
        p1,
        p2,
        p3,
    }
}

const SORTS: [(&str, &str); 3] = [
    ("CODE", "lower(code)"),
    ("CREATED_AT", "created_at"),
    ("USAGE_COUNT", "usage_count"),
];

#[tokio::test(flavor = "multi_thread")]
async fn every_sort_walks_a_promotions_300_codes_once_forward_and_backward() {
    let f = fixture().await;
    let app = &f.app;
    let p1 = key_of(&json!(f.p1));
    let filter = json!({ "promotionId": { "eq": f.p1 } });
    for (field, expr) in SORTS {
        for direction in ["ASC", "DESC"] {
            let sort = json!({ "field": field, "direction": direction });
            let expected = keys(
                app,
                &format!(
                    "SELECT id FROM coupon_codes WHERE merchant_id = {} AND promotion_id = {p1}
                     ORDER BY {expr} {direction}, id {direction}",
                    f.a_m
                ),
            )
            .await;
            assert_eq!(expected.len(), 300);

            // Forward: first 100, after the end cursor.
            let mut seen = Vec::new();
            let mut after = Value::Null;
            let mut pages = 0;
            loop {
                let d = app
                    .data(
                        &f.a,
                        LIST,
                        json!({ "first": 100, "after": after, "filter": filter, "sort": sort }),
                    )
                    .await;
                pages += 1;
                let c = &d["couponCodes"];
                assert_eq!(c["totalCount"], 300);
                assert_eq!(c["pageInfo"]["hasPreviousPage"], !after.is_null());
                seen.extend(nodes(&d));
                if !c["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                    break;
                }
                after = c["pageInfo"]["endCursor"].clone();
            }
            assert_eq!(pages, 3, "{field} {direction}");
            let seen_keys = node_keys(&seen);
            assert_eq!(seen_keys, expected, "{field} {direction}: forward walk");
            assert_eq!(seen_keys.iter().collect::<HashSet<_>>().len(), 300);
            assert!(seen.iter().all(|n| n["promotion"]["id"] == json!(f.p1)));
            // The order is the one the sort names (values from the API, not from SQL).
            for w in seen.windows(2) {
                let (x, y) = (&w[0], &w[1]);
                let ordering = match field {
                    "CODE" => x["code"]
                        .as_str()
                        .unwrap()
                        .to_lowercase()
                        .cmp(&y["code"].as_str().unwrap().to_lowercase()),
                    "USAGE_COUNT" => x["usageCount"]
                        .as_i64()
                        .unwrap()
                        .cmp(&y["usageCount"].as_i64().unwrap()),
                    _ => {
                        let t = |v: &Value| {
                            v.as_str()
                                .unwrap()
                                .parse::<chrono::DateTime<chrono::Utc>>()
                                .unwrap()
                        };
                        t(&x["createdAt"]).cmp(&t(&y["createdAt"]))
                    }
                };
                // CODE compares through PostgreSQL's collation: only check the tie-breaks of the
                // others (codes are unique).
                if field != "CODE" {
                    let ordering = ordering.then(key_of(&x["id"]).cmp(&key_of(&y["id"])));
                    let want = if direction == "ASC" {
                        std::cmp::Ordering::Less
                    } else {
                        std::cmp::Ordering::Greater
                    };
                    assert_eq!(ordering, want, "{field} {direction}: {x} then {y}");
                }
            }

            // Backward: last 100 from the end, then before the start cursor.
            let mut pages_back: Vec<Vec<Value>> = Vec::new();
            let mut before = Value::Null;
            loop {
                let d = app
                    .data(
                        &f.a,
                        LIST,
                        json!({ "last": 100, "before": before, "filter": filter, "sort": sort }),
                    )
                    .await;
                let c = &d["couponCodes"];
                assert_eq!(c["pageInfo"]["hasNextPage"], !before.is_null());
                pages_back.push(nodes(&d));
                if !c["pageInfo"]["hasPreviousPage"].as_bool().unwrap() {
                    break;
                }
                before = c["pageInfo"]["startCursor"].clone();
            }
            assert_eq!(pages_back.len(), 3, "{field} {direction}");
            let back: Vec<Value> = pages_back.into_iter().rev().flatten().collect();
            assert_eq!(
                node_keys(&back),
                expected,
                "{field} {direction}: backward walk"
            );
        }
    }

    // The default is CODE ASC, over every promotion of the merchant.
    let all = keys(
        app,
        &format!(
            "SELECT id FROM coupon_codes WHERE merchant_id = {} ORDER BY lower(code), id",
            f.a_m
        ),
    )
    .await;
    assert_eq!(all.len(), 321);
    let d = app.data(&f.a, LIST, json!({ "first": 250 })).await;
    assert_eq!(d["couponCodes"]["totalCount"], 321);
    assert_eq!(node_keys(&nodes(&d)), all[..250].to_vec());
    let d = app.data(&f.a, LIST, json!({})).await;
    assert_eq!(node_keys(&nodes(&d)), all[..25].to_vec(), "25 by default");

    // A cursor of one sort is refused by another.
    let d = app.data(&f.a, LIST, json!({ "first": 1 })).await;
    let cursor = d["couponCodes"]["pageInfo"]["endCursor"].clone();
    let body = app
        .gql(
            &f.a,
            LIST,
            json!({ "first": 1, "after": cursor, "sort": { "field": "USAGE_COUNT" } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "after", "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_return_exactly_the_matching_codes() {
    let f = fixture().await;
    let app = &f.app;
    let m = f.a_m;
    let a = f.a.as_str();
    let list = |filter: Value| async move {
        let d = app
            .data(a, LIST, json!({ "first": 250, "filter": filter }))
            .await;
        let total = d["couponCodes"]["totalCount"].as_i64().unwrap();
        let found = nodes(&d);
        (total, found)
    };
    let sorted = |mut v: Vec<i64>| {
        v.sort();
        v
    };

    // By promotion.
    let (total, found) = list(json!({ "promotionId": { "eq": f.p2 } })).await;
    assert_eq!(total, 21);
    assert_eq!(
        sorted(node_keys(&found)),
        keys(
            app,
            &format!(
                "SELECT id FROM coupon_codes WHERE merchant_id = {m} AND promotion_id = {}
                 ORDER BY id",
                key_of(&json!(f.p2))
            )
        )
        .await
    );
    let (total, _) = list(json!({ "promotionId": { "in": [f.p1, f.p2] } })).await;
    assert_eq!(total, 321);

    // Code `eq`/`in` ignore case; `startsWith` is a prefix ignoring case (`_` is literal).
    let (total, found) = list(json!({ "code": { "eq": "sINGLE" } })).await;
    assert_eq!(total, 1);
    assert_eq!(found[0]["code"], "Single");
    assert_eq!(found[0]["promotion"]["id"], json!(f.p1));
    let (total, found) = list(json!({ "code": { "in": ["single", "other", "rival"] } })).await;
    assert_eq!(total, 2, "rival's code is not acme's");
    let mut codes: Vec<&str> = found.iter().map(|n| n["code"].as_str().unwrap()).collect();
    codes.sort();
    assert_eq!(codes, ["OTHER", "Single"]);
    let generated = keys(
        app,
        &format!("SELECT id FROM coupon_codes WHERE merchant_id = {m} AND code LIKE 'Gen\\_%' ORDER BY lower(code), id"),
    )
    .await;
    assert_eq!(generated.len(), 299);
    let (total, found) = list(json!({ "code": { "startsWith": "gen_" } })).await;
    assert_eq!(total, 299);
    // The first 250 of them, by code.
    assert_eq!(node_keys(&found), generated[..250].to_vec());
    let (total, _) = list(json!({ "code": { "startsWith": "gen%" } })).await;
    assert_eq!(total, 0, "LIKE wildcards are literal");
    // One generated code by its text in lower case.
    let some = found[17]["code"].as_str().unwrap().to_owned();
    let (total, one) = list(json!({ "code": { "eq": some.to_lowercase() } })).await;
    assert_eq!(total, 1);
    assert_eq!(one[0]["code"], json!(some));

    // Usage count, alone and with the promotion.
    let (total, found) = list(json!({ "usageCount": { "gt": 2 } })).await;
    let want = keys(
        app,
        &format!(
            "SELECT id FROM coupon_codes WHERE merchant_id = {m} AND usage_count > 2 ORDER BY id"
        ),
    )
    .await;
    assert!(!want.is_empty() && want.len() < 321);
    assert_eq!(total, want.len() as i64);
    assert_eq!(sorted(node_keys(&found)), want);
    assert!(found.iter().all(|n| n["usageCount"].as_i64().unwrap() > 2));
    let (total, found) = list(json!({
        "promotionId": { "eq": f.p2 }, "usageCount": { "in": [0, 5] } }))
    .await;
    let want = keys(
        app,
        &format!(
            "SELECT id FROM coupon_codes WHERE merchant_id = {m} AND promotion_id = {}
             AND usage_count IN (0, 5) ORDER BY id",
            key_of(&json!(f.p2))
        ),
    )
    .await;
    assert_eq!(total, want.len() as i64);
    assert_eq!(sorted(node_keys(&found)), want);

    // Created at, and by ID.
    let d = app
        .data(
            &f.a,
            LIST,
            json!({ "first": 1, "sort": { "field": "CREATED_AT", "direction": "ASC" } }),
        )
        .await;
    let oldest = nodes(&d)[0]["createdAt"].clone();
    let (total, _) = list(json!({ "createdAt": { "gt": oldest } })).await;
    let want = keys(
        app,
        &format!(
            "SELECT id FROM coupon_codes WHERE merchant_id = {m}
             AND created_at > (SELECT min(created_at) FROM coupon_codes WHERE merchant_id = {m})"
        ),
    )
    .await;
    assert!(want.len() < 321);
    assert_eq!(total, want.len() as i64);
    let two = [found[0]["id"].clone(), found[1]["id"].clone()];
    let (total, got) = list(json!({ "id": { "in": two } })).await;
    assert_eq!(total, 2);
    assert_eq!(
        node_keys(&got).into_iter().collect::<HashSet<_>>(),
        two.iter().map(key_of).collect::<HashSet<_>>()
    );

    // A wrong kind of ID in a filter names its path.
    let body = app
        .gql(
            &f.a,
            LIST,
            json!({ "filter": { "promotionId": { "eq": two[0] } } }),
        )
        .await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "filter.promotionId.eq",
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn one_code_by_id_tenants_and_scopes() {
    let f = fixture().await;
    let app = &f.app;
    const ONE: &str =
        "query($id: ID!) { couponCode(id: $id) { id code usageCount promotion { id name } } }";
    let d = app
        .data(
            &f.a,
            LIST,
            json!({ "first": 1, "filter": { "code": { "eq": "single" } } }),
        )
        .await;
    let single = nodes(&d)[0]["id"].clone();
    let d = app
        .data(
            &f.b,
            LIST,
            json!({ "first": 1, "filter": { "code": { "eq": "rival" } } }),
        )
        .await;
    let rival = nodes(&d)[0]["id"].clone();
    assert!(single.as_str().unwrap().starts_with("cc_"));

    // Found, by couponCode and by node.
    let d = app.data(&f.a, ONE, json!({ "id": single })).await;
    assert_eq!(d["couponCode"]["code"], "Single");
    assert_eq!(d["couponCode"]["promotion"]["id"], json!(f.p1));
    assert_eq!(d["couponCode"]["promotion"]["name"], "Big batch");
    let d = app
        .data(
            &f.a,
            "query($id: ID!) { node(id: $id) { ... on CouponCode { code } } }",
            json!({ "id": single }),
        )
        .await;
    assert_eq!(d["node"]["code"], "Single");

    // Another merchant's code is null, for both.
    let d = app.data(&f.a, ONE, json!({ "id": rival })).await;
    assert_eq!(d["couponCode"], Value::Null);
    let d = app.data(&f.b, ONE, json!({ "id": single })).await;
    assert_eq!(d["couponCode"], Value::Null);

    // Another kind of ID is bad input naming the argument.
    for bad in [json!(f.p1), json!("cc_nope"), json!("")] {
        let body = app.gql(&f.a, ONE, json!({ "id": bad })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{bad}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "id", "{body}");
        assert_eq!(body["data"]["couponCode"], Value::Null, "{body}");
    }

    // Merchant B with A's promotion or codes finds nothing; with its own, its one code.
    let d = app
        .data(
            &f.b,
            LIST,
            json!({ "filter": { "promotionId": { "eq": f.p1 } } }),
        )
        .await;
    assert_eq!(d["couponCodes"]["totalCount"], 0);
    assert_eq!(nodes(&d), Vec::<Value>::new());
    let d = app
        .data(
            &f.b,
            LIST,
            json!({ "filter": { "id": { "in": [single] } , "code": { "startsWith": "gen" } } }),
        )
        .await;
    assert_eq!(d["couponCodes"]["totalCount"], 0);
    let d = app.data(&f.b, LIST, json!({ "first": 250 })).await;
    assert_eq!(d["couponCodes"]["totalCount"], 1);
    assert_eq!(nodes(&d)[0]["promotion"]["id"], json!(f.p3));
    let d = app
        .data(
            &f.a,
            LIST,
            json!({ "filter": { "promotionId": { "eq": f.p3 } } }),
        )
        .await;
    assert_eq!(d["couponCodes"]["totalCount"], 0);

    // Without promotions:read: FORBIDDEN, for the list, the single code and node.
    let k = app.api_key("acme", "orders:read,pricing:read").await;
    for (q, vars) in [
        (LIST, json!({})),
        (ONE, json!({ "id": single })),
        (
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": single }),
        ),
    ] {
        let body = app.gql(&k, q, vars).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{q}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_of_100_codes_sends_as_many_statements_as_a_page_of_10() {
    let f = fixture().await;
    let app = &f.app;
    // A JWT: authenticating it needs no statement, so the count is the query's alone.
    let token = app.token("acme", "promotions:read").await;
    // Codes of both promotions on every page: sorted by usage count, they interleave.
    let q = "query($n: Int!) { couponCodes(first: $n, sort: { field: USAGE_COUNT }) {
               nodes { code promotion { name } } } }";
    // Warm the merchant cache and the pool.
    app.data(&token, q, json!({ "n": 100 })).await;
    let mut counts = Vec::new();
    for n in [10, 100] {
        let before = app.statements();
        let d = app.data(&token, q, json!({ "n": n })).await;
        counts.push(app.statements() - before);
        let page = nodes(&d);
        assert_eq!(page.len(), n as usize);
        if n == 100 {
            let names: HashSet<&str> = page
                .iter()
                .map(|c| c["promotion"]["name"].as_str().unwrap())
                .collect();
            assert_eq!(names.len(), 2, "both promotions on the page: {names:?}");
        }
    }
    println!("statements for 10 and 100 codes: {counts:?}");
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert!(
        counts[0] <= 2,
        "the page and one promotion batch: {counts:?}"
    );
}
