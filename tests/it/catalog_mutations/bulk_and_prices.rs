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
