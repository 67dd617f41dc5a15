use serde_json::{json, Value};

use super::{code, Spree, ALL};
use crate::common::spawn;

/// Two variants of the seeded catalog that have a USD price.
async fn variants(app: &crate::common::TestApp, key: &str) -> Vec<String> {
    let d = app
        .data(
            key,
            "{ variants(first: 50) { nodes { id prices { currency priceList { id } } } } }",
            json!({}),
        )
        .await;
    d["variants"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| {
            v["prices"].as_array().is_some_and(|p| {
                p.iter()
                    .any(|p| p["currency"] == "USD" && p["priceList"].is_null())
            })
        })
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .take(2)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_takes_items_and_moves_through_its_states() {
    let app = spawn().await;
    app.seed("alpha", 2, 2).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let v = variants(&app, &s.key).await;
    assert_eq!(v.len(), 2, "the seed has priced variants");

    let (st, o) = s
        .post("/orders", json!({"currency": "USD", "email": "buyer@example.com", "items": [{"variant_id": v[0], "quantity": 2}]}))
        .await;
    assert_eq!(st, 201, "{o}");
    assert_eq!(o["status"], "draft");
    assert_eq!(o["total_quantity"], 2);
    assert!(
        o["display_item_total"].as_str().unwrap().starts_with('$'),
        "{o}"
    );
    let id = o["id"].as_str().unwrap().to_owned();

    let (st, li) = s
        .post(&format!("/orders/{id}/items"), json!({"variant_id": v[1]}))
        .await;
    assert_eq!(st, 201, "{li}");
    assert_eq!(
        (li["variant_id"].clone(), li["quantity"].clone()),
        (json!(v[1]), json!(1))
    );
    assert_eq!(li["currency"], "USD");
    let li_id = li["id"].as_str().unwrap().to_owned();
    let (st, li) = s
        .patch(
            &format!("/orders/{id}/items/{li_id}"),
            json!({"quantity": 5}),
        )
        .await;
    assert_eq!((st, li["quantity"].clone()), (200, json!(5)), "{li}");
    let (st, got) = s.get(&format!("/orders/{id}/items/{li_id}")).await;
    assert_eq!((st, got["quantity"].clone()), (200, json!(5)));
    let (_, items) = s.get(&format!("/orders/{id}/items")).await;
    assert_eq!(items["data"].as_array().unwrap().len(), 2);
    let (st, _) = s.delete(&format!("/orders/{id}/items/{li_id}")).await;
    assert_eq!(st, 204);

    let (st, o) = s.get(&format!("/orders/{id}?expand=items,customer")).await;
    assert_eq!(st, 200);
    assert_eq!(o["items"].as_array().unwrap().len(), 1);
    assert_eq!(o["customer"], Value::Null);

    let (st, o) = s.patch(&format!("/orders/{id}/complete"), json!({})).await;
    assert_eq!(st, 200, "{o}");
    assert_eq!(o["status"], "complete");
    assert!(o["completed_at"].is_string());
    let (st, _) = s.patch(&format!("/orders/{id}/approve"), json!({})).await;
    assert_eq!(st, 200);
    let (st, o) = s.patch(&format!("/orders/{id}/cancel"), json!({})).await;
    assert_eq!((st, o["status"].clone()), (200, json!("canceled")));
    let (st, o) = s.patch(&format!("/orders/{id}/resume"), json!({})).await;
    assert_eq!((st, o["status"].clone()), (200, json!("complete")));
    // A placed order is not a draft: no delete, no new items.
    let (st, e) = s.delete(&format!("/orders/{id}")).await;
    assert_eq!(st, 422, "{e}");
    let (st, _) = s
        .post(&format!("/orders/{id}/items"), json!({"variant_id": v[0]}))
        .await;
    assert_eq!(st, 422);

    let (_, complete) = s.get("/orders?q[state_eq]=complete&limit=100").await;
    assert!(complete["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|o| o["id"] == id.as_str()));
    let (_, carts) = s.get("/orders?q[state_eq]=cart&limit=100").await;
    assert!(carts["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["status"] == "draft"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_order_cannot_complete() {
    let app = spawn().await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let (_, o) = s
        .post(
            "/orders",
            json!({"currency": "USD", "email": "buyer@example.com"}),
        )
        .await;
    let (st, e) = s
        .patch(
            &format!("/orders/{}/complete", o["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(code(&e), "order_cannot_complete");
    assert!(e["error"]["details"]["base"].is_array(), "{e}");
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_per_list_request_do_not_grow_with_limit() {
    let app = spawn().await;
    app.seed("alpha", 20, 120).await;
    let s = Spree::new(&app, "alpha", ALL).await;
    let mut counts = Vec::new();
    for limit in [5, 50, 100] {
        // Warm once (credential lookup cache), then count.
        s.get(&format!("/orders?limit={limit}&expand=items")).await;
        let before = app.statements();
        let (st, body) = s.get(&format!("/orders?limit={limit}&expand=items")).await;
        assert_eq!(st, 200, "{body}");
        assert_eq!(body["data"].as_array().unwrap().len(), limit);
        counts.push(app.statements() - before);
    }
    assert!(
        counts.windows(2).all(|w| w[0] == w[1]),
        "statements per request: {counts:?}"
    );
}
