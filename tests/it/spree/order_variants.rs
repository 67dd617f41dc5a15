//! An order body naming a variant that is gone (deleted, or another merchant's) answers 404,
//! as Spree's lookup of an item's variant does; the details still name the item, and nothing
//! is written.

use serde_json::json;

use super::{code, Spree, ALL};
use crate::common::spawn;

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_variant_in_an_order_body_is_not_found() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (st, p) = s
        .post(
            "/products",
            json!({"name": "Tee", "status": "active", "variants": [
                {"sku": "TEE-S", "prices": [{"currency": "USD", "amount": 10}]},
                {"sku": "TEE-M", "prices": [{"currency": "USD", "amount": 11}]},
                {"sku": "TEE-L", "prices": [{"currency": "USD", "amount": 12}]}]}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    let pid = p["id"].as_str().unwrap();
    let (_, vs) = s.get(&format!("/products/{pid}/variants")).await;
    let sku = |k: &str| {
        vs["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["sku"] == k)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (small, large) = (sku("TEE-S"), sku("TEE-L"));
    let (st, o) = s
        .post(
            "/orders",
            json!({"items": [{"variant_id": small, "quantity": 1}]}),
        )
        .await;
    assert_eq!(st, 201, "{o}");
    let oid = o["id"].as_str().unwrap().to_owned();
    let (st, e) = s.delete(&format!("/products/{pid}/variants/{large}")).await;
    assert_eq!(st, 204, "{e}");
    let (_, before) = s.get(&format!("/orders/{oid}?expand=items")).await;
    let (_, listed) = s.get("/orders?limit=1").await;

    for (st, e, field) in [
        (
            s.post(
                "/orders",
                json!({"email": "x@example.com", "items": [{"variant_id": large, "quantity": 1}]}),
            )
            .await,
            "items[0].variant_id",
        ),
        (
            s.post(
                &format!("/orders/{oid}/items"),
                json!({"variant_id": large, "quantity": 2}),
            )
            .await,
            "variant_id",
        ),
        (
            s.patch(
                &format!("/orders/{oid}"),
                json!({"line_items": [{"variant_id": small, "quantity": 3},
                                      {"variant_id": large, "quantity": 1}]}),
            )
            .await,
            "items[1].variant_id",
        ),
    ]
    .map(|((st, e), f)| (st, e, f))
    {
        assert_eq!((st, code(&e)), (404, "record_not_found"), "{e}");
        assert!(e["error"]["details"][field].is_array(), "{field}: {e}");
    }
    // A refusal with other faults besides stays a 422 naming them all.
    let (st, e) = s
        .post(
            "/orders",
            json!({"email": "not-an-email", "items": [{"variant_id": large, "quantity": 1}]}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(
        s.get(&format!("/orders/{oid}?expand=items")).await.1,
        before
    );
    assert_eq!(s.get("/orders?limit=1").await.1["meta"], listed["meta"]);
}
