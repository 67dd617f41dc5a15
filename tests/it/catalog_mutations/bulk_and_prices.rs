//! The catalog's GraphQL additions for the Spree routes: base prices nested in product and
//! variant writes (one transaction, paths named to the price), product tags (create, update,
//! `productsAddTags`/`productsRemoveTags`, the `tags` root), `productsSetStatus`,
//! `productsDelete` (all or nothing), `Product.price`/`channels`/`unitsSold`, `Variant.price`
//! and `variantUpdate(productId:)`.

use serde_json::{json, Value};

use crate::common::{error_code, spawn};

const FIELDS: &str = "id name tags unitsSold price { amount currency } \
    variants { id sku price { amount currency } prices { amount currency } }";

#[tokio::test(flavor = "multi_thread")]
async fn nested_prices_and_tags_are_written_with_the_product_or_not_at_all() {
    let app = spawn().await;
    let key = app
        .token("alpha", "catalog:write,catalog:read,pricing:read")
        .await;
    let create = format!(
        "mutation($input: ProductCreateInput!) {{ productCreate(input: $input) {{ product {{ {FIELDS} }} userErrors {{ field code }} }} }}"
    );
    let d = app
        .data(
            &key,
            &create,
            json!({"input": {"name": "Tee", "tags": [" b ", "a", "b"], "variants": [
                {"sku": "T-1", "prices": [{"amount": "5"}, {"currency": "EUR", "amount": "4.5"}]},
                {"sku": "T-2"}]}}),
        )
        .await;
    let p = &d["productCreate"]["product"];
    assert_eq!(d["productCreate"]["userErrors"], json!([]), "{d}");
    assert_eq!(p["tags"], json!(["a", "b"]));
    assert_eq!(p["price"], json!({"amount": "5.00", "currency": "USD"}));
    assert_eq!(p["unitsSold"], 0);
    assert_eq!(p["variants"][0]["prices"].as_array().unwrap().len(), 2);
    assert!(p["variants"][1]["price"].is_null());

    let d = app
        .data(
            &key,
            &create,
            json!({"input": {"name": "Bad", "variants": [{"sku": "B-1", "prices": [{"amount": "1", "compareAtAmount": "0.5"}]}]}}),
        )
        .await;
    assert_eq!(
        d["productCreate"]["userErrors"],
        json!([{"field": ["input", "variants", "0", "prices", "0", "compareAtAmount"], "code": "OUT_OF_RANGE"}])
    );
    let found = app
        .data(
            &key,
            "{ products(search: \"Bad\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(found["products"]["totalCount"], 0);

    // Tags on many products: all or nothing.
    let id = p["id"].clone();
    let tags = "mutation($ids: [ID!]!, $tags: [String!]!) { productsAddTags(ids: $ids, tags: $tags) { products { tags } userErrors { field code } } }";
    let d = app
        .data(
            &key,
            tags,
            json!({"ids": [id, "prod_zzzzzzzzzz"], "tags": ["c"]}),
        )
        .await;
    assert_eq!(d["productsAddTags"]["products"], json!([]), "{d}");
    assert_eq!(d["productsAddTags"]["userErrors"][0]["field"][0], "ids");
    let d = app
        .data(&key, tags, json!({"ids": [id], "tags": ["c"]}))
        .await;
    assert_eq!(
        d["productsAddTags"]["products"],
        json!([{"tags": ["a", "b", "c"]}])
    );
    let d = app.data(&key, "{ tags(kind: PRODUCT) }", json!({})).await;
    assert_eq!(d["tags"], json!(["a", "b", "c"]));

    // Status of many; unknown ones are reported and skipped.
    let d = app
        .data(
            &key,
            "mutation($ids: [ID!]!) { productsSetStatus(ids: $ids, status: \"draft\") { products { status } userErrors { field code } } }",
            json!({"ids": [id, "prod_zzzzzzzzzz"]}),
        )
        .await;
    assert_eq!(
        d["productsSetStatus"]["products"],
        json!([{"status": "draft"}])
    );
    assert_eq!(
        d["productsSetStatus"]["userErrors"],
        json!([{"field": ["ids", "1"], "code": "NOT_FOUND"}])
    );

    // A variant addressed under another product is not found.
    let other = app
        .data(&key, &create, json!({"input": {"name": "Other"}}))
        .await;
    let variant: Value = p["variants"][1]["id"].clone();
    let d = app
        .data(
            &key,
            "mutation($id: ID!, $p: ID!) { variantUpdate(id: $id, productId: $p, input: {prices: [{amount: \"7\"}]}) { variant { price { amount } } userErrors { field code } } }",
            json!({"id": variant, "p": other["productCreate"]["product"]["id"]}),
        )
        .await;
    assert_eq!(
        d["variantUpdate"]["userErrors"],
        json!([{"field": ["id"], "code": "NOT_FOUND"}])
    );
    let d = app
        .data(
            &key,
            "mutation($id: ID!, $p: ID!) { variantUpdate(id: $id, productId: $p, input: {prices: [{amount: \"7\"}]}) { variant { price { amount } } userErrors { field code } } }",
            json!({"id": variant, "p": id}),
        )
        .await;
    assert_eq!(
        d["variantUpdate"]["variant"]["price"]["amount"], "7.00",
        "{d}"
    );

    // Delete many: an unknown product refuses them all.
    let del = "mutation($ids: [ID!]!) { productsDelete(ids: $ids) { deletedIds userErrors { field code } } }";
    let d = app
        .data(&key, del, json!({"ids": [id, "prod_zzzzzzzzzz"]}))
        .await;
    assert_eq!(d["productsDelete"]["deletedIds"], json!([]), "{d}");
    let d = app.data(&key, del, json!({"ids": [id]})).await;
    assert_eq!(d["productsDelete"]["deletedIds"], json!([id]));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_new_fields_keep_their_scopes() {
    let app = spawn().await;
    let reader = app.token("alpha", "customers:read").await;
    let r = app.gql(&reader, "{ tags(kind: PRODUCT) }", json!({})).await;
    assert_eq!(error_code(&r), "FORBIDDEN", "{r}");
    let r = app
        .gql(
            &reader,
            "mutation { productsSetStatus(ids: [], status: \"draft\") { userErrors { code } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&r), "FORBIDDEN", "{r}");
}

const CREATE: &str = "mutation($input: ProductCreateInput!) { productCreate(input: $input) {
    product { id channels { id } variants { id sku position isMaster price { amount compareAtAmount currency }
      prices { amount compareAtAmount currency } } }
    userErrors { field code } } }";

fn codes(p: &Value) -> Vec<(String, String)> {
    p["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let f: Vec<&str> = e["field"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            (f.join("."), e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// `productCreate` publishes on `channelIds`, takes nested `position`s and `compareAtPrice`
/// (the compare-at amount of the default currency's price), all in its transaction.
#[tokio::test(flavor = "multi_thread")]
async fn product_create_publishes_positions_and_compare_at_price() {
    let app = spawn().await;
    app.seed("alpha", 0, 0).await;
    app.seed("beta", 0, 0).await;
    let scopes = "catalog:write,catalog:read,pricing:read,stores:read,stores:write";
    let key = app.token("alpha", scopes).await;
    let beta = app.token("beta", scopes).await;
    let channel = |k: &str| {
        let app = &app;
        let k = k.to_owned();
        async move {
            app.data(&k, "{ channels(first: 1) { nodes { id } } }", json!({}))
                .await["channels"]["nodes"][0]["id"]
                .clone()
        }
    };
    let (ours, theirs) = (channel(&key).await, channel(&beta).await);
    let d = app
        .data(
            &key,
            CREATE,
            json!({"input": {"name": "Pub", "channelIds": [ours, ours], "variants": [
                {"sku": "P-1", "position": 1, "compareAtPrice": "12", "prices": [{"currency": "USD", "amount": 10}, {"currency": "EUR", "amount": 9}]},
                {"sku": "P-2", "compareAtPrice": "8", "prices": [{"amount": "7.5"}]},
                {"sku": "P-3", "position": 7}]}}),
        )
        .await["productCreate"]
        .clone();
    assert_eq!(codes(&d), vec![], "{d}");
    let p = &d["product"];
    assert_eq!(p["channels"], json!([{ "id": ours }]));
    let v = p["variants"].as_array().unwrap();
    let at = |sku: &str| v.iter().find(|x| x["sku"] == sku).unwrap().clone();
    assert_eq!(at("P-1")["position"], 1);
    assert_eq!(
        at("P-1")["isMaster"],
        true,
        "the first listed is the master"
    );
    assert_eq!(at("P-2")["position"], 8, "after the largest given");
    assert_eq!(at("P-3")["position"], 7);
    assert_eq!(at("P-1")["price"]["compareAtAmount"], "12.00");
    let p1 = at("P-1");
    let eur: Vec<&Value> = p1["prices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["currency"] == "EUR")
        .collect();
    assert_eq!(
        eur[0]["compareAtAmount"],
        Value::Null,
        "only the default currency's"
    );
    assert_eq!(
        (
            at("P-2")["price"]["amount"].clone(),
            at("P-2")["price"]["compareAtAmount"].clone()
        ),
        (json!("7.50"), json!("8.00"))
    );

    // Refusals name their field; nothing is written.
    let count = || {
        let app = &app;
        let key = key.clone();
        async move {
            app.data(&key, "{ products { totalCount } }", json!({}))
                .await["products"]["totalCount"]
                .clone()
        }
    };
    let before = count().await;
    for (input, field, code) in [
        (
            json!({"name": "X", "channelIds": [theirs]}),
            "input.channelIds.0",
            "NOT_FOUND",
        ),
        (
            json!({"name": "X", "channelIds": ["ch_nope"]}),
            "input.channelIds.0",
            "INVALID",
        ),
        (
            json!({"name": "X", "variants": [{"position": 2}, {"position": 2}]}),
            "input.variants.1.position",
            "DUPLICATE_IN_REQUEST",
        ),
        (
            json!({"name": "X", "variants": [{"position": -1}]}),
            "input.variants.0.position",
            "OUT_OF_RANGE",
        ),
        (
            json!({"name": "X", "variants": [{"compareAtPrice": 5}]}),
            "input.variants.0.compareAtPrice",
            "REQUIRED",
        ),
        (
            json!({"name": "X", "variants": [{"compareAtPrice": 5, "prices": [{"currency": "EUR", "amount": 1}]}]}),
            "input.variants.0.compareAtPrice",
            "REQUIRED",
        ),
        (
            json!({"name": "X", "variants": [{"compareAtPrice": 5, "prices": [{"currency": "USD", "amount": 6}]}]}),
            "input.variants.0.compareAtPrice",
            "OUT_OF_RANGE",
        ),
        (
            json!({"name": "X", "variants": [{"compareAtPrice": 7, "prices": [{"currency": "USD", "amount": 6, "compareAtAmount": 9}]}]}),
            "input.variants.0.compareAtPrice",
            "INVALID",
        ),
    ] {
        let d = app
            .data(&key, CREATE, json!({ "input": input.clone() }))
            .await["productCreate"]
            .clone();
        assert_eq!(
            codes(&d),
            vec![(field.to_owned(), code.to_owned())],
            "{input}: {d}"
        );
        assert_eq!(d["product"], Value::Null);
    }
    assert_eq!(count().await, before, "nothing written");

    // Publishing needs stores:write.
    let catalog_only = app.token("alpha", "catalog:write,catalog:read").await;
    let r = app
        .gql(
            &catalog_only,
            CREATE,
            json!({"input": {"name": "Y", "channelIds": [ours]}}),
        )
        .await;
    assert_eq!(error_code(&r), "FORBIDDEN", "{r}");
    let r = app
        .gql(
            &catalog_only,
            "mutation($input: ProductCreateInput!) { productCreate(input: $input) { product { id } userErrors { code } } }",
            json!({"input": {"name": "Y", "channelIds": []}}),
        )
        .await;
    assert!(
        r["errors"].is_null(),
        "no channel, no stores:write needed: {r}"
    );

    // variantCreate / variantUpdate take compareAtPrice too; variants filter on isMaster.
    let pid = p["id"].clone();
    let d = app
        .data(
            &key,
            "mutation($p: ID!) { variantCreate(productId: $p, input: {sku: \"P-4\", compareAtPrice: \"3\", prices: [{amount: \"2\"}]}) {
               variant { id price { amount compareAtAmount } } userErrors { field code } } }",
            json!({ "p": pid }),
        )
        .await["variantCreate"]
        .clone();
    assert_eq!(d["variant"]["price"]["compareAtAmount"], "3.00", "{d}");
    let d = app
        .data(
            &key,
            "mutation($id: ID!) { variantUpdate(id: $id, input: {compareAtPrice: \"1\", prices: [{amount: \"2\"}]}) {
               variant { id } userErrors { field code } } }",
            json!({ "id": d["variant"]["id"] }),
        )
        .await["variantUpdate"]
        .clone();
    assert_eq!(
        codes(&d),
        vec![("input.compareAtPrice".to_owned(), "OUT_OF_RANGE".to_owned())]
    );
    let masters = app
        .data(
            &key,
            "query($p: ID!) { variants(filter: {productId: {eq: $p}, isMaster: false}) { totalCount } }",
            json!({ "p": pid }),
        )
        .await["variants"]["totalCount"]
        .clone();
    assert_eq!(masters, 3);
}
