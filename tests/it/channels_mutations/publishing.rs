//! `channelPublishProducts` / `channelUnpublishProducts`: idempotent, with a result per ID, item
//! errors at their index, the error policy deciding what is written, and request-level refusals.

use super::{channel_id, errors, product_ids, published, sorted, PUBLISH, RW, UNPUBLISH};
use crate::common::{spawn, TestApp};
use commerce_gateway::ids::{self, Kind};
use serde_json::{json, Value};

/// Acme and Globex seeded (no customers or orders); Acme's KIOSK channel, unpublished.
struct Kiosk {
    app: TestApp,
    key: String,
    globex: String,
    kiosk: String,
    /// Acme's product IDs.
    products: Vec<String>,
    /// Globex's product IDs.
    theirs: Vec<String>,
}

async fn kiosk() -> Kiosk {
    let app = spawn().await;
    app.seed("acme", 0, 0).await;
    app.seed("globex", 0, 0).await;
    let key = app.api_key("acme", RW).await;
    let globex = app.api_key("globex", RW).await;
    let kiosk = channel_id(&app, &key, "KIOSK").await;
    let products = product_ids(&app, &key).await;
    let theirs = product_ids(&app, &globex).await;
    assert!(published(&app, &key, &kiosk).await.is_empty());
    Kiosk {
        app,
        key,
        globex,
        kiosk,
        products,
        theirs,
    }
}

impl Kiosk {
    /// Publishes `ids` on KIOSK (default policy), returns the payload.
    async fn publish(&self, ids: Value) -> Value {
        self.app
            .data(&self.key, PUBLISH, json!({ "ch": self.kiosk, "ids": ids }))
            .await["channelPublishProducts"]
            .clone()
    }

    async fn published(&self) -> Vec<String> {
        published(&self.app, &self.key, &self.kiosk).await
    }

    /// Acme's 6th and 7th products between a malformed ID, an unknown product, Globex's product
    /// and a customer's ID.
    fn mixed(&self) -> Value {
        let products = &self.products;
        json!([
            products[5],
            "prod_@@@",
            ids::encode(Kind::Product, 987_654_321),
            self.theirs[0],
            ids::encode(Kind::Customer, 1),
            products[6]
        ])
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn publishing_adds_the_products_with_a_result_per_id() {
    let k = kiosk().await;
    let p = k.publish(json!(k.products[..3])).await;
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(p["channel"]["code"], "KIOSK");
    assert_eq!(p["results"][2]["index"], 2);
    assert_eq!(p["results"][2]["product"]["id"], k.products[2]);
    assert_eq!(k.published().await, sorted(k.products[..3].to_vec()));
}

/// Publishing again (with overlap and a repeated ID) changes nothing but adds the new one.
#[tokio::test(flavor = "multi_thread")]
async fn publishing_again_only_adds_the_new_products() {
    let k = kiosk().await;
    let products = &k.products;
    k.publish(json!(products[..3])).await;
    let p = k
        .publish(json!([products[0], products[1], products[1], products[3]]))
        .await;
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(k.published().await, sorted(products[..4].to_vec()));
}

/// Malformed, unknown and another merchant's IDs are item errors with their index; under
/// REJECT_EVERYTHING (the default) nothing is written.
#[tokio::test(flavor = "multi_thread")]
async fn bad_ids_are_item_errors_and_by_default_nothing_is_written() {
    let k = kiosk().await;
    k.publish(json!(k.products[..4])).await;
    let p = k.publish(k.mixed()).await;
    assert_eq!(
        errors(&p),
        [
            (json!(["productIds", "1"]), "INVALID".into()),
            (json!(["productIds", "2"]), "NOT_FOUND".into()),
            (json!(["productIds", "3"]), "NOT_FOUND".into()),
            (json!(["productIds", "4"]), "INVALID".into()),
        ]
    );
    assert_eq!(p["results"][0]["product"], Value::Null);
    assert_eq!(p["results"][0]["userErrors"], json!([]));
    assert_eq!(k.published().await.len(), 4);
}

/// REJECT_FAILED_ROWS writes the valid ones; the other merchant's product is published nowhere.
#[tokio::test(flavor = "multi_thread")]
async fn reject_failed_rows_publishes_the_valid_products_only() {
    let k = kiosk().await;
    let products = &k.products;
    k.publish(json!(products[..4])).await;
    let d = k
        .app
        .data(
            &k.key,
            PUBLISH,
            json!({ "ch": k.kiosk, "ids": k.mixed(), "policy": "REJECT_FAILED_ROWS" }),
        )
        .await;
    let p = &d["channelPublishProducts"];
    assert_eq!(errors(p).len(), 4);
    assert_eq!(p["results"][0]["product"]["id"], products[5]);
    assert_eq!(p["results"][5]["product"]["id"], products[6]);
    let mut expected = products[..4].to_vec();
    expected.extend([products[5].clone(), products[6].clone()]);
    assert_eq!(k.published().await, sorted(expected));
    let d = k
        .app
        .data(
            &k.globex,
            "{ channels { nodes { products { id } } } }",
            json!({}),
        )
        .await;
    assert!(d["channels"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["products"] == json!([])));
}

/// Unpublish is idempotent: a product not published is no error.
#[tokio::test(flavor = "multi_thread")]
async fn unpublishing_is_idempotent() {
    let k = kiosk().await;
    let products = &k.products;
    k.publish(json!([
        products[0],
        products[1],
        products[2],
        products[3],
        products[5],
        products[6]
    ]))
    .await;
    let d = k
        .app
        .data(
            &k.key,
            UNPUBLISH,
            json!({ "ch": k.kiosk, "ids": [products[0], products[5], products[10]] }),
        )
        .await;
    let p = &d["channelUnpublishProducts"];
    assert_eq!(p["userErrors"], json!([]));
    assert_eq!(p["results"].as_array().unwrap().len(), 3);
    let expected = sorted(vec![
        products[1].clone(),
        products[2].clone(),
        products[3].clone(),
        products[6].clone(),
    ]);
    assert_eq!(k.published().await, expected);
    let d = k
        .app
        .data(
            &k.key,
            UNPUBLISH,
            json!({ "ch": k.kiosk, "ids": [products[0]] }),
        )
        .await;
    assert_eq!(d["channelUnpublishProducts"]["userErrors"], json!([]));
    assert_eq!(k.published().await, expected);
}

/// Request-level problems: an unknown channel, more than 1,000 IDs; nothing changes.
#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_channel_or_too_many_ids_are_refused() {
    let k = kiosk().await;
    let products = &k.products;
    k.publish(json!(products[..2])).await;
    let d = k
        .app
        .data(
            &k.key,
            PUBLISH,
            json!({ "ch": ids::encode(Kind::Channel, 987_654_321), "ids": [products[9]] }),
        )
        .await;
    assert_eq!(
        errors(&d["channelPublishProducts"]),
        [(json!(["channelId"]), "NOT_FOUND".into())]
    );
    assert_eq!(d["channelPublishProducts"]["channel"], Value::Null);
    let many: Vec<String> = (0..1001).map(|_| products[0].clone()).collect();
    let p = k.publish(json!(many)).await;
    assert_eq!(
        errors(&p),
        [(json!(["productIds"]), "LIMIT_EXCEEDED".into())]
    );
    assert_eq!(k.published().await, sorted(products[..2].to_vec()));
}
