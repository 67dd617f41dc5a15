//! Every order mutation is scoped to the caller's merchant: another merchant's customers,
//! channels, stores, variants, lines, coupon codes and orders are NOT_FOUND, and nothing of
//! theirs changes.

use super::{
    add_q, apply_q, count, create_q, fixtures, mutate, ok, order, path, refused, remove_q,
    transition_q, unapply_q, update_order_q, update_q, Fx, DELETE,
};
use crate::common::{spawn, TestApp};
use diesel_async::SimpleAsyncConnection;
use serde_json::{json, Value};

/// Acme (the caller) and Globex, each with the module's fixtures; Globex has a draft with a line
/// and the SAVE10 coupon, and a complete order.
struct Tenants {
    app: TestApp,
    acme: Fx,
    globex: Fx,
    /// Globex's draft.
    g_id: String,
    /// The line of Globex's draft.
    g_line: String,
    /// Globex's complete order.
    g_placed: String,
    /// Globex's two orders as read before Acme's attempts.
    before: (Value, Value),
}

async fn tenants() -> Tenants {
    let app = spawn().await;
    let acme = fixtures(&app, "acme").await;
    let globex = fixtures(&app, "globex").await;
    let g = ok(
        &app,
        &globex.key,
        &create_q(),
        json!({ "input": { "currency": "USD", "customerId": globex.ann,
        "lineItems": [ { "variantId": globex.tee, "quantity": 4 } ] } }),
    )
    .await;
    let g_id = g["id"].as_str().unwrap().to_owned();
    let g_line = g["lineItems"][0]["id"].as_str().unwrap().to_owned();
    ok(
        &app,
        &globex.key,
        &apply_q(),
        json!({ "id": g_id, "code": "SAVE10" }),
    )
    .await;
    let placed = ok(
        &app,
        &globex.key,
        &create_q(),
        json!({ "input": { "currency": "USD", "email": "g@x.example",
        "lineItems": [ { "variantId": globex.mug, "quantity": 1 } ] } }),
    )
    .await;
    let g_placed = placed["id"].as_str().unwrap().to_owned();
    ok(
        &app,
        &globex.key,
        &transition_q("orderComplete"),
        json!({ "id": g_placed }),
    )
    .await;
    let mut t = Tenants {
        app,
        acme,
        globex,
        g_id,
        g_line,
        g_placed,
        before: (Value::Null, Value::Null),
    };
    t.before = t.globex_orders().await;
    t
}

impl Tenants {
    async fn globex_orders(&self) -> (Value, Value) {
        (
            order(&self.app, &self.globex.key, &self.g_id).await,
            order(&self.app, &self.globex.key, &self.g_placed).await,
        )
    }

    /// Nothing of Globex's changed.
    async fn assert_globex_unchanged(&self) {
        assert_eq!(self.globex_orders().await, self.before);
    }

    /// Acme's own draft of 3 tees for Bob: its ID.
    async fn acme_draft(&self) -> String {
        let a = ok(
            &self.app,
            &self.acme.key,
            &create_q(),
            json!({ "input": { "currency": "USD", "customerId": self.acme.bob,
            "lineItems": [ { "variantId": self.acme.tee, "quantity": 3 } ] } }),
        )
        .await;
        a["id"].as_str().unwrap().to_owned()
    }
}

/// Creating with Globex's customer, channel, store and variant: each NOT_FOUND, no order.
#[tokio::test(flavor = "multi_thread")]
async fn creating_with_another_merchants_references_is_not_found() {
    let t = tenants().await;
    let (app, acme, globex) = (&t.app, &t.acme, &t.globex);
    let errors = refused(app, &acme.key, &create_q(), json!({ "input": { "currency": "USD",
        "customerId": globex.ann, "channelId": globex.web, "storeId": globex.store,
        "lineItems": [ { "variantId": acme.tee, "quantity": 1 }, { "variantId": globex.mug, "quantity": 1 } ] } })).await;
    assert_eq!(
        errors,
        vec![
            (path(&["input", "customerId"]), "NOT_FOUND".to_string()),
            (path(&["input", "channelId"]), "NOT_FOUND".into()),
            (path(&["input", "storeId"]), "NOT_FOUND".into()),
            (
                path(&["input", "lineItems", "1", "variantId"]),
                "NOT_FOUND".into()
            ),
        ]
    );
    assert_eq!(
        count(
            app,
            &format!(
                "SELECT count(*) AS id FROM orders WHERE merchant_id = {}",
                acme.merchant
            )
        )
        .await,
        0
    );
    t.assert_globex_unchanged().await;
}

