//! Variant writes one at a time: created after the last, SKU rules, updates with CONFLICT and
//! TAKEN, exactly one master per product, and no deletion of a master or a referenced variant.

use super::{
    add_line_item, create_q, errors, product, variant_create_q, variant_update_q, RW,
    VARIANT_DELETE,
};
use crate::common::{spawn, TestApp};
use commerce_gateway::ids::{self, Kind};
use serde_json::{json, Value};

/// Acme's product "Shake" with SH-S (the master) and SH-M, and a catalog:write key.
struct Shake {
    app: TestApp,
    key: String,
    product: Value,
    master: Value,
    medium: Value,
}

async fn shake() -> Shake {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    let d = app
        .data(
            &key,
            &create_q(),
            json!({ "input": { "name": "Shake", "variants": [{ "sku": "SH-S" }, { "sku": "SH-M" }] } }),
        )
        .await;
    let product = d["productCreate"]["product"].clone();
    let master = product["variants"][0].clone();
    let medium = product["variants"][1].clone();
    Shake {
        app,
        key,
        product,
        master,
        medium,
    }
}

impl Shake {
    /// Creates SH-L ("Size: L"), returns the `variantCreate` payload.
    async fn create_large(&self) -> Value {
        let d = self
            .app
            .data(
                &self.key,
                &variant_create_q(),
                json!({ "p": self.product["id"], "input": { "sku": " SH-L ", "optionsText": "Size: L" } }),
            )
            .await;
        d["variantCreate"].clone()
    }

    async fn update(&self, vars: Value) -> Value {
        self.app.data(&self.key, &variant_update_q(), vars).await["variantUpdate"].clone()
    }

    async fn delete(&self, id: &Value) -> Value {
        self.app
            .data(&self.key, VARIANT_DELETE, json!({ "id": id }))
            .await["variantDelete"]
            .clone()
    }
}

/// Create: appended after the last, not the master, the SKU trimmed.
#[tokio::test(flavor = "multi_thread")]
async fn a_new_variant_comes_after_the_last_and_is_not_the_master() {
    let s = shake().await;
    let c = s.create_large().await;
    assert_eq!(c["userErrors"], json!([]));
    assert_eq!(c["variant"]["sku"], "SH-L");
    assert_eq!(c["variant"]["position"], 2);
    assert_eq!(c["variant"]["isMaster"], false);
    assert_eq!(c["variant"]["product"]["id"], s.product["id"]);
}

