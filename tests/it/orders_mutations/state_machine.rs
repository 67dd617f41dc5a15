//! The order state machine's refusals: each transition or edit an order's state does not allow
//! is refused with a clear code (and, for transitions, a message naming both states).

use super::{
    add_q, apply_q, count, create_q, fixtures, mutate, ok, order, path, refused, remove_q,
    transition_q, unapply_q, update_q, Fx, DELETE,
};
use crate::common::{spawn, TestApp};
use diesel_async::SimpleAsyncConnection;
use serde_json::{json, Value};

/// `orderCreate` variables for a USD draft with `lines` and, if given, an email.
fn draft(email: Option<&str>, lines: Value) -> Value {
    let mut input = json!({ "currency": "USD", "lineItems": lines });
    if let Some(e) = email {
        input["email"] = json!(e);
    }
    json!({ "input": input })
}

/// A draft of one tee with an email, completed: its ID and its line's ID.
async fn complete_order(app: &TestApp, fx: &Fx) -> (String, String) {
    let k = &fx.key;
    let placed = ok(
        app,
        k,
        &create_q(),
        draft(
            Some("c@d.example"),
            json!([{ "variantId": fx.tee, "quantity": 1 }]),
        ),
    )
    .await;
    let pid = placed["id"].as_str().unwrap().to_owned();
    let line_id = placed["lineItems"][0]["id"].as_str().unwrap().to_owned();
    ok(app, k, &transition_q("orderComplete"), json!({ "id": pid })).await;
    (pid, line_id)
}

/// An empty draft with an email: its ID.
async fn empty_draft(app: &TestApp, fx: &Fx) -> String {
    let empty = ok(
        app,
        &fx.key,
        &create_q(),
        draft(Some("a@b.example"), json!([])),
    )
    .await;
    empty["id"].as_str().unwrap().to_owned()
}

