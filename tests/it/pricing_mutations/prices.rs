//! `pricesUpsert` and `pricesDelete`: bulk writes of prices with item errors, error policies,
//! constant statement counts and idempotency keys.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn prices_upsert_creates_updates_and_counts() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let (base_id, base_variant) = a.base_prices[0].clone();
    let other = a.variants.iter().find(|v| **v != base_variant).unwrap();
    let d = app
        .data(&a.key, UPSERT, json!({ "input": [
            // New: an EUR base price (priceListId omitted), with a compare-at price.
            // JSON numbers are accepted as well as decimal strings.
            { "variantId": base_variant, "currency": "EUR", "amount": 9.95, "compareAtAmount": "12" },
            // Existing (seeded): the variant's Wholesale price, by key.
            { "variantId": base_variant, "currency": "USD", "priceListId": a.wholesale, "amount": 4 },
            // Existing: the base USD price, by id (variant and currency repeated unchanged).
            { "id": base_id, "variantId": base_variant, "currency": "USD", "amount": "5.1234", "compareAtAmount": "6" },
            // New: a price in a list for another variant.
            { "variantId": other, "currency": "EUR", "priceListId": a.wholesale, "amount": "0" } ] }))
        .await["pricesUpsert"]
        .clone();
    assert_eq!(d["userErrors"], json!([]));
    assert_eq!(
        (d["created"].as_i64(), d["updated"].as_i64()),
        (Some(2), Some(2))
    );
    let prices = d["prices"].as_array().unwrap();
    assert_eq!(prices.len(), 4);
    assert_eq!(prices[0]["amount"], "9.95");
    assert_eq!(prices[0]["compareAtAmount"], "12.00");
    assert_eq!(prices[0]["currency"], "EUR");
    assert!(prices[0]["priceList"].is_null());
    assert_eq!(prices[1]["amount"], "4.00");
    assert_eq!(prices[1]["priceList"]["id"], a.wholesale.as_str());
    assert_eq!(prices[2]["id"], base_id.as_str());
    assert_eq!(prices[2]["amount"], "5.1234");
    assert_eq!(prices[3]["amount"], "0.00");
    assert_eq!(d["results"][3]["index"], 3);
    assert_eq!(d["results"][3]["price"]["id"], prices[3]["id"]);

    // compareAtAmount: omitted keeps it, null clears it; by key as by id.
    let d = app
        .data(
            &a.key,
            UPSERT,
            json!({ "input": [
            { "id": base_id, "amount": "5.5" },
            { "variantId": base_variant, "currency": "EUR", "amount": "10" } ] }),
        )
        .await["pricesUpsert"]
        .clone();
    assert_eq!(d["userErrors"], json!([]));
    assert_eq!(
        (d["created"].as_i64(), d["updated"].as_i64()),
        (Some(0), Some(2))
    );
    assert_eq!(d["prices"][0]["compareAtAmount"], "6.00");
    assert_eq!(d["prices"][1]["compareAtAmount"], "12.00");
    let d = app
        .data(
            &a.key,
            UPSERT,
            json!({ "input": [
            { "id": base_id, "amount": "7", "compareAtAmount": null },
            { "variantId": base_variant, "currency": "EUR", "amount": "12" } ] }),
        )
        .await["pricesUpsert"]
        .clone();
    assert_eq!(d["userErrors"], json!([]));
    assert_eq!(d["prices"][0]["compareAtAmount"], Value::Null);
    assert_eq!(
        d["prices"][1]["compareAtAmount"], "12.00",
        "equal to the amount is allowed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_upsert_validates_every_item_and_honours_the_error_policy() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let (base_id, base_variant) = a.base_prices[0].clone();
    let all = "{ prices { totalCount } }";
    // Give the base price a compare-at price, to test the merged check.
    app.data(
        &a.key,
        UPSERT,
        json!({ "input": [{ "id": base_id, "amount": "10", "compareAtAmount": "12" }] }),
    )
    .await;
    let before = total(&app, &a.key, all, json!({})).await;
    let v = |i: usize| a.variants[i].clone();
    let input = json!([
        { "variantId": v(1), "currency": "GBP", "amount": "1.5" },
        { "variantId": v(2), "currency": "GBP", "amount": "-1" },
        { "variantId": v(3), "currency": "GBP", "amount": "1.23456" },
        { "variantId": v(4), "currency": "GBP", "amount": "5", "compareAtAmount": "4.99" },
        { "variantId": v(5), "currency": "usd", "amount": "1" },
        { "variantId": v(6), "currency": "XYZ", "amount": "1" },
        { "amount": "1" },
        { "variantId": v(1), "currency": "GBP", "amount": "2" },
        { "id": base_id, "currency": "EUR", "amount": "1" },
        { "variantId": "variant_nope", "currency": "GBP", "amount": "1" },
        { "variantId": base_variant, "currency": "USD", "amount": "15" },
        { "variantId": v(7), "currency": "GBP", "amount": "1000000000000000" },
        { "variantId": v(8), "currency": "GBP", "amount": "3", "compareAtAmount": "-1" },
        { "variantId": v(9), "currency": "GBP", "amount": "2.5" }
    ]);
    let d = app.data(&a.key, UPSERT, json!({ "input": input })).await["pricesUpsert"].clone();
    let expected = [
        ("input.1.amount", "OUT_OF_RANGE"),
        ("input.2.amount", "INVALID"),
        ("input.3.compareAtAmount", "OUT_OF_RANGE"),
        ("input.4.currency", "INVALID"),
        ("input.5.currency", "INVALID"),
        ("input.6.variantId", "REQUIRED"),
        ("input.6.currency", "REQUIRED"),
        ("input.7.variantId", "DUPLICATE_IN_REQUEST"),
        ("input.8.currency", "IMMUTABLE"),
        ("input.9.variantId", "INVALID"),
        ("input.10.amount", "OUT_OF_RANGE"),
        ("input.11.amount", "OUT_OF_RANGE"),
        ("input.12.compareAtAmount", "OUT_OF_RANGE"),
    ];
    for (field, code) in expected {
        assert!(has(&d, field, code), "{field} {code}: {:?}", errors(&d));
    }
    assert_eq!(errors(&d).len(), expected.len(), "{:?}", errors(&d));
    assert_eq!(d["prices"], json!([]));
    assert_eq!(
        (d["created"].as_i64(), d["updated"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(
        total(&app, &a.key, all, json!({})).await,
        before,
        "REJECT_EVERYTHING wrote nothing"
    );
    assert_eq!(
        d["results"][7]["userErrors"][0]["code"],
        "DUPLICATE_IN_REQUEST"
    );

    // REJECT_FAILED_ROWS writes the valid items (0 and 13) only.
    let d = app
        .data(
            &a.key,
            UPSERT,
            json!({ "input": input, "policy": "REJECT_FAILED_ROWS" }),
        )
        .await["pricesUpsert"]
        .clone();
    assert_eq!(errors(&d).len(), expected.len());
    assert_eq!(d["created"], 2);
    let written: Vec<i64> = d["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["price"].is_null())
        .map(|r| r["index"].as_i64().unwrap())
        .collect();
    assert_eq!(written, [0, 13]);
    assert_eq!(total(&app, &a.key, all, json!({})).await, before + 2);
    let base = app
        .data(
            &a.key,
            "query($id: ID!) { node(id: $id) { ... on Price { amount compareAtAmount } } }",
            json!({ "id": base_id }),
        )
        .await;
    assert_eq!(
        base["node"],
        json!({ "amount": "10.00", "compareAtAmount": "12.00" })
    );

    // Request-level limits.
    let d = app.data(&a.key, UPSERT, json!({ "input": [] })).await["pricesUpsert"].clone();
    assert_eq!(errors(&d), [("input".into(), "INVALID".into())]);
    let many: Vec<Value> = (0..10_001)
        .map(|_| json!({ "variantId": v(1), "currency": "GBP", "amount": "1" }))
        .collect();
    let d = app.data(&a.key, UPSERT, json!({ "input": many })).await["pricesUpsert"].clone();
    assert_eq!(errors(&d), [("input".into(), "LIMIT_EXCEEDED".into())]);
    assert!(d["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("10000"));
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_upsert_of_1000_sends_a_constant_number_of_statements() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let token = app.token("acme", SCOPES).await;
    app.data(&token, "{ viewer { scopes } }", json!({})).await;
    // 72 variants × 14 currencies: 1,008 distinct base-price keys.
    let currencies = [
        "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "MXN", "BRL", "COP", "PEN", "CLP", "ARS", "SEK",
        "NOK",
    ];
    let items = |n: usize, amount: &str| -> Vec<Value> {
        a.variants
            .iter()
            .flat_map(|v| currencies.iter().map(move |c| (v.clone(), *c)))
            .take(n)
            .map(|(v, c)| json!({ "variantId": v, "currency": c, "amount": amount }))
            .collect()
    };
    assert!(items(1000, "1").len() == 1000);
    let small = "mutation($input: [PriceInput!]!) { pricesUpsert(input: $input) { created updated userErrors { code } } }";
    let mut counts = Vec::new();
    for (n, amount) in [(10, "1"), (1000, "2"), (1000, "3")] {
        let before = app.statements();
        let d = app
            .data(&token, small, json!({ "input": items(n, amount) }))
            .await;
        counts.push(app.statements() - before);
        assert_eq!(d["pricesUpsert"]["userErrors"], json!([]));
        let (c, u) = (
            d["pricesUpsert"]["created"].as_i64().unwrap(),
            d["pricesUpsert"]["updated"].as_i64().unwrap(),
        );
        assert_eq!(c + u, n as i64);
        if amount == "3" {
            assert_eq!((c, u), (0, 1000), "the second 1,000 only update");
        }
    }
    println!("statements for 10, 1000 (create) and 1000 (update) prices: {counts:?}");
    assert_eq!(counts[0], counts[1], "{counts:?}");
    assert_eq!(counts[1], counts[2], "{counts:?}");
    // BEGIN, lookup, write, COMMIT, and the payload's one load of the rows.
    assert!(counts[0] <= 5, "{counts:?}");

    // By id: 1,000 updates, same count.
    let ids: Vec<Value> = app
        .data(
            &token,
            "{ prices(first: 250, filter: { currency: { eq: \"EUR\" } }) { nodes { id } } }",
            json!({}),
        )
        .await["prices"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!({ "id": p["id"], "amount": "4" }))
        .collect();
    let before = app.statements();
    let d = app.data(&token, small, json!({ "input": ids })).await;
    assert_eq!(
        d["pricesUpsert"]["updated"].as_i64().unwrap(),
        ids.len() as i64
    );
    assert_eq!(app.statements() - before, counts[0]);
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_upsert_with_an_idempotency_key_writes_once() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let input = json!([{ "variantId": a.variants[0], "currency": "CHF", "amount": "3" }]);
    let first = app
        .data(
            &a.key,
            UPSERT,
            json!({ "input": input, "key": "reprice-1" }),
        )
        .await["pricesUpsert"]
        .clone();
    assert_eq!(first["created"], 1);
    let again = app
        .data(
            &a.key,
            UPSERT,
            json!({ "input": input, "key": "reprice-1" }),
        )
        .await["pricesUpsert"]
        .clone();
    assert_eq!(again["created"], 1, "the first result, replayed");
    assert_eq!(again["prices"][0]["id"], first["prices"][0]["id"]);
    let n = app
        .data(
            &a.key,
            "{ prices(filter: { currency: { eq: \"CHF\" } }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(n["prices"]["totalCount"], 1);
    let other = app
        .data(&a.key, UPSERT, json!({ "input": [{ "variantId": a.variants[0], "currency": "CHF", "amount": "4" }], "key": "reprice-1" }))
        .await["pricesUpsert"]
        .clone();
    assert_eq!(
        errors(&other),
        [("idempotencyKey".into(), "IDEMPOTENCY_KEY_REUSED".into())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn prices_delete_in_bulk_with_error_policies() {
    let app = spawn().await;
    let a = ids(&app, "acme").await;
    let del = "mutation($ids: [ID!]!, $policy: ErrorPolicy) { pricesDelete(ids: $ids, errorPolicy: $policy) {
        deletedIds userErrors { field code } } }";
    let (p0, p1) = (a.base_prices[0].0.clone(), a.base_prices[1].0.clone());
    let ids = json!([p0, p1, "price_zzzzzzzzzz", "variant_x", p0]);
    let d = app.data(&a.key, del, json!({ "ids": ids })).await["pricesDelete"].clone();
    assert_eq!(d["deletedIds"], json!([]));
    assert!(
        has(&d, "ids.2", "NOT_FOUND") || has(&d, "ids.2", "INVALID"),
        "{:?}",
        errors(&d)
    );
    assert!(has(&d, "ids.3", "INVALID"), "{:?}", errors(&d));
    assert!(has(&d, "ids.4", "DUPLICATE_IN_REQUEST"), "{:?}", errors(&d));
    let still = app
        .data(
            &a.key,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": p0 }),
        )
        .await;
    assert_eq!(still["node"]["id"], p0.as_str(), "nothing deleted");

    let d = app
        .data(
            &a.key,
            del,
            json!({ "ids": ids, "policy": "REJECT_FAILED_ROWS" }),
        )
        .await["pricesDelete"]
        .clone();
    assert_eq!(d["deletedIds"], json!([p0, p1]));
    let gone = app
        .data(
            &a.key,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": p0 }),
        )
        .await;
    assert!(gone["node"].is_null());
}
