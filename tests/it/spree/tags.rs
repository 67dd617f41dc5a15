//! `GET /api/v3/admin/tags?taggable_type=`: the distinct tags of customers and products.

use serde_json::json;

use super::{code, Spree, ALL};
use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn tags_are_listed_per_taggable_type() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let other = Spree::new(&app, "beta", ALL).await;
    for (email, tags) in [
        ("a@example.com", json!(["vip", "wholesale"])),
        ("b@example.com", json!(["vip"])),
    ] {
        let (st, c) = s
            .post("/customers", json!({"email": email, "tags": tags}))
            .await;
        assert_eq!(st, 201, "{c}");
    }
    let (st, p) = s
        .post(
            "/products",
            json!({"name": "P", "tags": ["summer", "Sale"]}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    other
        .post("/products", json!({"name": "Q", "tags": ["theirs"]}))
        .await;

    let (st, t) = s.get("/tags?taggable_type=Spree::User").await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t, json!({"data": [{"name": "vip"}, {"name": "wholesale"}]}));
    let (_, t) = s.get("/tags?taggable_type=Spree::LegacyUser&q=WHOLE").await;
    assert_eq!(t, json!({"data": [{"name": "wholesale"}]}));
    let (_, t) = s.get("/tags?taggable_type=Spree::Product").await;
    assert_eq!(
        t,
        json!({"data": [{"name": "Sale"}, {"name": "summer"}]}),
        "not beta's"
    );
    let (_, t) = s.get("/tags?taggable_type=Spree::Order").await;
    assert_eq!(t, json!({"data": []}));

    let (st, e) = s.get("/tags?taggable_type=Spree::Taxon").await;
    assert_eq!((st, code(&e)), (422, "invalid_taggable_type"), "{e}");
    let (st, e) = s.get("/tags").await;
    assert_eq!(st, 400, "{e}");
    assert!(e["error"]["details"]["taggable_type"].is_array());
    let (st, e) = s.get("/tags?taggable_type=Spree::User&limit=5").await;
    assert_eq!(st, 400, "{e}");
    assert!(e["error"]["details"]["limit"].is_array());

    // The scope follows the type.
    let products_only = Spree::new(&app, "alpha", "read_products").await;
    let (st, _) = products_only
        .get("/tags?taggable_type=Spree::Product")
        .await;
    assert_eq!(st, 200);
    let (st, e) = products_only.get("/tags?taggable_type=Spree::User").await;
    assert_eq!((st, code(&e)), (403, "access_denied"), "{e}");

    // The GraphQL root.
    let d = app
        .data(
            &s.key,
            "{ tags(kind: CUSTOMER, search: \"v\", first: 1) }",
            json!({}),
        )
        .await;
    assert_eq!(d["tags"], json!(["vip"]));
    let r = app
        .gql(&s.key, "{ tags(kind: PRODUCT, first: 0) }", json!({}))
        .await;
    assert_eq!(
        r["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{r}"
    );
}