/// Acme's own draft cannot take Globex's variants, lines, customer, channel or store.
#[tokio::test(flavor = "multi_thread")]
async fn a_draft_cannot_take_another_merchants_variants_lines_or_references() {
    let t = tenants().await;
    let (app, globex, k) = (&t.app, &t.globex, &t.acme.key);
    let a_id = t.acme_draft().await;
    let a_before = order(app, k, &a_id).await;
    assert_eq!(
        refused(
            app,
            k,
            &add_q(),
            json!({ "id": a_id, "items": [ { "variantId": globex.tee, "quantity": 1 } ] })
        )
        .await,
        vec![(path(&["lineItems", "0", "variantId"]), "NOT_FOUND".into())]
    );
    assert_eq!(
        refused(
            app,
            k,
            &update_q(),
            json!({ "id": a_id, "items": [ { "id": t.g_line, "quantity": 1 } ] })
        )
        .await,
        vec![(path(&["lineItems", "0", "id"]), "NOT_FOUND".into())]
    );
    assert_eq!(
        refused(
            app,
            k,
            &remove_q(),
            json!({ "id": a_id, "ids": [t.g_line] })
        )
        .await,
        vec![(path(&["lineItemIds", "0"]), "NOT_FOUND".into())]
    );
    let errors = refused(
        app,
        k,
        &update_order_q(),
        json!({ "id": a_id, "input": {
        "customerId": globex.ann, "channelId": globex.web, "storeId": globex.store } }),
    )
    .await;
    assert_eq!(
        errors,
        vec![
            (path(&["input", "customerId"]), "NOT_FOUND".to_string()),
            (path(&["input", "channelId"]), "NOT_FOUND".into()),
            (path(&["input", "storeId"]), "NOT_FOUND".into()),
        ]
    );
    assert_eq!(order(app, k, &a_id).await, a_before);
    t.assert_globex_unchanged().await;
}

/// Globex's codes are unknown to Acme (both merchants have a SAVE10; Acme's is deleted first).
#[tokio::test(flavor = "multi_thread")]
async fn another_merchants_coupon_codes_are_unknown() {
    let t = tenants().await;
    let (app, k) = (&t.app, &t.acme.key);
    let a_id = t.acme_draft().await;
    app.conn()
        .await
        .batch_execute(&format!(
            "DELETE FROM coupon_codes WHERE merchant_id = {} AND code = 'SAVE10'",
            t.acme.merchant
        ))
        .await
        .unwrap();
    assert_eq!(
        refused(app, k, &apply_q(), json!({ "id": a_id, "code": "SAVE10" })).await,
        vec![(path(&["code"]), "NOT_FOUND".into())]
    );
    t.assert_globex_unchanged().await;
}

/// Every mutation on Globex's orders (a draft and a complete one) with Acme's key: NOT_FOUND
/// at orderId; Acme cannot even read them, and they stay as they were.
#[tokio::test(flavor = "multi_thread")]
async fn every_mutation_on_another_merchants_orders_is_not_found() {
    let t = tenants().await;
    let (app, acme, k) = (&t.app, &t.acme, &t.acme.key);
    let g_line = &t.g_line;
    let not_found = vec![(path(&["orderId"]), "NOT_FOUND".to_string())];
    for id in [&t.g_id, &t.g_placed] {
        assert_eq!(
            refused(
                app,
                k,
                &add_q(),
                json!({ "id": id, "items": [ { "variantId": acme.tee, "quantity": 1 } ] })
            )
            .await,
            not_found
        );
        assert_eq!(
            refused(
                app,
                k,
                &update_q(),
                json!({ "id": id, "items": [ { "id": g_line, "quantity": 1 } ] })
            )
            .await,
            not_found
        );
        assert_eq!(
            refused(app, k, &remove_q(), json!({ "id": id, "ids": [g_line] })).await,
            not_found
        );
        assert_eq!(
            refused(app, k, &apply_q(), json!({ "id": id, "code": "SAVE10" })).await,
            not_found
        );
        assert_eq!(
            refused(app, k, &unapply_q(), json!({ "id": id })).await,
            not_found
        );
        for name in [
            "orderComplete",
            "orderCancel",
            "orderApprove",
            "orderResume",
        ] {
            assert_eq!(
                refused(app, k, &transition_q(name), json!({ "id": id })).await,
                not_found,
                "{name}"
            );
        }
        let p = mutate(app, k, DELETE, json!({ "id": id })).await;
        assert_eq!(p["userErrors"][0]["code"], "NOT_FOUND");
        assert!(order(app, k, id).await.is_null());
    }
    t.assert_globex_unchanged().await;
    assert_eq!(t.before.0["couponCode"]["code"], "SAVE10");
    assert_eq!(t.before.0["lineItems"][0]["quantity"], 4);
    assert_eq!(t.before.1["status"], "COMPLETE");
}
