//! `couponCodesGenerate`: codes in bulk with a prefix, in a constant number of statements,
//! capped at 100,000 per promotion, idempotent with a key, refused with argument paths, and
//! scoped to the caller's merchant.

use super::{count, create, errors, setup, GENERATE};
use crate::common::{spawn, TestApp};
use crate::promo_fixtures::n;
use serde_json::{json, Value};

/// A coupon promotion of Acme's with the single code SINGLE: the app, Acme's internal key, Acme's
/// and the rival's API keys, and the promotion's ID.
async fn batch() -> (TestApp, i64, String, String, Value) {
    let app = spawn().await;
    let (a, _, ka, kb) = setup(&app).await;
    let p = create(
        &app,
        &ka,
        json!({ "name": "Batch", "kind": "coupon_code", "code": "SINGLE" }),
    )
    .await;
    let id = p["promotion"]["id"].clone();
    (app, a.m, ka, kb, id)
}

/// Codes of merchant `m`, counted in the database.
async fn codes(app: &TestApp, m: i64) -> i64 {
    count(app, "coupon_codes", m).await
}

/// 10 or 5,000 codes: the same number of statements, every code distinct (case-insensitively),
/// prefixed, unused, and the promotion switched to many codes.
#[tokio::test(flavor = "multi_thread")]
async fn ten_or_5000_codes_take_the_same_number_of_statements() {
    let (app, m, ka, _, id) = batch().await;
    let mut statements = Vec::new();
    for (n_codes, prefix) in [(10, "SMALL-"), (5000, "big_")] {
        let before = app.statements();
        let started = std::time::Instant::now();
        let d = app
            .data(
                &ka,
                GENERATE,
                json!({ "id": id, "n": n_codes, "prefix": prefix }),
            )
            .await;
        statements.push(app.statements() - before);
        println!("couponCodesGenerate of {n_codes}: {:?}", started.elapsed());
        let g = &d["couponCodesGenerate"];
        assert_eq!(errors(g), vec![]);
        assert_eq!(g["count"], n_codes);
        let page = g["couponCodes"].as_array().unwrap();
        assert_eq!(
            page.len(),
            n_codes.min(100) as usize,
            "the first page is bounded"
        );
        assert!(page
            .iter()
            .all(|c| c["code"].as_str().unwrap().starts_with(prefix) && c["usageCount"] == 0));
        assert_eq!(g["promotion"]["multiCodes"], true);
        assert_eq!(g["promotion"]["codePrefix"], prefix);
    }
    assert_eq!(
        statements[0], statements[1],
        "statements do not grow with the number of codes: {statements:?}"
    );
    let mut c = app.conn().await;
    assert_eq!(codes(&app, m).await, 5011);
    assert_eq!(
        n(
            &mut c,
            &format!(
                "SELECT count(DISTINCT lower(code)) AS n FROM coupon_codes WHERE merchant_id = {m}"
            )
        )
        .await,
        5011
    );
    assert_eq!(n(&mut c, &format!("SELECT count(*) AS n FROM coupon_codes WHERE merchant_id = {m} AND code ~ '^big_[A-Z2-9]{{10}}$'")).await, 5000);
    let d = app
        .data(
            &ka,
            "query($id: ID!) { promotion(id: $id) { numberOfCodes } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(d["promotion"]["numberOfCodes"], 5011);
}

/// The total of a promotion's codes is capped at 100,000: one code over it generates none.
#[tokio::test(flavor = "multi_thread")]
async fn the_total_is_capped_at_100_000() {
    let (app, m, ka, _, id) = batch().await;
    app.data(
        &ka,
        GENERATE,
        json!({ "id": id, "n": 10, "prefix": "big_" }),
    )
    .await;
    let d = app
        .data(&ka, GENERATE, json!({ "id": id, "n": 100_000 - 11 + 1 }))
        .await;
    assert_eq!(
        errors(&d["couponCodesGenerate"]),
        vec![("numberOfCodes".into(), "LIMIT_EXCEEDED".into())]
    );
    assert_eq!(d["couponCodesGenerate"]["count"], 0);
    assert_eq!(codes(&app, m).await, 11);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_default_prefix_is_the_last_one_used() {
    let (app, _, ka, _, id) = batch().await;
    app.data(
        &ka,
        GENERATE,
        json!({ "id": id, "n": 10, "prefix": "big_" }),
    )
    .await;
    let d = app.data(&ka, GENERATE, json!({ "id": id, "n": 3 })).await;
    assert!(d["couponCodesGenerate"]["couponCodes"][0]["code"]
        .as_str()
        .unwrap()
        .starts_with("big_"));
}

/// Idempotent retries do not generate twice: the retry answers the first codes.
#[tokio::test(flavor = "multi_thread")]
async fn a_retry_with_the_same_key_does_not_generate_twice() {
    let (app, m, ka, _, id) = batch().await;
    let vars = json!({ "id": id, "n": 7, "prefix": "G-", "key": "gen-1" });
    let first = app.data(&ka, GENERATE, vars.clone()).await;
    let again = app.data(&ka, GENERATE, vars).await;
    assert_eq!(
        first["couponCodesGenerate"]["couponCodes"],
        again["couponCodesGenerate"]["couponCodes"]
    );
    assert_eq!(again["couponCodesGenerate"]["count"], 7);
    assert_eq!(codes(&app, m).await, 1 + 7);
}

/// Bad requests name the argument and write nothing.
#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_name_the_argument_and_write_nothing() {
    let (app, m, ka, _, _) = batch().await;
    let auto = create(&app, &ka, json!({ "name": "Auto", "kind": "automatic" })).await;
    let fresh = create(
        &app,
        &ka,
        json!({ "name": "Fresh", "kind": "coupon_code", "code": "FRESH" }),
    )
    .await;
    for (vars, expected) in [
        (
            json!({ "id": auto["promotion"]["id"], "n": 5, "prefix": "A" }),
            ("promotionId", "INVALID"),
        ),
        (
            json!({ "id": fresh["promotion"]["id"], "n": 5 }),
            ("codePrefix", "REQUIRED"),
        ),
        (
            json!({ "id": fresh["promotion"]["id"], "n": 5, "prefix": "no spaces" }),
            ("codePrefix", "INVALID"),
        ),
        (
            json!({ "id": fresh["promotion"]["id"], "n": 0, "prefix": "Z" }),
            ("numberOfCodes", "OUT_OF_RANGE"),
        ),
        // Over the documented limit in one request: LIMIT_EXCEEDED, like a total over it.
        (
            json!({ "id": fresh["promotion"]["id"], "n": 100_001, "prefix": "Z" }),
            ("numberOfCodes", "LIMIT_EXCEEDED"),
        ),
        (
            json!({ "id": "cus_abc", "n": 5, "prefix": "Z" }),
            ("promotionId", "INVALID"),
        ),
    ] {
        let d = app.data(&ka, GENERATE, vars.clone()).await;
        assert_eq!(
            errors(&d["couponCodesGenerate"]),
            vec![(expected.0.into(), expected.1.into())],
            "{vars}"
        );
    }
    // SINGLE and FRESH only.
    assert_eq!(codes(&app, m).await, 2);
}

/// Another merchant's promotion is not found and gets no codes.
#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_promotion_gets_no_codes() {
    let (app, m, _, kb, id) = batch().await;
    let d = app
        .data(&kb, GENERATE, json!({ "id": id, "n": 5, "prefix": "EVIL" }))
        .await;
    assert_eq!(
        errors(&d["couponCodesGenerate"]),
        vec![("promotionId".into(), "NOT_FOUND".into())]
    );
    let mut c = app.conn().await;
    assert_eq!(
        n(
            &mut c,
            "SELECT count(*) AS n FROM coupon_codes WHERE code LIKE 'EVIL%'"
        )
        .await,
        0
    );
    assert_eq!(
        n(&mut c, "SELECT count(*) AS n FROM coupon_codes").await,
        1,
        "SINGLE only: the rival got none"
    );
    assert_eq!(codes(&app, m).await, 1);
}
