use serde_json::json;

use super::{Spree, ALL};
use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn channel_codes_are_spree_slugs_over_one_canonical_code() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, c) = s.post("/channels", json!({"name": "Point of Sale"})).await;
    assert_eq!(st, 201, "{c}");
    assert_eq!(c["code"], "point-of-sale");
    assert_eq!(c["default"], false);
    let id = c["id"].as_str().unwrap();
    // The same code in either spelling is the same channel.
    let (st, e) = s
        .post(
            "/channels",
            json!({"name": "POS 2", "code": "POINT_OF_SALE"}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    let (_, found) = s.get("/channels?q[code_eq]=point-of-sale").await;
    assert_eq!(found["meta"]["count"], 1);
    let gql = app
        .data(
            &s.key,
            "query($id: ID!) { channel(id: $id) { code } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(gql["channel"]["code"], "POINT_OF_SALE");
    let (st, c) = s
        .patch(
            &format!("/channels/{id}"),
            json!({"code": "pos", "active": false}),
        )
        .await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(
        (c["code"].clone(), c["active"].clone()),
        (json!("pos"), json!(false))
    );
    let (st, _) = s.delete(&format!("/channels/{id}")).await;
    assert_eq!(st, 204);
}

#[tokio::test(flavor = "multi_thread")]
async fn products_are_added_to_and_removed_from_a_channel() {
    let app = spawn().await;
    app.seed("alpha", 1, 1).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let d = app
        .data(&s.key, "{ products(first: 2) { nodes { id } } }", json!({}))
        .await;
    let products: Vec<_> = d["products"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].clone())
        .collect();
    let (_, c) = s.post("/channels", json!({"name": "Marketplace"})).await;
    let id = c["id"].as_str().unwrap();
    let (st, r) = s
        .post(
            &format!("/channels/{id}/add_products"),
            json!({"product_ids": products}),
        )
        .await;
    assert_eq!(
        (st, r["product_count"].clone()),
        (200, json!(products.len())),
        "{r}"
    );
    let (st, r) = s
        .post(
            &format!("/channels/{id}/remove_products"),
            json!({"product_ids": [products[0]]}),
        )
        .await;
    assert_eq!((st, r["product_count"].clone()), (200, json!(1)), "{r}");
    let (st, e) = s
        .post(&format!("/channels/{id}/add_products"), json!({}))
        .await;
    assert_eq!(st, 400, "{e}");
    assert!(e["error"]["details"]["product_ids"].is_array());
}
