//! The GraphQL additions the Spree price routes stand on: `priceListUpdate` rules reconciled by
//! id and `productIds`, `PriceList.pricesCount/productsCount/productIds` (one statement for a
//! whole list), `priceListActivate(scheduleFutureStart:)`, rule and price timestamps and
//! reference IDs, and `pricesUpsert` with the amount omitted.

use serde_json::{json, Value};

use super::{act, create, has, ids, UPSERT};
use crate::common::spawn;

const COUNTS: &str = "query($id: ID!) { priceList(id: $id) { pricesCount productsCount productIds
    rules { id kind minQuantity priceListId customerGroupId channelId customerId createdAt updatedAt } } }";

#[tokio::test(flavor = "multi_thread")]
async fn rules_reconcile_by_id_and_product_ids_become_the_lists_products() {
    let app = spawn().await;
    let ids = ids(&app, "alpha").await;
    let d = app
        .data(
            &ids.key,
            "{ products(first: 3) { nodes { id variants { id } } } }",
            json!({}),
        )
        .await;
    let products: Vec<Value> = d["products"]["nodes"].as_array().unwrap().clone();
    let pid = |i: usize| products[i]["id"].clone();
    let list = create(
        &app,
        &ids.key,
        json!({"name": "Reconciled", "productIds": [pid(0), pid(1)],
               "rules": [{"kind": "VOLUME", "minQuantity": 5}, {"kind": "CUSTOMER_GROUP", "customerGroupId": ids.group}]}),
    )
    .await;
    assert_eq!(list["userErrors"], json!([]), "{list}");
    let id = list["priceList"]["id"].clone();
    let shown = app.data(&ids.key, COUNTS, json!({ "id": id })).await["priceList"].clone();
    assert_eq!(shown["productsCount"], 2);
    assert_eq!(shown["pricesCount"], 0);
    let rules = shown["rules"].as_array().unwrap().clone();
    assert_eq!(rules[1]["customerGroupId"], ids.group.as_str());
    assert_eq!(rules[0]["priceListId"], id);
    assert!(rules[0]["createdAt"].is_string() && rules[0]["updatedAt"].is_string());

    // A price of a third product's variant counts that product too.
    let variant = products[2]["variants"][0]["id"].clone();
    let up = app
        .data(&ids.key, UPSERT, json!({"input": [{"variantId": variant, "currency": "USD", "priceListId": id, "amount": "3"}]}))
        .await;
    assert_eq!(up["pricesUpsert"]["userErrors"], json!([]), "{up}");
    let shown = app.data(&ids.key, COUNTS, json!({ "id": id })).await["priceList"].clone();
    assert_eq!(
        (shown["pricesCount"].clone(), shown["productsCount"].clone()),
        (json!(1), json!(3))
    );

    // Reconcile: the volume rule changes in place, the group rule goes, a channel rule comes;
    // the products become [0] alone, so the price of product 2's variant goes.
    let out = act(
        &app,
        &ids.key,
        "priceListUpdate",
        json!({"id": id, "input": {"productIds": [pid(0)], "rules": [
            {"id": rules[0]["id"], "kind": "VOLUME", "minQuantity": 9},
            {"kind": "CHANNEL", "channelId": ids.channel}]}}),
    )
    .await;
    assert_eq!(out["userErrors"], json!([]), "{out}");
    let shown = app.data(&ids.key, COUNTS, json!({ "id": id })).await["priceList"].clone();
    assert_eq!(shown["productIds"], json!([pid(0)]));
    assert_eq!(shown["pricesCount"], 0);
    let after = shown["rules"].as_array().unwrap();
    assert_eq!(after.len(), 2);
    assert_eq!(after[0]["id"], rules[0]["id"]);
    assert_eq!(after[0]["minQuantity"], 9);
    assert_eq!(after[0]["createdAt"], rules[0]["createdAt"]);
    assert_ne!(after[0]["updatedAt"], rules[0]["updatedAt"]);
    assert_eq!(after[1]["channelId"], ids.channel.as_str());

    // Another list's rule, a rule given twice, an unknown product: refused, nothing changes.
    let out = act(
        &app,
        &ids.key,
        "priceListUpdate",
        json!({"id": id, "input": {"name": "Changed", "productIds": [pid(1), "prod_UkLWZg9DAJ"], "rules": [
            {"id": ids.wholesale_rule, "kind": "VOLUME", "minQuantity": 2},
            {"id": after[0]["id"], "kind": "VOLUME", "minQuantity": 2},
            {"id": after[0]["id"], "kind": "VOLUME", "minQuantity": 3}]}}),
    )
    .await;
    assert!(has(&out, "input.rules.0.id", "NOT_FOUND"), "{out}");
    assert!(
        has(&out, "input.rules.2.id", "DUPLICATE_IN_REQUEST"),
        "{out}"
    );
    assert!(has(&out, "input.productIds.1", "INVALID"), "{out}");
    let again = app.data(&ids.key, COUNTS, json!({ "id": id })).await["priceList"].clone();
    assert_eq!(again, shown);
}