/// SKU rules apply on create: taken, empty; and positions are not negative.
#[tokio::test(flavor = "multi_thread")]
async fn variant_create_refuses_taken_or_empty_skus_and_negative_positions() {
    let s = shake().await;
    for (input, field, code) in [
        (json!({ "sku": "SH-M" }), json!(["input", "sku"]), "TAKEN"),
        (json!({ "sku": "" }), json!(["input", "sku"]), "INVALID"),
        (
            json!({ "position": -1 }),
            json!(["input", "position"]),
            "OUT_OF_RANGE",
        ),
    ] {
        let d = s
            .app
            .data(
                &s.key,
                &variant_create_q(),
                json!({ "p": s.product["id"], "input": input }),
            )
            .await;
        assert_eq!(errors(&d["variantCreate"]), [(field, code.to_owned())]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn variant_create_on_an_unknown_product_is_not_found() {
    let s = shake().await;
    let d = s
        .app
        .data(
            &s.key,
            &variant_create_q(),
            json!({ "p": ids::encode(Kind::Product, 987_654_321), "input": {} }),
        )
        .await;
    assert_eq!(
        errors(&d["variantCreate"]),
        [(json!(["productId"]), "NOT_FOUND".into())]
    );
}

/// Update: null removes the SKU, omitted fields stay.
#[tokio::test(flavor = "multi_thread")]
async fn variant_update_with_null_removes_the_sku_and_keeps_omitted_fields() {
    let s = shake().await;
    let large = s.create_large().await["variant"].clone();
    let u = s
        .update(json!({ "id": large["id"], "input": { "sku": null, "position": 7 }, "at": large["updatedAt"] }))
        .await;
    assert_eq!(u["userErrors"], json!([]));
    assert_eq!(u["variant"]["sku"], Value::Null);
    assert_eq!(u["variant"]["position"], 7);
    assert_eq!(u["variant"]["optionsText"], "Size: L");
}

/// An update expecting a timestamp an earlier update replaced is a CONFLICT.
#[tokio::test(flavor = "multi_thread")]
async fn variant_update_with_a_stale_timestamp_is_a_conflict() {
    let s = shake().await;
    let large = s.create_large().await["variant"].clone();
    let u = s
        .update(json!({ "id": large["id"], "input": { "position": 7 }, "at": large["updatedAt"] }))
        .await;
    assert_eq!(u["userErrors"], json!([]));
    let u = s
        .update(json!({ "id": large["id"], "input": { "optionsText": "XL" }, "at": large["updatedAt"] }))
        .await;
    assert_eq!(
        errors(&u),
        [(json!(["expectedUpdatedAt"]), "CONFLICT".into())]
    );
}

/// Another variant's SKU is TAKEN; keeping its own SKU is not.
#[tokio::test(flavor = "multi_thread")]
async fn variant_update_refuses_another_variants_sku_but_not_its_own() {
    let s = shake().await;
    let large = s.create_large().await["variant"].clone();
    let u = s
        .update(json!({ "id": large["id"], "input": { "sku": "SH-S" } }))
        .await;
    assert_eq!(errors(&u), [(json!(["input", "sku"]), "TAKEN".into())]);
    let u = s
        .update(json!({ "id": s.medium["id"], "input": { "sku": "SH-M", "optionsText": "M" } }))
        .await;
    assert_eq!(u["userErrors"], json!([]));
}

/// The master cannot be un-mastered nor deleted.
#[tokio::test(flavor = "multi_thread")]
async fn the_master_cannot_be_unmastered_or_deleted() {
    let s = shake().await;
    let u = s
        .update(json!({ "id": s.master["id"], "input": { "isMaster": false } }))
        .await;
    assert_eq!(
        errors(&u),
        [(json!(["input", "isMaster"]), "MASTER_VARIANT".into())]
    );
    let d = s.delete(&s.master["id"]).await;
    assert_eq!(errors(&d), [(json!(["id"]), "MASTER_VARIANT".into())]);
}

/// Moving the flag is one update, and the product keeps exactly one master.
#[tokio::test(flavor = "multi_thread")]
async fn making_a_variant_the_master_leaves_exactly_one() {
    let s = shake().await;
    let u = s
        .update(json!({ "id": s.medium["id"], "input": { "isMaster": true } }))
        .await;
    assert_eq!(u["variant"]["isMaster"], true);
    let masters: Vec<Value> = product(&s.app, &s.key, &s.product["id"]).await["variants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["isMaster"] == true)
        .map(|v| v["id"].clone())
        .collect();
    assert_eq!(masters, [s.medium["id"].clone()]);
}

/// An ordinary variant (here the former master) is deletable; one that line items reference is
/// retired: not found any more, its SKU free, while the order still shows it.
#[tokio::test(flavor = "multi_thread")]
async fn an_ordinary_variant_is_deletable_and_a_sold_one_retired() {
    let s = shake().await;
    let large = s.create_large().await["variant"].clone();
    s.update(json!({ "id": s.medium["id"], "input": { "isMaster": true } }))
        .await;
    let mut conn = s.app.conn().await;
    add_line_item(&mut conn, "acme", large["id"].as_str().unwrap(), "T-2").await;
    let d = s.delete(&large["id"]).await;
    assert_eq!(d["userErrors"], json!([]), "{d}");
    assert_eq!(d["deletedId"], large["id"]);
    let d = s.delete(&large["id"]).await;
    assert_eq!(errors(&d), [(json!(["id"]), "NOT_FOUND".into())]);
    let shown = product(&s.app, &s.key, &s.product["id"]).await;
    assert!(
        !shown["variants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == large["id"]),
        "a retired variant leaves its product's variants: {shown}"
    );
    let found = s
        .app
        .data(
            &s.key,
            "query($id: ID!) { variant(id: $id) { id } node(id: $id) { id } }",
            json!({ "id": large["id"] }),
        )
        .await;
    assert_eq!(found, json!({"variant": null, "node": null}));
    let reader = s.app.api_key("acme", "orders:read,catalog:read").await;
    let lines = s
        .app
        .data(
            &reader,
            "{ orders(first: 5) { nodes { lineItems { variant { id sku product { id } } } } } }",
            json!({}),
        )
        .await;
    let sold: Vec<&Value> = lines["orders"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|o| o["lineItems"].as_array().unwrap())
        .filter(|l| l["variant"]["id"] == large["id"])
        .collect();
    assert_eq!(
        sold.len(),
        1,
        "the order still shows the variant it sold: {lines}"
    );
    assert_eq!(sold[0]["variant"]["sku"], "SH-L");
    let again = s.create_large().await;
    assert_eq!(
        again["userErrors"],
        json!([]),
        "the SKU is free again: {again}"
    );
    let d = s.delete(&s.master["id"]).await;
    assert_eq!(d["userErrors"], json!([]));
    assert_eq!(d["deletedId"], s.master["id"]);
    let d = s.delete(&s.master["id"]).await;
    assert_eq!(errors(&d), [(json!(["id"]), "NOT_FOUND".into())]);
}

/// The last variant is the master: deleting it is refused (delete the product instead).
#[tokio::test(flavor = "multi_thread")]
async fn the_last_variant_cannot_be_deleted() {
    let s = shake().await;
    let d = s
        .app
        .data(
            &s.key,
            &create_q(),
            json!({ "input": { "name": "Single" } }),
        )
        .await;
    let only = d["productCreate"]["product"]["variants"][0]["id"].clone();
    let p = s.delete(&only).await;
    assert_eq!(errors(&p), [(json!(["id"]), "MASTER_VARIANT".into())]);
    assert!(p["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("delete the product"));
}