/// A draft of one tee without an email or customer: its ID.
async fn anonymous_draft(app: &TestApp, fx: &Fx) -> String {
    let anonymous = ok(
        app,
        &fx.key,
        &create_q(),
        draft(None, json!([{ "variantId": fx.tee, "quantity": 1 }])),
    )
    .await;
    anonymous["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_draft_cannot_be_completed() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let empty_id = empty_draft(&app, &fx).await;
    assert_eq!(
        refused(
            &app,
            &fx.key,
            &transition_q("orderComplete"),
            json!({ "id": empty_id })
        )
        .await,
        vec![(path(&["orderId"]), "EMPTY_ORDER".into())]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_without_email_or_customer_cannot_be_completed() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let anon_id = anonymous_draft(&app, &fx).await;
    assert_eq!(
        refused(
            &app,
            &fx.key,
            &transition_q("orderComplete"),
            json!({ "id": anon_id })
        )
        .await,
        vec![(path(&["orderId"]), "MISSING_EMAIL".into())]
    );
}

/// Drafts cannot be canceled, approved or resumed; they are deleted.
#[tokio::test(flavor = "multi_thread")]
async fn drafts_cannot_be_canceled_approved_or_resumed() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let empty_id = empty_draft(&app, &fx).await;
    for name in ["orderCancel", "orderApprove", "orderResume"] {
        let p = mutate(&app, k, &transition_q(name), json!({ "id": empty_id })).await;
        assert_eq!(
            p["userErrors"][0]["code"], "INVALID_TRANSITION",
            "{name}: {p}"
        );
        assert_eq!(p["userErrors"][0]["field"], json!(["orderId"]));
    }
    let p = mutate(
        &app,
        k,
        &transition_q("orderCancel"),
        json!({ "id": empty_id }),
    )
    .await;
    let message = p["userErrors"][0]["message"].as_str().unwrap();
    assert!(message.contains("draft → canceled"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_complete_order_is_not_completed_again_or_resumed() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let (pid, _) = complete_order(&app, &fx).await;
    for name in ["orderComplete", "orderResume"] {
        let p = mutate(&app, k, &transition_q(name), json!({ "id": pid })).await;
        assert_eq!(
            p["userErrors"][0]["code"], "INVALID_TRANSITION",
            "{name}: {p}"
        );
    }
    let p = mutate(
        &app,
        k,
        &transition_q("orderComplete"),
        json!({ "id": pid }),
    )
    .await;
    assert!(p["userErrors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("complete → complete"));
}

/// Lines, coupon codes and the order itself are frozen once it is complete.
#[tokio::test(flavor = "multi_thread")]
async fn a_complete_order_is_not_edited_or_deleted() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let (pid, line_id) = complete_order(&app, &fx).await;
    let not_editable = vec![(path(&["orderId"]), "ORDER_NOT_EDITABLE".to_string())];
    assert_eq!(
        refused(
            &app,
            k,
            &add_q(),
            json!({ "id": pid, "items": [{ "variantId": fx.tee, "quantity": 1 }] })
        )
        .await,
        not_editable
    );
    assert_eq!(
        refused(
            &app,
            k,
            &update_q(),
            json!({ "id": pid, "items": [{ "id": line_id, "quantity": 4 }] })
        )
        .await,
        not_editable
    );
    assert_eq!(
        refused(&app, k, &remove_q(), json!({ "id": pid, "ids": [line_id] })).await,
        not_editable
    );
    assert_eq!(
        refused(&app, k, &apply_q(), json!({ "id": pid, "code": "SAVE10" })).await,
        not_editable
    );
    assert_eq!(
        refused(&app, k, &unapply_q(), json!({ "id": pid })).await,
        not_editable
    );
    let p = mutate(&app, k, DELETE, json!({ "id": pid })).await;
    assert_eq!(p["userErrors"][0]["code"], "ORDER_NOT_EDITABLE");
    assert!(p["deletedId"].is_null());
}

/// Canceled: not canceled again, not approved, not completed; it can be resumed.
#[tokio::test(flavor = "multi_thread")]
async fn a_canceled_order_is_only_resumed() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    let (pid, _) = complete_order(&app, &fx).await;
    ok(&app, k, &transition_q("orderCancel"), json!({ "id": pid })).await;
    for name in ["orderCancel", "orderApprove", "orderComplete"] {
        let p = mutate(&app, k, &transition_q(name), json!({ "id": pid })).await;
        assert_eq!(
            p["userErrors"][0]["code"], "INVALID_TRANSITION",
            "{name}: {p}"
        );
    }
    ok(&app, k, &transition_q("orderResume"), json!({ "id": pid })).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fulfilled_order_cannot_be_canceled() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let (pid, _) = complete_order(&app, &fx).await;
    // Canceled and resumed first, as an order's life may go before it ships.
    ok(
        &app,
        &fx.key,
        &transition_q("orderCancel"),
        json!({ "id": pid }),
    )
    .await;
    ok(
        &app,
        &fx.key,
        &transition_q("orderResume"),
        json!({ "id": pid }),
    )
    .await;
    app.conn()
        .await
        .batch_execute("UPDATE orders SET fulfillment_status = 'fulfilled'")
        .await
        .unwrap();
    assert_eq!(
        refused(
            &app,
            &fx.key,
            &transition_q("orderCancel"),
            json!({ "id": pid })
        )
        .await,
        vec![(path(&["orderId"]), "ORDER_FULFILLED".into())]
    );
}

/// Deleting a draft removes it and its lines (a complete order's line stays); a second delete
/// finds nothing.
#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_draft_removes_it_and_its_lines() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    let k = &fx.key;
    complete_order(&app, &fx).await;
    let anon_id = anonymous_draft(&app, &fx).await;
    let p = mutate(&app, k, DELETE, json!({ "id": anon_id })).await;
    assert_eq!(p["deletedId"], anon_id);
    assert!(order(&app, k, &anon_id).await.is_null());
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) AS id FROM line_items WHERE merchant_id = {}",
                fx.merchant
            )
        )
        .await,
        1,
        "only the placed order's line is left"
    );
    let p = mutate(&app, k, DELETE, json!({ "id": anon_id })).await;
    assert_eq!(p["userErrors"][0]["code"], "NOT_FOUND");
}

/// A malformed order ID, or the ID of another kind of object, is INVALID.
#[tokio::test(flavor = "multi_thread")]
async fn malformed_order_ids_are_invalid() {
    let app = spawn().await;
    let fx = fixtures(&app, "acme").await;
    for id in [json!("or_nope"), json!(fx.ann)] {
        assert_eq!(
            refused(
                &app,
                &fx.key,
                &transition_q("orderComplete"),
                json!({ "id": id })
            )
            .await,
            vec![(path(&["orderId"]), "INVALID".into())],
            "{id}"
        );
    }
}