#[tokio::test(flavor = "multi_thread")]
async fn counts_of_many_lists_take_one_statement() {
    let app = spawn().await;
    let ids = ids(&app, "alpha").await;
    for i in 0..6 {
        create(&app, &ids.key, json!({"name": format!("Counted {i}")})).await;
    }
    let q = |n: i32| {
        format!(
            "{{ priceLists(first: {n}) {{ nodes {{ pricesCount productsCount productIds }} }} }}"
        )
    };
    let mut counts = Vec::new();
    for n in [2, 6] {
        app.data(&ids.key, &q(n), json!({})).await;
        let before = app.statements();
        app.data(&ids.key, &q(n), json!({})).await;
        counts.push(app.statements() - before);
    }
    assert_eq!(counts[0], counts[1], "{counts:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn activate_can_schedule_a_list_whose_start_is_ahead() {
    let app = spawn().await;
    let ids = ids(&app, "alpha").await;
    let start = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let list = create(&app, &ids.key, json!({"name": "Later", "startsAt": start})).await;
    let id = list["priceList"]["id"].clone();
    let q = "mutation($id: ID!, $s: Boolean!) { priceListActivate(id: $id, scheduleFutureStart: $s) { priceList { status } userErrors { code } } }";
    let d = app.data(&ids.key, q, json!({"id": id, "s": true})).await;
    assert_eq!(d["priceListActivate"]["priceList"]["status"], "SCHEDULED");
    let d = app.data(&ids.key, q, json!({"id": id, "s": false})).await;
    assert_eq!(d["priceListActivate"]["priceList"]["status"], "ACTIVE");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upsert_may_omit_the_amount_of_a_price_that_exists() {
    let app = spawn().await;
    let ids = ids(&app, "alpha").await;
    let (price, variant) = ids.base_prices[0].clone();
    let before = app
        .data(
            &ids.key,
            "query($id: ID!) { price(id: $id) { amount createdAt variantId priceListId } }",
            json!({"id": price}),
        )
        .await["price"]
        .clone();
    assert_eq!(before["variantId"], variant.as_str());
    assert_eq!(before["priceListId"], Value::Null);
    assert!(before["createdAt"].is_string());
    let d = app
        .data(
            &ids.key,
            UPSERT,
            json!({"input": [{"id": price, "compareAtAmount": "999"}]}),
        )
        .await;
    let p = &d["pricesUpsert"];
    assert_eq!(p["userErrors"], json!([]), "{d}");
    assert_eq!(p["prices"][0]["amount"], before["amount"]);
    assert_eq!(p["prices"][0]["compareAtAmount"], "999.00");
    // By key, amount omitted: the stored amount stays.
    let d = app
        .data(
            &ids.key,
            UPSERT,
            json!({"input": [{"variantId": variant, "currency": "USD", "compareAtAmount": null}]}),
        )
        .await;
    assert_eq!(d["pricesUpsert"]["updated"], 1, "{d}");
    assert_eq!(d["pricesUpsert"]["prices"][0]["amount"], before["amount"]);
    // A new price needs one; a compare-at amount is checked against the stored amount.
    let d = app
        .data(
            &ids.key,
            UPSERT,
            json!({"input": [{"variantId": variant, "currency": "NOK"}]}),
        )
        .await;
    assert!(has(&d["pricesUpsert"], "input.0.amount", "REQUIRED"), "{d}");
    let d = app
        .data(
            &ids.key,
            UPSERT,
            json!({"input": [{"id": price, "compareAtAmount": "0"}]}),
        )
        .await;
    assert!(
        has(
            &d["pricesUpsert"],
            "input.0.compareAtAmount",
            "OUT_OF_RANGE"
        ),
        "{d}"
    );
}

const LIST_PRICES: &str = "query($id: ID!) { prices(first: 50, filter: { priceListId: { eq: $id } }, sort: [{field: VARIANT_ID, direction: ASC}]) {
    totalCount nodes { id amount compareAtAmount currency variant { id } } } }";

#[tokio::test(flavor = "multi_thread")]
async fn price_lists_are_written_with_their_prices_in_one_transaction() {
    let app = spawn().await;
    let ids = ids(&app, "alpha").await;
    let other = super::ids(&app, "beta").await;
    let v = |i: usize| ids.variants[i].clone();
    let list = create(
        &app,
        &ids.key,
        json!({"name": "With prices", "prices": [
            {"variantId": v(0), "currency": "USD", "amount": "19.99", "compareAtAmount": "24.99"},
            {"variantId": v(1), "currency": "EUR", "amount": 7}]}),
    )
    .await;
    assert_eq!(list["userErrors"], json!([]), "{list}");
    let id = list["priceList"]["id"].clone();
    let prices = app.data(&ids.key, LIST_PRICES, json!({ "id": id })).await["prices"].clone();
    assert_eq!(prices["totalCount"], 2, "{prices}");
    let by_variant = |p: &Value, variant: &str| {
        p["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["variant"]["id"] == variant)
            .cloned()
            .unwrap()
    };
    let first = by_variant(&prices, &v(0));
    assert_eq!(
        (first["amount"].clone(), first["compareAtAmount"].clone()),
        (json!("19.99"), json!("24.99"))
    );

    // An update upserts by variant + currency and leaves the list's other prices alone.
    let out = act(
        &app,
        &ids.key,
        "priceListUpdate",
        json!({"id": id, "input": {"prices": [
            {"variantId": v(0), "currency": "USD", "amount": "18", "compareAtAmount": null},
            {"variantId": v(2), "currency": "USD", "amount": "5"}]}}),
    )
    .await;
    assert_eq!(out["userErrors"], json!([]), "{out}");
    let prices = app.data(&ids.key, LIST_PRICES, json!({ "id": id })).await["prices"].clone();
    assert_eq!(prices["totalCount"], 3);
    let first = by_variant(&prices, &v(0));
    assert_eq!(first["amount"], "18.00");
    assert_eq!(first["compareAtAmount"], Value::Null, "null removes it");

    // One refused price refuses everything, named under `prices`; nothing is written.
    let before = super::list_count(&app, &ids.key).await;
    for (input, field, code) in [
        (
            json!({"name": "Bad", "prices": [{"variantId": v(0), "currency": "USD", "amount": 1},
                                             {"variantId": other.variants[0], "currency": "USD", "amount": 2}]}),
            "input.prices.1.variantId",
            "NOT_FOUND",
        ),
        (
            json!({"name": "Bad", "prices": [{"variantId": v(0), "currency": "USD", "amount": 5, "compareAtAmount": 4}]}),
            "input.prices.0.compareAtAmount",
            "OUT_OF_RANGE",
        ),
        (
            json!({"name": "Bad", "prices": [{"variantId": v(0), "amount": 5}]}),
            "input.prices.0.currency",
            "REQUIRED",
        ),
        (
            json!({"name": "Bad", "prices": [{"variantId": v(0), "currency": "USD"}]}),
            "input.prices.0.amount",
            "REQUIRED",
        ),
        (
            json!({"name": "", "prices": [{"variantId": v(0), "currency": "USD", "amount": 1}]}),
            "input.name",
            "REQUIRED",
        ),
    ] {
        let out = create(&app, &ids.key, input.clone()).await;
        assert!(has(&out, field, code), "{input}: {out}");
        assert_eq!(out["priceList"], Value::Null);
    }
    assert_eq!(
        super::list_count(&app, &ids.key).await,
        before,
        "no list written"
    );
    let out = act(
        &app,
        &ids.key,
        "priceListUpdate",
        json!({"id": id, "input": {"name": "Renamed", "prices": [
            {"variantId": v(1), "currency": "EUR", "amount": "-1"}]}}),
    )
    .await;
    assert!(has(&out, "input.prices.0.amount", "OUT_OF_RANGE"), "{out}");
    let name = app
        .data(
            &ids.key,
            "query($id: ID!) { priceList(id: $id) { name } }",
            json!({ "id": id }),
        )
        .await["priceList"]["name"]
        .clone();
    assert_eq!(name, "With prices", "the rename rolled back with the price");
    // Another merchant's list is not found, whatever the prices.
    let foreign = act(
        &app,
        &other.key,
        "priceListUpdate",
        json!({"id": id, "input": {"prices": []}}),
    )
    .await;
    assert!(has(&foreign, "id", "NOT_FOUND"), "{foreign}");

    // An empty list on update removes the list's prices.
    let out = act(
        &app,
        &ids.key,
        "priceListUpdate",
        json!({"id": id, "input": {"prices": []}}),
    )
    .await;
    assert_eq!(out["userErrors"], json!([]), "{out}");
    let prices = app.data(&ids.key, LIST_PRICES, json!({ "id": id })).await["prices"].clone();
    assert_eq!(prices["totalCount"], 0);
}
